"""Reading images and making thumbnails after registration, off the import's path.

The importer hands each batch's registered filesets to `queue_filesets` and goes on; one background
thread per process reads them in order and stops when it has nothing left, so nothing lingers after
the work. It is a daemon thread, and front ends wait for it with `wait_for_images` before they exit
(the CLI does at the end of every command): a non-daemon thread would be joined during interpreter
shutdown, when zarr can no longer start the event loop it reads with, and hang. A process killed
first leaves its filesets unread ("not read yet"); `inplace images --rebuild` reads them.

Each fileset is read from its repository files and recorded in one transaction; a failure is
recorded on the fileset ("not read", and why), never raised into the import.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import shutil
import threading
import time
from pathlib import Path

from engine.catalog.store import images as image_store
from engine.datadir import DataDir
from engine.group_modes import share_made
from engine.images.records import ImageRecord, ImageStatus

log = logging.getLogger(__name__)

THUMBNAILS = "thumbnails"
BATCH = 256  # filesets read, then recorded in one transaction
QUIET_SECONDS = 1.0


def thumbnails_root(data_dir: DataDir) -> Path:
    return data_dir.root / THUMBNAILS


def read_images(data_dir: DataDir, fileset_ids: list[int]) -> dict[int, list[ImageRecord]]:
    """Read registered filesets' images, make their thumbnails and record both in one transaction,
    replacing what was recorded before. Returns the records by fileset id; a fileset that is not
    (or no longer) registered is left out."""
    files = image_store.fileset_files(data_dir, fileset_ids)
    read = {fileset_id: _read_one(data_dir, fileset_id, *info) for fileset_id, info in files.items()}
    rows = {
        fileset_id: [{**rec.as_dict(), "thumbnail": _relative(data_dir, made.get(rec.series))} for rec in records]
        for fileset_id, (records, made) in read.items()
    }
    stored = image_store.replace_images(data_dir, rows)
    for fileset_id in set(read) - stored:  # deleted while it was being read
        remove_thumbnails(data_dir, [fileset_id])
    return {fileset_id: read[fileset_id][0] for fileset_id in stored}


def _read_one(
    data_dir: DataDir, fileset_id: int, name: str, fmt: str | None, repo_paths: list[str]
) -> tuple[list[ImageRecord], dict[int, Path]]:
    # The readers (numpy, tifffile, zarr, nd2...) load here, in the background, not with the importer.
    from engine.images import thumbnails
    from engine.images.reading import read_fileset
    from engine.images.sampling import MAX_SIDE

    found = read_fileset(name, fmt, [os.path.join(data_dir.repository, p) for p in repo_paths])
    root = thumbnails_root(data_dir)
    folder = thumbnails.fileset_folder(root, fileset_id)
    shutil.rmtree(folder, ignore_errors=True)
    made: dict[int, Path] = {}
    for image in found:
        rec = image.record
        if image.plane is None or rec.status != ImageStatus.READ:
            continue
        target = thumbnails.image_file(root, fileset_id, rec.series)
        try:
            thumbnails.write_png(image.plane(MAX_SIDE), target)
        except Exception as exc:  # noqa: BLE001 - a thumbnail that fails leaves the metadata recorded
            rec.reason = f"no thumbnail: {type(exc).__name__}: {exc}"
            continue
        made[rec.series] = target
    records = [image.record for image in found]
    overview = folder / thumbnails.OVERVIEW_NAME
    thumbnails.write_overview(records, made, overview)
    # before the catalog records them: the next member of a shared data dir writes here too, and sees them
    share_made(data_dir.root, root, folder, *made.values(), overview)
    return records, made


def remove_thumbnails(data_dir: DataDir, fileset_ids: list[int]) -> None:
    """Thumbnails of deleted filesets go with them (their catalog rows go by cascade)."""
    root = thumbnails_root(data_dir)
    for fileset_id in fileset_ids:
        shutil.rmtree(root / str(fileset_id), ignore_errors=True)  # thumbnails.fileset_folder


def _relative(data_dir: DataDir, path: Path | None) -> str | None:
    return os.path.relpath(path, data_dir.root) if path is not None else None


class _Worker:
    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Path, list[int]]] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._last_put = 0.0

    def put(self, root: Path, fileset_ids: list[int]) -> None:
        with self._lock:
            self._idle.clear()
            self._last_put = time.monotonic()
            self._queue.put((root, list(fileset_ids)))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="inplace-images", daemon=True)
                self._thread.start()

    def _wait_for_quiet(self) -> None:
        """Start once no batch was queued for QUIET_SECONDS: during an import, batches come faster
        than that, so the reader waits for the import's end instead of competing with it for the
        interpreter and the catalog's write lock (measured: 10 times slower otherwise)."""
        while (left := self._last_put + QUIET_SECONDS - time.monotonic()) > 0:
            time.sleep(left)

    def wait(self, timeout: float | None = None) -> bool:
        return self._idle.wait(timeout)

    def _run(self) -> None:
        opened: dict[Path, DataDir] = {}
        try:
            while True:
                with self._lock:
                    try:
                        root, ids = self._queue.get_nowait()
                    except queue.Empty:
                        self._thread = None
                        self._idle.set()
                        return
                data_dir = opened.get(root) or opened.setdefault(root, DataDir(root))
                self._wait_for_quiet()
                for i in range(0, len(ids), BATCH):
                    try:
                        read_images(data_dir, ids[i : i + BATCH])
                    except Exception:  # noqa: BLE001 - the data dir went away, the catalog is locked...
                        # not a warning: the fileset stays "not read yet" and --rebuild reads it; a
                        # traceback on the terminal after an import that failed anyway helps nobody
                        log.info("reading the images of filesets %s failed", ids[i : i + BATCH], exc_info=True)
        finally:
            for data_dir in opened.values():
                with contextlib.suppress(Exception):
                    data_dir.dispose()


_worker = _Worker()


def queue_filesets(data_dir: DataDir, fileset_ids: list[int]) -> None:
    """Read these registered filesets' images in the background; returns at once."""
    if fileset_ids:
        _worker.put(data_dir.root, fileset_ids)


def wait_for_images(timeout: float | None = None) -> bool:
    """Block until every queued fileset was read (True), or `timeout` seconds passed (False)."""
    return _worker.wait(timeout)
