"""The import wizard: pages with explicit ids that fill one plan; the responsibilities page commits."""

from gui.wizard.wizard import ImportWizard, PageId

__all__ = ["ImportWizard", "PageId"]
