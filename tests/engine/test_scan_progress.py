"""A scan tells its progress how many files it found so far, folder by folder, so a front end can
show a running count long before a plate of hundreds of thousands of files is grouped."""

from engine.plan import make_plan
from engine.progress import ProgressTracker


class RecordingTracker(ProgressTracker):
    def __init__(self):
        super().__init__()
        self.seen: list[tuple[str, int]] = []

    def update(self, **changes):
        super().update(**changes)
        if "files_total" in changes:
            self.seen.append((changes.get("phase", ""), changes["files_total"]))


def test_the_scan_counts_files_as_it_finds_them(data_dir, tmp_path):
    for folder in range(5):
        (tmp_path / "src" / f"w{folder}").mkdir(parents=True)
        for i in range(40):
            (tmp_path / "src" / f"w{folder}" / f"f{i}.tif").write_bytes(b"x")
    tracker = RecordingTracker()
    plan = make_plan(data_dir, [str(tmp_path / "src")], progress=tracker)
    assert plan.file_count == 200
    scanning = [n for phase, n in tracker.seen if phase == "scanning"]
    assert scanning == sorted(scanning) and 0 < len(set(scanning)) and max(scanning) >= 160
    assert tracker.seen[-1] == ("grouping", 200)
    assert tracker.snapshot().files_total == 200
