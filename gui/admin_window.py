"""Accounts and groups of a data dir, for its administrators: create, disable and enable accounts, reset
a password, create groups with their level, add and remove members and owners.

A non-modal window beside the wizard; every change goes through the signed-in session (which refuses
what this account may not do, in a sentence), off the GUI thread, and the lists are read again after it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.api import count
from gui import texts
from gui.admin_parts import PasswordDialog, button, fill, name_table, password_field, selected_name
from gui.operations import plain_sentence
from gui.widgets import message_label, named, show_message


class AdminWindow(QWidget):
    """Opened from the wizard's tools panel as `AdminWindow(state, ops, parent)`, for the signed-in
    administrator (the session refuses anyone else's changes in any case)."""

    def __init__(self, state, ops, parent=None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.session, self.ops = state.session, ops
        self.accounts: list[dict] = []
        self.groups: list[dict] = []
        self.busy = False
        self._ops: set = set()  # running engine calls: nothing is delivered to a closed window
        self._keep_group: str | None = None  # the group to show after the lists are read again
        self._password_dialog: PasswordDialog | None = None
        named(self, "admin_window", texts.ADMIN_TITLE)
        self.setWindowTitle(texts.ADMIN_TITLE)
        intro = message_label("admin_intro")
        intro.setText(texts.ADMIN_INTRO.format(path=self.session.data_dir.root))
        self.tabs = named(QTabWidget(), "admin_tabs", texts.ADMIN_TITLE)
        self.tabs.addTab(self._accounts_tab(), texts.ACCOUNTS_TAB)
        self.tabs.addTab(self._groups_tab(), texts.GROUPS_TAB)
        self.status = message_label("admin_status")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        self.resize(820, 600)
        self.reload()

    # --- the accounts tab ---------------------------------------------------------------------

    def _accounts_tab(self) -> QWidget:
        self.account_table = name_table("accounts_table", texts.ACCOUNTS_TAB, texts.ACCOUNT_COLUMNS)
        self.toggle_enabled = button(texts.DISABLE_ACCOUNT, "toggle_enabled")
        self.toggle_enabled.setToolTip(texts.DISABLE_EXPLAINED)
        self.reset_password = button(texts.RESET_PASSWORD, "reset_password")
        self.new_name = named(QLineEdit(), "new_account_name", texts.ACCOUNT_NAME)
        self.new_password = password_field("new_account_password", texts.PASSWORD)
        self.new_again = password_field("new_account_password_again", texts.PASSWORD_AGAIN)
        self.new_admin = named(QCheckBox(texts.ADMINISTRATOR), "new_account_admin", texts.ADMINISTRATOR)
        self.create_account = button(texts.CREATE_ACCOUNT, "create_account")
        rules = message_label("password_rules")
        rules.setText(texts.PASSWORD_RULES)
        disable_note = message_label("disable_note")
        disable_note.setText(texts.DISABLE_EXPLAINED)
        buttons = QHBoxLayout()
        buttons.addWidget(self.toggle_enabled)
        buttons.addWidget(self.reset_password)
        buttons.addStretch()
        box = named(QGroupBox(texts.NEW_ACCOUNT), "new_account", texts.NEW_ACCOUNT)
        form = QFormLayout(box)
        form.addRow(rules)
        form.addRow(texts.ACCOUNT_NAME + ":", self.new_name)
        form.addRow(texts.PASSWORD + ":", self.new_password)
        form.addRow(texts.PASSWORD_AGAIN + ":", self.new_again)
        form.addRow("", self.new_admin)
        form.addRow("", self.create_account)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.account_table, 1)
        layout.addLayout(buttons)
        layout.addWidget(disable_note)
        layout.addWidget(box)
        self.account_table.itemSelectionChanged.connect(self._account_selected)
        self.toggle_enabled.clicked.connect(self._toggle_enabled)
        self.reset_password.clicked.connect(self._ask_password)
        self.create_account.clicked.connect(self._create_account)
        self.new_again.returnPressed.connect(self._create_account)
        return tab

    def _account(self, name: str | None) -> dict | None:
        return next((a for a in self.accounts if a["name"] == name), None)

    def _account_selected(self) -> None:
        account = self._account(selected_name(self.account_table))
        enabled = account is None or account.get("enabled", True)
        self.toggle_enabled.setText(texts.DISABLE_ACCOUNT if enabled else texts.ENABLE_ACCOUNT)
        self.toggle_enabled.setAccessibleName(self.toggle_enabled.text())
        self.toggle_enabled.setEnabled(account is not None and not self.busy)
        self.reset_password.setEnabled(account is not None and not self.busy)

    def _toggle_enabled(self) -> None:
        account = self._account(selected_name(self.account_table))
        if account is None:
            return
        enable = not account.get("enabled", True)
        if not enable and account["name"] == self.session.account_name:
            show_message(self.status, texts.NOT_YOURSELF, problem=True)
            return
        done = texts.ACCOUNT_ENABLED if enable else texts.ACCOUNT_DISABLED
        self._change(self.session.set_account_enabled, account["name"], enable, done=done.format(name=account["name"]))

    def _ask_password(self) -> None:
        name = selected_name(self.account_table)
        if name is None:
            return
        self._password_dialog = PasswordDialog(name, self)
        self._password_dialog.accepted.connect(lambda: self._save_password(name))
        self._password_dialog.open()

    def _save_password(self, name: str) -> None:
        password = self._password_dialog.password.text()
        self._change(self.session.reset_password, name, password, done=texts.PASSWORD_RESET.format(name=name))

    def _create_account(self) -> None:
        name = self.new_name.text().strip()
        if not name:
            show_message(self.status, texts.NEED_NAME, problem=True)
            return
        if self.new_password.text() != self.new_again.text():
            show_message(self.status, texts.PASSWORDS_DIFFER, problem=True)
            return
        self._change(
            self.session.add_account,
            name,
            self.new_password.text(),
            self.new_admin.isChecked(),
            done=texts.ACCOUNT_CREATED.format(name=name),
            then=self._clear_new_account,
        )

    def _clear_new_account(self) -> None:
        for field in (self.new_name, self.new_password, self.new_again):
            field.clear()
        self.new_admin.setChecked(False)

    # --- the groups tab -----------------------------------------------------------------------

    def _groups_tab(self) -> QWidget:
        self.group_list = named(QListWidget(), "groups_list", texts.GROUPS_TAB)
        self.new_group_name = named(QLineEdit(), "new_group_name", texts.GROUP_NAME)
        self.new_group_level, new_level_explained = self._level_combo("new_group_level")
        self.create_group = button(texts.CREATE_GROUP, "create_group")
        new_box = named(QGroupBox(texts.NEW_GROUP), "new_group", texts.NEW_GROUP)
        new_form = QFormLayout(new_box)
        new_form.addRow(texts.GROUP_NAME + ":", self.new_group_name)
        new_form.addRow(texts.GROUP_LEVEL + ":", self.new_group_level)
        new_form.addRow("", new_level_explained)
        new_form.addRow("", self.create_group)
        left = QVBoxLayout()
        left.addWidget(self.group_list, 1)
        left.addWidget(new_box)

        self.group_box = named(QGroupBox(), "group_details", texts.GROUP)
        self.group_note = message_label("group_note")
        self.group_level, level_explained = self._level_combo("group_level")
        self.member_table = name_table("members_table", texts.MEMBER_COLUMNS[0], texts.MEMBER_COLUMNS)
        self.remove_member = button(texts.REMOVE_MEMBER, "remove_member")
        self.toggle_owner = button(texts.MAKE_OWNER, "toggle_owner")
        self.member_to_add = named(QComboBox(), "member_to_add", texts.ADD_MEMBER)
        self.add_as_owner = named(QCheckBox(texts.AS_OWNER), "add_as_owner", texts.AS_OWNER)
        self.add_member = button(texts.ADD_MEMBER, "add_member")
        member_buttons = QHBoxLayout()
        member_buttons.addWidget(self.remove_member)
        member_buttons.addWidget(self.toggle_owner)
        member_buttons.addStretch()
        add_row = QHBoxLayout()
        add_label = QLabel(texts.ADD_A_MEMBER + ":")
        add_label.setBuddy(self.member_to_add)
        add_row.addWidget(add_label)
        add_row.addWidget(self.member_to_add, 1)
        add_row.addWidget(self.add_member)
        right = QVBoxLayout(self.group_box)
        right.addWidget(self.group_note)
        level_form = QFormLayout()
        level_form.addRow(texts.GROUP_LEVEL + ":", self.group_level)
        level_form.addRow("", level_explained)
        right.addLayout(level_form)
        right.addWidget(self.member_table, 1)
        right.addLayout(member_buttons)
        right.addLayout(add_row)
        right.addWidget(self.add_as_owner)

        tab = QWidget()
        layout = QHBoxLayout(tab)
        layout.addLayout(left, 2)
        layout.addWidget(self.group_box, 3)
        self.group_list.currentRowChanged.connect(lambda _row: self._show_group())
        self.member_table.itemSelectionChanged.connect(self._member_selected)
        self.create_group.clicked.connect(self._create_group)
        self.new_group_name.returnPressed.connect(self._create_group)
        self.group_level.activated.connect(self._level_chosen)
        self.add_member.clicked.connect(self._add_member)
        self.remove_member.clicked.connect(self._remove_member)
        self.toggle_owner.clicked.connect(self._toggle_owner)
        return tab

    def _level_combo(self, object_name: str) -> tuple[QComboBox, QLabel]:
        """A list of the levels and, under it, what the chosen one means."""
        combo = named(QComboBox(), object_name, texts.GROUP_LEVEL)
        explained = message_label(f"{object_name}_explained")
        for level, label in texts.GROUP_LEVELS.items():
            combo.addItem(label, level)
            combo.setItemData(combo.count() - 1, texts.GROUP_LEVELS_EXPLAINED[level], Qt.ItemDataRole.ToolTipRole)

        def explain(_index: int) -> None:
            explained.setText(texts.GROUP_LEVELS_EXPLAINED[combo.currentData()])
            combo.setAccessibleDescription(explained.text())

        combo.currentIndexChanged.connect(explain)
        explain(0)
        return combo, explained

    def _group(self) -> dict | None:
        item = self.group_list.currentItem()
        name = item.data(Qt.ItemDataRole.UserRole) if item else None
        return next((g for g in self.groups if g["name"] == name), None)

    def _show_group(self) -> None:
        group = self._group()
        chosen = group is not None
        for w in (self.group_level, self.member_table, self.member_to_add, self.add_member, self.add_as_owner):
            w.setEnabled(chosen)
        self.group_box.setTitle(texts.THE_GROUP.format(name=group["name"]) if group else texts.GROUP)
        show_message(self.group_note, "" if chosen else texts.NO_GROUP_CHOSEN if self.groups else texts.NO_GROUPS_YET)
        self.group_note.setVisible(not chosen)
        if group is None:
            self.member_table.setRowCount(0)
            self.member_to_add.clear()
            self._member_selected()
            return
        self.group_level.setCurrentIndex(max(0, self.group_level.findData(group["permissions"])))
        members = sorted(group["members"], key=lambda m: m["name"])
        keep = selected_name(self.member_table)
        fill(self.member_table, [[m["name"], texts.YES if m["owner"] else texts.NO] for m in members], keep)
        inside = {m["name"] for m in members}
        self.member_to_add.clear()
        self.member_to_add.addItems([a["name"] for a in self.accounts if a["name"] not in inside])
        self._member_selected()

    def _member(self) -> dict | None:
        group, name = self._group(), selected_name(self.member_table)
        return next((m for m in group["members"] if m["name"] == name), None) if group else None

    def _member_selected(self) -> None:
        member = self._member()
        self.remove_member.setEnabled(member is not None and not self.busy)
        self.toggle_owner.setEnabled(member is not None and not self.busy)
        self.toggle_owner.setText(texts.UNMAKE_OWNER if member and member["owner"] else texts.MAKE_OWNER)
        self.toggle_owner.setAccessibleName(self.toggle_owner.text())
        self.add_member.setEnabled(self._group() is not None and self.member_to_add.count() > 0 and not self.busy)

    def _create_group(self) -> None:
        name = self.new_group_name.text().strip()
        if not name:
            show_message(self.status, texts.NEED_NAME, problem=True)
            return
        level = self.new_group_level.currentData()
        self._change(
            self.session.create_group,
            name,
            level,
            done=texts.GROUP_CREATED.format(name=name),
            then=lambda: (self.new_group_name.clear(), setattr(self, "_keep_group", name)),
        )

    def _level_chosen(self, _index: int) -> None:
        group, level = self._group(), self.group_level.currentData()
        if group is None or level == group["permissions"]:
            return
        done = texts.LEVEL_CHANGED.format(name=group["name"], level=texts.GROUP_LEVELS[level].lower())
        self._change(self.session.set_group_permissions, group["name"], level, done=done)

    def _add_member(self) -> None:
        group, account = self._group(), self.member_to_add.currentText()
        if group is None or not account:
            return
        done = texts.MEMBER_ADDED.format(account=account, group=group["name"])
        self._change(self.session.add_member, group["name"], account, self.add_as_owner.isChecked(), done=done)

    def _remove_member(self) -> None:
        group, member = self._group(), self._member()
        if group is None or member is None:
            return
        done = texts.MEMBER_REMOVED.format(account=member["name"], group=group["name"])
        self._change(self.session.remove_member, group["name"], member["name"], done=done)

    def _toggle_owner(self) -> None:
        group, member = self._group(), self._member()
        if group is None or member is None:
            return
        owner = not member["owner"]
        what = texts.OWNER_WORD if owner else texts.MEMBER_WORD
        done = texts.OWNER_CHANGED.format(account=member["name"], what=what, group=group["name"])
        self._change(self.session.add_member, group["name"], member["name"], owner, done=done)

    # --- every change the same way: off the GUI thread, a sentence after it, the lists read again

    def _change(self, fn, *args, done: str, then=None) -> None:
        if self.busy:
            return
        self._set_busy(True)
        show_message(self.status, texts.WORKING)

        def succeeded(_result) -> None:
            show_message(self.status, done)
            if then is not None:
                then()

        self._run(self.ops.op(fn, *args).success(succeeded).failure(self._failed).finished(self.reload))

    def _failed(self, exc: BaseException) -> None:
        show_message(self.status, plain_sentence(exc), problem=True)
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for w in (self.create_account, self.create_group):
            w.setEnabled(not busy)
        self._account_selected()
        self._member_selected()

    def reload(self) -> None:
        """Read the accounts and groups again (after every change, and when the window opens)."""
        self._set_busy(True)
        session = self.session
        found = self.ops.op(lambda: (session.accounts(), session.groups()))
        self._run(found.success(self._loaded).failure(self._failed))

    def _run(self, op) -> None:
        self._ops.add(op)
        op.run_in_background()
        self._ops = {o for o in self._ops if o.running}

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        for op in self._ops:
            op.cancel()
        super().closeEvent(event)

    def _loaded(self, found) -> None:
        self.accounts, self.groups = found
        rows = [
            [
                a["name"],
                texts.YES if a["admin"] else texts.NO,
                texts.YES if a.get("enabled", True) else texts.DISABLED_NOTE,
                ", ".join(a.get("groups", [])),
            ]
            for a in self.accounts
        ]
        fill(self.account_table, rows, selected_name(self.account_table))
        keep = self._keep_group or (self._group() or {}).get("name")
        self._keep_group = None
        self.group_list.blockSignals(True)
        self.group_list.clear()
        for g in self.groups:
            item = QListWidgetItem(f"{g['name']}  ({g['permissions']}, {count(len(g['members']), 'member')})")
            item.setData(Qt.ItemDataRole.UserRole, g["name"])
            self.group_list.addItem(item)
            if g["name"] == keep:
                self.group_list.setCurrentItem(item)
        self.group_list.blockSignals(False)
        self._set_busy(False)
        self._show_group()
