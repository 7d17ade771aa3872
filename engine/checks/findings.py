"""What a check reports: a stable code, a severity, a sentence for a person, a fix, and the paths."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field

EXAMPLES = 5


class Severity(enum.StrEnum):
    ERROR = "error"  # the transfer cannot run
    WARNING = "warning"  # it can run, but the user should know and agree
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    hint: str = ""
    count: int = 0
    examples: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return asdict(self) | {"severity": str(self.severity), "examples": list(self.examples)}


def finding(code: str, severity: Severity, message: str, hint: str = "", paths=()) -> Finding:
    paths = list(paths)
    return Finding(code, severity, message, hint, len(paths), tuple(paths[:EXAMPLES]))


@dataclass
class CheckReport:
    """Findings for each transfer considered, plus facts about the selection that all share."""

    by_transfer: dict[str, list[Finding]] = field(default_factory=dict)
    seconds: float = 0.0

    def findings(self, transfer: str) -> list[Finding]:
        return self.by_transfer.get(transfer, [])

    def errors(self, transfer: str) -> list[Finding]:
        return [f for f in self.findings(transfer) if f.severity == Severity.ERROR]

    def warnings(self, transfer: str) -> list[Finding]:
        return [f for f in self.findings(transfer) if f.severity == Severity.WARNING]

    def can_run(self, transfer: str) -> bool:
        return not self.errors(transfer)

    def as_dict(self) -> dict:
        return {
            name: {"can_run": self.can_run(name), "findings": [f.as_dict() for f in found]}
            for name, found in self.by_transfer.items()
        }
