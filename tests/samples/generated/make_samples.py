"""Write the generated samples in this folder (run from the project root:
`.venv/bin/python tests/samples/generated/make_samples.py`; needs pydicom, nibabel, mrc, tifffile).

Each is tiny (zeros or a ramp) and laid out as its format's own library or documentation makes it,
so that Bio-Formats reads each set as one fileset (tests/engine/test_formats_oracle.py checks that).
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def dicom(root: Path) -> None:
    """Two series of three slices in one folder, written with pydicom."""
    import pydicom
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    root.mkdir(parents=True)
    prefix = "1.2.826.0.1.3680043.8.498."
    for series in (1, 2):
        series_uid = generate_uid(prefix=prefix)
        for instance in (1, 2, 3):
            meta = FileMetaDataset()
            meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
            meta.MediaStorageSOPInstanceUID = f"{prefix}{series}.7.{instance}"  # same but for the last parts
            meta.TransferSyntaxUID = ExplicitVRLittleEndian
            ds = pydicom.Dataset()
            ds.file_meta = meta
            ds.SOPClassUID = meta.MediaStorageSOPClassUID
            ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
            ds.StudyInstanceUID = f"{prefix}1"
            ds.SeriesInstanceUID = series_uid
            ds.SeriesNumber = series
            ds.InstanceNumber = instance
            ds.AcquisitionDate, ds.AcquisitionTime = "20240101", f"1200{series:02d}"
            ds.Modality, ds.PatientName = "OT", "Sample^Generated"
            ds.Rows = ds.Columns = 8
            ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
            ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
            ds.PixelData = np.full((8, 8), instance, np.uint16).tobytes()
            ds.save_as(root / f"series{series}_slice{instance}.dcm", enforce_file_format=True)


def nifti_pair(root: Path) -> None:
    import nibabel

    root.mkdir(parents=True)
    data = np.arange(4 * 5 * 3, dtype=np.int16).reshape(4, 5, 3)
    nibabel.save(nibabel.Nifti1Pair(data, np.eye(4)), root / "volume.img")
    nibabel.save(nibabel.AnalyzeImage(data, np.eye(4)), root / "analyze.img")


def deltavision(root: Path) -> None:
    import mrc

    root.mkdir(parents=True)
    mrc.imsave(str(root / "cells.dv"), np.zeros((2, 16, 16), np.uint16))
    (root / "cells.dv.log").write_text("Generated sample: the acquisition log of cells.dv\n")


def ics(root: Path) -> None:
    """ICS version 1: a text header `.ics` and raw pixels in `.ids` (the format's published layout)."""
    root.mkdir(parents=True)
    header = [
        "\t\n",
        "ics_version\t1.0",
        "filename\tstack",
        "layout\tparameters\t3",
        "layout\torder\tbits\tx\ty",
        "layout\tsizes\t16\t8\t8",
        "layout\tcoordinates\tvideo",
        "layout\tsignificant_bits\t16",
        "representation\tformat\tinteger",
        "representation\tsign\tunsigned",
        "representation\tbyte_order\t1\t2",
        "representation\tcompression\tuncompressed",
        "end",
    ]
    (root / "stack.ics").write_text(header[0] + "\n".join(header[1:]) + "\n")
    (root / "stack.ids").write_bytes(np.zeros((8, 8), "<u2").tobytes())


def metaxpress(root: Path) -> None:
    """An .HTD plate of two wells, one site, two waves, in TimePoint_1/ (tifffile), plus thumbnails."""
    import tifffile

    folder = root / "TimePoint_1"
    folder.mkdir(parents=True)
    lines = [
        '"HTSInfoFile", Version 1.0',
        '"Description", "generated"',
        '"TimePoints", 1',
        '"ZSteps", 1',
        '"XWells", 2',
        '"YWells", 1',
        '"WellsSelection1", TRUE, TRUE',
        '"Sites", FALSE',
        '"XSites", 1',
        '"YSites", 1',
        '"Waves", TRUE',
        '"NWavelengths", 2',
        '"WaveName1", "DAPI"',
        '"WaveName2", "FITC"',
        '"EndFile"',
    ]
    (root / "plate.HTD").write_text("\r\n".join(lines) + "\r\n")
    for well in ("A01", "A02"):
        for wave in (1, 2):
            name = f"plate_{well}_w{wave}{uuid.uuid4()}".upper().replace("PLATE", "plate")
            tifffile.imwrite(folder / f"{name}.tif", np.zeros((8, 8), np.uint16))
            tifffile.imwrite(folder / f"{name}_thumb.tif", np.zeros((4, 4), np.uint8))


def micromanager(root: Path) -> None:
    """A Micro-Manager 1.4 folder: one TIFF per plane and metadata.txt naming them (JSON)."""
    import json

    import tifffile

    root.mkdir(parents=True)
    frames = {}
    for c, channel in enumerate(("DAPI", "GFP")):
        name = f"img_000000000_{channel}_000.tif"
        tifffile.imwrite(root / name, np.zeros((8, 8), np.uint16))
        frames[f"FrameKey-0-{c}-0"] = {
            "FileName": name,
            "Channel": channel,
            "ChannelIndex": c,
            "FrameIndex": 0,
            "SliceIndex": 0,
            "Width": 8,
            "Height": 8,
            "PixelType": "GRAY16",
            "Time": "2024-01-01 12:00:00 +0000",
        }
    summary = {
        "Summary": {
            "Channels": 2,
            "Slices": 1,
            "Frames": 1,
            "Positions": 1,
            "Width": 8,
            "Height": 8,
            "PixelType": "GRAY16",
            "ChNames": ["DAPI", "GFP"],
            "Prefix": "generated",
            "Time": "2024-01-01 12:00:00 +0000",
            "MicroManagerVersion": "1.4",
        },
        **frames,
    }
    (root / "metadata.txt").write_text(json.dumps(summary, indent=1))


def renamed_ome_tiff(root: Path) -> None:
    """A single-file OME-TIFF renamed after writing: its OME-XML still names the old file, by its own UUID."""
    import tifffile

    root.mkdir(parents=True)
    own = f"urn:uuid:{uuid.uuid4()}"
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" UUID="{own}">'
        '<Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint8" '
        'SizeX="8" SizeY="8" SizeZ="1" SizeC="1" SizeT="1"><Channel ID="Channel:0:0"/>'
        f'<TiffData IFD="0" PlaneCount="1"><UUID FileName="before-renaming.ome.tif">{own}</UUID></TiffData>'
        "</Pixels></Image></OME>"
    )
    tifffile.imwrite(root / "renamed.ome.tif", np.zeros((8, 8), np.uint8), description=xml, metadata=None)


def by_layout(root: Path) -> None:
    """Formats no Python library writes, laid out as their documentation describes (bytes are placeholders):
    Bio-Formats cannot open these, so only our rules are checked on them."""
    root.mkdir(parents=True)
    (root / "mirax" / "slide").mkdir(parents=True)
    (root / "mirax" / "slide.mrxs").write_bytes(b"placeholder")
    for name in ("Slidedat.ini", "Index.dat", "Data0000.dat"):
        (root / "mirax" / "slide" / name).write_bytes(b"placeholder")
    (root / "oif" / "cells.oif.files").mkdir(parents=True)
    (root / "oif" / "cells.oif").write_bytes(b"placeholder")
    for name in ("s_C001.tif", "s_C001.pty", "cells.lut"):
        (root / "oif" / "cells.oif.files" / name).write_bytes(b"placeholder")
    (root / "vsi" / "_slide_" / "stack1").mkdir(parents=True)
    (root / "vsi" / "slide.vsi").write_bytes(b"placeholder")
    (root / "vsi" / "_slide_" / "stack1" / "frame_t.ets").write_bytes(b"placeholder")
    (root / "czi").mkdir()
    for name in ("scan.czi", "scan (1).czi", "scan (2).czi"):
        (root / "czi" / name).write_bytes(b"placeholder")
    (root / "lei").mkdir()
    for name in ("series.lei", "series_z000.tif", "series_z001.tif"):
        (root / "lei" / name).write_bytes(b"placeholder")
    (root / "incell").mkdir()
    (root / "incell" / "plate.xdce").write_text(
        '<ImageStack><Images number="2">'
        '<Image filename="A - 1(fld 1 wv DAPI).tif" thumbnail="A - 1(fld 1 wv DAPI)_thumb.tif"/>'
        '<Image filename="A - 1(fld 1 wv FITC).tif"/></Images></ImageStack>'
    )
    for name in ("A - 1(fld 1 wv DAPI).tif", "A - 1(fld 1 wv DAPI)_thumb.tif", "A - 1(fld 1 wv FITC).tif"):
        (root / "incell" / name).write_bytes(b"placeholder")


MAKERS = {
    "dicom": dicom,
    "nifti": nifti_pair,
    "deltavision": deltavision,
    "ics": ics,
    "metaxpress": metaxpress,
    "micromanager": micromanager,
    "ome-tiff-renamed": renamed_ome_tiff,
    "layout-only": by_layout,
}

if __name__ == "__main__":
    for name, make in MAKERS.items():
        shutil.rmtree(HERE / name, ignore_errors=True)
        (HERE / name).parent.mkdir(exist_ok=True)
        make(HERE / name)
        print("wrote", HERE / name)
