"""What the wizard's pages fill in, read by the pages after them: the plan of one import."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.checks import CheckReport
from engine.checksums import DEFAULT_ALGORITHM
from engine.containers import Target
from engine.importer import ImportOptions
from engine.plan import ImportPlan
from engine.results import JobReport


@dataclass
class WizardState:
    data_dir: object = None  # engine.datadir.DataDir, or None before sign-in
    data_dir_source: str = ""
    account: object = None  # engine.catalog.models.Account
    paths: list[str] = field(default_factory=list)
    plan: ImportPlan | None = None
    exclude_imported: bool = False
    target: Target | None = None
    fileset_name: str | None = None
    transfer: str = "upload"  # the transfer's spec: its name, or package.module:ClassName
    checksum_algorithm: str = DEFAULT_ALGORITHM
    make_read_only: bool = False
    checks: CheckReport | None = None
    acknowledgement: object = None
    report: JobReport | None = None

    def options(self, **changes) -> ImportOptions:
        values = dict(
            transfer=self.transfer,
            checksum_algorithm=self.checksum_algorithm,
            target=self.target,
            name=self.fileset_name,
            exclude="clientpath" if self.exclude_imported else None,
            make_read_only=self.make_read_only,
            continue_on_error=True,  # the results page shows every failure and retries them
        )
        values.update(changes)
        return ImportOptions(**values)
