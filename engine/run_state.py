"""One run's results as they accumulate: the report, the outcomes not yet in the catalog, and the
originals stored by a moving transfer. Every file's outcome passes through `emit` exactly once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from engine.errors import FileFailure
from engine.grouping import FilesetPlan
from engine.progress import ProgressTracker
from engine.results import FileOutcome, JobReport
from engine.sources import Stored
from engine.states import FileState, StopReason
from engine.yielding import ROWS_PER_STATEMENT, let_others_run


@dataclass
class RunState:
    report: JobReport
    progress: ProgressTracker
    on_file: Callable[[FileOutcome], None]
    algorithm: str
    fileset_name: str | None = None  # names every fileset instead of its first file
    unrecorded: list[FileOutcome] = field(default_factory=list)
    stored: list[Stored] = field(default_factory=list)

    def outcome(self, path: str, size: int, fs: FilesetPlan, state: FileState, repo_path=None, message=None):
        return FileOutcome(
            source=path,
            fileset=self.fileset_name or fs.name,
            transfer=self.report.transfer,
            size=size,
            checksum_algorithm=self.algorithm,
            state=state,
            repo_path=repo_path,
            error_message=message,
        )

    @staticmethod
    def fail(outcome: FileOutcome, exc: FileFailure) -> None:
        outcome.state = FileState.FAILED
        outcome.error_kind = str(exc.kind)
        outcome.error_message = exc.message

    def emit(self, outcome: FileOutcome, planned: bool = True) -> None:
        """Into the report, the catalog's queue, progress and listeners."""
        self.report.files.append(outcome)
        self.unrecorded.append(outcome)
        self.progress.advance(
            files=int(planned),
            failed=int(outcome.state == FileState.FAILED),
            skipped=int(outcome.state == FileState.SKIPPED),
        )
        self.on_file(outcome)
        let_others_run()  # a plate's outcomes come 200,000 at once, each taking the progress lock

    def mark_not_attempted(self, filesets: list[FilesetPlan], reason: StopReason) -> None:
        for fs in filesets:
            for f in fs.files:
                self.emit(self.outcome(f.path, f.size, fs, reason.file_state, message=reason.message))

    def take_result_rows(self, chunk: int = ROWS_PER_STATEMENT) -> Iterator[list[dict]]:
        """file_results rows for the outcomes not yet recorded, `chunk` rows at a time (a plate's
        hundreds of thousands never sit in memory as rows at once)."""
        outcomes, self.unrecorded = self.unrecorded, []
        job_id = self.report.job_id
        for start in range(0, len(outcomes), chunk):
            yield [
                {
                    "job_id": job_id,
                    "source_path": o.source,
                    "fileset_name": o.fileset,
                    "transfer": o.transfer,
                    "size": o.size,
                    "checksum_algorithm": o.checksum_algorithm,
                    "state": str(o.state),
                    "repo_path": o.repo_path,
                    "checksum": o.checksum,
                    "error_kind": o.error_kind,
                    "error_message": o.error_message,
                    "seconds": o.seconds,
                }
                for o in outcomes[start : start + chunk]
            ]
