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
from pathlib import Path

from engine.catalog.store import images as image_store
from engine.datadir import DataDir
from engine.images.records import ImageRecord, ImageStatus

log = logging.getLogger(__name__)

THUMBNAILS = "thumbnails"


def thumbnails_root(data_dir: DataDir) -> Path:
    return data_dir.root / THUMBNAILS


def read_images(data_dir: DataDir, fileset_id: int) -> list[ImageRecord] | None:
    """Read one registered fileset's images, make their thumbnails and record both, replacing what
    was recorded before. None when there is no such registered fileset."""
    # The readers (numpy, tifffile, zarr, nd2...) load here, in the background, not with the importer.
    from engine.images import thumbnails
    from engine.images.reading import read_fileset
    from engine.images.sampling import MAX_SIDE

    info = image_store.fileset_files(data_dir, fileset_id)
    if info is None:
        return None
    name, fmt, repo_paths = info
    paths = [os.path.join(data_dir.repository, p) for p in repo_paths]
    found = read_fileset(name, fmt, paths)
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
    thumbnails.write_overview(records, made, folder / thumbnails.OVERVIEW_NAME)
    rows = [{**rec.as_dict(), "thumbnail": _relative(data_dir, made.get(rec.series))} for rec in records]
    if not image_store.replace_images(data_dir, fileset_id, rows):
        shutil.rmtree(folder, ignore_errors=True)  # deleted while it was being read
        return None
    return records


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

    def put(self, root: Path, fileset_ids: list[int]) -> None:
        with self._lock:
            self._idle.clear()
            self._queue.put((root, list(fileset_ids)))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="inplace-images", daemon=True)
                self._thread.start()

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
                for fileset_id in ids:
                    try:
                        read_images(data_dir, fileset_id)
                    except Exception:  # noqa: BLE001 - the data dir went away, the catalog is locked...
                        log.warning("reading the images of fileset %s failed", fileset_id, exc_info=True)
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
