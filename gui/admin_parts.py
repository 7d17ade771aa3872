"""The small parts of the Accounts and groups window: tables of names, password fields, and the
dialog that resets a password (with the rules said before anything is typed)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from gui import texts
from gui.widgets import message_label, named, show_message


def password_field(object_name: str, accessible: str) -> QLineEdit:
    field = named(QLineEdit(), object_name, accessible)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(texts.PASSWORD_PLACEHOLDER)
    return field


def button(text: str, object_name: str) -> QPushButton:
    return named(QPushButton(text), object_name, text.rstrip("…"))


def name_table(object_name: str, accessible: str, columns: list[str]) -> QTableWidget:
    table = named(QTableWidget(0, len(columns)), object_name, accessible)
    table.setHorizontalHeaderLabels(columns)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fill(table: QTableWidget, rows: list[list[str]], keep: str | None) -> None:
    """Rows of text; the row whose first cell is `keep` stays selected."""
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))
    names = [cells[0] for cells in rows]
    if keep in names:
        table.selectRow(names.index(keep))


def selected_name(table: QTableWidget) -> str | None:
    rows = table.selectionModel().selectedRows()
    return table.item(rows[0].row(), 0).text() if rows else None


class PasswordDialog(QDialog):
    """A new password typed twice, with the rules said before anything is typed. Opened with `open()`."""

    def __init__(self, name: str, parent=None) -> None:
        super().__init__(parent)
        title = texts.RESET_PASSWORD_TITLE.format(name=name)
        named(self, "password_dialog", title)
        self.setWindowTitle(title)
        intro = message_label("password_intro")
        intro.setText(texts.RESET_PASSWORD_TEXT.format(name=name) + " " + texts.PASSWORD_RULES)
        self.password = password_field("new_password", texts.PASSWORD)
        self.again = password_field("new_password_again", texts.PASSWORD_AGAIN)
        self.problem = message_label("password_problem")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        named(self.buttons.button(QDialogButtonBox.StandardButton.Ok), "save_password", texts.RESET_PASSWORD)
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(texts.PASSWORD + ":", self.password)
        form.addRow(texts.PASSWORD_AGAIN + ":", self.again)
        layout = QVBoxLayout(self)
        for part in (intro, form, self.problem, self.buttons):
            layout.addLayout(part) if isinstance(part, QFormLayout) else layout.addWidget(part)

    def _check(self) -> None:
        if self.password.text() != self.again.text():
            show_message(self.problem, texts.PASSWORDS_DIFFER, problem=True)
            return
        self.accept()
