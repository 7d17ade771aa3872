"""`inplace check`, and the checks and confirmations `inplace import` shows before it starts."""

from __future__ import annotations

import sys

from engine.api import Acknowledgement, CheckReport, Prepared, Severity
from engine.cli.auth import open_and_sign_in
from engine.cli.display import print_json, say
from engine.errors import ChecksFailed, ResponsibilitiesNotAccepted
from engine.states import ExitCode

MARKS = {Severity.ERROR: "error  ", Severity.WARNING: "warning", Severity.INFO: "info   "}


def run_check(args) -> int:
    _, session = open_and_sign_in(args)
    options = session.options(**({"transfer": args.transfer} if args.transfer else {}))
    prepared = session.prepare(args.paths, options, all_transfers=not args.transfer)
    if args.output == "json":
        print_json(prepared.checks.as_dict())
    else:
        print_report(prepared.checks, sys.stdout)
    return ExitCode.IMPORT_ERRORS if args.transfer and prepared.errors else ExitCode.OK


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


def show_checks(prepared: Prepared, quiet: bool) -> None:
    """Print what the checks found for the chosen transfer; refuse (nothing written) on errors."""
    name = prepared.transfer.name
    if prepared.errors or (prepared.warnings and not quiet):
        print_report(prepared.checks, sys.stderr, [name])
    if prepared.errors:
        first = prepared.errors[0]
        raise ChecksFailed(prepared.errors, f"{first.message} Nothing was imported.", first.hint)


def confirm(prepared: Prepared, accept_flag: bool) -> Acknowledgement | None:
    """Ask for each statement and each warning on a terminal; without one, the explicit flag is
    required. What was accepted is recorded with the job."""
    if not prepared.needs_acknowledgement:
        return None
    if accept_flag:
        return prepared.acknowledge()
    name = prepared.transfer.name
    if not sys.stdin.isatty():
        raise ResponsibilitiesNotAccepted(
            f"The {name} transfer needs you to accept its responsibilities, and there is no terminal to ask on.",
            "Read them with 'inplace import --advanced-help', then pass --accept-responsibilities.",
        )
    say(f"Before {name} starts, please confirm each of these:", file=sys.stderr)
    asked = [s.text for s in prepared.statements]
    asked += [f"Warning: {w.message} I take this risk." for w in prepared.warnings]
    for i, text in enumerate(asked, 1):
        answer = input(f"  {i}. {text}\n     Do you accept this? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            raise ResponsibilitiesNotAccepted("Not all responsibilities were accepted, so nothing was imported.")
    return prepared.acknowledge()
