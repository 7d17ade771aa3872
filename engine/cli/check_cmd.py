"""`inplace check`, and the same checks and confirmations run by `inplace import` before it starts."""

from __future__ import annotations

import sys

from engine.checks import CheckReport, Severity, refuse_on_errors, run_checks
from engine.cli.auth import sign_in
from engine.cli.display import print_json, say
from engine.datadir import open_data_dir
from engine.errors import ResponsibilitiesNotAccepted
from engine.plan import make_plan
from engine.responsibilities import Acknowledgement, acknowledge, needs_acknowledgement, statements_for
from engine.transfers import Transfer, get_transfer

MARKS = {Severity.ERROR: "error  ", Severity.WARNING: "warning", Severity.INFO: "info   "}


def run_check(args) -> int:
    data_dir = open_data_dir(args.data_dir)
    account = sign_in(data_dir, args)
    plan = make_plan(data_dir, args.paths)
    transfer = get_transfer(args.transfer) if args.transfer else None
    report = run_checks(data_dir, plan, account, [transfer] if transfer else None)
    if args.output == "json":
        print_json(report.as_dict())
    else:
        print_report(report, sys.stdout)
    return 2 if transfer and not report.can_run(transfer.name) else 0


def print_report(report: CheckReport, out, transfers: list[str] | None = None) -> None:
    for name in transfers or list(report.by_transfer):
        verdict = "can run" if report.can_run(name) else "cannot run"
        say(f"{name}: {verdict}", file=out)
        for f in report.findings(name):
            say(f"  {MARKS[f.severity]} {f.message}", file=out)
            if f.hint:
                say(f"            what to do: {f.hint}", file=out)
            if f.examples and f.severity != Severity.INFO:
                more = f" (and {f.count - len(f.examples)} more)" if f.count > len(f.examples) else ""
                say(f"            for example: {', '.join(f.examples)}{more}", file=out)


def check_before_import(data_dir, plan, account, transfer: Transfer, quiet: bool, make_read_only: bool) -> CheckReport:
    """Run the checks for this transfer; refuse on errors, show warnings."""
    report = run_checks(data_dir, plan, account, [transfer], make_read_only)
    errors, warnings = report.errors(transfer.name), report.warnings(transfer.name)
    if errors or (warnings and not quiet):
        print_report(report, sys.stderr)
    refuse_on_errors(report, transfer)
    return report


def confirm_responsibilities(transfer: Transfer, account, plan, accept_flag: bool) -> Acknowledgement | None:
    """Ask for each statement on a terminal; without one, the explicit flag is required."""
    if not needs_acknowledgement(transfer):
        return None
    statements = statements_for(transfer, plan.file_count, plan.total_bytes)
    if accept_flag:
        return acknowledge(transfer, account, statements)
    if not sys.stdin.isatty():
        raise ResponsibilitiesNotAccepted(
            f"The {transfer.name} transfer needs you to accept its responsibilities, "
            "and there is no terminal to ask on.",
            "Read them with 'inplace import --advanced-help', then pass --accept-responsibilities.",
        )
    say(f"Before {transfer.name} starts, please confirm each of these:", file=sys.stderr)
    for i, statement in enumerate(statements, 1):
        answer = input(f"  {i}. {statement.text}\n     Do you accept this? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            raise ResponsibilitiesNotAccepted("Not all responsibilities were accepted, so nothing was imported.")
    return acknowledge(transfer, account, statements)
