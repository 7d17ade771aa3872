"""The grouping registry: an explicit order, each fileset names its rule and format, plugins by entry point."""

import sys

import pytest

from engine.grouping import ENTRY_POINT_GROUP, NOT_AN_IMAGE, group_files, rule_names, rules
from engine.plugins import _entry_points
from engine.scan import scan


@pytest.fixture
def plugin_dist(tmp_path, monkeypatch):
    """Install a distribution whose entry points name the test rule: a real dist-info on sys.path."""
    site = tmp_path / "site"
    info = site / "inplace_example_rules-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: inplace-example-rules\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n"
        "pair-notes = tests.plugins.sample_grouping:PairNotesRule\n"
        "broken = tests.plugins.sample_grouping:NOT_A_RULE\n"
    )
    monkeypatch.syspath_prepend(str(site))
    _entry_points.cache_clear()
    rules.cache_clear()
    yield site
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(site)])
    _entry_points.cache_clear()
    rules.cache_clear()


def test_built_in_rules_run_in_the_registry_order():
    names = rule_names()
    assert names[0] == "OME-Zarr" and names[-1] == "single file"
    assert names.index("PerkinElmer Operetta") < names.index("OME-TIFF multi-file set")
    orders = [r.order for r in rules()]
    assert orders == sorted(orders)


def test_every_fileset_names_its_rule_and_format_and_non_images_are_skipped(tmp_path):
    (tmp_path / "a.tif").write_bytes(b"x")
    (tmp_path / "README.md").write_text("hello")
    grouped = group_files(scan([tmp_path]).files)
    (fs,) = grouped.filesets
    assert (fs.rule, fs.format, fs.kind) == ("single file", "TIFF", "single image")
    assert [(s.path.rsplit("/", 1)[1], s.reason) for s in grouped.skipped] == [("README.md", NOT_AN_IMAGE)]
    everything = group_files(scan([tmp_path]).files, include_all=True).filesets
    assert sorted((f.name, f.kind) for f in everything) == [("README.md", "not an image"), ("a.tif", "single image")]


def test_a_plugin_rule_loads_by_entry_point_and_runs_in_its_order(plugin_dist, tmp_path):
    (tmp_path / "x.pair").write_bytes(b"x")
    (tmp_path / "x.pair.notes").write_text("notes")
    with pytest.raises(Exception, match="is not a grouping rule"):
        rules()
    (plugin_dist / "inplace_example_rules-1.0.dist-info" / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\npair-notes = tests.plugins.sample_grouping:PairNotesRule\n"
    )
    _entry_points.cache_clear()
    rules.cache_clear()
    assert rule_names()[0] == "pair-notes"
    (fs,) = group_files(scan([tmp_path]).files).filesets
    assert (fs.rule, fs.format) == ("pair-notes", "Example pair")
    assert sorted(f.path.rsplit("/", 1)[1] for f in fs.files) == ["x.pair", "x.pair.notes"]
