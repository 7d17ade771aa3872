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


def _guid(name: str) -> bytes:
    """A fixed GUID per name, so that the samples come out byte for byte the same each time."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"inplace-import/tests/samples/{name}").bytes_le


def czi(root: Path) -> None:
    """Zeiss CZI split into parts, as ZEN saves a large acquisition: `scan.czi` with `scan (1).czi` and
    `scan (2).czi`, and `tile.czi` with `tile(1).czi` (the other way of numbering). Each file is written by
    pylibCZIrw (Zeiss' own library) with one plane of a Z stack; the first file holds the document metadata.
    ZEN ties the parts together in each FileHeader segment (PrimaryFileGuid = the first file's FileGuid,
    FilePart = the part's number), which pylibCZIrw does not write, so those fields are set afterwards;
    Bio-Formats finds the parts by name and reads them as one image of 3 (or 2) Z planes."""
    import re
    import struct

    from pylibCZIrw import czi as czi_writer

    root.mkdir(parents=True)
    for stem, parts in (("scan", ["scan.czi", "scan (1).czi", "scan (2).czi"]), ("tile", ["tile.czi", "tile(1).czi"])):
        for z, name in enumerate(parts):
            with czi_writer.create_czi(str(root / name)) as writer:
                writer.write(np.full((16, 16), 100 * (z + 1), np.uint16), plane={"Z": z, "C": 0, "T": 0})
                if z == 0:
                    writer.write_metadata(stem, channel_names={0: "DAPI"}, scale_x=0.5e-6, scale_y=0.5e-6, scale_z=2e-6)
        for part, name in enumerate(parts):
            data = bytearray((root / name).read_bytes())
            assert data[:10] == b"ZISRAWFILE"
            # FileHeader data after the 32-byte segment header: major, minor, 2 reserved ints, then
            # PrimaryFileGuid (16 bytes), FileGuid (16 bytes) and FilePart (int32), little-endian
            data[48:64], data[64:80] = _guid(parts[0]), _guid(name)
            struct.pack_into("<i", data, 80, part)
            # pylibCZIrw writes a random RetilingId into each sub-block's metadata: a fixed one of the same length
            fixed = str(uuid.UUID(bytes_le=_guid(name + "/retiling"))).encode()
            data = bytearray(re.sub(rb"(?<=<RetilingId>)[0-9a-f-]{36}(?=</RetilingId>)", fixed, bytes(data)))
            (root / name).write_bytes(bytes(data))


def _lei(series: str, files: list[str], size: int, planes: int) -> bytes:
    """A Leica LEI index, little-endian, laid out as Bio-Formats' LeicaReader reads it: "IIII", then at byte
    12 the offset of the first series header; a header is an int, (tag, block offset) pairs ended by tag 0,
    then the next header's offset (0: last). A block has its tag, two ints, its size, then its data. Tags:
    10 the series (file name length in characters, the images' extension), 15 the images (count, width,
    height, bits, samples, then each file name in UTF-16, padded to that length), 20 the dimensions (voxel
    type, bytes per pixel, then per dimension its id - 120 x, 121 y, 122 z - size, stride and length)."""
    import struct

    def utf16(text: str) -> bytes:
        return text.encode("utf-16-le")

    def counted(text: str, chars: bool = True) -> bytes:  # a length (characters or bytes), then UTF-16
        return struct.pack("<i", len(text) if chars else 2 * len(text)) + utf16(text)

    name_length = max(len(f) for f in files) + 1
    series_data = struct.pack("<4i", 1, 1, name_length, 4) + b".tif"
    images = struct.pack("<5i", len(files), size, size, 16, 1)
    images += b"".join(utf16(f).ljust(2 * name_length, b"\0") for f in files)
    dims = [(120, size, 2, f"{size * 0.5e-6:e} m"), (121, size, 2 * size, f"{size * 0.5e-6:e} m")]
    dims.append((122, planes, 2 * size * size, f"{planes * 2e-6:e} m"))
    dimensions = struct.pack("<4i", 1, 2, 2, 16) + counted("65535") + counted("0") + counted("") + b"\0" * 4
    dimensions += struct.pack("<i", len(dims))
    for dim_id, count, stride, length in dims:
        dimensions += struct.pack("<3i", dim_id, count, stride) + counted(length) + counted("0 m")
    dimensions += counted(series, chars=False) + counted("generated for the in-place import tests", chars=False)
    blocks = {10: series_data, 15: images, 20: dimensions}
    header_at = 16
    header_size = 4 + 8 * len(blocks) + 8
    out = bytearray(b"IIII" + struct.pack("<2i", 0, 0) + struct.pack("<i", header_at))
    out += struct.pack("<i", len(blocks))
    offset = header_at + header_size
    entries, body = b"", b""
    for tag, data in blocks.items():
        entries += struct.pack("<2i", tag, offset + len(body))
        body += struct.pack("<4i", tag, 0, 0, len(data)) + data
    out += entries + struct.pack("<2i", 0, 0) + body
    return bytes(out)


def lei(root: Path) -> None:
    """A Leica TCS LEI series: `series.lei` naming one TIFF per Z plane (`series_z000.tif`, `series_z001.tif`),
    16 x 16 uint16. Each TIFF's description names its index ("Series Name"), which is how Bio-Formats finds
    the .lei from a TIFF."""
    import tifffile

    root.mkdir(parents=True)
    files = ["series_z000.tif", "series_z001.tif"]
    (root / "series.lei").write_bytes(_lei("series", files, 16, len(files)))
    for z, name in enumerate(files):
        description = f"[GLOBAL]\nSeries Name=series.lei\nImage Name={name}\n"
        plane = np.full((16, 16), 100 * (z + 1), np.uint16)
        tifffile.imwrite(root / name, plane, description=description, metadata=None)


def _vsi_field(tag: int, kind: int, data: bytes = b"", inline: int | None = None) -> list:
    """One field of a cellSens tag volume: [type, tag, size, data]. Types below 0x1000 are values, 0 and 1
    with the extended flag a nested volume list or a property set; an inline value sits in the size."""
    extended = 0x10000000 if kind in (0, 1) and inline is None else 0
    flags = extended | (0x40000000 if inline is not None else 0)
    return [kind | flags, tag, inline if inline is not None else len(data), data]


def _vsi_volume(fields: list[list]) -> bytes:
    """A tag volume: a 24-byte header (its size, 21321, a version, where its fields start, how many), then
    the fields one after another, each with the offset of the next from the volume's start (0 after the
    last). Bio-Formats' CellSensReader steps past a volume's last field to that field's offset + its size +
    32, so the last field is an empty property set whose size makes that step land on the volume's end."""
    import struct

    fields = [*fields, _vsi_field(0, 1, b"\0" * 24)]
    lengths = [16 + len(f[3]) for f in fields]
    total = 24 + sum(lengths)
    fields[-1][2] = total - 32
    out = struct.pack("<hhiqii", 24, 21321, 1, 24, len(fields), 0)
    at = 24
    for i, (kind, tag, size, data) in enumerate(fields):
        at += lengths[i]
        out += struct.pack("<iiIi", kind, tag, at if i < len(fields) - 1 else 0, size) + data
    return out


def _vsi_tree(name: str, width: int, height: int) -> bytes:
    """The tag tree of a slide with one image stored outside: document properties (its name), and a
    collection holding one image frame whose first field says its pixels are in an external file (the
    .ets), then its name, boundary, pixel size in micrometres, origin and binning."""
    import struct

    uint, double2, int_rect, text = 5, 260, 259, 8192
    external = _vsi_volume([_vsi_field(20005, uint, inline=1)])  # has an external file: yes
    frame = _vsi_volume(
        [
            _vsi_field(2018, 1, external),  # external file properties
            _vsi_field(2030, text, (name + "\0").encode("utf-16-le")),  # stack name
            _vsi_field(2053, int_rect, struct.pack("<4i", 0, 0, width, height)),  # image boundary
            _vsi_field(2019, double2, struct.pack("<2d", 0.5, 0.5)),  # frame scale
            _vsi_field(2018, double2, struct.pack("<2d", 0.0, 0.0)),  # frame origin
            _vsi_field(100015, uint, inline=1),  # binning x
            _vsi_field(100016, uint, inline=1),  # binning y
        ]
    )
    collection = _vsi_volume([_vsi_field(2002, 0, frame)])  # image frame volume
    document = _vsi_volume([_vsi_field(2030, text, (name + "\0").encode("utf-16-le"))])
    return _vsi_volume([_vsi_field(2109, 1, document), _vsi_field(2000, 0, collection)])


def _vsi_file(tree: bytes, overview: np.ndarray) -> bytes:
    """A little-endian TIFF whose tag tree follows the 8-byte TIFF header, then the overview image (8-bit
    grey, one strip) and its IFD."""
    import struct

    height, width = overview.shape
    pixels = overview.astype(np.uint8).tobytes()
    pixels_at = 8 + len(tree)
    ifd_at = pixels_at + len(pixels) + (pixels_at + len(pixels)) % 2
    entries = [(256, width), (257, height), (258, 8), (259, 1), (262, 1), (273, pixels_at), (277, 1)]
    entries += [(278, height), (279, len(pixels))]
    ifd = struct.pack("<H", len(entries))
    ifd += b"".join(struct.pack("<HHII", tag, 4, 1, value) for tag, value in entries) + struct.pack("<I", 0)
    return (b"II*\0" + struct.pack("<I", ifd_at) + tree + pixels).ljust(ifd_at, b"\0") + ifd


def _ets_file(plane: np.ndarray) -> bytes:
    """An .ets holding one uncompressed uint16 tile: the SIS header (dimensions x, y and resolution level,
    where the ETS header and the tile index are), the ETS header (pixel type 4 = uint16, 1 channel, raw,
    tile size, background, pyramid flag), the tile, and the index (coordinates, offset, size)."""
    import struct

    height, width = plane.shape
    ets_at, ets_size = 64, 228
    tile_at = ets_at + ets_size
    tile = plane.astype("<u2").tobytes()
    index_at = tile_at + len(tile)
    sis = b"SIS\0" + struct.pack("<iiiqiiqii", 64, 2, 3, ets_at, ets_size, 0, index_at, 1, 0)
    ets = b"ETS\0" + struct.pack("<9i", 0x30001, 4, 1, 4, 0, 90, width, height, 1) + b"\0" * (68 + 40)
    ets += struct.pack("<ii", 0, 1)
    index = struct.pack("<i3iqii", 0, 0, 0, 0, tile_at, len(tile), 0)
    return sis.ljust(ets_at, b"\0") + ets.ljust(ets_size, b"\0") + tile + index


def vsi(root: Path) -> None:
    """An Evident/Olympus cellSens slide: `slide.vsi` (a TIFF with cellSens' tag tree and an 8 x 8 overview)
    and its 16 x 16 uint16 image in `_slide_/stack1/frame_t.ets`, laid out as Bio-Formats' CellSensReader
    reads them."""
    stack = root / "_slide_" / "stack1"
    stack.mkdir(parents=True)
    (root / "slide.vsi").write_bytes(_vsi_file(_vsi_tree("slide", 16, 16), np.full((8, 8), 128, np.uint8)))
    (stack / "frame_t.ets").write_bytes(_ets_file((np.arange(256, dtype=np.uint16) * 10).reshape(16, 16)))


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
