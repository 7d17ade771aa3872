"""The job's folder and each batch's place in it. The folder is claimed in the catalog (names are
unique there) before it is made; each batch of filesets is recorded as pending, with every path it
is about to create, before any of them exists. So a kill never leaves a file or folder the catalog
does not know, and recovery removes exactly what was recorded."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

from engine import checkpoints
from engine.catalog.pending import claim_job_folder, record_batch
from engine.catalog.registration import NameTaken
from engine.group_modes import share_folders
from engine.grouping import FilesetPlan
from engine.paths import DirectoryAllocator, JobNames
from engine.sources import Stored
from engine.states import FilesetState


@dataclass(slots=True)
class Allocated:
    plan: FilesetPlan
    fileset_id: int
    names: list[str]  # each file's repository path, relative to the repository root
    created: list[str] = field(default_factory=list)  # the names this fileset made (or began to)
    stored: list[Stored] | None = None  # for *_rm: each original as it was when hashed


class JobFolder:
    """The one folder of an import job (from the path template) and the folders made below it."""

    def __init__(self, data_dir, job_id: int, account_name: str, account_id: int, parent: str) -> None:
        self.data_dir = data_dir
        self.job_id = job_id
        self.account = (account_name, account_id)
        self.root = str(data_dir.repository)
        self.names = JobNames(parent)
        self.repo_dir: str | None = None  # relative to the repository root, once made
        self._made: set[str] = set()  # absolute folders known to exist below it

    def make(self) -> str:
        """Claim a free name in the catalog, then make the folder; the next name when either is taken."""
        if self.repo_dir is None:
            allocator = DirectoryAllocator(self.root, self.data_dir.settings.template)
            while True:
                relative = allocator.propose(*self.account)
                try:
                    claim_job_folder(self.data_dir.engine, self.job_id, relative)
                    allocator.create(relative)
                except (NameTaken, FileExistsError):
                    continue
                self.repo_dir = relative
                self._made.add(os.path.join(self.root, relative))
                break
        return self.repo_dir

    def ensure_parent(self, dest: str) -> None:
        """Make the folder that will hold `dest` (absolute), once per folder."""
        parent = dest.rpartition("/")[0]
        if parent not in self._made:
            os.makedirs(parent, exist_ok=True)
            share_folders(self.root, parent[len(self.root) + 1 :])  # engine/group_modes: the group's rwx
            self._made.add(parent)

    def remove(self, names: list[str]) -> None:
        """Remove these repository paths (links as links), then the folders below the job's folder that
        became empty. Only for paths this job created: names are unique within the job."""
        stop = os.path.join(self.root, self.repo_dir or "")
        remove_paths(self.root, names, stop, self._made)

    def finish(self) -> None:
        """A job that kept nothing leaves no empty folder behind."""
        if self.repo_dir is not None:
            try:
                os.rmdir(os.path.join(self.root, self.repo_dir))
            except OSError:
                pass


def remove_paths(root: str, names: list[str], stop: str, made: set[str] | None = None) -> int:
    """Unlink each repository path that exists (never following a link), then remove folders left
    empty, from the deepest up, never `stop` itself or anything above it. Returns how many went."""
    removed = 0
    folders: set[str] = set()
    for name in names:
        path = os.path.join(root, name)
        try:
            os.unlink(path)
            removed += 1
        except FileNotFoundError:
            pass
        folders.add(path.rpartition("/")[0])
    below = stop.rstrip("/") + "/"
    for folder in sorted(folders, key=len, reverse=True):
        while folder.startswith(below):
            try:
                os.rmdir(folder)
            except OSError:
                break  # not empty (or already gone with a sibling's walk)
            if made is not None:
                made.discard(folder)
            folder = folder.rpartition("/")[0]
    return removed


def allocate(job: JobFolder, batch: list[FilesetPlan], row: dict) -> list[Allocated]:
    """Record the batch's filesets as pending with every path they will create (each row made from
    `row` plus the fileset's own fields), then make sure the job's folder exists."""
    repo_dir = job.make()
    now = datetime.now()
    name = job.names.name
    paths = [[f"{repo_dir}/{name(f.path)}" for f in fs.files] for fs in batch]
    rows = [
        {
            **row,
            "name": row["name"] or fs.name,
            "state": FilesetState.PENDING,
            "repo_dir": repo_dir,
            "created_at": now,
            "rule": fs.rule,
            "format": fs.format,
        }
        for fs in batch
    ]
    ids = record_batch(job.data_dir.engine, rows, paths)
    checkpoints.reached("recorded")
    allocated = [Allocated(fs, fid, p) for fs, fid, p in zip(batch, ids, paths, strict=True)]
    checkpoints.reached("allocated")
    return allocated
