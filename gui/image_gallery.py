"""The results page's gallery: each imported fileset's thumbnail (a plate's overview) and what its
images are, filled in as the engine's background reader records them, without blocking the page."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QListView, QListWidget, QListWidgetItem, QStyle

from gui import texts
from gui.models import images_details, images_summary

SHOWN = 200  # filesets with a thumbnail on the page; the rest are imported just the same
ICON = 96  # pixels on a thumbnail's long side in the gallery (the files have up to 256)
CELL = QSize(320, ICON + 12)  # a thumbnail with three or four lines of text beside it
WAIT_SECONDS = 1.0  # each look waits up to this long for the background reader before it answers
WAIT_STEP = 0.1  # ...in steps, so that a closing wizard stops it at once


def picture_path(fileset: dict) -> str | None:
    """The picture of a fileset: its plate overview, else its first image's thumbnail."""
    if fileset["overview"]:
        return fileset["overview"]
    return next((r["thumbnail"] for r in fileset["images"] or [] if r["thumbnail"]), None)


def look(
    session, job_ids: list[int], loaded: set[int], wait: bool, cancel
) -> tuple[bool, list[dict], dict[int, QImage]]:
    """(worker thread) Wait a moment for the background reader (unless this is the first look, which
    shows the cells at once), then the jobs' filesets as read so far and the thumbnails not loaded
    before, scaled for the gallery (a QImage may be made off the GUI thread, a QPixmap may not). The
    first value says whether the reader has finished."""
    finished = session.wait_for_images(0)
    for _ in range(round(WAIT_SECONDS / WAIT_STEP) if wait and not finished else 0):
        cancel.raise_if_cancelled()  # the page or the wizard went away: no catalog query after that
        if finished := session.wait_for_images(WAIT_STEP):
            break
    cancel.raise_if_cancelled()
    filesets = session.job_images(job_ids, limit=SHOWN + 1)
    pictures = {}
    for fileset in filesets[:SHOWN]:
        path = picture_path(fileset)
        if path and fileset["fileset_id"] not in loaded:
            image = QImage(path)
            if not image.isNull():
                mode = Qt.TransformationMode.SmoothTransformation
                pictures[fileset["fileset_id"]] = image.scaled(ICON, ICON, Qt.AspectRatioMode.KeepAspectRatio, mode)
    return finished, filesets, pictures


def _centred(icon: QIcon, side: int = 40) -> QPixmap:
    """A small sign in the middle of a thumbnail-sized space: it marks a cell without shouting."""
    canvas = QPixmap(ICON, ICON)
    canvas.fill(Qt.GlobalColor.transparent)
    painter = QPainter(canvas)
    painter.drawPixmap((ICON - side) // 2, (ICON - side) // 2, icon.pixmap(side, side))
    painter.end()
    return canvas


class ImageGallery(QListWidget):
    """One cell per imported fileset: its thumbnail, its name, its images in a few words."""

    updated = Signal()  # after each look: cells were added or filled in

    def __init__(self, ops, parent=None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.session = None
        self.job_ids: list[int] = []
        self.finished = False  # the background reader is done, and everything it made is shown
        self.more = False  # more filesets were imported than are shown
        self._items: dict[int, QListWidgetItem] = {}
        self._asked: list[int] = []  # the jobs the running look asked about
        self._looked = False  # the first look answers at once, the next ones wait for the reader
        self._op = None
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)  # cells side by side, as many as fit, then the next row
        self.setWrapping(True)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setIconSize(QSize(ICON, ICON))
        self.setGridSize(CELL)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        waiting = QPixmap(ICON, ICON)
        waiting.fill(QColor("#d8dde3"))
        self._waiting = QIcon(waiting)
        self._not_read = QIcon(
            _centred(QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation))
        )

    def show_jobs(self, session, job_ids: list[int]) -> None:
        """Show the filesets these jobs imported, and keep looking until their images are all read."""
        self.session, self.job_ids = session, list(job_ids)
        self.finished = False
        if self._op is None or not self._op.running:
            self._look()

    def stop(self) -> None:
        if self._op is not None:
            self._op.cancel()
            self._op = None

    def _look(self) -> None:
        self._asked = list(self.job_ids)
        self._op = (
            self.ops.op(look, self.session, list(self.job_ids), set(self._loaded()), wait=self._looked)
            .with_cancel()
            .success(self._seen)
            .run_in_background()
        )

    def _loaded(self) -> list[int]:
        return [i for i, item in self._items.items() if item.data(Qt.ItemDataRole.UserRole)]

    def _seen(self, found) -> None:
        finished, filesets, pictures = found
        self._looked = True
        self.more = len(filesets) > SHOWN
        for fileset in filesets[:SHOWN]:
            self._show(fileset, pictures.get(fileset["fileset_id"]), finished)
        self.finished = finished and self._asked == self.job_ids  # a retry's job may have come meanwhile
        self.updated.emit()
        if not self.finished:
            self._look()  # the reader is still at work: look again (the look itself waits)

    def _show(self, fileset: dict, picture: QImage | None, finished: bool) -> None:
        item = self._items.get(fileset["fileset_id"])
        if item is None:
            item = QListWidgetItem(self._waiting, "")
            item.setSizeHint(CELL - QSize(8, 8))  # the text wraps within its cell, beside the thumbnail
            self._items[fileset["fileset_id"]] = item
            self.addItem(item)
        images = fileset["images"]
        if images is None:
            about = texts.IMAGES_NOT_READ_YET if finished else texts.IMAGES_BEING_MADE
            details = about
        else:
            about = images_summary(images)
            details = images_details(images)
        item.setText(f"{fileset['name']}\n{about}")
        item.setToolTip(f"{fileset['name']}\n{details}")
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{fileset['name']}: {about}")
        if picture is not None:
            item.setIcon(QIcon(QPixmap.fromImage(picture)))
            item.setData(Qt.ItemDataRole.UserRole, True)
        elif images is not None and not item.data(Qt.ItemDataRole.UserRole):
            item.setIcon(self._not_read)  # read, and no thumbnail made: the tooltip says why

    def clear_all(self) -> None:
        self.stop()
        self._looked = False
        self._items.clear()
        self.clear()
