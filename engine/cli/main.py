"""`inplace`: parse, call the engine, print, and map errors to exit codes (0 ok, 1 usage,
2 import errors or a lost catalog, 3 source clean-up failed, 4 cancelled, 5 not permitted: the
account signed in is neither the owner nor an administrator). Never a traceback for bad input."""

from __future__ import annotations

import argparse
import os
import re
import sys

from engine.api import (
    DEFAULT_ALGORITHM,
    DEFAULT_DEPTH,
    DEFAULT_QUIET_SECONDS,
    DEFAULT_TRANSFER,
    __version__,
    shown,
    wait_for_images,
)
from engine.errors import EngineError
from engine.states import ExitCode

MAX_ID = 2**63 - 1  # the catalog's integer ids are signed 64-bit
_PASSWORD_VALUE = re.compile(r"(?<!\S)(--password(?!-stdin)|--passwd|-w)(=|\s+)(\S+)")
NO_PASSWORD_ARGUMENT = (
    "inplace: a password is never taken from the command line, where other accounts can read it in the "
    "process list. Use --password-stdin, INPLACE_PASSWORD, 'inplace login', or answer the prompt.\n"
)


def _is_password_option(token: str) -> bool:
    """--password, --passwd, an abbreviation down to --pass, and OMERO's -w (with or without a value)."""
    name = token.split("=", 1)[0]
    if name.startswith("-w") and not name.startswith("--"):
        return True
    return name == "--passwd" or (len(name) >= len("--pass") and "--password".startswith(name))


class Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line with exit code 1 (argparse's own 2 means import errors),
    and a password given as an argument is refused without ever being printed."""

    def parse_known_args(self, args=None, namespace=None):
        tokens = list(sys.argv[1:] if args is None else args)
        options = tokens[: tokens.index("--")] if "--" in tokens else tokens
        if any(_is_password_option(t) for t in options):
            self.exit(1, NO_PASSWORD_ARGUMENT)
        return super().parse_known_args(tokens, namespace)

    def error(self, message: str):
        message = shown(_PASSWORD_VALUE.sub(r"\1\2***", message))
        self.exit(1, f"inplace: {message}. See '{self.prog} --help'.\n")


def catalog_id(text: str) -> int:
    """An id of a fileset, job or dataset: checked here, because the catalog cannot hold a bigger one."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{shown(text)}' is not an id (ids are whole numbers)") from None
    if not 1 <= value <= MAX_ID:
        raise argparse.ArgumentTypeError(f"{text} is not a valid id (ids are whole numbers from 1 to {MAX_ID})")
    return value


def _account_options(p: argparse.ArgumentParser) -> None:
    # Also accepted after the subcommand (`inplace admin init --data-dir DIR`); SUPPRESS keeps an
    # absent one from overriding the global option given before the subcommand.
    p.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    p.add_argument("-u", "--user", help="account name (or INPLACE_USER)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")


def build_parser() -> Parser:
    from engine.cli import admin_cmd, catalog_cmd, check_cmd, groups_cmd, import_cmd, policy_cmd

    parser = Parser(
        prog="inplace",
        description="Import microscopy files into a managed repository, in place or as copies.",
    )
    parser.add_argument("--version", action="version", version=f"inplace {__version__}")
    parser.add_argument(
        "--data-dir", help="the data dir to use (or INPLACE_DATA_DIR; default: configuration, then personal)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    p = sub.add_parser("import", help="import files and folders", description="Import files and folders.")
    p.add_argument("paths", nargs="*", metavar="PATH")
    _account_options(p)
    p.add_argument(
        "--transfer",
        default=DEFAULT_TRANSFER,
        help=f"how files reach the repository (default {DEFAULT_TRANSFER}; see --advanced-help)",
    )
    p.add_argument("--checksum-algorithm", default=DEFAULT_ALGORITHM, help=f"default {DEFAULT_ALGORITHM}")
    p.add_argument("-d", "--dataset", type=catalog_id, help="id of the dataset to import into")
    p.add_argument("-T", "--target", help="Dataset:ID, Dataset:name:NAME or Project:name:P/Dataset:name:D")
    p.add_argument("-n", "--name", help="name for the imported filesets")
    p.add_argument("--exclude", choices=["clientpath", "filename"], help="skip filesets already imported")
    p.add_argument(
        "-f", dest="dry_run", action="store_true", help="list the filesets with their files and images; import nothing"
    )
    p.add_argument(
        "-c", "--continue", dest="continue_on_error", action="store_true", help="go on after a failed fileset"
    )
    p.add_argument("--output", choices=["human", "json"], default="human")
    p.add_argument("--advanced-help", action="store_true", help="explain the transfers and checksum algorithms")
    p.add_argument(
        "--accept-responsibilities",
        action="store_true",
        help="confirm the responsibilities without a terminal",
    )
    p.add_argument(
        "--make-read-only", action="store_true", help="after an in-place import, make the originals read-only"
    )
    p.add_argument(
        "--depth",
        type=int,
        default=DEFAULT_DEPTH,
        metavar="N",
        help=f"folder levels to scan below each selected folder (default {DEFAULT_DEPTH}, as omero import)",
    )
    p.add_argument(
        "--include-all", action="store_true", help="also import files that are in no image format (notes, scripts)"
    )
    p.add_argument("-g", "--group", help="the group the filesets belong to (default: your default group)")
    p.add_argument("--sudo", metavar="NAME", help="import for the account NAME (administrators and group owners)")
    p.set_defaults(func=import_cmd.run_import)

    p = sub.add_parser(
        "check",
        help="check a selection before importing: what would fail with each transfer, and why",
        description="Report, for each transfer (or the one named), every problem found before import. "
        "Exit code 2 when the named transfer cannot run.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    _account_options(p)
    p.add_argument("--transfer", help="check only this transfer")
    p.add_argument("--output", choices=["human", "json"], default="human")
    p.set_defaults(func=check_cmd.run_check)

    p = sub.add_parser("checksum", help="print OMERO-compatible checksums of files")
    p.add_argument("--algorithm", default=DEFAULT_ALGORITHM)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=catalog_cmd.run_checksum)

    p = sub.add_parser("filesets", help="list imported filesets and their files")
    _account_options(p)
    p.add_argument("--output", choices=["human", "json"], default="human")
    p.set_defaults(func=catalog_cmd.run_filesets)

    _images_command(sub)

    p = sub.add_parser("delete", help="delete filesets from the repository (links only remove links)")
    p.add_argument("filesets", nargs="+", type=catalog_id, metavar="FILESET")
    _account_options(p)
    p.set_defaults(func=catalog_cmd.run_delete)

    p = sub.add_parser("jobs", help="list jobs; roll back or resume an interrupted one")
    _account_options(p)
    p.add_argument("--output", choices=["human", "json"], default="human")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--rollback", type=catalog_id, metavar="JOB", help="undo an interrupted job")
    group.add_argument(
        "--resume", type=catalog_id, metavar="JOB", help="clean up an interrupted job and import the rest"
    )
    group.add_argument(
        "--retry", type=catalog_id, metavar="JOB", help="import again the files a finished job failed or cancelled"
    )
    group.add_argument(
        "--check",
        action="store_true",
        help="compare the repository with the catalog; remove empty folders no fileset owns (administrators)",
    )
    p.add_argument(
        "--accept-responsibilities",
        action="store_true",
        help="with --resume or --retry: confirm the responsibilities and warnings without a terminal",
    )
    p.set_defaults(func=catalog_cmd.run_jobs)

    p = sub.add_parser("datasets", help="list projects and datasets (their ids are for -d/--dataset)")
    _account_options(p)
    p.add_argument("--output", choices=["human", "json"], default="human")
    p.set_defaults(func=catalog_cmd.run_datasets)

    _verify_commands(sub)
    _dropbox_commands(sub)

    p = sub.add_parser("login", help="sign in once so that later commands need no password")
    _account_options(p)
    p.set_defaults(func=admin_cmd.run_login)
    p = sub.add_parser("logout", help="forget the remembered sign-in")
    p.set_defaults(func=admin_cmd.run_logout)

    admin = sub.add_parser("admin", help="administration").add_subparsers(
        dest="admin_command", metavar="ACTION", parser_class=Parser
    )
    p = admin.add_parser("init", help="create a data dir and its first (administrator) account")
    _account_options(p)
    p.add_argument("--catalog-url", metavar="URL", help="keep the catalog in this empty PostgreSQL database")
    p.set_defaults(func=admin_cmd.run_init)
    admin_cmd.add_move_catalog(admin, _account_options)
    p = admin.add_parser(
        "adduser",
        help="add an account (an administrator signs in)",
        description="Add the account NAME. Only an administrator may: sign in as one with --user and "
        "INPLACE_PASSWORD, --password-stdin or a remembered login. The new account's password comes from "
        "INPLACE_NEW_PASSWORD, --new-password-stdin or a prompt. Exit code 5 when the account signed in "
        "is not an administrator.",
    )
    p.add_argument("name", metavar="NAME", help="the new account's name")
    _account_options(p)
    p.add_argument("--admin", action="store_true", help="make the new account an administrator")
    p.add_argument(
        "--new-password-stdin",
        action="store_true",
        help="read the new account's password from stdin (the line after yours, with --password-stdin)",
    )
    p.set_defaults(func=admin_cmd.run_adduser)

    p = admin.add_parser("accounts", help="list the accounts (an administrator sees all, anyone else only their own)")
    _account_options(p)
    p.add_argument("--output", choices=["human", "json"], default="human")
    groups_cmd.add_account_switches(p)
    p.set_defaults(func=admin_cmd.run_accounts)
    groups_cmd.add_commands(admin, _account_options)
    policy_cmd.add_command(admin, _account_options)

    p = sub.add_parser("demo", help="import a small generated folder with ln_s into the personal data dir")
    p.set_defaults(func=admin_cmd.run_demo)
    return parser


def _verify_commands(sub) -> None:
    from engine.cli import verify_cmd

    p = sub.add_parser(
        "verify",
        help="check that imported files are still as they were imported",
        description="Check imported files: quick (default: each still a readable file with the recorded size "
        "and time, the same file for links) or full (hash again). Least recently checked first. "
        "Exit code 0 when every file checked is ok, 2 when problems were found.",
    )
    p.add_argument("filesets", nargs="*", type=catalog_id, metavar="FILESET")
    _account_options(p)
    p.add_argument("--all", action="store_true", help="every fileset you may see (all, for an administrator)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="full", action="store_false", help="size, time and identity (default)")
    mode.add_argument("--full", dest="full", action="store_true", help="hash every file again")
    p.add_argument("--budget", metavar="DURATION", help="stop after this long, e.g. 30m or 1h (the rest waits)")
    p.add_argument("--output", choices=["human", "json"], default="human")
    p.set_defaults(func=verify_cmd.run_verify, full=False)

    p = sub.add_parser(
        "relink",
        help="re-point ln_s imports at originals that were moved",
        description="Re-point ln_s entries whose originals moved: --from OLD_ROOT --to NEW_ROOT for a moved "
        "tree, or --search ROOT to look for missing files by name and size. Originals are never changed. "
        "--history lists the relinks made. Exit code 2 when entries were left as they were.",
    )
    _account_options(p)
    p.add_argument("--from", dest="old_root", metavar="OLD_ROOT", help="where the originals were")
    p.add_argument("--to", dest="new_root", metavar="NEW_ROOT", help="where they are now")
    p.add_argument("--search", metavar="ROOT", help="look for missing originals under ROOT (a dry run unless --apply)")
    p.add_argument("--dry-run", action="store_true", help="with --from/--to: say what would be relinked")
    p.add_argument("--apply", action="store_true", help="with --search: relink the unambiguous matches")
    p.add_argument("--full", action="store_true", help="compare checksums, not size and modification time")
    p.add_argument("--history", action="store_true", help="list the relinks made: from where to where, who, when")
    p.add_argument("filesets", nargs="*", type=catalog_id, metavar="FILESET", help="with --history: only these")
    p.add_argument("--output", choices=["human", "json"], default="human")
    p.set_defaults(func=verify_cmd.run_relink)


def _dropbox_commands(sub) -> None:
    from engine.api import DEFAULT_MAX_IMPORTS
    from engine.cli import dropbox_cmd

    dropbox = sub.add_parser(
        "dropbox",
        help="watch folders: import what lands in them (add, list, remove, status, retry, run)",
        description="Watch folders whose arrivals are imported for an account with import arguments an "
        "administrator chose, once every file of a set is there and has stopped changing.",
    )
    commands = dropbox.add_subparsers(dest="dropbox_command", metavar="COMMAND", parser_class=Parser, required=True)

    p = commands.add_parser("add", help="watch a folder (administrators)")
    p.add_argument("folder", metavar="FOLDER")
    p.add_argument("--account", required=True, help="the account the imports are made for")
    _account_options(p)
    p.add_argument("--transfer", default=DEFAULT_TRANSFER, help=f"default {DEFAULT_TRANSFER}")
    p.add_argument("--checksum-algorithm", default=DEFAULT_ALGORITHM, help=f"default {DEFAULT_ALGORITHM}")
    p.add_argument("-T", "--target", help="Dataset:ID, Dataset:name:NAME or Project:name:P/Dataset:name:D")
    p.add_argument("-g", "--group", help="the group its imports go into (default: the account's default group)")
    p.add_argument(
        "--exclude",
        choices=["clientpath", "filename"],
        default="clientpath",
        help="how a file imported before is recognised and left out (default clientpath; never off)",
    )
    p.add_argument(
        "--quiet-seconds",
        type=float,
        default=DEFAULT_QUIET_SECONDS,
        metavar="N",
        help=f"import a set once none of its files changed for N seconds (default {DEFAULT_QUIET_SECONDS:g})",
    )
    p.add_argument("--polling", action="store_true", help="poll the folder instead of inotify (network filesystems)")
    p.add_argument(
        "--accept-responsibilities",
        action="store_true",
        help="accept, for every import of the folder, the responsibilities of an in-place or deleting transfer",
    )
    p.add_argument(
        "--accept-warning",
        action="append",
        metavar="CODE",
        help="accept this warning of the checks in advance (e.g. sources-writable); repeatable",
    )
    p.set_defaults(func=dropbox_cmd.run_add)

    p = commands.add_parser("list", help="list the watch folders")
    _account_options(p)
    p.add_argument("--output", choices=["human", "json"], default="human")
    p.set_defaults(func=dropbox_cmd.run_list)

    p = commands.add_parser("remove", help="stop watching a folder (administrators)")
    p.add_argument("folder_id", type=catalog_id, metavar="ID")
    _account_options(p)
    p.set_defaults(func=dropbox_cmd.run_remove)

    p = commands.add_parser("status", help="what waits in each folder, what was imported, what failed and why")
    _account_options(p)
    p.add_argument("--output", choices=["human", "json"], default="human")
    p.set_defaults(func=dropbox_cmd.run_status)

    p = commands.add_parser(
        "run",
        help="run the DropBox service until stopped (SIGTERM)",
        description="Watch every registered folder and import what becomes complete and quiet. Needs no "
        "sign-in: it imports only for the accounts administrators registered folders for.",
    )
    p.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    p.add_argument(
        "--max-imports",
        type=int,
        default=DEFAULT_MAX_IMPORTS,
        metavar="N",
        help=f"import at most N filesets at once (default {DEFAULT_MAX_IMPORTS})",
    )
    p.set_defaults(func=dropbox_cmd.run_service)

    p = commands.add_parser("retry", help="ask the service to try a failed fileset again now")
    p.add_argument("folder_id", type=catalog_id, metavar="ID")
    p.add_argument("fileset", metavar="FILESET", help="its name, as 'inplace dropbox status' shows it")
    _account_options(p)
    p.set_defaults(func=dropbox_cmd.run_retry)


def _images_command(sub) -> None:
    from engine.cli import images_cmd

    p = sub.add_parser(
        "images",
        help="show the images of filesets: dimensions, pixel sizes, channels, plate, thumbnails",
        description="Show what the images of filesets are, as the reader of each format saw them, with the "
        "paths of their thumbnails (all your filesets when none is named). --rebuild reads them and makes "
        "the thumbnails again, now.",
    )
    p.add_argument("filesets", nargs="*", type=catalog_id, metavar="FILESET")
    _account_options(p)
    p.add_argument("--rebuild", action="store_true", help="read the images and make their thumbnails again")
    p.add_argument("--output", choices=["human", "json"], default="human")
    p.set_defaults(func=images_cmd.run_images)
    p = sub.add_parser(
        "show",
        help="show a fileset: its images, their metadata and thumbnails",
        description="Show filesets by id: each image's dimensions, pixel type and sizes, channels, plate, well "
        "and field, and the paths of its thumbnail and of the plate overview.",
    )
    p.add_argument("filesets", nargs="+", type=catalog_id, metavar="FILESET")
    _account_options(p)
    p.add_argument("--output", choices=["human", "json"], default="human")
    p.set_defaults(func=images_cmd.run_images, rebuild=False)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return ExitCode.USAGE
    try:
        return int(args.func(args) or 0)
    except EngineError as exc:
        print(f"inplace: {shown(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("inplace: interrupted.", file=sys.stderr)
        return ExitCode.CANCELLED
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    except Exception as exc:  # the last line of defence: one sentence here, the traceback in a file
        from engine.cli.crash import crash_sentence, plain_error, write_crash_log

        plain = plain_error(exc, args)
        if plain is not None:
            print(f"inplace: {shown(plain)}", file=sys.stderr)
            return plain.exit_code
        print(shown(crash_sentence(exc, write_crash_log(exc, args, argv))), file=sys.stderr)
        return ExitCode.IMPORT_ERRORS
    finally:
        from engine.cli.auth import close_all

        wait_for_images()  # thumbnails of what this command imported, before the catalog closes
        close_all()


if __name__ == "__main__":
    sys.exit(main())
