"""Images of filesets: each sample's metadata as its reader library reports it, "not read" with a
reason for formats without a reader, thumbnails and plate overviews made after an import, shown by
`inplace images` and `inplace filesets`, rebuilt on request and removed with their fileset."""

from __future__ import annotations

import json
import shutil

import pytest

from engine.images.reading import read_fileset
from engine.images.records import ImageStatus
from engine.images.sampling import MAX_SIDE
from tests.conftest import SAMPLES

tifffile = pytest.importorskip("tifffile")
PIL = pytest.importorskip("PIL.Image")

OPERETTA = SAMPLES / "hcs" / "operetta" / "operetta_plate"
CV8000 = next((SAMPLES / "hcs" / "cv8000").glob("*/CV8000*"))


def _read(fmt, *paths):
    found = read_fileset(paths[0].name, fmt, [str(p) for p in paths])
    return [f.record for f in found], found


def _sizes(rec):
    return rec.size_x, rec.size_y, rec.size_z, rec.size_c, rec.size_t


@pytest.mark.parametrize(
    "path",
    ["tiff/pims_stuck.tif", "wsi/openslide_boxes.tiff", "viv/avivator_data/multi-channel.ome.tif"],
)
def test_tiff_family_metadata_is_what_tifffile_reports(path):
    records, found = _read(None, SAMPLES / path)
    with tifffile.TiffFile(SAMPLES / path) as tif:
        series = tif.series[0]
        shape = dict(zip(series.axes, series.shape, strict=True))
        assert (records[0].size_x, records[0].size_y) == (shape["X"], shape["Y"])
        assert records[0].pixel_type == str(series.dtype)
        assert records[0].levels == len(series.levels)
        assert (
            records[0].size_x * records[0].size_y * records[0].size_z * records[0].size_c * records[0].size_t
            == series.size
        )
    plane = found[0].plane(MAX_SIDE)
    assert max(plane.shape[:2]) <= MAX_SIDE


def test_ome_tiff_channels_and_the_companion_set_come_from_the_ome_xml():
    from ome_types import from_xml

    folder = SAMPLES / "viv" / "avivator_data"
    members = sorted(folder.glob("multifile*"))
    records, found = _read("OME-TIFF", *members)
    ome = from_xml((folder / "multifile.companion.ome").read_text(), validate=False)
    px = ome.images[0].pixels
    assert _sizes(records[0]) == (px.size_x, px.size_y, px.size_z, px.size_c, px.size_t)
    assert records[0].acquired == ome.images[0].acquisition_date.isoformat()
    assert found[0].plane is not None and found[0].plane(MAX_SIDE).shape == (px.size_y, px.size_x)


def test_nd2_metadata_is_what_nd2_reports():
    nd2 = pytest.importorskip("nd2")
    path = SAMPLES / "nd2" / "cluster.nd2"
    records, found = _read("Nikon ND2", path)
    with nd2.ND2File(path) as f:
        sizes, voxel = f.sizes, f.voxel_size()
        channels = [c.channel.name for c in f.metadata.channels]
    assert _sizes(records[0]) == (sizes["X"], sizes["Y"], sizes["Z"], sizes["C"], sizes["T"])
    assert (records[0].physical_size_x, records[0].physical_size_z) == (voxel.x, voxel.z)
    assert records[0].channels == channels
    assert found[0].plane(MAX_SIDE).shape == (sizes["Y"], sizes["X"])


def test_a_dicom_series_is_one_image_with_its_slices_as_z():
    pydicom = pytest.importorskip("pydicom")
    slices = sorted((SAMPLES / "generated" / "dicom").glob("series1_*.dcm"))
    records, _ = _read("DICOM", *slices)
    ds = pydicom.dcmread(slices[0])
    assert _sizes(records[0]) == (ds.Columns, ds.Rows, len(slices), 1, 1)
    assert records[0].pixel_type == "uint16"


@pytest.mark.parametrize("name", ["blobs_image_v04.ome.zarr", "blobs_image_v05.ome.zarr"])
def test_ome_zarr_metadata_is_what_zarr_reports(name):
    zarr = pytest.importorskip("zarr")
    root = SAMPLES / "viv" / "loaders_fixtures" / "ome-zarr" / name
    records, found = _read("OME-Zarr", *sorted(p for p in root.rglob("*") if p.is_file()))
    array = zarr.open_group(str(root), mode="r")["0"]
    assert (records[0].size_c, records[0].size_y, records[0].size_x) == array.shape[-3:]
    assert records[0].pixel_type == str(array.dtype)
    assert found[0].plane(MAX_SIDE).shape == array.shape[-2:]


def test_an_operetta_plate_has_one_image_per_well_and_field():
    files = [p for p in OPERETTA.rglob("*") if p.is_file()]
    records, _ = _read("PerkinElmer Operetta", *files)
    assert [(r.well, r.field_index) for r in records] == [("C3", 0), ("C3", 1)]
    assert {r.plate for r in records} == {"Test_Sample_BALL"}
    with tifffile.TiffFile(OPERETTA / "Images" / "r03c03f01p01-ch1sk1fk1fl1.tiff") as tif:
        assert (records[0].size_y, records[0].size_x) == tif.pages[0].shape
    assert records[0].channels == ["Fluorescein (FITC)"]
    assert records[0].physical_size_x == pytest.approx(1.19595, rel=1e-4) and records[0].physical_size_x_unit == "µm"


def test_a_cellvoyager_plate_has_three_wells_of_four_fields_with_z_and_channels():
    records, _ = _read("Yokogawa CellVoyager", *[p for p in CV8000.iterdir() if p.is_file()])
    assert len(records) == 12 and len({r.well for r in records}) == 3
    assert {_sizes(r) for r in records} == {(2000, 2000, 4, 2, 1)}
    assert records[0].physical_size_x == 0.325


@pytest.mark.parametrize("folder", ["generated/oif", "generated/ics", "generated/layout-only"])
def test_a_format_without_a_reader_is_recorded_as_not_read_with_the_reason(folder):
    files = [p for p in (SAMPLES / folder).rglob("*") if p.is_file()][:3]
    records, found = _read("Olympus FluoView OIF", *files)
    assert records[0].status == ImageStatus.NOT_READ and "no image reader" in records[0].reason
    assert found[0].plane is None


def test_a_reader_that_fails_leaves_a_not_read_record(tmp_path):
    broken = tmp_path / "broken.tif"
    broken.write_bytes(b"II*\x00garbage")
    records, _ = _read("TIFF", broken)
    assert records[0].status == ImageStatus.NOT_READ
    assert "could not read" in records[0].reason or "found no image" in records[0].reason


def _import_samples(cli, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(OPERETTA, src / "operetta")
    shutil.copytree(SAMPLES / "wsi", src / "wsi")
    shutil.copytree(SAMPLES / "generated" / "ics", src / "ics")
    code, out, err = cli("import", "--transfer", "cp", src)
    assert code == 0, err + out
    code, out, err = cli("filesets", "--output", "json")
    return {fs["name"]: fs for fs in json.loads(out)}


def test_an_import_records_images_and_thumbnails_shown_by_the_commands(data_dir, cli, tmp_path):
    filesets = _import_samples(cli, tmp_path)
    plate = filesets["Index.idx.xml"]
    assert len(plate["images"]) == 2  # the CLI waited for the background reader before it returned
    code, out, _ = cli("images", plate["id"], "--output", "json")
    shown = json.loads(out)[0]
    for image in shown["images"]:
        assert {"name", "size_x", "size_y", "size_z", "size_c", "size_t", "pixel_type", "channels"} <= set(image)
        with PIL.open(image["thumbnail"]) as png:
            assert png.format == "PNG" and max(png.size) <= 256
    assert shown["overview"] and (data_dir.root / "thumbnails" / str(plate["id"]) / "plate.png").is_file()
    code, out, _ = cli("images", filesets["stack.ics"]["id"])
    assert code == 0 and "not read" in out and "no image reader for ICS" in out
    code, out, _ = cli("filesets")
    assert "2 images: X1080 Y1080 Z1 C1 T1 uint16 (x2)" in out
    pyramid = filesets["openslide_boxes.tiff"]["images"][0]
    assert pyramid["levels"] == 4


def test_thumbnails_are_rebuilt_on_request_and_removed_with_their_fileset(data_dir, cli, tmp_path):
    filesets = _import_samples(cli, tmp_path)
    fileset_id = filesets["openslide_small.svs"]["id"]
    folder = data_dir.root / "thumbnails" / str(fileset_id)
    shutil.rmtree(folder)
    code, out, _ = cli("images", "--rebuild", fileset_id)
    assert code == 0 and "Read 1 fileset again" in out
    assert (folder / "0.png").is_file()
    code, _, err = cli("delete", fileset_id)
    assert code == 0, err
    assert not folder.exists()
    code, _, err = cli("images", fileset_id)
    assert code != 0 and f"no fileset {fileset_id}" in err


def test_images_of_another_accounts_fileset_are_refused(data_dir, cli, tmp_path):
    from engine.accounts import authenticate, create_account
    from engine.api import Session
    from engine.errors import EngineError

    filesets = _import_samples(cli, tmp_path)
    admin = authenticate(data_dir, "alice", "correct horse")
    create_account(data_dir, "bob", "bob's password", by=admin)
    bob = Session(data_dir, authenticate(data_dir, "bob", "bob's password"))
    with pytest.raises(EngineError):
        bob.images(filesets["Index.idx.xml"]["id"])
    assert bob.images_by_fileset() == {}
