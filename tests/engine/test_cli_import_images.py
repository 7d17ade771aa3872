"""Images before and after an import: `inplace import -f` prints each fileset's images (human and
JSON) as their reader libraries see them and imports, records and makes nothing; the session's
`read_images` reads a plan's fileset, and `job_images` gives what a job imported, for its owner only;
`inplace show FILESET` prints a fileset's images, their metadata and thumbnails."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from tests.conftest import PASSWORD, SAMPLES

tifffile = pytest.importorskip("tifffile")
nd2 = pytest.importorskip("nd2")

OME_TIFF = SAMPLES / "viv" / "avivator_data" / "multi-channel.ome.tif"
ND2 = SAMPLES / "nd2" / "cluster.nd2"
OPERETTA = SAMPLES / "hcs" / "operetta"


@pytest.fixture
def src(tmp_path):
    root = tmp_path / "src"
    root.mkdir()
    shutil.copy(OME_TIFF, root / "cells.ome.tif")
    shutil.copy(ND2, root / "cluster.nd2")
    shutil.copytree(OPERETTA, root / "operetta")
    (root / "broken.tif").write_bytes(b"this is not a TIFF file" * 10)
    return root


def tiff_sizes() -> dict[str, int]:
    with tifffile.TiffFile(OME_TIFF) as tif:
        return dict(zip(tif.series[0].axes, tif.series[0].shape, strict=True)) | {"dtype": str(tif.series[0].dtype)}


def nd2_facts():
    with nd2.ND2File(ND2) as f:
        return dict(f.sizes), str(f.dtype), [c.channel.name for c in f.metadata.channels], f.voxel_size()


def blocks(out: str) -> dict[str, str]:
    """-f's output, by fileset name: the lines from its '# Fileset' heading to the next."""
    parts = re.split(r"^# Fileset \d+: ", out, flags=re.MULTILINE)[1:]
    return {part.split(" (", 1)[0]: part for part in parts}


def nothing_imported(data_dir) -> bool:
    from engine.catalog.store import images as image_store

    return (
        image_store.registered_ids(data_dir, None) == []
        and not (data_dir.root / "thumbnails").exists()
        and [p for p in data_dir.repository.rglob("*") if p.is_file()] == []
    )


def test_listing_prints_each_filesets_images_and_imports_nothing(data_dir, cli, src):
    code, out, err = cli("import", "-f", src)
    assert code == 0, err
    shown = blocks(out)
    assert len(shown) == 4
    t = tiff_sizes()
    line = next(x for x in shown["cells.ome.tif"].splitlines() if x.startswith("#     0  "))  # named by its OME-XML
    assert f"  X{t['X']} Y{t['Y']} Z1 C{t['C']} T1 {t['dtype']}" in line
    sizes, dtype, channels, voxel = nd2_facts()
    line = next(x for x in shown["cluster.nd2"].splitlines() if x.startswith("#     0  cluster.nd2"))
    assert f"X{sizes['X']} Y{sizes['Y']} Z{sizes['Z']} C{sizes['C']} T{sizes['T']} {dtype}" in line
    assert "channels " + ", ".join(channels) in line and f"Z {voxel.z:.4g} µm" in line
    plate = next(text for name, text in shown.items() if name.lower().startswith("index"))
    assert "#   2 images:" in plate and "plate " in plate and ", field 2" in plate
    broken = shown["broken.tif"]
    assert "not read" in broken and "not a TIFF file" in broken
    assert nothing_imported(data_dir)


def test_listing_as_json_gives_each_filesets_images(data_dir, cli, src):
    code, out, err = cli("import", "-f", "--output", "json", src)
    assert code == 0, err
    listing = json.loads(out)
    by_name = {fs["name"]: fs for fs in listing["filesets"]}
    t = tiff_sizes()
    (cells,) = by_name["cells.ome.tif"]["images"]
    assert [cells[k] for k in ("size_x", "size_y", "size_c", "pixel_type")] == [t[k] for k in ("X", "Y", "C", "dtype")]
    sizes, dtype, channels, voxel = nd2_facts()
    (cluster,) = by_name["cluster.nd2"]["images"]
    assert [cluster[f"size_{a}"] for a in "xyzct"] == [sizes[a] for a in "XYZCT"]
    assert cluster["channels"] == channels and cluster["physical_size_z"] == voxel.z
    assert cluster["physical_size_z_unit"] == "µm" and cluster["status"] == "read"
    (broken,) = by_name["broken.tif"]["images"]
    assert broken["status"] == "not read" and "not a TIFF file" in broken["reason"]
    plate = next(fs for name, fs in by_name.items() if name.lower().startswith("index"))
    assert plate["kind"] == "plate" and {i["field_index"] for i in plate["images"]} == {0, 1}
    assert sum(len(fs["files"]) for fs in listing["filesets"]) == 3 + len(plate["files"])
    assert nothing_imported(data_dir)


def test_read_images_refuses_a_fileset_the_plan_does_not_have(data_dir, src):
    from engine.accounts import authenticate
    from engine.api import Session
    from engine.errors import UsageError

    session = Session(data_dir, authenticate(data_dir, "alice", PASSWORD))
    plan = session.plan([str(src / "cluster.nd2")], session.options())
    assert session.read_images(plan, 0)[0]["size_z"] == nd2_facts()[0]["Z"]
    with pytest.raises(UsageError, match="no fileset 2"):
        session.read_images(plan, 1)


def test_job_images_gives_what_a_job_imported_to_its_owner_only(data_dir, cli, src):
    from engine.accounts import authenticate, create_account
    from engine.api import Session

    code, out, err = cli("import", "--transfer", "cp", "--output", "json", src)
    assert code == 0, err
    job_id = json.loads(out)["job_id"]
    alice = Session(data_dir, authenticate(data_dir, "alice", PASSWORD))
    alice.wait_for_images()
    shown = {fs["name"]: fs for fs in alice.job_images([job_id])}
    assert len(shown) == 4
    for fs in shown.values():
        assert fs["images"] == alice.images(fs["fileset_id"])
    plate = next(fs for name, fs in shown.items() if name.lower().startswith("index"))
    assert plate["overview"] and plate["overview"] == str(alice.thumbnail_path(plate["fileset_id"]))
    assert shown["cluster.nd2"]["overview"] is None and shown["cluster.nd2"]["images"][0]["thumbnail"]
    assert len(alice.job_images([job_id], limit=2)) == 2
    create_account(data_dir, "bob", "bob's password", by=authenticate(data_dir, "alice", PASSWORD))
    bob = Session(data_dir, authenticate(data_dir, "bob", "bob's password"))
    assert bob.job_images([job_id]) == []


def test_show_prints_a_filesets_images_metadata_and_thumbnails(data_dir, cli, src):
    code, out, err = cli("import", "--transfer", "cp", "--output", "json", src / "cluster.nd2", src / "operetta")
    assert code == 0, err
    code, out, _ = cli("filesets", "--output", "json")
    ids = {fs["name"]: fs["id"] for fs in json.loads(out)}
    plate_id = next(i for name, i in ids.items() if name.lower().startswith("index"))
    code, out, err = cli("show", ids["cluster.nd2"], plate_id)
    assert code == 0, err
    sizes, dtype, channels, voxel = nd2_facts()
    assert f"X{sizes['X']} Y{sizes['Y']} Z{sizes['Z']} C{sizes['C']} T{sizes['T']} {dtype}" in out
    assert "channels " + ", ".join(channels) in out and "plate overview " in out
    thumbnails = re.findall(r"thumbnail (\S+\.png)", out)
    assert len(thumbnails) == 3 and all(os.path.isfile(p) for p in thumbnails)
    code, out, _ = cli("show", ids["cluster.nd2"], "--output", "json")
    (image,) = json.loads(out)[0]["images"]
    wanted = {"name", "size_x", "size_y", "size_z", "size_c", "size_t", "pixel_type", "channels", "thumbnail"}
    assert wanted <= set(image) and image["physical_size_x_unit"] == "µm"
    assert image["physical_size_x"] == voxel.x and os.path.isfile(image["thumbnail"])
    code, _, err = cli("show", 999)
    assert code != 0 and "no fileset 999" in err and "Traceback" not in err
