"""A signed-in account on an open data dir: what it may list, import, recover and delete.

Every front end (CLI, wizard, DropBox) works through a session, so the rules about who may do what,
and the policy of the data dir, are applied in one place.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from engine import accounts, jobs, recovery
from engine import relink as relinking
from engine import verify as verifying
from engine.api.importing import Prepared
from engine.api.people import PeopleMixin
from engine.catalog import store
from engine.catalog.store import AccountRef
from engine.catalog.store.health import FilesetHealth, FilesetSummary, RelinkRecord
from engine.checks import CheckReport, run_checks
from engine.checksums import get_algorithm
from engine.config import SETTINGS_FILE, Policy, update_policy
from engine.consistency import ConsistencyReport, check_repository
from engine.containers import list_containers
from engine.datadir import DataDir
from engine.dropbox import folders as dropbox_folders
from engine.dropbox.folders import FolderArguments, FolderStatus, WatchedFolder
from engine.errors import UsageError
from engine.groups import require_may_change_job, require_may_see_fileset, resolve_ownership
from engine.importer import ImportOptions
from engine.permissions import require_admin, visible_owner_filter
from engine.plan import FilesetPlan, ImportPlan, make_plan
from engine.progress import CancelToken, ProgressTracker
from engine.recovery import DeleteReport
from engine.relink import RelinkReport
from engine.server_setup import setup_finding, with_finding
from engine.states import HealthState
from engine.transfers import Transfer, get_transfer
from engine.verify import VerifyReport


class Session(PeopleMixin):
    def __init__(self, data_dir: DataDir, account: AccountRef) -> None:
        self.data_dir = data_dir
        self.account = account

    @property
    def account_name(self) -> str:
        return self.account.name

    @property
    def is_admin(self) -> bool:
        return self.account.is_admin

    # --- accounts ----------------------------------------------------------------------------------

    def require_admin(self, action: str) -> None:
        """Refuse `action` (e.g. "add an account") in a sentence unless this account is an administrator."""
        require_admin(self.account, action)

    def remember(self) -> str:
        """A token that signs this account in again for a week, without its password."""
        return accounts.start_session(self.data_dir, self.account)

    def add_account(self, name: str, password: str, admin: bool = False) -> None:
        accounts.create_account(self.data_dir, name, password, admin, by=self.account)

    # --- the data dir's policy --------------------------------------------------------------------

    @property
    def policy(self) -> Policy:
        """The data dir's policy as the checks apply it now."""
        return self.data_dir.settings.policy

    @property
    def settings_file(self) -> Path:
        """Where the policy is kept: the data dir's settings.toml, [policy] table."""
        return self.data_dir.root / SETTINGS_FILE

    def set_policy(self, **changes) -> Policy:
        """Change settings of the data dir's policy (administrators only), e.g.
        `set_policy(temporary_storage="warning")`. The next checks and imports follow it at once."""
        require_admin(self.account, "change the data dir's policy")
        update_policy(self.data_dir.root, changes)
        self.data_dir.__dict__.pop("_settings", None)  # read the file again even within its mtime's tick
        return self.policy

    # --- listings ----------------------------------------------------------------------------------

    def filesets(self) -> list[dict]:
        """Registered filesets this account may see, each with its entries."""
        return self.with_owner_names(store.list_filesets(self.data_dir, visible_owner_filter(self.account)))

    def jobs(self, limit: int = 50) -> list[dict]:
        return jobs.list_jobs(self.data_dir, account=self.account, limit=limit)

    def accounts(self) -> list[dict]:
        """The accounts of the catalog for an administrator; one's own for anyone else."""
        return store.accounts.listing(self.data_dir, visible_owner_filter(self.account))

    def containers(self) -> list[dict]:
        return list_containers(self.data_dir, self.account)

    def imported_before(self, plan: ImportPlan) -> set[str]:
        """Source paths of the plan that were imported before from the same place."""
        from engine.plan import registered_sources

        return registered_sources(self.data_dir, plan.filesets)

    def imported_health(self, filesets: list[FilesetPlan]) -> dict[int, FilesetHealth]:
        """For each of these filesets of a plan (by index) whose files were imported before into filesets
        this account sees: their health (the worst), least recent check and problems, counted by the catalog."""
        from engine.paths import client_path

        by_client = {client_path(f.path): i for i, fs in enumerate(filesets) for f in fs.files}
        holders: dict[int, set[int]] = {}
        for path, fileset_id in store.filesets.registered_holders(self.data_dir, by_client).items():
            holders.setdefault(by_client[path], set()).add(fileset_id)
        wanted = set().union(*holders.values())
        found = store.health.fileset_health(self.data_dir, visible_owner_filter(self.account), wanted)
        together = {i: [found[f] for f in ids if f in found] for i, ids in holders.items()}
        return {i: _together(seen) for i, seen in together.items() if seen}

    # --- importing ---------------------------------------------------------------------------------

    def options(self, **values) -> ImportOptions:
        """Import options with the data dir's policy applied (read-only after import)."""
        options = ImportOptions(**values)
        if self.data_dir.settings.policy.read_only_after_import:
            options = replace(options, make_read_only=True)
        get_transfer(options.transfer)  # unknown names and broken plugins fail here, in a sentence
        get_algorithm(options.checksum_algorithm)
        resolve_ownership(self.data_dir, self.account, options.group, options.sudo)  # -g and --sudo, checked now
        return options

    def plan(
        self,
        paths: list[str],
        options: ImportOptions,
        cancel: CancelToken | None = None,
        progress: ProgressTracker | None = None,
    ) -> ImportPlan:
        """Scan, group and leave out what was imported before; nothing is checked or written.
        `cancel` stops the scan (it raises Cancelled); `progress` counts the files found so far."""
        paths = [os.fspath(p) for p in paths]
        return make_plan(
            self.data_dir,
            paths,
            options.exclude,
            options.checksum_algorithm,
            depth=options.depth,
            include_all=options.include_all,
            cancel=cancel,
            progress=progress,
        )

    def without(self, plan: ImportPlan, fileset_indexes: list[int]) -> ImportPlan:
        """The plan with the filesets at these indexes left out, as the person chose; nothing is scanned again."""
        leave_out = set(fileset_indexes)
        kept = [fs for i, fs in enumerate(plan.filesets) if i not in leave_out]
        return replace(plan, filesets=kept)

    def check(self, plan: ImportPlan, options: ImportOptions, all_transfers: bool = True) -> CheckReport:
        """Every check for every transfer known (or only the chosen one), as the import will see them."""
        transfers: list[Transfer | str] | None = None if all_transfers else [get_transfer(options.transfer)]
        report = run_checks(self.data_dir, plan, self.account, transfers, options.make_read_only)
        return with_finding(report, setup_finding(self.data_dir))  # a shared data dir's set-up (setup-group)

    def prepare(
        self,
        selection: list[str] | ImportPlan,
        options: ImportOptions,
        all_transfers: bool = False,
        cancel: CancelToken | None = None,
    ) -> Prepared:
        """Everything a person must see before an import: the plan, the checks (for every transfer
        with `all_transfers`, as the wizard shows them), the statements and warnings to accept."""
        plan = selection if isinstance(selection, ImportPlan) else self.plan(selection, options, cancel)
        return Prepared(self, plan, options, self.check(plan, options, all_transfers))

    def retry(self, job_id: int, options: ImportOptions | None = None, sources: list[str] | None = None) -> Prepared:
        """Files a finished job failed or cancelled (or those of them given), prepared as a new job
        linked to it. Their responsibilities are asked again: the counts, and what a moving transfer
        will delete, are new."""
        owner, unfinished = store.unfinished_sources(self.data_dir, job_id)
        if owner is None:
            raise UsageError(f"There is no job {job_id}.", "List jobs with 'inplace jobs'.")
        require_may_change_job(self.data_dir, self.account, job_id, owner, f"retry job {job_id}")
        if options is None:  # the options the job ran with; a retry imports afresh and never excludes
            options = replace(recovery.job_options(self.data_dir, job_id, account=self.account), exclude=None)
        again = [p for p in unfinished if sources is None or p in sources]
        if not again:
            raise UsageError(f"Job {job_id} has no failed or cancelled files to import again.")
        return self.prepare(again, replace(options, retry_of=job_id))

    def resume(self, job_id: int) -> Prepared:
        """What an interrupted job did not finish, prepared to run; changes nothing until it runs."""
        paths, options = recovery.resume_options(self.data_dir, job_id, account=self.account)
        return self.prepare(paths, options)

    # --- recovering and deleting -------------------------------------------------------------------

    def rollback(self, job_id: int) -> DeleteReport:
        return recovery.rollback_job(self.data_dir, job_id, account=self.account)

    def delete(self, fileset_ids: list[int]) -> DeleteReport:
        return recovery.delete_filesets(self.data_dir, fileset_ids, account=self.account)

    def check_repository(self) -> ConsistencyReport:
        require_admin(self.account, "check the whole repository")
        return check_repository(self.data_dir)

    # --- keeping imported data healthy -------------------------------------------------------------

    def verify(
        self,
        fileset_ids: list[int] | None = None,
        full: bool = False,
        budget: float | None = None,
        progress: ProgressTracker | None = None,
        cancel: CancelToken | None = None,
    ) -> VerifyReport:
        """Check this account's filesets (every fileset for an administrator), or those given: quick
        (size, time, same file) or `full` (hash again). With `budget` (seconds) the least recently
        checked go first and the run stops in time. Results are stored with the time of the check."""
        return verifying.verify(self.data_dir, self.account, fileset_ids, full, budget, progress, cancel)

    def fileset_health(self) -> dict[int, FilesetHealth]:
        """Each visible fileset's health (the worst of its entries) and its least recent check."""
        return store.health.fileset_health(self.data_dir, visible_owner_filter(self.account))

    def fileset_summaries(self) -> list[FilesetSummary]:
        """Each visible fileset, newest first, with its owner, size, health and least recent check."""
        return store.health.fileset_summaries(self.data_dir, visible_owner_filter(self.account))

    def relink_history(self, fileset_ids: list[int] | None = None) -> list[RelinkRecord]:
        """The relinks of the visible filesets (or of those given), oldest first: from where to where,
        which account and OS user, and when."""
        return store.health.relink_history(self.data_dir, visible_owner_filter(self.account), fileset_ids)

    def relink(
        self, old_root: str, new_root: str, full: bool = False, dry_run: bool = False, cancel: CancelToken | None = None
    ) -> RelinkReport:
        """Re-point this account's ln_s entries under `old_root` at the same places under `new_root`,
        each after checking it is the imported file (size and time, or checksum with `full`)."""
        return relinking.relink_tree(self.data_dir, self.account, old_root, new_root, full, dry_run, cancel)

    def relink_search(
        self, root: str, full: bool = False, apply: bool = False, cancel: CancelToken | None = None
    ) -> RelinkReport:
        """Propose (or `apply`) new places under `root` for ln_s entries whose original is gone; a file
        matched by name and size (and checksum with `full`). Ambiguous matches are never applied."""
        return relinking.search(self.data_dir, self.account, root, full, apply, cancel)

    # --- watch folders (DropBox) -------------------------------------------------------------------

    def add_watched_folder(
        self, path: str, account: str, arguments: FolderArguments, accept_responsibilities: bool = False
    ) -> WatchedFolder:
        """Register a folder whose arrivals the DropBox service imports for `account` (administrators
        only). An in-place or deleting transfer needs `accept_responsibilities`: this administrator's
        standing acknowledgement, recorded with who and when and repeated in every job it covers."""
        return dropbox_folders.add_folder(
            self.data_dir, self.account, path, account, arguments, accept_responsibilities
        )

    def watched_folders(self) -> list[WatchedFolder]:
        """Every watch folder for an administrator; an account's own otherwise."""
        return dropbox_folders.list_folders(self.data_dir, self.account)

    def remove_watched_folder(self, folder_id: int) -> WatchedFolder:
        """Stop watching a folder (administrators only); what it imported stays, its files are untouched."""
        return dropbox_folders.remove_folder(self.data_dir, self.account, folder_id)

    def dropbox_status(self, events: int = 10) -> list[FolderStatus]:
        """Each visible watch folder with what waits there and its newest imports and failures."""
        return dropbox_folders.folder_status(self.data_dir, self.account, events)

    def retry_watched_fileset(self, folder_id: int, fileset: str) -> None:
        """Ask the DropBox service to try a fileset that failed in a watch folder again now, rather than
        after its back-off (the folder's account or an administrator); recorded with who asked."""
        dropbox_folders.ask_retry(self.data_dir, self.account, folder_id, fileset)

    # --- images and thumbnails ---------------------------------------------------------------------

    def images(self, fileset_id: int) -> list[dict]:
        """The images (series) of a fileset as its format's reader saw them, each with `thumbnail`
        (an absolute path, or None). Empty until the background reader has read the fileset; a
        format no reader takes gives one image with status "not read" and the reason."""
        from engine.catalog.store import images as image_store

        owner = image_store.fileset_owner(self.data_dir, fileset_id)
        if owner is None:
            raise UsageError(f"There is no fileset {fileset_id}.", "List them with 'inplace filesets'.")
        action = f"see the images of fileset {fileset_id}"
        require_may_see_fileset(self.data_dir, self.account, fileset_id, owner, action)
        return self._with_paths(image_store.images_of(self.data_dir, [fileset_id]).get(fileset_id, []))

    def images_by_fileset(self) -> dict[int, list[dict]]:
        """The images of every visible fileset read so far, by fileset id (one query, for listings)."""
        from engine.catalog.store import images as image_store

        visible = set(image_store.registered_ids(self.data_dir, visible_owner_filter(self.account)))
        found = image_store.images_of(self.data_dir, sorted(visible))
        return {fileset_id: self._with_paths(rows) for fileset_id, rows in found.items()}

    def thumbnail_path(self, fileset_id: int, series: int | None = None) -> Path | None:
        """The PNG of one image of a fileset, or with `series` None its plate overview; None when
        there is none (not made yet, or the image could not be read)."""
        from engine.images import thumbnails, thumbnails_root

        if series is None:
            self.images(fileset_id)  # refuses unknown and foreign filesets
            path = thumbnails.fileset_folder(thumbnails_root(self.data_dir), fileset_id) / thumbnails.OVERVIEW_NAME
            return path if path.is_file() else None
        row = next((r for r in self.images(fileset_id) if r["series"] == series), None)
        return Path(row["thumbnail"]) if row and row["thumbnail"] else None

    def rebuild_images(self, fileset_ids: list[int] | None = None, on_fileset=None) -> int:
        """Read the images of these filesets (of every visible one when None) and make their
        thumbnails again, here and now; `on_fileset(fileset_id, images)` after each. Returns how many."""
        from engine.catalog.store import images as image_store
        from engine.images import read_images

        if fileset_ids is None:
            fileset_ids = image_store.registered_ids(self.data_dir, visible_owner_filter(self.account))
        for fileset_id in fileset_ids:
            self.images(fileset_id)  # all are checked before any is read
        for fileset_id in fileset_ids:
            read_images(self.data_dir, [fileset_id])
            if on_fileset is not None:
                on_fileset(fileset_id, self.images(fileset_id))
        return len(fileset_ids)

    def read_images(self, plan: ImportPlan, fileset_index: int) -> list[dict]:
        """The images of one fileset of a plan, read from its own files before any import (what the
        data page and `inplace import -f` show): metadata only, no thumbnail, nothing recorded."""
        from engine.images.reading import read_fileset

        if not 0 <= fileset_index < len(plan.filesets):
            raise UsageError(f"The plan has no fileset {fileset_index + 1}.")
        fs = plan.filesets[fileset_index]
        return [found.record.as_dict() for found in read_fileset(fs.name, fs.format, [f.path for f in fs.files])]

    def job_images(self, job_ids: list[int], limit: int | None = None) -> list[dict]:
        """The filesets these jobs registered (that this account may see; the first `limit`), each with
        `fileset_id`, `name`, `images` (None until the background reader has read it) and `overview`
        (a plate's, or None)."""
        from engine.catalog.store import images as image_store
        from engine.images import thumbnails, thumbnails_root

        filesets = image_store.job_filesets(self.data_dir, job_ids, visible_owner_filter(self.account), limit)
        found = image_store.images_of(self.data_dir, [fileset_id for fileset_id, _ in filesets])
        root = thumbnails_root(self.data_dir)
        shown = []
        for fileset_id, name in filesets:
            overview = thumbnails.fileset_folder(root, fileset_id) / thumbnails.OVERVIEW_NAME
            rows = found.get(fileset_id)
            shown.append(
                {
                    "fileset_id": fileset_id,
                    "name": name,
                    "images": self._with_paths(rows) if rows is not None else None,
                    "overview": str(overview) if overview.is_file() else None,
                }
            )
        return shown

    def wait_for_images(self, timeout: float | None = None) -> bool:
        """Wait until the background reader has read every fileset imported in this process (True),
        or `timeout` seconds passed (False)."""
        from engine.images import wait_for_images

        return wait_for_images(timeout)

    def _with_paths(self, rows: list[dict]) -> list[dict]:
        return [{**r, "thumbnail": str(self.data_dir.root / r["thumbnail"]) if r["thumbnail"] else None} for r in rows]


def _together(seen: list[FilesetHealth]) -> FilesetHealth:
    """Several registered filesets as one: the worst health, the least recent check (None while one was
    never checked), every problem."""
    checked = [h.checked_at for h in seen if h.checked_at is not None]
    oldest = min(checked) if len(checked) == len(seen) else None
    return FilesetHealth(HealthState.worst(h.health for h in seen), oldest, sum(h.problems for h in seen))
