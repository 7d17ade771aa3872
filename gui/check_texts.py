"""The texts of the tools panel and of the "Check imported data" window, in our own words
(gui/texts.py holds the wizard's pages' texts)."""

TOOLS_TITLE = "Beside the import"
TOOL_CHECK_DATA = "Check imported data…"

CHECK_TITLE = "Check imported data"
