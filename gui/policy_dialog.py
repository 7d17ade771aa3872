"""The data dir's rules about temporary storage, changed by an administrator from the transfer page.

Opened with `open()` (never a blocking exec); the page saves the changes through the session."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QPlainTextEdit, QVBoxLayout

from gui import texts
from gui.widgets import message_label, named


class PolicyDialog(QDialog):
    def __init__(self, policy, settings_file, parent=None) -> None:
        super().__init__(parent)
        named(self, "policy_dialog", texts.POLICY_DIALOG_TITLE)
        self.setWindowTitle(texts.POLICY_DIALOG_TITLE)
        intro = message_label("policy_intro")
        intro.setText(texts.POLICY_DIALOG_TEXT.format(file=settings_file))
        self.level = named(QComboBox(), "temporary_storage", texts.POLICY_LEVEL)
        for value, label in texts.POLICY_LEVELS.items():
            self.level.addItem(label, value)
        self.level.setCurrentIndex(max(0, self.level.findData(policy.temporary_storage)))
        self.paths = named(QPlainTextEdit("\n".join(policy.temporary_paths)), "temporary_paths", texts.POLICY_PATHS)
        self.paths.setTabChangesFocus(True)
        self.paths.setMaximumHeight(90)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        named(buttons.button(QDialogButtonBox.StandardButton.Save), "save_policy", "Save")
        named(buttons.button(QDialogButtonBox.StandardButton.Cancel), "cancel_policy", "Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(texts.POLICY_LEVEL + ":", self.level)
        form.addRow(texts.POLICY_PATHS + ":", self.paths)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, 300)

    def changes(self) -> dict:
        """The settings as chosen, for `Session.set_policy`."""
        paths = [line.strip() for line in self.paths.toPlainText().splitlines() if line.strip()]
        return {"temporary_storage": self.level.currentData(), "temporary_paths": paths}
