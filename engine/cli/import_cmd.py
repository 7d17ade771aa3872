"""`inplace import`: plan, show or confirm, run with a progress bar, report."""

from __future__ import annotations

import signal
import sys
import threading

from engine.checksums import get_algorithm
from engine.cli.auth import sign_in
from engine.cli.check_cmd import check_before_import, confirm_responsibilities
from engine.cli.display import print_json, say
from engine.cli.texts import advanced_help
from engine.containers import Target, parse_target
from engine.datadir import open_data_dir
from engine.errors import UsageError
from engine.importer import Importer, ImportOptions
from engine.plan import make_plan
from engine.progress import CancelToken, ProgressTracker
from engine.results import JobReport
from engine.states import FileState
from engine.transfers import get_transfer
from engine.units import count, human_size


def run_import(args) -> int:
    if args.advanced_help:
        print(advanced_help())
        return 0
    if not args.paths:
        raise UsageError("No files or folders were given to import.", "Name at least one PATH.")
    if args.dataset is not None and args.target:
        raise UsageError("Give either -d/--dataset or -T/--target, not both.")
    target = (
        Target(dataset_id=args.dataset)
        if args.dataset is not None
        else parse_target(args.target)
        if args.target
        else None
    )
    data_dir = open_data_dir(args.data_dir)
    options = ImportOptions(
        transfer=args.transfer,
        checksum_algorithm=args.checksum_algorithm,
        target=target,
        name=args.name,
        exclude=args.exclude,
        continue_on_error=args.continue_on_error,
        make_read_only=args.make_read_only or data_dir.settings.policy.read_only_after_import,
    )
    if args.dry_run:
        return _print_plan(data_dir, args.paths, options)
    account = sign_in(data_dir, args)
    return import_with_progress(data_dir, account, args.paths, options, args)


def _print_plan(data_dir, paths, options) -> int:
    plan = make_plan(data_dir, paths, options.exclude, options.checksum_algorithm)
    for i, fs in enumerate(plan.filesets, 1):
        say(f"# Fileset {i}: {fs.name} ({fs.rule}, {count(len(fs.files), 'file')}, {human_size(fs.size)})")
        for f in fs.files:
            say(f"{f.path}" + ("" if f.selected else "    (member of the set, not selected)"))
        for problem in fs.problems:
            say(f"#   problem: {problem}")
    for s in plan.skipped:
        say(f"# skipped {s.path}: {s.reason}")
    for fs, reason in plan.excluded:
        say(f"# excluded {fs.name}: {reason}")
    say(f"# {count(len(plan.filesets), 'fileset')}, {count(plan.file_count, 'file')}, {human_size(plan.total_bytes)}")
    return 0


def import_with_progress(data_dir, account, paths, options: ImportOptions, args, accept: bool | None = None) -> int:
    """Plan, check, confirm, then import on a worker thread while the main thread shows progress."""
    transfer = get_transfer(options.transfer)
    get_algorithm(options.checksum_algorithm)
    plan = make_plan(data_dir, paths, options.exclude, options.checksum_algorithm)
    checks = check_before_import(data_dir, plan, account, transfer, args.output == "json", options.make_read_only)
    if accept is None:
        accept = args.accept_responsibilities
    ack = confirm_responsibilities(transfer, account, plan, accept)
    progress, cancel = ProgressTracker(), CancelToken()
    importer = Importer(data_dir, account, options, progress=progress, cancel=cancel, acknowledgement=ack)
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["report"] = importer.run(plan, checks)
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
        say(f"{len(skipped)} files not imported ({skipped[0].error_message}).")
    if report.sources_deleted:
        say(f"Deleted {report.sources_deleted} originals after the successful import.")
    if report.sources_kept_reason:
        say(report.sources_kept_reason)
    for path in report.sources_left_behind:
        say(f"could not delete original: {path}")
    say(f"Log: {report.log_path}")
    say(report.summary())
