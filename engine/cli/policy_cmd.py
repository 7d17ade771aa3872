"""`inplace admin policy`: show the data dir's policy, or change it (administrators), as the wizard's
policy dialog does. The engine checks every value, so the allowed ones are said in one place."""

from __future__ import annotations

import dataclasses

from engine.cli.auth import open_and_sign_in
from engine.cli.display import print_json, say

# option -> (policy setting, how the value is read)
OPTIONS = {
    "--temporary-storage": ("temporary_storage", "LEVEL", "originals on temporary storage: error, warning or allow"),
    "--temporary-paths": ("temporary_paths", "PATH", "folders that count as temporary storage (none: give no PATH)"),
    "--temporary-fs-types": ("temporary_fs_types", "TYPE", "file system types that count as temporary (e.g. tmpfs)"),
    "--writable-sources": ("writable_sources", "LEVEL", "originals others may still change: warning, error or allow"),
    "--read-only-after-import": ("read_only_after_import", "yes|no", "make in-place originals read-only after import"),
    "--recently-modified-seconds": ("recently_modified_seconds", "N", "files changed this recently are a warning"),
}
LISTS = {"temporary_paths", "temporary_fs_types"}


def add_command(admin, account_options) -> None:
    p = admin.add_parser(
        "policy",
        help="show the data dir's policy, or change it (administrators)",
        description="Without options, show the policy the checks follow (settings.toml, [policy] table). With "
        "options, change those settings (administrators only; exit code 5 otherwise): the next checks and imports "
        "follow them at once, and the rest of settings.toml stays as it was. Exit code 1 for a value the policy "
        "does not allow.",
    )
    account_options(p)
    for option, (setting, metavar, text) in OPTIONS.items():
        if setting in LISTS:
            p.add_argument(option, dest=setting, nargs="*", metavar=metavar, help=text)
        elif setting == "recently_modified_seconds":
            p.add_argument(option, dest=setting, type=int, metavar=metavar, help=text)
        elif setting == "read_only_after_import":
            p.add_argument(option, dest=setting, choices=["yes", "no"], help=text)
        else:
            p.add_argument(option, dest=setting, metavar=metavar, help=text)
    p.add_argument("--show", action="store_true", help="show the policy (after any change given)")
    p.add_argument("--output", choices=["human", "json"], default="human")
    p.set_defaults(func=run)


def run(args) -> int:
    _, session = open_and_sign_in(args)
    changes = {name: getattr(args, name) for name, _, _ in OPTIONS.values() if getattr(args, name) is not None}
    if "read_only_after_import" in changes:
        changes["read_only_after_import"] = changes["read_only_after_import"] == "yes"
    policy = session.set_policy(**changes) if changes else session.policy
    if changes and not args.show and args.output == "human":
        say(f"Changed {', '.join(sorted(changes))} in {session.settings_file}; the next checks follow it.")
        return 0
    values = dataclasses.asdict(policy)
    if args.output == "json":
        print_json({"settings_file": str(session.settings_file), "policy": values})
        return 0
    say(f"Policy of this data dir ({session.settings_file}, [policy] table):")
    for name, value in values.items():
        say(f"  {name} = {_human(value)}")
    return 0


def _human(value) -> str:
    if isinstance(value, list):
        return ", ".join(value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
