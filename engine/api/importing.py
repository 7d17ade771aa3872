"""An import prepared for a person to read and accept, then run: the commit point of every front end.

`Prepared` holds the plan (scan, grouping, exclusion), the checks for every transfer, and, for the
chosen transfer, what must be accepted: the responsibility statements that are true here and the
warnings the checks found. Policy (read-only after import, temporary storage, warnings) is applied
here, so the CLI, the wizard and the DropBox behave the same.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from engine.checks import CheckReport, Finding
from engine.importer import Importer, ImportOptions
from engine.plan import ImportPlan
from engine.progress import CancelToken, ProgressTracker
from engine.responsibilities import (
    Acknowledgement,
    Statement,
    acknowledge,
    needs_acknowledgement,
    statements_for,
    warning_statement,
)
from engine.results import JobReport
from engine.transfers import Transfer, get_transfer

if TYPE_CHECKING:
    from engine.api.session import Session

# A statement a person cannot truthfully accept when the checks found this: the finding is shown
# (and acknowledged as a risk) instead of asking them to confirm something false.
CONTRADICTED_BY = {"permanent-storage": "temporary-storage"}


@dataclass(frozen=True)
class Prepared:
    session: Session
    plan: ImportPlan
    options: ImportOptions
    checks: CheckReport

    @cached_property
    def transfer(self) -> Transfer:
        """Resolved once per prepared import: a plugin's name would otherwise be looked up again
        among the entry points at every statement, warning and finding asked for."""
        return get_transfer(self.options.transfer)

    @property
    def findings(self) -> list[Finding]:
        return self.checks.findings(self.transfer.name)

    @property
    def errors(self) -> list[Finding]:
        return self.checks.errors(self.transfer.name)

    @property
    def can_run(self) -> bool:
        return not self.errors and bool(self.plan.filesets or self.plan.excluded)

    @property
    def needs_acknowledgement(self) -> bool:
        return needs_acknowledgement(self.transfer)

    @property
    def statements(self) -> list[Statement]:
        """The responsibilities to accept for this transfer and selection, leaving out any that a
        finding shows to be false here (that finding is among the warnings instead)."""
        if not self.needs_acknowledgement:
            return []
        found = {f.code for f in self.findings}
        all_statements = statements_for(self.transfer, self.plan.file_count, self.plan.total_bytes)
        return [s for s in all_statements if CONTRADICTED_BY.get(s.id) not in found]

    @property
    def warnings(self) -> list[Finding]:
        """Warnings of the checks for this transfer. They must be accepted, and are recorded with the
        job, when the transfer needs responsibilities; for the others they are shown only."""
        return self.checks.warnings(self.transfer.name)

    def choose(self, **changes) -> Prepared:
        """The same selection with other options (another transfer, say): checked again only when
        the change could alter the findings."""
        options = replace(self.options, **changes)
        checks = self.checks
        if options.make_read_only != self.options.make_read_only or options.transfer not in checks.by_transfer:
            checks = self.session.check(self.plan, options)
        return replace(self, options=options, checks=checks)

    def acknowledge(
        self, statements: list[str] | None = None, warnings: list[str] | None = None
    ) -> Acknowledgement | None:
        """What the person accepted: statement ids and warning codes (None: all that were shown)."""
        if not self.needs_acknowledgement:
            return None
        chosen = [s for s in self.statements if statements is None or s.id in statements]
        chosen += [warning_statement(w) for w in self.warnings if warnings is None or w.code in warnings]
        return acknowledge(self.transfer, self.session.account, chosen)

    def run(
        self,
        acknowledgement: Acknowledgement | None = None,
        progress: ProgressTracker | None = None,
        cancel: CancelToken | None = None,
        on_file=None,
    ) -> JobReport:
        """Import. Refuses before writing anything unless the checks pass and, for an in-place or
        deleting transfer, every statement and warning shown was accepted by the signed-in account."""
        required = self.statements + [warning_statement(w) for w in self.warnings]
        importer = Importer(
            self.session.data_dir,
            self.session.account,
            self.options,
            progress=progress,
            cancel=cancel,
            on_file=on_file,
            acknowledgement=acknowledgement,
        )
        return importer.run(self.plan, self.checks, required_statements=required)
