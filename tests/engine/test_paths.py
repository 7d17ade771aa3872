import os
import threading
from datetime import datetime

from engine.paths import DirectoryAllocator, client_path, render_template, repository_names, sanitise_component


def test_sanitising_follows_omero_rules():
    assert sanitise_component('a"b*c/d\\e|f:g<h>i?j') == "a'bxc!d!e!f;g[h]i%j"
    assert sanitise_component("tab\there\x7f") == "tab_here_"
    assert sanitise_component("NUL") == "NUL_" and sanitise_component("com1") == "com1_"
    assert sanitise_component("ünïcødé 画像.tif") == "ünïcødé 画像.tif"
    assert sanitise_component(sanitise_component("a:b")) == "a;b"


def test_client_path_is_absolute_without_leading_slash():
    assert client_path("/data/lab:1/x?.tif") == "data/lab;1/x%.tif"


def test_template_splits_repository_and_user_parts():
    when = datetime(2026, 3, 4, 5, 6, 7, 89_000)
    assert render_template("%user%_%userId%//%year%-%month%/%day%/%time%", "ann", 3, when) == (
        "ann_3",
        "2026-03/04/05-06-07.089",
    )


def test_allocation_moves_on_by_a_millisecond_when_taken(tmp_path):
    when = datetime(2026, 3, 4, 23, 59, 59, 999_000)
    first = DirectoryAllocator(str(tmp_path)).allocate("ann", 3, when)
    second = DirectoryAllocator(str(tmp_path)).allocate("ann", 3, when)  # a fresh allocator: another process
    assert first == "ann_3/2026-03/04/23-59-59.999"
    assert second == "ann_3/2026-03/05/00-00-00.000"  # the carry reaches the day


def test_concurrent_allocations_never_share_a_directory(tmp_path):
    when = datetime(2026, 1, 1, 12, 0, 0)
    results: list[str] = []
    lock = threading.Lock()

    def worker():
        alloc = DirectoryAllocator(str(tmp_path))
        got = [alloc.allocate("ann", 1, when) for _ in range(50)]
        with lock:
            results.extend(got)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == len(set(results)) == 200
    assert all(os.path.isdir(tmp_path / r) for r in results)


def test_files_keep_their_layout_below_the_common_parent():
    assert repository_names(["/a/b/one.tif"]) == ["one.tif"]
    assert repository_names(["/a/b/x/1.tif", "/a/b/y/z/2.tif", "/a/b/3:.tif"]) == ["x/1.tif", "y/z/2.tif", "3;.tif"]


def test_the_real_path_resolver_agrees_with_realpath(tmp_path):
    from engine.paths import real_path_resolver

    real = tmp_path / "real" / "deep"
    real.mkdir(parents=True)
    (real / "a.tif").write_bytes(b"a")
    (tmp_path / "other.tif").write_bytes(b"o")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    (real / "link.tif").symlink_to(tmp_path / "other.tif")
    paths = [
        str(tmp_path / "alias" / "deep" / "a.tif"),
        str(tmp_path / "alias" / "deep" / "link.tif"),
        str(real / "a.tif"),
        str(real / "link.tif"),
        str(tmp_path / "other.tif"),
    ]
    resolve = real_path_resolver()
    assert [resolve(p) for p in paths] == [os.path.realpath(p) for p in paths]
