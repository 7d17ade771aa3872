"""Entry point of the bundles. The one-folder bundle has two names for it: `inplace` is always the
command line, `inplace-wizard` always the wizard. The one-file executable opens the wizard when
started without arguments (or with wizard options) and acts as `inplace` when given a subcommand."""

import os
import sys

WIZARD_OPTIONS = ("--data-dir", "--smoke-test")  # each takes one value


def wants_wizard(program: str, args: list[str]) -> bool:
    if program.startswith("inplace-wizard"):
        return True
    if program == "inplace":
        return False
    rest = list(args)
    for option in WIZARD_OPTIONS:
        if option in rest:
            i = rest.index(option)
            del rest[i : i + 2]
    return not rest  # nothing but wizard options: the wizard; a subcommand or CLI option: inplace


def main() -> int:
    program = os.path.basename(sys.argv[0])
    if wants_wizard(program, sys.argv[1:]):
        from gui.app import main as wizard_main

        return wizard_main(sys.argv)
    from engine.cli.main import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
