"""The engine's one public face. Front ends (the CLI, the wizard, services) import this package,
`engine.errors` and `engine.states`, and nothing else of the engine: an import-linter contract in
pyproject.toml keeps it so.

    with DataDirectory.open(path) as data_dir:
        session = data_dir.sign_in(name, password)
        prepared = session.prepare(paths, session.options(transfer="ln_s"))
        ...show prepared.errors, prepared.statements, prepared.warnings...
        report = prepared.run(prepared.acknowledge(), progress, cancel, on_file)
"""

from typing import TYPE_CHECKING

from engine import __version__
from engine.api.catalogue import (
    DEFAULT_ALGORITHM,
    DEFAULT_TRANSFER,
    TransferInfo,
    algorithms,
    checksum_file,
    describe_transfer,
    require_algorithm,
    transfers,
)
from engine.api.data_dir import DataDirectory
from engine.api.importing import Prepared
from engine.api.session import Session
from engine.catalog.store.health import FilesetHealth
from engine.checks import CheckReport, Finding, Severity
from engine.config import resolve_data_dir
from engine.consistency import ConsistencyReport
from engine.containers import Target, parse_target
from engine.dropbox.folders import (
    DEFAULT_MAX_IMPORTS,
    DEFAULT_QUIET_SECONDS,
    FolderArguments,
    FolderStatus,
    WatchedFolder,
)
from engine.explain import explain
from engine.fsnames import json_text, shown
from engine.images import ImageStatus, wait_for_images
from engine.importer import ImportOptions
from engine.plan import EXCLUDE_MODES, ImportPlan
from engine.progress import CancelToken, ProgressSnapshot, ProgressTracker
from engine.recovery import DeleteReport
from engine.relink import Move, RelinkReport
from engine.responsibilities import WARNING_PREFIX, Acknowledgement, Statement
from engine.results import EXPORT_FIELDS, FileOutcome, JobReport, export_results
from engine.scan import DEFAULT_DEPTH
from engine.units import count, human_duration, human_size
from engine.verify import EntryCheck, VerifyReport, parse_duration

__all__ = [
    "DEFAULT_ALGORITHM",
    "DEFAULT_MAX_IMPORTS",
    "DEFAULT_QUIET_SECONDS",
    "DEFAULT_DEPTH",
    "DEFAULT_TRANSFER",
    "EXCLUDE_MODES",
    "EXPORT_FIELDS",
    "WARNING_PREFIX",
    "Acknowledgement",
    "CancelToken",
    "CheckReport",
    "ConsistencyReport",
    "DataDirectory",
    "DeleteReport",
    "DropboxService",
    "EntryCheck",
    "FileOutcome",
    "FilesetHealth",
    "Finding",
    "FolderArguments",
    "FolderStatus",
    "ImageStatus",
    "ImportOptions",
    "ImportPlan",
    "JobReport",
    "Move",
    "Prepared",
    "RelinkReport",
    "ProgressSnapshot",
    "ProgressTracker",
    "Session",
    "Severity",
    "Statement",
    "Target",
    "TransferInfo",
    "VerifyReport",
    "WatchedFolder",
    "__version__",
    "algorithms",
    "checksum_file",
    "count",
    "describe_transfer",
    "explain",
    "export_results",
    "human_duration",
    "human_size",
    "json_text",
    "parse_duration",
    "parse_target",
    "require_algorithm",
    "resolve_data_dir",
    "shown",
    "transfers",
    "wait_for_images",
]

if TYPE_CHECKING:
    from engine.dropbox.service import DropboxService


def __getattr__(name: str):
    # The DropBox service is itself built on this face, so it is imported when first asked for, once
    # every name above is defined, whichever of the two modules is imported first.
    if name == "DropboxService":
        from engine.dropbox.service import DropboxService

        return DropboxService
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
