"""The "Watch folders" window: each watch folder the signed-in account may see, what waits in it (and
until when), what the DropBox service imported there and what failed and why, with a button to have a
failed fileset tried again now. Read-only otherwise: folders are added by administrators with the CLI.
Engine work only through `Operations` and engine.api; it refreshes itself every few seconds."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui import watch_texts as texts
from gui.operations import Operations
from gui.widgets import message_label, named, show_message
from gui.wizard.state import WizardState

REFRESH_MS = 5000
STALE_MINUTES = 10  # the service looks at every folder at least every 5 minutes, events or not
FAILED_COLOUR = "#b00020"


def when_words(when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return texts.NEVER
    now = now or datetime.now()
    return f"today {when:%H:%M:%S}" if when.date() == now.date() else f"{when:%Y-%m-%d %H:%M}"


def _item(text: str, tip: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(tip or text)
    return item


def _table(name: str, columns: list[str], accessible: str) -> QTableWidget:
    table = named(QTableWidget(0, len(columns)), name, accessible)
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    return table


class WatchWindow(QWidget):
    def __init__(self, state: WizardState, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "watch_window", texts.WATCH_TITLE)
        self.setWindowTitle(texts.WATCH_TITLE)
        assert state.session is not None
        self.session = state.session
        self.ops = ops
        self.statuses: list = []
        self._build()
        self.resize(960, 640)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = message_label("watch_intro")
        intro.setText(texts.WATCH_INTRO + (texts.WATCH_INTRO_ADMIN if self.session.is_admin else ""))
        layout.addWidget(intro)
        self.folders = _table("watch_folders", texts.FOLDER_COLUMNS, texts.WATCH_TITLE)
        header = self.folders.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(texts.FOLDER_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.folders.setMaximumHeight(120)
        self.folders.itemSelectionChanged.connect(self._show_folder)
        layout.addWidget(self.folders)
        self.message = message_label("watch_message")
        layout.addWidget(self.message)

        layout.addWidget(named(QLabel(f"<b>{texts.WAITING_TITLE}</b>"), "watch_waiting_title"))
        self.waiting = named(QListWidget(), "watch_waiting", texts.WAITING_TITLE)
        self.waiting.setWordWrap(True)
        self.waiting.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.waiting.setMaximumHeight(110)
        layout.addWidget(self.waiting)

        layout.addWidget(named(QLabel(f"<b>{texts.HISTORY_TITLE}</b>"), "watch_history_title"))
        self.events = _table("watch_events", texts.EVENT_COLUMNS, texts.HISTORY_TITLE)
        header = self.events.horizontalHeader()
        for column in range(len(texts.EVENT_COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(texts.EVENT_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.events.itemSelectionChanged.connect(self._show_event)
        layout.addWidget(self.events, 1)
        self.reason = message_label("watch_reason")
        layout.addWidget(self.reason)

        row = QHBoxLayout()
        self.retry = named(QPushButton(texts.RETRY), "watch_retry")
        self.retry.setEnabled(False)
        self.retry.clicked.connect(self._retry)
        row.addWidget(self.retry)
        self.retry_message = message_label("watch_retry_message")
        self.retry_message.setText(texts.RETRY_HINT)
        row.addWidget(self.retry_message, 1)
        layout.addLayout(row)

    # --- loading -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.statuses:
            show_message(self.message, texts.LOADING)
        self.ops.op(self.session.dropbox_status).success(self._loaded).run_in_background()

    def _loaded(self, statuses: list) -> None:
        chosen = self._chosen_folder_id()
        self.statuses = statuses
        self.folders.blockSignals(True)
        self.folders.setRowCount(len(statuses))
        for row, st in enumerate(statuses):
            f = st.folder
            how = f"{f.transfer}, {'polled' if f.polling else 'watched'}"
            values = [f.path, f.account, how, f"{f.quiet_seconds:g} s", when_words(f.checked_at)]
            for column, value in enumerate(values):
                self.folders.setItem(row, column, _item(value))
        self.folders.blockSignals(False)
        if not statuses:
            show_message(self.message, texts.NO_FOLDERS)
            self._show_folder()
            return
        show_message(self.message, "")
        ids = [st.folder.id for st in statuses]
        self.folders.selectRow(ids.index(chosen) if chosen in ids else 0)
        self._show_folder()

    def _chosen_folder_id(self) -> int | None:
        rows = self.folders.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.statuses):
            return None
        return self.statuses[rows[0].row()].folder.id

    def _chosen_status(self):
        chosen = self._chosen_folder_id()
        return next((st for st in self.statuses if st.folder.id == chosen), None)

    # --- one folder --------------------------------------------------------------------------------

    def _show_folder(self) -> None:
        st = self._chosen_status()
        chosen_event = self._chosen_event()
        self.events.blockSignals(True)
        self.events.setRowCount(0)
        if st is None:
            self.waiting.clear()
            self.events.blockSignals(False)
            self._show_event()
            return
        self._show_waiting(st.folder)
        events = st.events
        self.events.setRowCount(len(events))
        for row, e in enumerate(events):
            values = [
                when_words(e.at),
                texts.OUTCOME_WORDS.get(e.outcome, e.outcome),
                e.fileset,
                str(e.job_id) if e.job_id else "",
                e.message or "",
            ]
            for column, value in enumerate(values):
                item = _item(value)
                if e.outcome == "failed":
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.events.setItem(row, column, item)
        if not events:
            self.events.setRowCount(1)
            self.events.setItem(0, 4, _item(texts.NO_HISTORY))
        self.events.blockSignals(False)
        keys = [(e.at, e.fileset, e.outcome) for e in events]
        if chosen_event in keys:
            self.events.selectRow(keys.index(chosen_event))
        self._show_event()

    def _show_waiting(self, folder) -> None:
        """What the service found waiting on its last look; or that it has not looked (lately)."""
        self.waiting.clear()
        if folder.checked_at is None:
            lines, problem = [texts.NEVER_LOOKED], True
        elif (datetime.now() - folder.checked_at).total_seconds() > STALE_MINUTES * 60:
            when = when_words(folder.checked_at)
            lines, problem = [texts.NOT_LOOKED_LATELY.format(when=when, minutes=STALE_MINUTES)], True
        else:
            lines, problem = (folder.note or texts.NOTHING_WAITING).splitlines(), False
        for line in lines:
            item = QListWidgetItem(f"⚠ {line}" if problem or " failed (" in line else line)
            if problem or " failed (" in line:
                item.setForeground(Qt.GlobalColor.darkRed)
            self.waiting.addItem(item)

    def _chosen_event(self):
        st = self._chosen_status()
        rows = self.events.selectionModel().selectedRows()
        if st is None or not rows or rows[0].row() >= len(st.events):
            return None
        e = st.events[rows[0].row()]
        return (e.at, e.fileset, e.outcome)

    def _event(self):
        st, chosen = self._chosen_status(), self._chosen_event()
        return next((e for e in st.events if (e.at, e.fileset, e.outcome) == chosen), None) if st else None

    def _show_event(self) -> None:
        e = self._event()
        failed = e is not None and e.outcome == "failed"
        self.retry.setEnabled(failed)
        if failed:
            show_message(self.reason, f"{e.fileset}: {e.message}", problem=True)
        else:
            self.reason.setText("")

    def _retry(self) -> None:
        st, e = self._chosen_status(), self._event()
        if st is None or e is None:
            return
        self.retry.setEnabled(False)
        fileset = e.fileset

        def asked(_result) -> None:
            show_message(self.retry_message, texts.RETRY_ASKED.format(fileset=fileset))
            self.refresh()

        self.ops.op(self.session.retry_watched_fileset, st.folder.id, fileset).success(asked).run_in_background()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.timer.stop()
        super().closeEvent(event)
