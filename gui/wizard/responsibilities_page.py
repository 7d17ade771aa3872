"""Responsibilities, the commit page: each statement for the chosen transfer, and each warning the
checks found, has its own tick; Import is enabled when all are ticked. The statements follow the
findings (the engine leaves out one a finding shows to be false; that finding is a warning here),
and exactly what was ticked is what the engine records with the job."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from gui import texts
from gui.operations import plain_sentence
from gui.widgets import message_label, named, show_message
from gui.wizard.page import Button, WizardPage


class ResponsibilitiesPage(WizardPage):
    def __init__(self, state, ops) -> None:
        super().__init__()
        self.state, self.ops = state, ops
        self.prepared = None
        self.statement_boxes: dict[str, QCheckBox] = {}  # statement id -> its tick
        self.warning_boxes: dict[str, QCheckBox] = {}  # warning code -> its tick
        self.setTitle(texts.RESP_TITLE)
        self.setSubTitle(texts.RESP_SUBTITLE)
        self.setCommitPage(True)
        self.setButtonText(Button.CommitButton, texts.IMPORT_BUTTON)
        self.status = message_label("responsibilities_status")
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing())  # "Checking…" gone moves nothing
        self.body = QWidget()
        # Many statements and warnings never squeeze their sentences: the list scrolls instead.
        self.scroll = named(QScrollArea(), "responsibilities_list", texts.RESP_TITLE)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.body)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.status)
        self.layout_.addWidget(self.scroll, 1)

    @property
    def boxes(self) -> list[QCheckBox]:
        return list(self.statement_boxes.values()) + list(self.warning_boxes.values())

    def initializePage(self) -> None:  # noqa: N802
        # The chosen transfer may need checking again (a plugin, read-only originals): off the GUI thread.
        self.prepared = None
        ahead = self.state.chosen_ahead  # prepared while the transfer page showed, from what still holds
        if ahead is not None and ahead[1] is self.state.prepared and ahead[0] == self.state.options():
            self._show(ahead[2])
            return
        self._rebuild([], [])
        show_message(self.status, texts.CHECKING)
        self.ops.op(self.state.chosen).success(self._show).failure(
            lambda exc: show_message(self.status, plain_sentence(exc), problem=True)
        ).run_in_background()

    def is_ready(self) -> bool:
        return self.prepared is not None

    def _show(self, prepared) -> None:
        self.prepared = prepared
        shown = "" if prepared.statements else texts.RESP_NONE
        if self.state.import_for:  # accepted by the person who runs the import, for someone else's images
            me = self.state.session.account_name
            shown = f"{texts.RESP_FOR_SOMEONE.format(name=self.state.import_for, me=me)}\n{shown}".strip()
        show_message(self.status, shown)
        self._rebuild(prepared.statements, prepared.warnings, prepared.needs_acknowledgement)
        self.completeChanged.emit()

    def _rebuild(self, statements, warnings, accepted: bool = True) -> None:
        """Statements and warnings with a tick each; for a transfer that puts no original at risk
        (upload, cp) the warnings are shown without ticks, as the CLI prints them without asking."""
        self.body = QWidget()
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 8, 0)
        self.statement_boxes, self.warning_boxes = {}, {}
        for i, statement in enumerate(statements):
            box = self._box(layout, f"statement_{statement.id}", texts.RESP_ACCEPT.format(number=i + 1), statement.text)
            self.statement_boxes[statement.id] = box
        if warnings:
            heading = QLabel(texts.RESP_WARNINGS if accepted else texts.RESP_WARNINGS_SHOWN)
            heading.setWordWrap(True)
            layout.addWidget(heading)
        for w in warnings:
            text = f"{w.message} {w.hint}".strip() if w.hint else w.message
            if accepted:
                self.warning_boxes[w.code] = self._box(layout, f"warning_{w.code}", texts.RESP_RISK, text)
            else:
                note = message_label(f"warning_{w.code}")
                note.setText(f"• {text}")
                layout.addWidget(note)
        layout.addStretch()
        self.scroll.setWidget(self.body)  # the old body is deleted with it
        if self.boxes:
            self.boxes[0].setFocus()

    def _box(self, layout, name: str, label: str, text: str) -> QCheckBox:
        # A check box does not wrap long text, so the text sits in a label beside it; the box keeps
        # the whole sentence as its accessible name so screen readers read what is being confirmed.
        row = QWidget()
        row_layout = QVBoxLayout(row)
        row_layout.setContentsMargins(0, 4, 0, 4)
        box = named(QCheckBox(label), name, text)
        row_layout.addWidget(box, 0, Qt.AlignmentFlag.AlignLeft)  # as wide as its words: a tick repaints only them
        words = QLabel(text)
        words.setWordWrap(True)
        words.setBuddy(box)
        words.setContentsMargins(24, 0, 0, 0)
        row_layout.addWidget(words)
        box.toggled.connect(self._ticked)
        layout.addWidget(row)
        return box

    def _ticked(self, _checked: bool) -> None:
        self.completeChanged.emit()

    def ticked(self) -> tuple[list[str], list[str]]:
        """The statement ids and warning codes ticked: exactly what the engine is told was accepted."""
        statements = [sid for sid, box in self.statement_boxes.items() if box.isChecked()]
        warnings = [code for code, box in self.warning_boxes.items() if box.isChecked()]
        return statements, warnings

    def isComplete(self) -> bool:  # noqa: N802
        return self.prepared is not None and all(b.isChecked() for b in self.boxes)

    def validatePage(self) -> bool:  # noqa: N802
        statements, warnings = self.ticked()
        self.state.prepared = self.prepared
        self.state.acknowledgement = self.prepared.acknowledge(statements=statements, warnings=warnings)
        return True
