"""Real OS users and groups for the tests of a facility server: made with groupadd/useradd, removed
after, and the CLI run as one of them by dropping privileges in a forked child (this machine's
Python lives under /root, mode 700, so another uid could not start a new interpreter)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pwd
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import PASSWORD


@dataclass(frozen=True)
class OsUser:
    name: str
    uid: int
    gid: int


def require_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("making OS users and groups and acting as them needs root")


@contextlib.contextmanager
def os_people(group_count: int, *user_specs: tuple[str, list[int]]) -> Iterator[tuple[list[str], dict[str, OsUser]]]:
    """`group_count` new OS groups and users (short name, indexes of the groups they join), each user
    with a private primary group; everything is removed afterwards, even when the test fails."""
    require_root()
    tag = uuid.uuid4().hex[:6]
    groups = [f"ipg{tag}{i}" for i in range(group_count)]
    users: dict[str, OsUser] = {}
    try:
        for g in groups:
            subprocess.run(["groupadd", g], check=True, capture_output=True)
        for short, joins in user_specs:
            name = f"ip{tag}{short}"[:31]
            extra = ["-G", ",".join(groups[i] for i in joins)] if joins else []
            subprocess.run(["useradd", "-M", "-U", *extra, name], check=True, capture_output=True)
            entry = pwd.getpwnam(name)
            users[short] = OsUser(name, entry.pw_uid, entry.pw_gid)
        yield groups, users
    finally:
        for user in users.values():
            subprocess.run(["userdel", user.name], capture_output=True)
            subprocess.run(["groupdel", user.name], capture_output=True)  # its private group, if left
        for g in groups:
            subprocess.run(["groupdel", g], capture_output=True)


def run_cli_as(user: OsUser, data_dir, *args: str, account: str, umask: int = 0o077) -> tuple[int, str, str]:
    """`inplace --data-dir DATA_DIR ARGS` in a child process that is `user` (uid, gid, its groups as
    the system has them now) with `umask` (077: the strictest a person might have), signed in as
    `account`. Returns (exit code, stdout, stderr)."""
    from engine.cli.main import main

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        out, err = io.StringIO(), io.StringIO()
        try:
            os.setgroups(os.getgrouplist(user.name, user.gid))
            os.setresgid(user.gid, user.gid, user.gid)
            os.setresuid(user.uid, user.uid, user.uid)
            os.umask(umask)
            os.chdir("/")
            os.environ.update(INPLACE_USER=account, INPLACE_PASSWORD=PASSWORD)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["--data-dir", str(data_dir), *map(str, args)])
        except BaseException as exc:  # reported to the parent, which fails the test with it
            code, err = 99, io.StringIO(f"{type(exc).__name__}: {exc}")
        with os.fdopen(write_fd, "w") as f:
            json.dump([code, out.getvalue(), err.getvalue()], f)
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        text = f.read()
    os.waitpid(pid, 0)
    code, out, err = json.loads(text or '[98, "", "the child died"]')
    return code, out, err
