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
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QTextBrowser,
    QVBoxLayout,
)

from engine.api import DEFAULT_TRANSFER, Severity, algorithms, count, describe_transfer, transfers
from gui import texts
from gui.operations import plain_sentence
from gui.policy_dialog import PolicyDialog
from gui.widgets import message_label, named, show_message
from gui.wizard.page import WizardPage

SHARED_SETUP = "shared-setup"  # the checks' finding about a shared data dir's set-up (inplace admin setup-group)


def _check_all(state, extra_specs: list[str]):
    """Every transfer (loading plugins) and the checks of the selection for each (worker thread).
    Checked with the default transfer: a chosen plugin that no longer loads is a finding, not a failure."""
    found = transfers() + [describe_transfer(spec) for spec in extra_specs]
    prepared = state.session.prepare(state.plan, state.options(transfer=DEFAULT_TRANSFER), True)
    # A data dir shared with a group whose set-up would stop the next member (the checks' finding):
    # every problem, not only the first. A personal data dir is never looked at.
    shared = any(f.code == SHARED_SETUP for fs in prepared.checks.by_transfer.values() for f in fs)
    return found, prepared, state.session.policy, state.session.server_setup() if shared else None


def setup_text(report) -> tuple[str, str]:
    """What the page says of a shared data dir's set-up: what is wrong in short with the command that
    fixes it, and every problem for the administrator; ("", "") when nothing is wrong."""
    if report is None or report.ok:
        return "", ""
    summary = [texts.SETUP_PROBLEMS.format(group=report.group), texts.SETUP_FIX, f"    {report.command_line}"]
    return "\n".join([*summary, texts.SETUP_SINGLE_NOTE]), "\n".join(f"• {p}" for p in report.problems)


class TransferPage(WizardPage):
    def __init__(self, state, ops) -> None:
        super().__init__()
        self.state, self.ops = state, ops
        self.transfers: list = []  # loaded off the GUI thread with the checks; broken plugins are findings
        self.extra_specs: list[str] = []  # transfers named by package.module:ClassName, besides the installed
        self.checking = False
        self._check_op = None
        self._ahead_op = None
        self.policy = None  # the data dir's policy the last checks followed
        self._after_checks = ""  # what to say once the checks are back
        self._policy_dialog: PolicyDialog | None = None
        self.setTitle(texts.TRANSFER_TITLE)
        self.setSubTitle(texts.TRANSFER_SUBTITLE)
        self.status = message_label("checks_status")
        self.setup_note = message_label("setup_note")  # the server's set-up for several people, when wrong
        self.setup_details = message_label("setup_problems")
        self._problem_count = ""  # "5 problems", said on the button that shows them
        self.setup_toggle = named(QPushButton(), "show_setup_problems", texts.SETUP_HIDE)
        self.setup_toggle.setCheckable(True)
        self.setup_toggle.toggled.connect(self._show_setup_details)
        for w in (self.setup_note, self.setup_details, self.setup_toggle):
            w.hide()
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing())  # "Checking…" gone moves nothing
        self.check_again = named(QPushButton(texts.CHECK_AGAIN), "check_again", texts.CHECK_AGAIN)
        self.check_again.hide()
        self.choices = named(QListWidget(), "transfers", "Transfers")
        self.details = named(QTextBrowser(), "transfer_details", "What the checks found for this transfer")
        self.policy_note = message_label("policy_note")
        self.change_policy = named(QPushButton(texts.CHANGE_POLICY), "change_policy", texts.CHANGE_POLICY)
        # A tick that opens the advanced settings below it; closed, nothing but the tick takes room
        # (a closed group box left an empty framed strip under its title).
        self.advanced = named(QCheckBox(texts.ADVANCED), "advanced", texts.ADVANCED)
        self.advanced_body = named(QGroupBox(), "advanced_settings", texts.ADVANCED)
        self.algorithm = named(QComboBox(), "checksum_algorithm", texts.CHECKSUM)
        for name, description in algorithms().items():
            self.algorithm.addItem(f"{name}: {description}".rstrip(": "), name)
        self.read_only = named(QCheckBox(texts.MAKE_READ_ONLY), "make_read_only", texts.MAKE_READ_ONLY)
        form = QFormLayout(self.advanced_body)
        form.addRow(texts.CHECKSUM + ":", self.algorithm)
        form.addRow(self.read_only)
        layout = QVBoxLayout(self)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.check_again)
        layout.addLayout(status_row)
        setup_row = QHBoxLayout()
        setup_row.addWidget(self.setup_note, 1)
        setup_row.addWidget(self.setup_toggle, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(setup_row)
        layout.addWidget(self.setup_details)
        layout.addWidget(self.choices, 2)
        layout.addWidget(self.details, 2)
        policy_row = QHBoxLayout()
        policy_row.addWidget(self.policy_note, 1)
        policy_row.addWidget(self.change_policy)
        layout.addLayout(policy_row)
        layout.addWidget(self.advanced, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.advanced_body)
        self.choices.currentRowChanged.connect(self._selected)
        self.read_only.toggled.connect(self._read_only_changed)
        self.advanced.toggled.connect(self._show_advanced)
        self.check_again.clicked.connect(self._run_checks)
        self.change_policy.clicked.connect(self._open_policy)
        self._show_advanced(False)
        self._show_policy(None)

    def _show_advanced(self, on: bool) -> None:
        self.advanced_body.setVisible(on)

    def initializePage(self) -> None:  # noqa: N802
        self.algorithm.setCurrentIndex(max(0, self.algorithm.findData(self.state.checksum_algorithm)))
        self._run_checks()

    def is_ready(self) -> bool:
        return not self.checking

    def _read_only_changed(self, on: bool) -> None:
        self.state.make_read_only = on
        self._run_checks()

    def _run_checks(self) -> None:
        if self._check_op is not None:
            self._check_op.cancel()  # superseded: its findings would be for other options
        self.checking = True
        self.state.prepared = self.state.chosen_ahead = None
        self.check_again.hide()
        self._show_policy(None)
        show_message(self.status, texts.CHECKING)
        self.completeChanged.emit()
        self._check_op = (
            self.ops.op(_check_all, self.state, list(self.extra_specs))
            .success(self._checked)
            .failure(self._check_failed)
            .finished(self._check_ended)
            .run_in_background()
        )

    def _checked(self, found) -> None:
        self.transfers, self.state.prepared, self.policy, setup = found
        self._show_setup(setup)
        show_message(self.status, self._after_checks)
        self._after_checks = ""
        self._fill(self.state.prepared.checks)

    def _show_setup(self, report) -> None:
        summary, problems = setup_text(report)
        show_message(self.setup_note, summary, problem=True)
        self.setup_details.setText(problems)
        self.setup_note.setVisible(bool(summary))
        self.setup_toggle.setVisible(bool(summary))
        self._problem_count = count(len(report.problems), "problem") if summary else ""
        self._show_setup_details(self.setup_toggle.isChecked())

    def _show_setup_details(self, shown: bool) -> None:
        self.setup_details.setVisible(shown and self.setup_note.isVisible())
        self.setup_toggle.setText(texts.SETUP_HIDE if shown else texts.SETUP_SHOW.format(count=self._problem_count))
        self.setup_toggle.setAccessibleName(self.setup_toggle.text())

    def _check_failed(self, exc: BaseException) -> None:
        """A sentence on the page and a way to try again, instead of a page stuck on "checking"."""
        self.choices.clear()
        self.details.clear()
        show_message(self.status, texts.CHECK_FAILED.format(reason=plain_sentence(exc)), problem=True)
        self.check_again.show()

    def _check_ended(self) -> None:
        self.checking = False
        self._check_op = None
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
        self._show_policy(transfer)
        self.completeChanged.emit()
        self._choose_ahead()

    def _choose_ahead(self) -> None:
        """Prepare the chosen transfer while the person reads this page, so the responsibilities
        page shows its statements at once: one drawing of it instead of "checking" and then another."""
        if self._ahead_op is not None:
            self._ahead_op.cancel()
        self.state.chosen_ahead = None
        if not self.isComplete():
            return
        options, checked = self.state.options(), self.state.prepared
        self._ahead_op = (
            self.ops.op(self.state.chosen)
            .success(lambda prepared: setattr(self.state, "chosen_ahead", (options, checked, prepared)))
            .failure(lambda _exc: None)  # the responsibilities page tries again and says what failed
            .run_in_background()
        )

    # --- the data dir's policy decides about temporary storage: say so, and let an administrator change it

    def _show_policy(self, transfer) -> None:
        codes = {f.code for f in self.state.checks.findings(transfer.name)} if transfer and self.state.checks else ()
        shown = "temporary-storage" in codes and self.policy is not None
        self.policy_note.setVisible(shown)
        self.change_policy.setVisible(shown and self.state.session.is_admin)
        if not shown:
            return
        policy = self.policy
        text = texts.POLICY_DECIDES.format(
            paths=", ".join(policy.temporary_paths) or "no folder",
            types=", ".join(policy.temporary_fs_types) or "no",
            level=texts.POLICY_DECIDES_LEVEL.get(policy.temporary_storage, policy.temporary_storage),
            file=self.state.session.settings_file,
        )
        if not self.state.session.is_admin:
            text += " " + texts.POLICY_ADMIN_ONLY
        show_message(self.policy_note, text)

    def _open_policy(self) -> None:
        self._policy_dialog = PolicyDialog(self.policy, self.state.session.settings_file, self)
        self._policy_dialog.accepted.connect(self._save_policy)
        self._policy_dialog.open()

    def _save_policy(self) -> None:
        changes = self._policy_dialog.changes()
        self.ops.op(self.state.session.set_policy, **changes).success(self._policy_saved).run_in_background()

    def _policy_saved(self, _policy) -> None:
        self._after_checks = texts.POLICY_CHANGED
        self._run_checks()

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
