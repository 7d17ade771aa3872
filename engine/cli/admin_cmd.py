"""Commands that set things up: admin init and adduser, login and logout, and the demo."""

from __future__ import annotations

import getpass
import os
import secrets
import sys
from pathlib import Path

from engine.api import DataDirectory
from engine.cli.auth import (
    forget,
    open_and_sign_in,
    open_data_dir,
    read_password,
    remember,
    sign_in,
    track,
    user_name,
    write_private_file,
)
from engine.cli.display import print_json, say
from engine.cli.groups_cmd import change_account
from engine.errors import AuthError, UsageError


def _first_password(args, name: str) -> str:
    """The first account's password: nobody is signed in yet, so it comes like a sign-in password."""
    password = read_password(args)
    if password is not None:
        return password
    return _ask_twice(name, "Set INPLACE_PASSWORD or pass --password-stdin.")


def _added_password(args, name: str) -> str:
    """An added account's password, kept apart from the signed-in administrator's own."""
    if args.new_password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if os.environ.get("INPLACE_NEW_PASSWORD"):
        return os.environ["INPLACE_NEW_PASSWORD"]
    return _ask_twice(name, "Set INPLACE_NEW_PASSWORD or pass --new-password-stdin.")


def _ask_twice(name: str, hint: str) -> str:
    if not sys.stdin.isatty():
        raise AuthError(f"No password for the new account '{name}'.", hint)
    first = getpass.getpass(f"Password for the new account {name}: ")
    if first != getpass.getpass("Again: "):
        raise UsageError("The two passwords differ.", "Run the command again.")
    return first


def run_init(args) -> int:
    data_dir = track(DataDirectory.unopened(args.data_dir))
    name = user_name(args)
    if not name:
        raise UsageError("The first account needs a name.", "Use --user NAME or set INPLACE_USER.")
    data_dir.refuse_initialising()  # before asking for a password that could not be used
    data_dir.initialise(name, _first_password(args, name), catalog_url=getattr(args, "catalog_url", None))
    where = f" (catalog: {data_dir.catalog_shown})" if getattr(args, "catalog_url", None) else ""
    print(f"Created the data dir {data_dir.root}{where} with the administrator account '{name}'.")
    return 0


def run_adduser(args) -> int:
    """An administrator signs in (--user, as for any command) and adds the account NAME."""
    _, session = open_and_sign_in(args)
    session.require_admin("add an account")  # before asking for a password that would be refused
    name = args.name.strip()
    session.add_account(name, _added_password(args, name), admin=args.admin)
    print(f"Added the {'administrator ' if args.admin else ''}account '{name}'.")
    return 0


def run_accounts(args) -> int:
    _, session = open_and_sign_in(args)
    if change_account(session, args):
        return 0
    rows = session.accounts()
    if args.output == "json":
        print_json(rows)
        return 0
    for row in rows:
        groups = ", ".join(g + (" (default)" if g == row["default_group"] else "") for g in row["groups"])
        say(
            f"{row['name']}{'  (administrator)' if row['admin'] else ''}{'' if row['enabled'] else '  (disabled)'}"
            f"  since {row['created_at']}  groups: {groups or 'none'}"
        )
    return 0


def run_login(args) -> int:
    data_dir, session = open_and_sign_in(args)
    remember(data_dir, session)
    print(f"Signed in as '{session.account_name}' to {data_dir.root}; later commands need no password for 7 days.")
    return 0


def run_logout(args) -> int:
    data_dir = open_data_dir(args)
    print("Signed out." if forget(data_dir) else "There was no remembered sign-in.")
    return 0


DEMO_ACCOUNT = "demo"


def run_demo(args) -> int:
    """Make the personal data dir and a demo account if missing, generate files, import them with ln_s."""
    from engine.cli.import_cmd import import_with_progress

    data_dir = open_data_dir(args, create=True)
    password_file = data_dir.root / "demo-password.txt"
    if not data_dir.has_accounts() or not password_file.exists():
        if data_dir.has_accounts() and not password_file.exists():
            raise UsageError(
                f"{data_dir.root} already has accounts, so the demo will not add one.",
                "Run the demo with --data-dir pointing to a new folder.",
            )
        password = secrets.token_urlsafe(12)
        data_dir.initialise(DEMO_ACCOUNT, password)
        write_private_file(password_file, password + "\n")
        print(f"Created the account '{DEMO_ACCOUNT}'; its password is in {password_file}.")
    args.user = DEMO_ACCOUNT
    os.environ["INPLACE_PASSWORD"] = password_file.read_text().strip()
    session = sign_in(data_dir, args)
    # Beside the data dir, never inside it: the checks refuse sources inside the repository.
    sources = generate_demo_folder(data_dir.root.with_name(data_dir.root.name + "-demo-sources"))
    print(f"Importing {sources} with ln_s into {data_dir.root} ...")
    args.output = "human"
    prepared = session.prepare([str(sources)], session.options(transfer="ln_s", make_read_only=True))
    # The demo links only files it generated itself, so it accepts the responsibilities on the user's behalf.
    return import_with_progress(prepared, args, accept=True)


def generate_demo_folder(root: Path) -> Path:
    """A fresh folder of small files in nested folders, with a name that needs sanitising."""
    import time

    folder = root / time.strftime("%Y%m%d-%H%M%S")
    for i in range(3):
        sub = folder / f"plate-{i + 1}" / "well A1"
        sub.mkdir(parents=True, exist_ok=True)
        for j in range(4):
            (sub / f"field-{j + 1}.tif").write_bytes(os.urandom(4096 + 37 * j))
    (folder / "notes: overview.txt").write_text("generated by 'inplace demo'\n")
    return folder


def add_move_catalog(admin, account_options) -> None:
    """`inplace admin move-catalog --to URL`."""
    p = admin.add_parser(
        "move-catalog",
        help="copy the catalog into another empty database and use it from now on (administrators)",
        description="Copy the catalog into the empty database URL (postgresql+psycopg://USER@HOST/DB for several "
        "import hosts, or sqlite:////path/backup.sqlite), check every table's row count, and switch the data "
        "dir's settings to it. No job may be running. With --copy-only the data dir keeps its catalog (a backup).",
    )
    account_options(p)
    p.add_argument("--to", dest="to_url", required=True, metavar="URL", help="the empty database")
    p.add_argument("--copy-only", action="store_true", help="copy, but keep using the present catalog")
    p.set_defaults(func=run_move_catalog)


def run_move_catalog(args) -> int:
    data_dir, session = open_and_sign_in(args)
    before = data_dir.catalog_shown
    counts = data_dir.move_catalog(session, args.to_url, switch=not args.copy_only)
    rows = sum(counts.values())
    if args.copy_only:
        print(f"Copied the catalog {before} ({rows} rows in {len(counts)} tables) to {args.to_url}.")
    else:
        print(f"Moved the catalog from {before} to {data_dir.catalog_shown} ({rows} rows in {len(counts)} tables).")
    return 0
