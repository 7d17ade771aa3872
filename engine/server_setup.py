"""The in-place set-up of a data dir for a group of people: what it needs, what is wrong, the exact
commands that fix it, and (with `apply_setup`) the fix itself and its proof.

An in-place import by several OS accounts needs one OS group that owns the data dir's folders, the
setgid bit on every folder of the repository (new folders then keep the group), group write on
them (so one member's import never locks out the next, and the owner can remove what a member
made), the catalog readable and writable by the group but nobody else (it holds password hashes),
and the data dir's owner in the group. Where the filesystem has POSIX ACLs, their mask must not
withhold the group's write. The kernel's protected-hardlinks setting decides whether `ln` may link
files another account owns; it is reported, not changed.
"""

from __future__ import annotations

import errno
import grp
import os
import pwd
import shlex
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from engine.checks.findings import CheckReport, Finding, Severity, finding
from engine.datadir import DataDir
from engine.errors import StorageError, UsageError
from engine.group_modes import SHARED_DIR_BITS, process_umask
from engine.units import count

SHOWN_EXAMPLES = 3  # folders named in a problem's sentence; the command covers all of them
PROTECTED_HARDLINKS = Path("/proc/sys/fs/protected_hardlinks")
ACL_ACCESS, ACL_DEFAULT = "system.posix_acl_access", "system.posix_acl_default"
ACL_MASK_TAG, ACL_WRITE = 0x10, 0x2


@dataclass
class SetupReport:
    """`problems`: what would break a multi-user import, one sentence each; `commands`: the exact
    shell commands that fix them, in order; `notes`: facts worth knowing that need no fix."""

    group: str
    data_dir: str
    problems: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    proof: str | None = None  # what apply_setup's test did, when it ran

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def command_line(self) -> str:
        return f"inplace --data-dir {shlex.quote(self.data_dir)} admin setup-group {shlex.quote(self.group)} --apply"


def inspect_setup(data_dir: DataDir, group: str | None = None, deep: bool = True) -> SetupReport:
    """Read the data dir's modes, owners, ACLs and the kernel's settings; change nothing. Without
    `deep`, only the repository's top two levels of folders are looked at (for the checks before an
    import, which must stay quick on a large repository)."""
    root = data_dir.root
    gid, name = _group(root, group)
    report = SetupReport(name, str(root))
    if gid is None:
        report.problems.append(f"There is no OS group named '{name}'.")
        report.commands.append(f"groupadd {shlex.quote(name)}")
        return report
    q = shlex.quote
    _owner_in_group(root, gid, name, report)
    folders = [root, data_dir.logs] + ([root / "thumbnails"] if (root / "thumbnails").is_dir() else [])
    for folder in folders:
        _check_folder(folder, gid, name, report)
    wrong_group, no_bits = _repository_folders(data_dir.repository, gid, None if deep else 2)
    repo = q(str(data_dir.repository))
    if wrong_group:
        report.problems.append(
            f"{_folders(wrong_group)} of the repository {'does' if len(wrong_group) == 1 else 'do'} not belong to "
            f"the group '{name}' (such as {_examples(wrong_group)}), so its members cannot be given write access."
        )
        report.commands.append(f"find {repo} -type d ! -group {q(name)} -exec chgrp {q(name)} {{}} +")
    if no_bits:
        report.problems.append(
            f"{_folders(no_bits)} of the repository {'lacks' if len(no_bits) == 1 else 'lack'} group write or the "
            f"setgid bit (such as {_examples(no_bits)}): one member's import there would lock out the next."
        )
        report.commands.append(f"find {repo} -type d ! -perm -2070 -exec chmod g+rwxs {{}} +")
    _check_catalog(data_dir, gid, name, report)
    if deep:
        _check_kept_files(data_dir, gid, name, report)
    _check_acls(data_dir.repository, report)
    _umask_note(report)
    _hardlink_note(report)
    return report


def apply_setup(data_dir: DataDir, group: str) -> SetupReport:
    """Make what `inspect_setup` asks for (idempotent: what is right already stays), then prove it.
    Needs root or the data dir's owner (who must then be in the group)."""
    gid, name = _group(data_dir.root, group)
    if gid is None:
        raise UsageError(f"There is no OS group named '{name}'.", f"Create it first: groupadd {shlex.quote(name)}")
    try:
        for folder in [data_dir.root, data_dir.logs, *_walk_folders(data_dir.repository)]:
            _share_folder(folder, gid)
        if (data_dir.root / "thumbnails").is_dir():
            for folder in _walk_folders(data_dir.root / "thumbnails"):
                _share_folder(folder, gid)
        for path in _catalog_files(data_dir):
            _share_file(path, gid, 0o660)
        for path in _kept_files(data_dir):
            _share_file(path, gid, 0o640, keep_more=True)
        _open_acl_masks(data_dir.repository)
        _add_owner_to_group(data_dir.root, gid, name)
    except PermissionError as exc:
        raise StorageError(
            f"The set-up of {data_dir.root} could not be changed ({exc.strerror}: {exc.filename}).",
            "Run the command as root, or as the data dir's owner being a member of the group.",
        ) from exc
    after = inspect_setup(data_dir, group)
    after.proof = _prove(data_dir, gid, name)
    return after


def setup_finding(data_dir: DataDir) -> Finding | None:
    """For the checks before an import: a data dir meant for a group (its folder has setgid or group
    write) whose set-up would break the next member's import, in a sentence with the command that fixes it."""
    if not data_dir.shared_with_group:
        return None
    report = inspect_setup(data_dir, deep=False)
    if report.ok:
        return None
    return finding(
        "shared-setup",
        Severity.WARNING,
        f"This data dir is shared by the group '{report.group}', but its set-up would stop another member's "
        f"import: {report.problems[0]}",
        f"An administrator fixes it with: {report.command_line}",
        [report.data_dir],
    )


def with_finding(report: CheckReport, found: Finding | None) -> CheckReport:
    """The report with `found` among every transfer's findings (it concerns the data dir, not a transfer)."""
    if found is not None:
        for findings in report.by_transfer.values():
            findings.append(found)
    return report


# --- what is checked ------------------------------------------------------------------------------


def _group(root: Path, group: str | None) -> tuple[int | None, str]:
    if group is None:
        gid = root.stat().st_gid
        try:
            return gid, grp.getgrgid(gid).gr_name
        except KeyError:
            return gid, str(gid)
    try:
        return grp.getgrnam(group).gr_gid, group
    except KeyError:
        return None, group


def _members(gid: int) -> list[pwd.struct_passwd]:
    """OS accounts in the group: named in it, or having it as their primary group."""
    named = set(grp.getgrgid(gid).gr_mem)
    return [u for u in pwd.getpwall() if u.pw_gid == gid or u.pw_name in named]


def _owner_in_group(root: Path, gid: int, name: str, report: SetupReport) -> None:
    uid = root.stat().st_uid
    if uid == 0 or any(u.pw_uid == uid for u in _members(gid)):
        return
    owner = _user_name(uid)
    report.problems.append(
        f"The data dir's owner '{owner}' is not in the group '{name}', so it could not remove what members import."
    )
    report.commands.append(f"usermod -a -G {shlex.quote(name)} {shlex.quote(owner)}")


def _check_folder(folder: Path, gid: int, name: str, report: SetupReport) -> None:
    try:
        st = folder.stat()
    except FileNotFoundError:
        return
    q = shlex.quote(str(folder))
    if st.st_gid != gid:
        report.problems.append(f"{folder} belongs to the group '{_group_name(st.st_gid)}', not '{name}'.")
        report.commands.append(f"chgrp {shlex.quote(name)} {q}")
    if st.st_mode & SHARED_DIR_BITS != SHARED_DIR_BITS:
        report.problems.append(f"{folder} has mode {stat.S_IMODE(st.st_mode):04o}: the group needs rwx and setgid.")
        report.commands.append(f"chmod g+rwxs {q}")


def _repository_folders(repository: Path, gid: int, levels: int | None) -> tuple[list[str], list[str]]:
    wrong_group, no_bits = [], []
    for folder in _walk_folders(repository, levels):
        st = folder.stat()
        if st.st_gid != gid:
            wrong_group.append(str(folder))
        if st.st_mode & SHARED_DIR_BITS != SHARED_DIR_BITS:
            no_bits.append(str(folder))
    return wrong_group, no_bits


def _check_catalog(data_dir: DataDir, gid: int, name: str, report: SetupReport) -> None:
    for path in _catalog_files(data_dir):
        st = path.stat()
        mode = stat.S_IMODE(st.st_mode)
        q = shlex.quote(str(path))
        if st.st_gid != gid:
            report.problems.append(f"The catalog file {path} belongs to the group '{_group_name(st.st_gid)}'.")
            report.commands.append(f"chgrp {shlex.quote(name)} {q}")
        if mode & 0o660 != 0o660 or mode & 0o007:
            report.problems.append(
                f"The catalog file {path} has mode {mode:04o}: it must be readable and writable by the group "
                "and by nobody else (it holds password hashes)."
            )
            report.commands.append(f"chmod 0660 {q}")
    if not data_dir.catalog_is_local:
        report.notes.append("The catalog is on a database server: its own administrator keeps it private.")


def _check_acls(repository: Path, report: SetupReport) -> None:
    q = shlex.quote(str(repository))
    found = {}
    for name in (ACL_ACCESS, ACL_DEFAULT):
        try:
            found[name] = os.getxattr(repository, name)
        except OSError as exc:
            if exc.errno not in (errno.ENODATA, errno.ENOTSUP):
                raise
            if exc.errno == errno.ENOTSUP:
                report.notes.append("The repository is on a filesystem without POSIX ACLs; the mode bits decide alone.")
                return
    if not found:
        report.notes.append("The repository has no ACL; the mode bits decide alone.")
    if ACL_ACCESS in found and _acl_mask_withholds_write(found[ACL_ACCESS]):
        report.problems.append(f"The ACL of {repository} has a mask that withholds write from the group.")
        report.commands.append(f"setfacl -m m::rwx {q}")
    if ACL_DEFAULT in found and _acl_mask_withholds_write(found[ACL_DEFAULT]):
        report.problems.append(f"The default ACL of {repository} would make new folders without group write.")
        report.commands.append(f"setfacl -d -m m::rwx {q}")


def _acl_mask_withholds_write(blob: bytes) -> bool:
    """A POSIX ACL xattr: a 4-byte version, then 8-byte entries (tag u16, perm u16, id u32)."""
    for offset in range(4, len(blob) - 7, 8):
        tag = int.from_bytes(blob[offset : offset + 2], "little")
        perm = int.from_bytes(blob[offset + 2 : offset + 4], "little")
        if tag == ACL_MASK_TAG:
            return not perm & ACL_WRITE
    return False


def _umask_note(report: SetupReport) -> None:
    umask = process_umask()
    effect = "new folders would lack group write" if umask & 0o020 else "new folders keep group write"
    report.notes.append(
        f"This process's umask is {umask:04o} ({effect} under it); the import does not depend on it: it gives "
        "every folder it makes in a shared repository group rwx and setgid itself (engine/group_modes.py). "
        "Other tools writing there need umask 0002."
    )


def _hardlink_note(report: SetupReport) -> None:
    try:
        protected = PROTECTED_HARDLINKS.read_text().strip() == "1"
    except OSError:
        return
    if protected:
        report.notes.append(
            "The kernel protects hard links (fs.protected_hardlinks = 1): a member can import with ln only "
            "files they own or may both read and write; others' read-only files need ln_s or cp, or the "
            "files' owner to import them."
        )
    else:
        report.notes.append("The kernel does not protect hard links: ln may link any file its account can read.")


# --- applying and proving ------------------------------------------------------------------------


def _share_folder(folder: Path, gid: int) -> None:
    st = folder.stat()
    if st.st_gid != gid:
        os.chown(folder, -1, gid)
    if st.st_mode & SHARED_DIR_BITS != SHARED_DIR_BITS or st.st_gid != gid:  # chown may clear setgid
        os.chmod(folder, stat.S_IMODE(st.st_mode) | SHARED_DIR_BITS)


def _share_file(path: Path, gid: int, mode: int, keep_more: bool = False) -> None:
    st = path.stat()
    if st.st_gid != gid:
        os.chown(path, -1, gid)
    wanted = (stat.S_IMODE(st.st_mode) | mode) & 0o770 if keep_more else mode
    if stat.S_IMODE(st.st_mode) != wanted:
        os.chmod(path, wanted)


def _open_acl_masks(repository: Path) -> None:
    """Give the group's write back to the masks of the repository's ACLs (what `setfacl -m m::rwx`
    and `setfacl -d -m m::rwx` do), rewriting only the mask entries."""
    for name in (ACL_ACCESS, ACL_DEFAULT):
        try:
            blob = bytearray(os.getxattr(repository, name))
        except OSError:
            continue
        if not _acl_mask_withholds_write(bytes(blob)):
            continue
        for offset in range(4, len(blob) - 7, 8):
            if int.from_bytes(blob[offset : offset + 2], "little") == ACL_MASK_TAG:
                blob[offset + 2 : offset + 4] = (7).to_bytes(2, "little")
        os.setxattr(repository, name, bytes(blob))


def _add_owner_to_group(root: Path, gid: int, name: str) -> None:
    """As root, put the data dir's owner in the group (usermod -a -G), as the report's command says."""
    uid = root.stat().st_uid
    if os.geteuid() != 0 or uid == 0 or any(u.pw_uid == uid for u in _members(gid)):
        return
    subprocess.run(["usermod", "-a", "-G", name, _user_name(uid)], check=True, capture_output=True)


def _prove(data_dir: DataDir, gid: int, name: str) -> str:
    """Make a folder (with a folder and a file in it, as an import would) as a member of the group,
    then remove it as the data dir's owner; say what happened. Needs root to act as both."""
    owner_uid = data_dir.root.stat().st_uid
    test = data_dir.repository / f".setup-test-{os.getpid()}"
    if os.geteuid() != 0:
        return (
            "Not proved: only root can act as a member and as the owner; run --apply as root for the test "
            "(a folder made by a member, removed by the data dir's owner)."
        )
    member = next((u for u in _members(gid) if u.pw_uid not in (0, owner_uid)), None)
    if member is None:
        return f"Not proved: the group '{name}' has no member besides the data dir's owner."
    made = _run_as(member, ["mkdir", "-m", "2770", str(test)], ["mkdir", "-m", "2770", str(test / "fileset")])
    made = made or _run_as(member, ["sh", "-c", f": > {shlex.quote(str(test / 'fileset' / 'file'))}"])
    if made:
        return f"Failed: '{member.pw_name}' could not make a folder in the repository ({made})."
    removed = _run_as(pwd.getpwuid(owner_uid), ["rm", "-r", str(test)])
    if removed or test.exists():
        subprocess.run(["rm", "-rf", str(test)], check=False)
        return f"Failed: the owner '{_user_name(owner_uid)}' could not remove what '{member.pw_name}' made ({removed})."
    return (
        f"Proved: '{member.pw_name}' made a folder with a file in the repository and "
        f"'{_user_name(owner_uid)}' removed it."
    )


def _run_as(user: pwd.struct_passwd, *commands: list[str]) -> str:
    """Run each command as `user` (its groups too, umask 077: the strictest a person might have);
    the first failure's message, or ''."""
    groups = os.getgrouplist(user.pw_name, user.pw_gid)
    for command in commands:
        done = subprocess.run(
            command, user=user.pw_uid, group=user.pw_gid, extra_groups=groups, umask=0o077,
            capture_output=True, text=True, check=False, cwd="/",
        )  # fmt: skip
        if done.returncode != 0:
            return done.stderr.strip() or f"exit code {done.returncode}"
    return ""


# --- small helpers --------------------------------------------------------------------------------


def _walk_folders(top: Path, levels: int | None = None) -> Iterator[Path]:
    """`top` and every folder below it (down to `levels` below), not following symbolic links."""
    if not top.is_dir():
        return
    stack = [(top, 0)]
    while stack:
        folder, depth = stack.pop()
        yield folder
        if levels is not None and depth >= levels:
            continue
        with os.scandir(folder) as entries:
            stack.extend((Path(e.path), depth + 1) for e in entries if e.is_dir(follow_symlinks=False))


def _catalog_files(data_dir: DataDir) -> list[Path]:
    if not data_dir.catalog_is_local:
        return []
    return [p for p in (Path(f"{data_dir.catalog_path}{s}") for s in ("", "-wal", "-shm", "-journal")) if p.exists()]


def _kept_files(data_dir: DataDir) -> list[Path]:
    """Job logs and thumbnails: every member reads them (the wizard's results, `inplace images`)."""
    logs = [p for p in data_dir.logs.iterdir() if p.is_file()] if data_dir.logs.is_dir() else []
    thumbnails = data_dir.root / "thumbnails"
    return logs + ([p for p in thumbnails.rglob("*") if p.is_file()] if thumbnails.is_dir() else [])


def _check_kept_files(data_dir: DataDir, gid: int, name: str, report: SetupReport) -> None:
    unshared = [str(p) for p in _kept_files(data_dir) if (st := p.stat()).st_gid != gid or not st.st_mode & 0o040]
    if unshared:
        report.problems.append(
            f"{count(len(unshared), 'job log or thumbnail file')} cannot be read by the group '{name}' (such as "
            f"{_examples(unshared)}), so other members cannot see those imports' logs and pictures."
        )
        places = " ".join(shlex.quote(str(p)) for p in (data_dir.logs, data_dir.root / "thumbnails") if p.is_dir())
        report.commands.append(f"find {places} -type f -exec chgrp {shlex.quote(name)} {{}} + -exec chmod g+r {{}} +")


def _folders(paths: list[str]) -> str:
    return count(len(paths), "folder")


def _examples(paths: list[str]) -> str:
    shown = ", ".join(paths[:SHOWN_EXAMPLES])
    return shown + (" and others" if len(paths) > SHOWN_EXAMPLES else "")


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)
