"""The responsibilities a user takes on with a transfer, and the acknowledgement that records them.

The statements live in texts/responsibilities.toml. An in-place or deleting transfer does not start
without an acknowledgement that covers every statement the transfer needs, given by the account
that imports; the acknowledgement is stored with the job.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources

from engine.catalog.store import AccountRef
from engine.errors import ResponsibilitiesNotAccepted
from engine.jobs import os_user
from engine.transfers import Transfer
from engine.units import count, human_size


@dataclass(frozen=True)
class Statement:
    id: str
    text: str


@cache
def _texts() -> dict:
    return tomllib.loads(resources.files("engine.texts").joinpath("responsibilities.toml").read_text("utf-8"))


def needs_acknowledgement(transfer: Transfer) -> bool:
    return transfer.in_place or transfer.deletes_sources


def statements_for(transfer: Transfer, files: int, total_bytes: int) -> list[Statement]:
    """The statements to confirm for this transfer and selection, in the order to show them."""
    texts = _texts()
    ids = texts["transfers"].get(transfer.name)
    if ids is None:
        ids = (texts["transfers"]["in_place"] if transfer.in_place else []) + (
            texts["transfers"]["deleting"] if transfer.deletes_sources else []
        )
        ids = list(dict.fromkeys(ids))
    size = human_size(total_bytes) + (f", {total_bytes:,} bytes" if total_bytes >= 1024 else "")
    phrase = count(files, "original file")
    return [Statement(i, texts["statements"][i].format(files=phrase, size=size)) for i in ids]


@dataclass
class Acknowledgement:
    transfer: str
    account_id: int
    account_name: str
    statements: list[Statement]
    os_user: str = field(default_factory=os_user)
    accepted_at: datetime = field(default_factory=datetime.now)

    def to_record(self) -> dict:
        """What the catalog keeps with the job (its acknowledgements table's columns)."""
        return {
            "account_id": self.account_id,
            "os_user": self.os_user,
            "transfer": self.transfer,
            "statements": json.dumps([{"id": s.id, "text": s.text} for s in self.statements], ensure_ascii=False),
            "accepted_at": self.accepted_at,
        }


def acknowledge(transfer: Transfer, account: AccountRef, accepted: list[Statement]) -> Acknowledgement:
    return Acknowledgement(transfer.name, account.id, account.name, list(accepted))


def acknowledge_all(transfer: Transfer, account: AccountRef, files: int, total_bytes: int) -> Acknowledgement:
    """For a front end that has shown every statement and had each confirmed."""
    return acknowledge(transfer, account, statements_for(transfer, files, total_bytes))


WARNING_PREFIX = "warning:"


def warning_statement(finding) -> Statement:
    """A warning of the checks, accepted as a risk and recorded with the job like a statement."""
    return Statement(f"{WARNING_PREFIX}{finding.code}", f"I accept this risk: {finding.message}")


def require_acknowledgement(
    transfer: Transfer,
    account: AccountRef,
    files: int,
    total_bytes: int,
    ack: Acknowledgement | None,
    required: list[Statement] | None = None,
) -> None:
    """Refuse an in-place or deleting transfer unless every required statement (by default all of the
    transfer's; the import session adds the warnings) was accepted by this account."""
    if not needs_acknowledgement(transfer):
        return
    how = (
        "Confirm them when asked on a terminal, pass --accept-responsibilities to confirm them in a script, "
        "or tick each one in the wizard."
    )
    if ack is None:
        raise ResponsibilitiesNotAccepted(
            f"The {transfer.name} transfer needs you to accept its responsibilities first.", how
        )
    if required is None:
        required = statements_for(transfer, files, total_bytes)
    given = {(s.id, s.text) for s in ack.statements}
    missing = [s for s in required if (s.id, s.text) not in given]
    if ack.transfer != transfer.name or ack.account_id != account.id or missing:
        raise ResponsibilitiesNotAccepted(
            f"The responsibilities for {transfer.name} were not all accepted by '{account.name}'"
            + (f" (missing: {missing[0].text})" if missing else "")
            + ".",
            how,
        )
