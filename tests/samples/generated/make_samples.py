"""Write the generated samples in this folder (run from the project root:
`.venv/bin/python tests/samples/generated/make_samples.py`; needs pydicom, nibabel, mrc, tifffile and,
for the CZI set, Zeiss' own writer pylibCZIrw).

Each is tiny (zeros or a ramp) and laid out as its format's own library or documentation makes it,
so that Bio-Formats reads each set as one fileset (tests/engine/test_formats_oracle.py checks that).
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import numpy as np
from vendor_binaries import czi, lei, vsi  # the script's own folder is on sys.path

HERE = Path(__file__).resolve().parent


def _dicom_slice(series: int, instance: int, series_uid: str):
    """One Secondary Capture slice of 32 x 32 uint16, the way Bio-Formats groups a series: same
    SeriesNumber, AcquisitionDate and AcquisitionTime, SOPInstanceUIDs that differ only in their last two
    parts, an InstanceNumber and an ImageType; each file at least 1 KiB (Bio-Formats' DICOM check reads
    1024 bytes and passes over shorter files when it looks for the other slices)."""
    import pydicom
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian

    prefix = "1.2.826.0.1.3680043.8.498."
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
    ds.StudyID, ds.SeriesNumber, ds.InstanceNumber = "1", series, instance
    ds.AcquisitionDate, ds.AcquisitionTime = "20240101", f"1200{series:02d}"
    ds.StudyDate, ds.StudyTime = "20240101", "120000"
    ds.Modality, ds.PatientName, ds.PatientID = "OT", "Sample^Generated", "generated"
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.Rows = ds.Columns = 32
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelData = np.full((32, 32), instance, np.uint16).tobytes()
    return ds


def dicom(root: Path) -> None:
    """Two series of three slices each, in one folder, written with pydicom."""
    from pydicom.uid import generate_uid

    root.mkdir(parents=True)
    for series in (1, 2):
        series_uid = generate_uid(prefix="1.2.826.0.1.3680043.8.498.")
        for instance in (1, 2, 3):
            ds = _dicom_slice(series, instance, series_uid)
            ds.save_as(root / f"series{series}_slice{instance}.dcm", enforce_file_format=True)


def dicomdir(root: Path) -> None:
    """A DICOM file-set: DICOMDIR and one series of three slices in pydicom's PT*/ST*/SE*/IM* folders."""
    from pydicom.fileset import FileSet
    from pydicom.uid import generate_uid

    root.mkdir(parents=True)
    fs = FileSet()
    series_uid = generate_uid(prefix="1.2.826.0.1.3680043.8.498.")
    for instance in (1, 2, 3):
        fs.add(_dicom_slice(3, instance, series_uid))
    fs.write(root)


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


def _utf16_ini(path: Path, tables: dict[str, dict[str, object]]) -> None:
    """An Olympus FluoView INI file: UTF-16 little-endian with a byte-order mark, CRLF lines, quoted strings."""
    lines = []
    for table, values in tables.items():
        lines.append(f"[{table}]")
        lines += [f'{k}="{v}"' if isinstance(v, str) else f"{k}={v}" for k, v in values.items()]
    path.write_bytes("\r\n".join(lines + [""]).encode("utf-16"))


def _bmp(path: Path, grey: np.ndarray) -> None:
    """An 8-bit greyscale Windows bitmap (BITMAPINFOHEADER, 256-entry palette, rows bottom-up)."""
    import struct

    height, width = grey.shape
    stride = (width + 3) // 4 * 4
    rows = b"".join(row.tobytes().ljust(stride, b"\0") for row in grey[::-1])
    palette = bytes(b for i in range(256) for b in (i, i, i, 0))
    offset = 14 + 40 + len(palette)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 8, 0, len(rows), 2835, 2835, 256, 0)
    path.write_bytes(b"BM" + struct.pack("<IHHI", offset + len(rows), 0, 0, offset) + info + palette + rows)


def oif(root: Path) -> None:
    """An Olympus FluoView FV1000 OIF set: `cells.oif` (UTF-16 INI) names one .pty file per plane in
    `cells.oif.files/`; each .pty names its TIFF (DataName); one LUT of 65536 BGRA entries. One channel,
    two Z planes, 16 x 16 uint16. Laid out as Bio-Formats' FV1000Reader reads it."""
    import tifffile

    files = root / "cells.oif.files"
    files.mkdir(parents=True)
    codes = ["X", "Y", "C", "Z", "T", "A", "L", "P", "Q"]
    sizes = {"X": 16, "Y": 16, "C": 1, "Z": 2}
    ends = {"X": 8.0, "Y": 8.0, "Z": 1000.0}
    tables: dict[str, dict[str, object]] = {
        "Version Info": {"FileVersion": "2.0.0.0", "SystemName": "FV1000", "SystemVersion": "2.0.0.0"},
        "ProfileSaveInfo": {
            "IniFileName0": "cells.oif.files\\s_C001Z001.pty",
            "IniFileName1": "cells.oif.files\\s_C001Z002.pty",
            "IniFileNameThumb": "cells.oif.files\\s_Thumb.pty",
            "LutFileName0": "cells.oif.files\\s_LUT1.lut",
        },
    }
    for i, code in enumerate(codes):
        tables[f"Axis {i} Parameters Common"] = {
            "AxisCode": code,
            "MaxSize": sizes.get(code, 0),
            "StartPosition": 0.0,
            "EndPosition": ends.get(code, 0.0),
            "UnitName": "um" if code in "XY" else "nm" if code == "Z" else "",
        }
    tables["Reference Image Parameter"] = {
        "ImageDepth": 2,
        "ValidBitCounts": 12,
        "WidthConvertValue": 0.5,
        "HeightConvertValue": 0.5,
        "WidthUnit": "um",
        "HeightUnit": "um",
    }
    tables["Laser 0 Parameters"] = {
        "Laser Enable": 1,
        "LaserWavelength": 405,
        "ImageCaputreDate": "'2024-01-01 12:00:00'",
    }
    _utf16_ini(root / "cells.oif", tables)
    for z in (1, 2):
        plane = f"s_C001Z{z:03d}"
        pty: dict[str, dict[str, object]] = {
            "Acquisition Parameters Common": {"ValidBitCounts": 12, "Magnification": 60.0},
            "File Info": {"DataName": f"{plane}.tif"},
        }
        for i, code in enumerate(codes):
            axis: dict[str, object] = {"AxisCode": code, "Number": sizes.get(code, 1)}
            if code in "ZT":
                axis["AbsPositionValue"] = (z - 1) * 1000.0 if code == "Z" else 0.0
            if code == "P":
                axis["AbsPositionValueX"], axis["AbsPositionValueY"] = 0.0, 0.0
            pty[f"Axis {i} Parameters"] = axis
        _utf16_ini(files / f"{plane}.pty", pty)
        tifffile.imwrite(files / f"{plane}.tif", np.full((16, 16), z * 100, np.uint16))
    _utf16_ini(files / "s_Thumb.pty", {"File Info": {"DataName": "s_Thumb.bmp"}})
    _bmp(files / "s_Thumb.bmp", np.full((4, 4), 128, np.uint8))
    lut = np.zeros((65536, 4), np.uint8)  # blue, green, red, unused: a grey ramp
    lut[:, :3] = (np.arange(65536) >> 8)[:, None]
    header = "\r\n".join(["[LUT Ini File Info]", 'FileName="s_LUT1.lut"', "[ColorLUTData]", ""])
    (files / "s_LUT1.lut").write_bytes(header.encode("utf-16") + lut.tobytes())


def incell(root: Path) -> None:
    """A GE InCell Analyzer plate: `plate.xdce` (XML) naming one TIFF per channel of well A1, field 1,
    each with a thumbnail TIFF. Laid out as Bio-Formats' InCellReader reads it."""
    import tifffile

    root.mkdir(parents=True)
    waves = ("DAPI", "FITC")
    images = []
    for c, wave in enumerate(waves):
        name = f"A - 1(fld 1 wv {wave} - {wave})"
        tifffile.imwrite(root / f"{name}.tif", np.full((16, 16), c, np.uint16))
        tifffile.imwrite(root / f"{name}_thumb.tif", np.zeros((4, 4), np.uint8))
        images.append(
            f'  <Image filename="{name}.tif" thumbnail="{name}_thumb.tif" acquisition_time_ms="{c * 100}">\n'
            f'   <Identifier field_index="0" z_index="0" wave_index="{c}" time_index="0"/>\n'
            '   <Row number="1"/>\n   <Column number="1"/>\n'
            '   <PlatePosition_um x="14380.0" y="11240.0"/>\n   <FocusPosition z="6120.5"/>\n'
            '   <ExposureTime unit="s" time="0.1"/>\n'
            f'   <MinMaxMean wave_index="{c}" min="{c}" max="{c}" mean="{c}.0"/>\n'
            "  </Image>"
        )
    wavelengths = "".join(
        f'   <Wavelength index="{c}" fusion_wave="false" imaging_mode="2-D">'
        f'<ExcitationFilter name="{w}" wavelength="{405 + 83 * c}"/>'
        f'<EmissionFilter name="{w}" wavelength="{455 + 70 * c}"/></Wavelength>\n'
        for c, w in enumerate(waves)
    )
    xml = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<ImageStack version="1.0">\n'
        ' <Creator version="4.0">IN Cell Analyzer 2000</Creator>\n'
        " <AutoLeadAcquisitionProtocol>\n"
        "  <UserComment>Generated sample for the in-place import tests: one well, one field, two "
        "channels, 16 x 16 pixels. The reader looks for its magic words in the first 2048 bytes and "
        "wants a file at least that long, as every real .xdce file is.</UserComment>\n"
        '  <Microscope name="IN Cell Analyzer 2000" serial_number="0"/>\n'
        '  <ObjectiveCalibration objective_name="10X/0.45, Plan Apo" magnification="10" '
        'numerical_aperture="0.45" refractive_index="1" pixel_width="0.65" pixel_height="0.65"/>\n'
        '  <Camera name="generated"><Size width="16" height="16"/></Camera>\n'
        f'  <Wavelengths number="{len(waves)}">\n{wavelengths}  </Wavelengths>\n'
        '  <ZDimensionParameters number_of_slices="1"/>\n'
        '  <TimeSchedule enabled="false"/>\n'
        "  <PlateMap>\n"
        '   <Plate rows="8" columns="12" name="generated"/>\n'
        '   <NamingRows begin="A"/>\n   <NamingColumns begin="1"/>\n'
        '   <Wells number="1"><Well><Row number="1"/><Column number="1"/></Well></Wells>\n'
        '   <Fields number="1"><offset_point x="0" y="0"/></Fields>\n'
        "  </PlateMap>\n"
        " </AutoLeadAcquisitionProtocol>\n"
        f' <Images number="{len(waves)}">\n' + "\n".join(images) + "\n </Images>\n"
        "</ImageStack>\n"
    )
    (root / "plate.xdce").write_text(xml, encoding="latin-1")


def by_layout(root: Path) -> None:
    """MIRAX laid out as OpenSlide describes it, with placeholder bytes: only our rule is checked on it
    (Bio-Formats has no MIRAX reader; tests/samples/README.md says more)."""
    root.mkdir(parents=True)
    (root / "mirax" / "slide").mkdir(parents=True)
    (root / "mirax" / "slide.mrxs").write_bytes(b"placeholder")
    for name in ("Slidedat.ini", "Index.dat", "Data0000.dat"):
        (root / "mirax" / "slide" / name).write_bytes(b"placeholder")


MAKERS = {
    "dicom": dicom,
    "dicomdir": dicomdir,
    "nifti": nifti_pair,
    "deltavision": deltavision,
    "ics": ics,
    "metaxpress": metaxpress,
    "micromanager": micromanager,
    "ome-tiff-renamed": renamed_ome_tiff,
    "oif": oif,
    "incell": incell,
    "czi": czi,
    "lei": lei,
    "vsi": vsi,
    "layout-only": by_layout,
}

if __name__ == "__main__":
    import sys

    for name, make in MAKERS.items():
        if sys.argv[1:] and name not in sys.argv[1:]:  # e.g. `make_samples.py oif incell` writes only those
            continue
        shutil.rmtree(HERE / name, ignore_errors=True)
        (HERE / name).parent.mkdir(exist_ok=True)
        make(HERE / name)
        print("wrote", HERE / name)
