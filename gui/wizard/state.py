"""What the wizard's pages fill in, read by the pages after them: the plan of one import."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.api import (
    DEFAULT_ALGORITHM,
    DEFAULT_TRANSFER,
    Acknowledgement,
    CheckReport,
    DataDirectory,
    ImportOptions,
    ImportPlan,
    JobReport,
    Prepared,
    Session,
    Target,
)


@dataclass
class WizardState:
    data_dir: DataDirectory | None = None  # None before the sign-in page found it
    data_dir_source: str = ""
    session: Session | None = None  # the signed-in account
    paths: list[str] = field(default_factory=list)
    plan: ImportPlan | None = None
    exclude_imported: bool = False
    target: Target | None = None
    fileset_name: str | None = None
    group: str | None = None  # the group the filesets belong to; None: the default group of their owner
    import_for: str | None = None  # the account the filesets belong to, when not the one signed in
    transfer: str = DEFAULT_TRANSFER  # the transfer's spec: its name, or package.module:ClassName
    checksum_algorithm: str = DEFAULT_ALGORITHM
    make_read_only: bool = False
    prepared: Prepared | None = None  # the plan checked for every transfer
    # `chosen()` made while the transfer page showed, with the options and checks it was made from
    chosen_ahead: tuple[ImportOptions, Prepared, Prepared] | None = None
    acknowledgement: Acknowledgement | None = None
    report: JobReport | None = None

    @property
    def checks(self) -> CheckReport | None:
        return self.prepared.checks if self.prepared else None

    def options(self, **changes) -> ImportOptions:
        """The options the pages chose, with the data dir's policy applied by the session."""
        values = dict(
            transfer=self.transfer,
            checksum_algorithm=self.checksum_algorithm,
            target=self.target,
            name=self.fileset_name,
            exclude="clientpath" if self.exclude_imported else None,
            make_read_only=self.make_read_only,
            continue_on_error=True,  # the results page shows every failure and retries them
            group=self.group,
            sudo=self.import_for,
        )
        values.update(changes)
        assert self.session is not None
        return self.session.options(**values)

    def chosen(self) -> Prepared:
        """The prepared import with the options chosen so far (no new scan; checks only if needed)."""
        assert self.prepared is not None
        return self.prepared.choose(**self.options().__dict__)
