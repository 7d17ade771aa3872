"""`inplace admin groups | group | member | setup-group` and the account switches of `admin accounts`:
groups and memberships, enabling, disabling and passwords, and the server's set-up for a group."""

from __future__ import annotations

import getpass
import sys

from engine.cli.auth import open_and_sign_in
from engine.cli.display import print_json, say
from engine.errors import AuthError, UsageError
from engine.states import ExitCode

LEVELS = ("private", "read-only", "read-write")


def add_commands(admin, account_options) -> None:
    """Register the group, member and setup-group commands under `inplace admin`."""
    p = admin.add_parser("groups", help="list groups, their permission levels and members")
    account_options(p)
    p.add_argument("--output", choices=["human", "json"], default="human")
    p.set_defaults(func=run_groups)

    p = admin.add_parser(
        "group",
        help="add, remove or set the permission level of a group (administrators)",
        description="Levels: private (members see only their own data), read-only (members see each other's), "
        "read-write (members may also delete each other's). Exit code 5 when not an administrator.",
    )
    p.add_argument("action", choices=["add", "remove", "set"])
    p.add_argument("name", metavar="GROUP")
    p.add_argument("--permissions", choices=LEVELS, help="the level (add: default private; set: required)")
    account_options(p)
    p.set_defaults(func=run_group)

    p = admin.add_parser(
        "member",
        help="add an account to a group or remove it (administrators, or the group's owners)",
        description="A group's owners may add and remove its members; only an administrator may make an owner.",
    )
    p.add_argument("action", choices=["add", "remove"])
    p.add_argument("group", metavar="GROUP")
    p.add_argument("account", metavar="ACCOUNT")
    p.add_argument("--owner", action="store_true", help="make the member an owner of the group")
    account_options(p)
    p.set_defaults(func=run_member)

    p = admin.add_parser(
        "setup-group",
        help="check (and with --apply fix) the data dir's set-up for in-place imports by an OS group",
        description="Report what an in-place import by members of the OS group GROUP needs of the data dir and "
        "what is wrong now, with the exact commands that fix it. --apply makes the changes (run as root or as "
        "the data dir's owner) and proves them: a folder made as a member is removed as the owner. Exit code 2 "
        "while something is wrong.",
    )
    p.add_argument("group", metavar="GROUP", help="the OS group whose members import")
    p.add_argument("--apply", action="store_true", help="make the changes, then test them")
    p.add_argument("--output", choices=["human", "json"], default="human")
    account_options(p)
    p.set_defaults(func=run_setup_group)


def add_account_switches(p) -> None:
    """`admin accounts NAME --disable | --enable | --reset-password` (administrators)."""
    p.add_argument("name", nargs="?", metavar="NAME", help="the account to change")
    switch = p.add_mutually_exclusive_group()
    switch.add_argument("--disable", action="store_true", help="refuse its sign-in; its data stays")
    switch.add_argument("--enable", action="store_true", help="allow its sign-in again")
    switch.add_argument(
        "--reset-password",
        action="store_true",
        help="give it a new password: asked twice without echo, or one line from stdin with --new-password-stdin",
    )
    p.add_argument("--new-password-stdin", action="store_true", help="read the new password from stdin")


def change_account(session, args) -> bool:
    """Apply the switch of `admin accounts` if one was given; False when it only lists."""
    if not (args.disable or args.enable or args.reset_password):
        return False
    if not args.name:
        raise UsageError("Name the account to change.", "For example: inplace admin accounts bob --disable")
    if args.reset_password:
        session.require_admin("reset a password")  # before asking for a password that would be refused
        session.reset_password(args.name, _new_password(args))
        print(f"The account '{args.name}' has a new password; its remembered sign-ins ended.")
    else:
        session.set_account_enabled(args.name, args.enable)
        print(f"The account '{args.name}' is {'enabled' if args.enable else 'disabled; its data stays as it was'}.")
    return True


def _new_password(args) -> str:
    if args.new_password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise AuthError("No new password was given.", "Pass --new-password-stdin and write it on stdin.")
    first = getpass.getpass(f"New password for {args.name}: ")
    if first != getpass.getpass("Again: "):
        raise UsageError("The two passwords differ.", "Run the command again.")
    return first


def run_groups(args) -> int:
    _, session = open_and_sign_in(args)
    rows = session.groups()
    if args.output == "json":
        print_json(rows)
        return 0
    for row in rows:
        members = ", ".join(m["name"] + (" (owner)" if m["owner"] else "") for m in row["members"]) or "no members"
        say(f"{row['name']}  {row['permissions']}  {members}")
    if not rows:
        say("No groups.")
    return 0


def run_group(args) -> int:
    _, session = open_and_sign_in(args)
    if args.action == "add":
        session.create_group(args.name, args.permissions or "private")
        print(f"Added the group '{args.name}' ({args.permissions or 'private'}).")
    elif args.action == "remove":
        session.remove_group(args.name)
        print(f"Removed the group '{args.name}'.")
    else:
        if not args.permissions:
            raise UsageError("Say which level with --permissions.", f"One of: {', '.join(LEVELS)}.")
        session.set_group_permissions(args.name, args.permissions)
        print(f"The group '{args.name}' is {args.permissions} now.")
    return 0


def run_member(args) -> int:
    _, session = open_and_sign_in(args)
    if args.action == "add":
        session.add_member(args.group, args.account, owner=args.owner)
        print(f"'{args.account}' is {'an owner' if args.owner else 'a member'} of the group '{args.group}'.")
    else:
        session.remove_member(args.group, args.account)
        print(f"'{args.account}' left the group '{args.group}'; their data stays theirs.")
    return 0


def run_setup_group(args) -> int:
    _, session = open_and_sign_in(args)
    report = session.apply_server_setup(args.group) if args.apply else session.server_setup(args.group)
    if args.output == "json":
        print_json(
            {
                "group": report.group,
                "ok": report.ok,
                "problems": report.problems,
                "commands": report.commands,
                "notes": report.notes,
                "proof": report.proof,
            }
        )
    else:
        say(f"The data dir {report.data_dir} for in-place imports by the group '{report.group}':")
        for problem in report.problems:
            say(f"  problem: {problem}")
        if report.ok:
            say("  The set-up is right.")
        for note in report.notes:
            say(f"  note: {note}")
        if report.commands:
            say("Commands that fix it (as root or the data dir's owner), or run this command with --apply:")
            for command in report.commands:
                say(f"  {command}")
        if report.proof:
            say(report.proof)
    proved = report.proof is None or report.proof.startswith(("Proved", "Not proved"))
    return ExitCode.OK if report.ok and proved else ExitCode.PROBLEMS_FOUND
