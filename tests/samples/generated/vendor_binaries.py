"""Zeiss CZI, Leica LEI and Olympus cellSens VSI samples: binary containers written after the layouts
the Bio-Formats readers expect (ZeissCZIReader, LeicaReader, CellSensReader), each as small as the
reader accepts. Used by make_samples.py; tests/samples/README.md says how each was checked.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np


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
