"""`inplace import`: prepare, show or confirm, run with a progress bar, report."""

from __future__ import annotations

import signal
import sys
import threading

from engine.api import (
    CancelToken,
    ImportPlan,
    JobReport,
    Prepared,
    ProgressTracker,
    Session,
    Target,
    count,
    human_size,
    parse_target,
)
from engine.cli.auth import open_and_sign_in
from engine.cli.check_cmd import confirm, show_checks
from engine.cli.display import print_json, say
from engine.cli.images_cmd import image_lines
from engine.cli.texts import advanced_help
from engine.errors import UsageError
from engine.states import FileState


def run_import(args) -> int:
    if args.advanced_help:
        print(advanced_help())
        return 0
    if not args.paths:
        raise UsageError("No files or folders were given to import.", "Name at least one PATH.")
    if args.depth < 1:
        raise UsageError(f"--depth {args.depth} would scan nothing.", "Give 1 or more folder levels.")
    if args.dataset is not None and args.target:
        raise UsageError("Give either -d/--dataset or -T/--target, not both.")
    target = (
        Target(dataset_id=args.dataset)
        if args.dataset is not None
        else parse_target(args.target)
        if args.target
        else None
    )
    _, session = open_and_sign_in(args)
    options = session.options(
        transfer=args.transfer,
        checksum_algorithm=args.checksum_algorithm,
        target=target,
        name=args.name,
        exclude=args.exclude,
        continue_on_error=args.continue_on_error,
        make_read_only=args.make_read_only,
        depth=args.depth,
        include_all=args.include_all,
        group=args.group,
        sudo=args.sudo,
    )
    if args.dry_run:
        plan = session.plan(args.paths, options)
        return _print_plan_json(session, plan) if args.output == "json" else _print_plan(session, plan)
    return import_with_progress(session.prepare(args.paths, options), args)


def _print_plan(session: Session, plan: ImportPlan) -> int:
    """What -f shows: each fileset, its files and the images read from them, fileset by fileset."""
    for i, fs in enumerate(plan.filesets, 1):
        fmt = fs.format or "format unknown"
        say(f"# Fileset {i}: {fs.name} ({count(len(fs.files), 'file')}, {human_size(fs.size)})")
        say(f"#   format: {fmt} ({fs.kind}); grouped by the rule: {fs.rule}")
        for f in fs.files:
            say(f"{f.path}" + ("" if f.selected else "    (member of the set, not selected)"))
        for problem in fs.problems:
            say(f"#   problem: {problem}")
        for note in fs.notes:
            say(f"#   note: {note}")
        images = session.read_images(plan, i - 1)
        say(f"#   {count(len(images), 'image')}:" if any(r["status"] == "read" for r in images) else "#   images:")
        for row in images:
            say("#     " + "; ".join(image_lines(row)))
    for s in plan.skipped:
        say(f"# skipped {s.path}: {s.reason}")
    for fs, reason in plan.excluded:
        say(f"# excluded {fs.name}: {reason}")
    say(f"# {count(len(plan.filesets), 'fileset')}, {count(plan.file_count, 'file')}, {human_size(plan.total_bytes)}")
    return 0


def _print_plan_json(session: Session, plan: ImportPlan) -> int:
    filesets = [
        {
            "name": fs.name,
            "format": fs.format,
            "kind": str(fs.kind),
            "rule": fs.rule,
            "size": fs.size,
            "files": [{"path": f.path, "size": f.size, "selected": f.selected} for f in fs.files],
            "problems": fs.problems,
            "notes": fs.notes,
            "images": session.read_images(plan, i),
        }
        for i, fs in enumerate(plan.filesets)
    ]
    print_json(
        {
            "filesets": filesets,
            "skipped": [{"path": s.path, "reason": s.reason} for s in plan.skipped],
            "excluded": [{"name": fs.name, "reason": reason} for fs, reason in plan.excluded],
        }
    )
    return 0


def import_with_progress(prepared: Prepared, args, accept: bool | None = None) -> int:
    """Show the checks, confirm, then import on a worker thread while the main thread shows progress."""
    show_checks(prepared, quiet=args.output == "json")
    ack = confirm(prepared, args.accept_responsibilities if accept is None else accept)
    progress, cancel = ProgressTracker(), CancelToken()
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["report"] = prepared.run(ack, progress, cancel)
        except BaseException as exc:  # re-raised on the main thread
            outcome["error"] = exc

    previous = signal.signal(signal.SIGINT, lambda *_: cancel.cancel())
    worker = threading.Thread(target=work, name="import")
    worker.start()
    try:
        _show_progress(worker, progress, enabled=args.output == "human" and sys.stderr.isatty())
    finally:
        worker.join()
        signal.signal(signal.SIGINT, previous)
    if "error" in outcome:
        raise outcome["error"]
    report: JobReport = outcome["report"]
    if args.output == "json":
        print_json(report.as_dict())
    else:
        _print_report(report)
    return report.exit_code


def _show_progress(worker: threading.Thread, progress: ProgressTracker, enabled: bool) -> None:
    if not enabled:
        return
    from tqdm import tqdm

    with tqdm(total=0, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr, dynamic_ncols=True) as bar:
        while worker.is_alive():
            snap = progress.snapshot()
            bar.total = snap.bytes_total
            bar.n = snap.bytes_done
            bar.set_postfix_str(f"{snap.files_done}/{snap.files_total} files", refresh=False)
            bar.refresh()
            worker.join(0.1)


def _print_report(report: JobReport) -> None:
    for o in report.files:
        if o.state == FileState.FAILED:
            say(f"failed: {o.source}: {o.error_message}")
    skipped = [o for o in report.files if o.state in (FileState.SKIPPED, FileState.CANCELLED)]
    if skipped:
        say(f"{count(len(skipped), 'file')} not imported ({skipped[0].error_message}).")
    if report.sources_deleted:
        say(f"Deleted {count(report.sources_deleted, 'original')} after the successful import.")
    if report.sources_kept_reason:
        say(report.sources_kept_reason)
    for path in report.sources_left_behind:
        say(f"could not delete original: {path}")
    say(f"Log: {report.log_path}")
    say(report.summary())
