"""Deal with what an interrupted job left: roll it back, or resume it; and delete filesets on request."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field

from engine.allocation import remove_paths
from engine.catalog import pending as pending_paths
from engine.catalog import store
from engine.catalog.store import AccountRef
from engine.catalog.store.filesets import EntryRecord
from engine.catalog.store.jobs import JobRecord
from engine.containers import Target
from engine.datadir import DataDir
from engine.errors import UsageError
from engine.groups import require_may_change_fileset, require_may_change_job
from engine.images import remove_thumbnails
from engine.importer import ImportOptions
from engine.jobs import mark_interrupted
from engine.repository import checked_entry_paths, fileset_dir, remove_fileset_dir, remove_job_folder_if_empty
from engine.states import JobState


@dataclass
class DeleteReport:
    filesets: int = 0
    files: int = 0
    bytes_freed: int = 0
    links_removed: int = 0
    kept: list[str] = field(default_factory=list)  # filesets not removed, with the reason


def _interrupted_job(data_dir: DataDir, job_id: int, account: AccountRef, action: str) -> JobRecord:
    mark_interrupted(data_dir)
    job = store.jobs.get(data_dir, job_id)
    if job is None:
        raise UsageError(f"There is no job {job_id}.", "List jobs with 'inplace jobs'.")
    require_may_change_job(data_dir, account, job_id, job.account_id, f"{action} job {job_id}")
    if job.state != JobState.INTERRUPTED:
        raise UsageError(f"Job {job_id} is {job.state}, not interrupted; there is nothing to recover.")
    return job


def remove_pending(data_dir: DataDir, job_id: int) -> int:
    """Remove the unfinished filesets of a job from the repository and the catalog: for a job with its
    own folder, exactly the paths they recorded before creating them (never one a registered entry
    holds), then folders left empty; for an older job, each fileset's own folder."""
    pending = store.filesets.pending(data_dir, job_id)
    job_dir = pending_paths.job_folder(data_dir, job_id)
    in_job = [fileset_id for fileset_id, repo_dir in pending if repo_dir == job_dir]
    if job_dir is not None:
        fileset_dir(data_dir.repository, job_dir)  # a row edited to point outside stops it all
        keep = pending_paths.registered_paths(data_dir, job_dir)
        names = [n for n in pending_paths.pending_paths(data_dir, in_job) if n not in keep]
        checked_entry_paths(data_dir.repository, job_dir, names)
        remove_paths(str(data_dir.repository), names, os.path.join(data_dir.repository, job_dir))
    for _, repo_dir in pending:
        if repo_dir != job_dir:
            remove_fileset_dir(data_dir.repository, repo_dir)
    store.filesets.remove(data_dir, [fileset_id for fileset_id, _ in pending])
    if job_dir is not None:
        remove_job_folder_if_empty(data_dir.repository, job_dir)
    return len(pending)


def rollback_job(data_dir: DataDir, job_id: int, *, account: AccountRef) -> DeleteReport:
    """Undo an interrupted job: its unfinished filesets, and the registered ones whose originals remain."""
    _interrupted_job(data_dir, job_id, account, "roll back")
    remove_pending(data_dir, job_id)
    ids = store.filesets.of_job(data_dir, job_id)
    report = delete_filesets(data_dir, ids, keep_sole_copies=True, account=account)
    store.jobs.set_state(data_dir, job_id, JobState.ROLLED_BACK)
    return report


def resume_options(data_dir: DataDir, job_id: int, *, account: AccountRef) -> tuple[list[str], ImportOptions]:
    """What to run to finish an interrupted job: its paths and options, excluding what it
    registered, and never deleting sources. Changes nothing: the resumed import itself claims the
    job (once its checks and responsibilities pass) and removes the unfinished filesets."""
    job = _interrupted_job(data_dir, job_id, account, "resume")
    paths, options = _request(job)
    options.exclude = "clientpath"
    options.delete_sources = False
    options.resumed_from = job_id
    return paths, options


def job_options(data_dir: DataDir, job_id: int, *, account: AccountRef) -> ImportOptions:
    """The options a job ran with (for a retry of its failed files), for its owner or an administrator."""
    job = store.jobs.get(data_dir, job_id)
    if job is None:
        raise UsageError(f"There is no job {job_id}.", "List jobs with 'inplace jobs'.")
    require_may_change_job(data_dir, account, job_id, job.account_id, f"retry job {job_id}")
    return _request(job)[1]


def _request(job: JobRecord) -> tuple[list[str], ImportOptions]:
    """The paths and options stored with a job; options added since it ran take their defaults."""
    request = json.loads(job.request)
    opts = request["options"]
    opts["target"] = Target(**opts["target"]) if opts.get("target") else None
    known = ImportOptions.__dataclass_fields__
    return request["paths"], ImportOptions(**{k: v for k, v in opts.items() if k in known})


def delete_filesets(
    data_dir: DataDir, fileset_ids: list[int], keep_sole_copies: bool = False, *, account: AccountRef
) -> DeleteReport:
    """Remove filesets from the repository and the catalog. Links go; what they point to stays.

    With `keep_sole_copies`, a fileset whose originals are not all still there, unchanged (size and
    modification time as recorded), is kept: its copy may be the only one of those bytes.
    """
    report = DeleteReport()
    filesets = store.filesets.with_entries(data_dir, fileset_ids)
    found = {fs.id for fs in filesets}
    unknown = [i for i in fileset_ids if i not in found]
    if unknown:
        raise UsageError(f"There is no fileset {unknown[0]}.", "List them with 'inplace filesets'.")
    in_job = pending_paths.in_job_folder(data_dir, [fs.id for fs in filesets])
    for fs in filesets:  # all are checked before any is removed
        require_may_change_fileset(data_dir, account, fs.id, fs.owner_id, f"delete fileset {fs.id}")
        fileset_dir(data_dir.repository, fs.repo_dir)  # a row edited to point outside stops it all
        if fs.id in in_job:
            checked_entry_paths(data_dir.repository, fs.repo_dir, [e.repo_path for e in fs.entries])
    for fs in filesets:
        if keep_sole_copies and fs.transfer != "ln_s" and not all(_still_there(e) for e in fs.entries):
            report.kept.append(
                f"fileset {fs.id} ({fs.name}): its originals are gone or changed, "
                "so the repository may hold the only copy"
            )
            continue
        for e in fs.entries:
            path = data_dir.repository / e.repo_path
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            if os.path.islink(path) or st.st_nlink > 1:
                report.links_removed += 1
            else:
                report.bytes_freed += st.st_size
            report.files += 1
        if fs.id in in_job:  # entries first, then the folders they leave empty, the job's own included
            above = os.path.dirname(os.path.join(data_dir.repository, fs.repo_dir))
            remove_paths(str(data_dir.repository), [e.repo_path for e in fs.entries], above)
            remove_job_folder_if_empty(data_dir.repository, fs.repo_dir)
        else:
            remove_fileset_dir(data_dir.repository, fs.repo_dir)
        store.filesets.remove(data_dir, [fs.id])
        remove_thumbnails(data_dir, [fs.id])  # their image rows went with the fileset (cascade)
        report.filesets += 1
    return report


def _still_there(entry: EntryRecord) -> bool:
    """The original is still where it was, a regular file of the recorded size and time."""
    try:
        st = os.stat(entry.source_path, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size == entry.size and st.st_mtime == entry.mtime
