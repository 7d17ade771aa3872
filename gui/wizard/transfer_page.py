"""Transfer: every transfer (plugins too) with a plain description, whether it can work for this
selection, and when not, the checks' findings with what to do about them."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QTextBrowser,
    QVBoxLayout,
    QWizardPage,
)

from engine.api import Severity, algorithms, transfers
from gui import texts
from gui.widgets import message_label, named


class TransferPage(QWizardPage):
    def __init__(self, state, ops) -> None:
        super().__init__()
        self.state, self.ops = state, ops
        self.transfers = transfers()  # plugins that fail to load appear as findings of the checks
        self.checking = False
        self.setTitle(texts.TRANSFER_TITLE)
        self.setSubTitle(texts.TRANSFER_SUBTITLE)
        self.status = message_label("checks_status")
        self.choices = named(QListWidget(), "transfers", "Transfers")
        self.details = named(QTextBrowser(), "transfer_details", "What the checks found for this transfer")
        self.advanced = named(QGroupBox(texts.ADVANCED), "advanced", texts.ADVANCED)
        self.advanced.setCheckable(True)
        self.advanced.setChecked(False)
        self.algorithm = named(QComboBox(), "checksum_algorithm", texts.CHECKSUM)
        for name, description in algorithms().items():
            self.algorithm.addItem(f"{name}: {description}".rstrip(": "), name)
        self.read_only = named(QCheckBox(texts.MAKE_READ_ONLY), "make_read_only", texts.MAKE_READ_ONLY)
        form = QFormLayout(self.advanced)
        form.addRow(texts.CHECKSUM + ":", self.algorithm)
        form.addRow(self.read_only)
        self._advanced_body = [self.algorithm, self.read_only, form.labelForField(self.algorithm)]
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.choices, 2)
        layout.addWidget(self.details, 2)
        layout.addWidget(self.advanced)
        self.choices.currentRowChanged.connect(self._selected)
        self.read_only.toggled.connect(self._read_only_changed)
        self.advanced.toggled.connect(self._show_advanced)
        self._show_advanced(False)

    def _show_advanced(self, on: bool) -> None:
        for w in self._advanced_body:
            w.setVisible(on)

    def initializePage(self) -> None:  # noqa: N802
        self.algorithm.setCurrentIndex(max(0, self.algorithm.findData(self.state.checksum_algorithm)))
        self._run_checks()

    def _read_only_changed(self, on: bool) -> None:
        self.state.make_read_only = on
        self._run_checks()

    def _run_checks(self) -> None:
        self.checking = True
        self.status.setText(texts.CHECKING)
        self.completeChanged.emit()
        self.ops.start(self._check())

    async def _check(self) -> None:
        s = self.state
        try:
            s.prepared = await self.ops.run(s.session.prepare, s.plan, s.options(), True)
        except Exception as exc:  # a sentence on the page instead of a page stuck on "checking"
            self.checking = False
            self.status.setText(str(exc))
            self.completeChanged.emit()
            return
        self.checking = False
        report = s.prepared.checks
        self.status.setText("")
        self._fill(report)
        self.completeChanged.emit()

    def _fill(self, report) -> None:
        style = QApplication.style()
        ok_icon = style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton)
        no_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        keep = self.state.transfer
        self.choices.blockSignals(True)
        self.choices.clear()
        for t in self.transfers:
            can = report.can_run(t.name)
            item = QListWidgetItem(
                ok_icon if can else no_icon, f"{t.name}: {t.summary} ({texts.CAN_RUN if can else texts.CANNOT_RUN})"
            )
            item.setData(Qt.ItemDataRole.UserRole, t.name)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, item.text())
            self.choices.addItem(item)
        self.choices.blockSignals(False)
        specs = [t.spec for t in self.transfers]
        self.choices.setCurrentRow(specs.index(keep) if keep in specs else 0)

    def select(self, name: str) -> None:
        names = [t.name for t in self.transfers]
        self.choices.setCurrentRow(names.index(name))

    def _selected(self, row: int) -> None:
        if row < 0 or self.state.checks is None:
            return
        transfer = self.transfers[row]
        self.state.transfer = transfer.spec
        self.read_only.setEnabled(transfer.in_place and not transfer.deletes_sources)
        self.details.setHtml(self._details_html(transfer))
        self.completeChanged.emit()

    def _details_html(self, transfer) -> str:
        report = self.state.checks
        parts = [f"<p><b>{html.escape(transfer.name)}</b>: {html.escape(transfer.summary)}</p>"]
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        for f in sorted(report.findings(transfer.name), key=lambda f: order[f.severity]):
            parts.append(f"<p><b>{f.severity}</b>: {html.escape(f.message)}")
            if f.hint:
                parts.append("<br>" + html.escape(texts.WHAT_TO_DO.format(hint=f.hint)))
            if f.examples and f.severity != Severity.INFO:
                parts.append(
                    "<br><small>" + html.escape(texts.FOR_EXAMPLE.format(paths=", ".join(f.examples))) + "</small>"
                )
            parts.append("</p>")
        return "".join(parts)

    def isComplete(self) -> bool:  # noqa: N802
        checks, row = self.state.checks, self.choices.currentRow()
        return not self.checking and checks is not None and row >= 0 and checks.can_run(self.transfers[row].name)

    def validatePage(self) -> bool:  # noqa: N802
        self.state.checksum_algorithm = self.algorithm.currentData()
        return True
