"""Images, not files: what each registered fileset's images are (read with the library made for
its format) and a thumbnail of each, made in the background after registration.

    records     ImageRecord: dimensions, pixel type, physical sizes, channels, date, plate/well/field
    reading     which reader reads a fileset; "not read" with the reason when none does
    tiff, others, plates, ome   the readers: tifffile, nd2, pydicom, zarr, ome-types; plate index files
    sampling    small planes from large pages with bounded memory
    thumbnails  PNG thumbnails and plate overviews in the data dir's thumbnails/ folder
    worker      the background reader the importer hands registered filesets to
"""

from engine.images.records import ImageRecord, ImageStatus
from engine.images.worker import queue_filesets, read_images, remove_thumbnails, thumbnails_root, wait_for_images

__all__ = [
    "ImageRecord",
    "ImageStatus",
    "queue_filesets",
    "read_images",
    "remove_thumbnails",
    "thumbnails_root",
    "wait_for_images",
]
