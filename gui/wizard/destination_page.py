"""Destination: the group and the person the import is for (when there is a choice), an existing or new
project and dataset, and how filesets are named.

The Project and Dataset lists can be typed into: a name that matches one in the list chooses it,
any other name is a new one, created with the import. "New…" opens a labelled field for the same.
While a name is typed only the field and Next change; the rest of the form (the datasets of the
project, the new-name rows, the note, why Next waits) follows when the person leaves the field,
presses Enter, or stops typing for FORM_PAUSE_MS: over `ssh -X` every line drawn again at each key
is uploaded again (a key cost 56 KB with the note, 162 KB with a row appearing; now about 24 KB).
The Group list is shown to someone who may import into several groups (their default chosen), "Import
for" only to those who may import for others (administrators and group owners).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from engine.api import Target
from gui import texts
from gui.widgets import message_label, named, narrow_fields, show_message
from gui.wizard.page import WizardPage

NONE, NEW = -1, -2
FORM_PAUSE_MS = 1500  # the form follows a typed name once typing stops this long


def _typeable(combo: QComboBox) -> QComboBox:
    """An editable list that completes from its entries (anywhere in the name) and never adds to them."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return combo


def _who_and_where(session) -> tuple[list[dict], list[dict], dict[str, str | None], list[str]]:
    """The containers, the groups this account sees with their members, the default group of each
    account it sees, and the people it may import for (worker thread)."""
    defaults = {a["name"]: a["default_group"] for a in session.accounts()}
    defaults[session.account_name] = session.default_group
    return session.containers(), session.groups(), defaults, session.import_for_candidates()


def groups_for(groups: list[dict], person: str, me: str, admin: bool) -> list[str]:
    """The groups an import for `person` may go into: theirs, and when they are someone else, only
    those I own unless I am an administrator (the engine's rule for --sudo and -g)."""

    def member(g: dict, name: str, owner: bool = False) -> bool:
        return any(m["name"] == name and (m["owner"] or not owner) for m in g["members"])

    return [g["name"] for g in groups if member(g, person) and (person == me or admin or member(g, me, owner=True))]


def _keep_room(widget) -> None:
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


def _kept(widget: QWidget) -> QWidget:
    """The widget in a holder that keeps its room while it is hidden (a form's rows do not): the new-name
    rows come and go as a name is typed, and a form that moves is uploaded again over ssh -X (390 KB)."""
    holder = QWidget()
    box = QHBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(widget, 1)
    box.addStretch()  # a field narrower than the row stays at its left, as wide as it may be
    _keep_room(widget)
    return holder


def _choice(combo: QComboBox) -> int | str | None:
    """What a list says: an entry's data (an id, NONE or NEW), a typed new name, or None when empty."""
    text = combo.currentText().strip()
    if not text:
        return None
    index = combo.findText(text, Qt.MatchFlag.MatchFixedString)  # case-insensitive, whole name
    return combo.itemData(index) if index >= 0 else text


class DestinationPage(WizardPage):
    def __init__(self, state, ops) -> None:
        super().__init__()
        self.state, self.ops = state, ops
        self.containers: list[dict] = []
        self.loading = False  # the lists of projects, datasets, groups and people are being fetched
        self._filling = False  # the lists are being filled: their text changes are not typing
        self._typed_in: QLineEdit | None = None  # the field a name is being typed in
        self.setTitle(texts.DEST_TITLE)
        self.setSubTitle(texts.DEST_SUBTITLE)
        self.group = named(QComboBox(), "group", texts.GROUP)
        self.import_for = named(QComboBox(), "import_for", texts.IMPORT_FOR)
        for combo, hint in ((self.group, texts.GROUP_HINT), (self.import_for, texts.IMPORT_FOR_HINT)):
            combo.setToolTip(hint)
            combo.setAccessibleDescription(hint)
        self.project = named(_typeable(QComboBox()), "project", texts.PROJECT)
        self.new_project = named(QLineEdit(), "new_project_name", texts.NEW_PROJECT_NAME)
        self.dataset = named(_typeable(QComboBox()), "dataset", texts.DATASET)
        self.new_dataset = named(QLineEdit(), "new_dataset_name", texts.NEW_DATASET_NAME)
        for combo, hint in ((self.project, texts.PROJECT_HINT), (self.dataset, texts.DATASET_HINT)):
            combo.lineEdit().setPlaceholderText(hint)
            combo.setToolTip(hint)
            combo.setAccessibleDescription(hint)
        self.name_first = named(QRadioButton(texts.NAME_FIRST_FILE), "name_after_first_file", texts.NAME_FIRST_FILE)
        self.name_custom = named(QRadioButton(texts.NAME_CUSTOM), "name_custom", texts.NAME_CUSTOM)
        self.custom_name = named(QLineEdit(), "custom_name", "Custom fileset name")
        self.note = message_label("destination_note")
        self.why_not = message_label("destination_why_not")
        group = QButtonGroup(self)
        group.addButton(self.name_first)
        group.addButton(self.name_custom)
        self.name_first.setChecked(True)
        form = QFormLayout()
        self.import_for_label = QLabel(f"&{texts.IMPORT_FOR}:")
        self.group_label = QLabel(f"&{texts.GROUP}:")
        form.addRow(self.import_for_label, self.import_for)
        form.addRow(self.group_label, self.group)
        form.addRow(f"&{texts.PROJECT}:", self.project)
        self.new_project_label = QLabel(texts.NEW_PROJECT_NAME + ":")
        form.addRow(_kept(self.new_project_label), _kept(self.new_project))
        form.addRow(f"&{texts.DATASET}:", self.dataset)
        self.new_dataset_label = QLabel(texts.NEW_DATASET_NAME + ":")
        form.addRow(_kept(self.new_dataset_label), _kept(self.new_dataset))
        form.addRow(texts.NAMING + ":", self.name_first)
        form.addRow("", self.name_custom)
        form.addRow("", self.custom_name)
        for label, field in (
            (self.new_project_label, self.new_project),
            (self.new_dataset_label, self.new_dataset),
            (self.import_for_label, self.import_for),
            (self.group_label, self.group),
        ):
            label.setBuddy(field)
        narrow_fields(form)  # a keystroke redraws a field whole: over ssh -X a narrow one costs less
        for edit in (self.new_project, self.new_dataset):  # in holders, which narrow_fields does not see
            edit.setMaximumWidth(self.project.maximumWidth())
        self.note.setMinimumHeight(self.note.fontMetrics().lineSpacing())  # a note appearing moves nothing
        # The reason Next is disabled comes and goes as a name is typed: its room is kept while hidden,
        # and it is one line (a wrapping label is drawn again whenever the page lays itself out, as it
        # does when the note's text changes: 39 KB a keystroke over ssh -X).
        _keep_room(self.why_not)
        self.why_not.setWordWrap(False)
        self.why_not.setMinimumHeight(self.why_not.fontMetrics().lineSpacing())
        self._form_pause = QTimer(self, singleShot=True, interval=FORM_PAUSE_MS)
        self._form_pause.timeout.connect(self._show_form)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.why_not)
        layout.addStretch()
        self.project.currentIndexChanged.connect(self._show_form)  # a choice from the list: at once
        self.dataset.currentIndexChanged.connect(self._show_form)
        self.name_custom.toggled.connect(self._show_form)
        for edit in (self.project.lineEdit(), self.dataset.lineEdit(), self.new_project, self.new_dataset):
            edit.textChanged.connect(lambda _text, e=edit: self._text_changed(e))
            edit.returnPressed.connect(self._show_form_if_waiting)
        self.custom_name.textChanged.connect(lambda _text: self._text_changed(self.custom_name))
        self.custom_name.returnPressed.connect(self._show_form_if_waiting)
        QApplication.instance().focusChanged.connect(self._focus_moved)  # leaving the field shows the form
        self.import_for.currentIndexChanged.connect(self._person_changed)
        self.groups: list[dict] = []
        self.my_containers: list[dict] = []
        self.defaults: dict[str, str | None] = {}
        self._show_people([])

    def initializePage(self) -> None:  # noqa: N802
        self.loading = True
        self.ops.op(_who_and_where, self.state.session).success(self._loaded).run_in_background()

    def is_ready(self) -> bool:
        return not self.loading

    def _me(self) -> str:
        return self.state.session.account_name if self.state.session else ""

    def _show_people(self, people: list[str]) -> None:
        """Import for: myself first, shown only to someone who may import for others."""
        keep = self.import_for.currentData() or self.state.import_for
        self.import_for.blockSignals(True)
        self.import_for.clear()
        self.import_for.addItem(texts.MYSELF.format(name=self._me()), None)
        for name in people:
            if name != self._me():
                self.import_for.addItem(name, name)
        self.import_for.setCurrentIndex(max(0, self.import_for.findData(keep)))
        self.import_for.blockSignals(False)
        shown = self.import_for.count() > 1
        self.import_for_label.setVisible(shown)
        self.import_for.setVisible(shown)
        self._show_groups(self.state.group)  # coming back to the page keeps the group chosen before

    def _show_groups(self, keep: str | None = None) -> None:
        """Group: a list when there are several, the person's default group chosen first; nothing when
        there is no choice (the only group, or none: a personal data dir is not cluttered)."""
        person = self.import_for.currentData() or self._me()
        admin = self.state.session is not None and self.state.session.is_admin
        names = groups_for(self.groups, person, self._me(), admin)
        chosen = keep if keep in names else self.defaults.get(person)
        self.group.clear()
        for name in names:
            self.group.addItem(name, name)
        self.group.setCurrentIndex(max(0, self.group.findData(chosen)))
        self.group_label.setVisible(len(names) > 1)
        self.group.setVisible(len(names) > 1)
        self._refresh()

    def _person_changed(self, _index: int) -> None:
        self._show_groups()
        self._fill_projects()

    def _loaded(self, found) -> None:
        self.loading = False
        self.my_containers, self.groups, self.defaults, people = found
        self._show_people(people)
        self._fill_projects()

    def _fill_projects(self) -> None:
        """The projects and datasets to choose from: mine; for someone else none, as the filesets go into
        theirs (a name they have is used, any other is created for them)."""
        self.containers = [] if self.import_for.currentData() else self.my_containers
        projects = sorted(
            {(c["project_id"], c["project"]) for c in self.containers if c["project_id"]}, key=lambda p: p[1]
        )
        self._filling = True
        self.project.blockSignals(True)
        self.project.clear()
        self.project.addItem(texts.NO_PROJECT, NONE)
        for pid, name in projects:
            self.project.addItem(name, pid)
        self.project.addItem(texts.NEW_ITEM, NEW)
        self.project.setCurrentIndex(0)
        self.project.blockSignals(False)
        self._filling = False
        self._show_form()

    def _text_changed(self, edit: QLineEdit) -> None:
        """Next follows every change of a name at once (the checks below read the fields, not the
        form); the form follows when the field is left, Enter is pressed or typing stops. A choice
        from a list or a tick is shown at once (_show_form is connected to those directly)."""
        if self._filling:
            return  # the lists being filled again, which ends with the form shown
        self.completeChanged.emit()
        self._typed_in = edit
        self._form_pause.start()

    def _show_form_if_waiting(self) -> None:
        if self._form_pause.isActive():
            self._show_form()

    def _focus_moved(self, _old, now) -> None:
        """Focus went to another control of this window (not the list of completions): the name is typed."""
        typed = self._typed_in
        if self._form_pause.isActive() and typed is not None and now is not None and now.window() is self.window():
            if not (now is typed or now.isAncestorOf(typed) or typed.isAncestorOf(now)):
                self._show_form()

    def _datasets_for(self, pid) -> list[tuple[str, int]]:
        """The Dataset list's entries for a project choice (an id, NONE, NEW or a typed new name)."""
        entries = [(texts.NO_DATASET, NONE)] if pid == NONE else []
        if isinstance(pid, int) and pid != NEW:
            project_id = pid if pid > 0 else None
            entries += [(c["dataset"], c["dataset_id"]) for c in self.containers if c["project_id"] == project_id]
        entries.append((texts.NEW_ITEM, NEW))
        return entries

    def _show_form(self) -> None:
        self._form_pause.stop()
        entries = self._datasets_for(_choice(self.project))
        shown = [(self.dataset.itemText(i), self.dataset.itemData(i)) for i in range(self.dataset.count())]
        if entries != shown:  # a new project's name leaves the list (and its drawing) alone
            typed = self.dataset.currentText() if self.dataset.findText(self.dataset.currentText()) < 0 else ""
            self._filling = True
            self.dataset.blockSignals(True)
            self.dataset.clear()
            for text, data in entries:
                self.dataset.addItem(text, data)
            self.dataset.setCurrentIndex(0)
            if typed:  # a new dataset's name typed before the project changed is kept
                self.dataset.setEditText(typed)
            self.dataset.blockSignals(False)
            self._filling = False
        self._refresh()

    def _refresh(self) -> None:
        for label, field, combo in (
            (self.new_project_label, self.new_project, self.project),
            (self.new_dataset_label, self.new_dataset, self.dataset),
        ):
            label.setVisible(_choice(combo) == NEW)
            field.setVisible(_choice(combo) == NEW)
        self.custom_name.setEnabled(self.name_custom.isChecked())
        project, dataset = self._project_name(), self._dataset_name()
        notes = []
        person = self.import_for.currentData()
        if person:
            me = self.state.session.account_name if self.state.session else ""
            notes.append(texts.IMPORT_FOR_NOTE.format(name=person, me=me))
            notes.append(texts.THEIR_CONTAINERS.format(name=person))
        if isinstance(project, str) and project:
            notes.append(texts.NEW_PROJECT_NOTE.format(name=project))
        if isinstance(dataset, str) and dataset:
            notes.append(texts.NEW_DATASET_NOTE.format(name=dataset))
        note = " ".join(notes)
        if note != self.note.text():
            show_message(self.note, note)
        reason = self.why_not_complete()
        if self.why_not.accessibleDescription() != ("Problem: " if reason else "") + reason:  # not drawn again
            show_message(self.why_not, reason, problem=bool(reason))
        self.why_not.setVisible(bool(reason))
        self.completeChanged.emit()

    def _project_name(self) -> int | str | None:
        """An existing project's id, NONE, a new project's name, or None (nothing chosen or named yet)."""
        pid = _choice(self.project)
        if pid == NEW:
            return self.new_project.text().strip() or None
        return pid

    def _dataset_name(self) -> int | str | None:
        did = _choice(self.dataset)
        if did == NEW:
            return self.new_dataset.text().strip() or None
        if isinstance(did, int) and did not in {d for _, d in self._datasets_for(_choice(self.project))}:
            return None  # listed for the project chosen before one was typed: not a choice for this one
        return did

    def why_not_complete(self) -> str:
        """The sentence the page shows while Next is disabled; empty when the page is complete."""
        project, dataset = self._project_name(), self._dataset_name()
        if project is None:
            return texts.NEED_PROJECT
        if dataset is None:
            return texts.NEED_DATASET
        if self.name_custom.isChecked() and not self.custom_name.text().strip():
            return texts.NEED_FILESET_NAME
        return ""

    def target(self) -> Target | None:
        project, dataset = self._project_name(), self._dataset_name()
        if dataset is None or dataset == NONE:
            return None
        if isinstance(dataset, int):
            return Target(dataset_id=dataset)
        if isinstance(project, int):
            project = self.project.itemText(self.project.findData(project)) if project != NONE else None
        return Target(dataset_name=dataset, project_name=project)

    def isComplete(self) -> bool:  # noqa: N802
        return not self.why_not_complete()

    def validatePage(self) -> bool:  # noqa: N802
        self.state.group = self.group.currentData() if self.group.count() else None
        self.state.import_for = self.import_for.currentData()
        self.state.target = self.target()
        self.state.fileset_name = self.custom_name.text().strip() if self.name_custom.isChecked() else None
        return True
