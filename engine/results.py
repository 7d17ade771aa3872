"""Per-file results (events during a run, rows afterwards), the job report, and their export."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from engine.states import ExitCode, FileState, JobState
from engine.units import count, human_duration


@dataclass(slots=True)
class FileOutcome:
    source: str
    fileset: str
    transfer: str
    size: int
    checksum_algorithm: str
    state: FileState = FileState.PENDING
    repo_path: str | None = None
    checksum: str | None = None
    error_kind: str | None = None
    error_message: str | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict:
        d = asdict(self)
        d["state"] = str(self.state)
        return d


EXPORT_FIELDS = [f.name for f in fields(FileOutcome)]


@dataclass
class JobReport:
    job_id: int
    state: JobState
    transfer: str
    log_path: str
    files: list[FileOutcome] = field(default_factory=list)
    filesets_created: int = 0
    filesets_failed: int = 0
    seconds: float = 0.0
    sources_deleted: int = 0
    sources_left_behind: list[str] = field(default_factory=list)  # *_rm deletions that failed
    sources_kept_reason: str = ""  # why a *_rm run deleted nothing

    @property
    def transferred(self) -> int:
        return sum(1 for f in self.files if f.state == FileState.DONE)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.files if f.state == FileState.FAILED)

    @property
    def exit_code(self) -> int:
        if self.state == JobState.CANCELLED:
            return ExitCode.CANCELLED
        if self.sources_left_behind:
            return ExitCode.ORIGINALS_KEPT
        return ExitCode.IMPORT_ERRORS if self.errors or self.filesets_failed else ExitCode.OK

    def summary(self) -> str:
        took = human_duration(self.seconds)
        return (
            f"{count(self.transferred, 'file')} transferred, {count(self.filesets_created, 'fileset')} created, "
            f"{count(self.errors, 'error')} in {took}"
        )

    def as_dict(self) -> dict:
        return {
            "job_id": self.job_id,
            "state": str(self.state),
            "transfer": self.transfer,
            "log": self.log_path,
            "summary": self.summary(),
            "exit_code": self.exit_code,
            "filesets_created": self.filesets_created,
            "filesets_failed": self.filesets_failed,
            "sources_deleted": self.sources_deleted,
            "sources_left_behind": self.sources_left_behind,
            "sources_kept_reason": self.sources_kept_reason,
            "files": [f.as_dict() for f in self.files],
        }


def export_results(outcomes: list[FileOutcome], path: str | Path) -> None:
    """Write CSV or JSON, chosen by the file's suffix."""
    path = Path(path)
    rows = [o.as_dict() for o in outcomes]
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        # fixed decimals: a spreadsheet reads 0.000012, while str() would write 1.2e-05
        writer.writerows({**r, "seconds": f"{r['seconds']:.6f}"} for r in rows)
