"""Every check that can be made before anything is written, for every transfer at once.

One pass over the selection gathers the facts (per file, or per folder where that is enough);
each transfer then gets the findings that apply to it, decided by what the transfer is: in place,
same filesystem only, deleting its sources, or making copies.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime

from engine.checks.facts import free_bytes, mount_of, protected_hardlinks, refresh_mounts
from engine.checks.findings import CheckReport, Finding, Severity, finding
from engine.config import Policy
from engine.dependents import linked_originals
from engine.errors import ChecksFailed, EngineError
from engine.group_modes import share_folders
from engine.paths import fileset_path, needs_sanitising
from engine.plan import ImportPlan, registered_sources
from engine.transfers import Transfer, get_transfer, transfer_names
from engine.units import count, human_size

SPACE_MARGIN = 1.02  # copies need their size plus a little room for logs and the catalog


@dataclass
class _Facts:
    unreadable: list[str] = field(default_factory=list)
    recent: list[str] = field(default_factory=list)
    writable: list[str] = field(default_factory=list)
    temporary: list[str] = field(default_factory=list)
    in_data_dir: list[str] = field(default_factory=list)
    other_filesystem: list[str] = field(default_factory=list)
    hardlink_refused: list[str] = field(default_factory=list)
    undeletable: list[str] = field(default_factory=list)
    to_sanitise: list[str] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)  # members a set names that may not join it
    notes: list[str] = field(default_factory=list)  # members a set names that are missing but not needed
    links: list[str] = field(default_factory=list)  # selected paths that are symbolic links to files
    linked: list[str] = field(default_factory=list)  # originals earlier ln_s filesets reach
    repository_problem: str = ""
    free: int = 0


def run_checks(
    data_dir, plan: ImportPlan, account, transfers: list[Transfer | str] | None = None, make_read_only: bool = False
) -> CheckReport:
    """Findings for each transfer given (default: every transfer known, plugins included).
    With `make_read_only`, writable originals are no problem: the import will protect them."""
    started = time.perf_counter()
    refresh_mounts()  # disks come and go between checks
    policy = data_dir.settings.policy
    report = CheckReport()
    loaded: list[Transfer] = []
    for item in transfers or transfer_names():
        if isinstance(item, Transfer):
            loaded.append(item)
            continue
        try:
            loaded.append(get_transfer(item))
        except EngineError as exc:  # a broken plugin is a finding of its own, not a crash
            report.by_transfer[item] = [finding("plugin-broken", Severity.ERROR, str(exc))]
    facts = _gather(data_dir, plan, account, policy, loaded)
    for transfer in loaded:
        report.by_transfer[transfer.name] = _findings_for(transfer, facts, plan, policy, make_read_only)
    report.seconds = time.perf_counter() - started
    return report


def refuse_on_errors(report: CheckReport, transfer: Transfer) -> None:
    errors = report.errors(transfer.name)
    if errors:
        raise ChecksFailed(errors, f"{errors[0].message} Nothing was imported.", errors[0].hint)


def _gather(data_dir, plan: ImportPlan, account, policy: Policy, transfers: list[Transfer]) -> _Facts:
    facts = _Facts()
    data_root = os.path.realpath(data_dir.root) + os.sep
    temp_roots = tuple(os.path.realpath(p).rstrip(os.sep) + os.sep for p in policy.temporary_paths)
    repo_dev = os.stat(data_dir.repository).st_dev
    euid = os.geteuid()
    strict_links = euid != 0 and protected_hardlinks()
    now = time.time()
    # Per folder, once: (real path, stat, may delete names in it, path needs sanitising).
    folders: dict[str, tuple[str, os.stat_result | None, bool, bool]] = {}
    temp_devices: dict[int, bool] = {}
    for fs in plan.filesets:
        if fs.problems:
            facts.incomplete.extend(fs.problems)
        facts.outside.extend(fs.refused)
        facts.notes.extend(fs.notes)
        for f in fs.files:
            path = f.path
            if f.is_link:
                facts.links.append(path)
            folder = os.path.dirname(path)
            info = folders.get(folder)
            if info is None:
                try:
                    folder_st = os.stat(folder)
                except OSError:
                    folder_st = None
                info = folders[folder] = (
                    os.path.realpath(folder) + os.sep,
                    folder_st,
                    folder_st is not None and (euid == 0 or os.access(folder, os.W_OK | os.X_OK)),
                    any(needs_sanitising(part) for part in folder.split(os.sep)),
                )
            real_folder, folder_st, folder_deletable, folder_needs_sanitising = info
            if not os.access(path, os.R_OK):
                facts.unreadable.append(path)
            if f.mtime > now - policy.recently_modified_seconds:
                facts.recent.append(path)
            if f.mode & 0o222:
                facts.writable.append(path)
            if f.dev not in temp_devices:
                mount = mount_of(f.dev)
                temp_devices[f.dev] = bool(mount and mount.fstype in policy.temporary_fs_types)
            if temp_devices[f.dev] or real_folder.startswith(temp_roots) or path.startswith(temp_roots):
                facts.temporary.append(path)
            if real_folder.startswith(data_root):
                facts.in_data_dir.append(path)
            if f.dev != repo_dev:
                facts.other_filesystem.append(path)
            if strict_links and f.uid != euid and not os.access(path, os.R_OK | os.W_OK):
                facts.hardlink_refused.append(path)
            if not folder_deletable or (euid and _sticky_refuses(folder_st, f.uid, euid)):
                facts.undeletable.append(path)
            if folder_needs_sanitising or needs_sanitising(os.path.basename(path)):
                facts.to_sanitise.append(path)
    facts.imported = sorted(registered_sources(data_dir, plan.filesets))
    if any(t.deletes_sources for t in transfers):
        linked = linked_originals(data_dir, [f.path for fs in plan.filesets for f in fs.files])
        facts.linked = [f"{path} (by {by})" for path, by in sorted(linked.items())]
    facts.repository_problem = _probe_repository(data_dir, account)
    facts.free = free_bytes(data_dir.repository)
    return facts


def _sticky_refuses(folder_st: os.stat_result | None, file_uid: int, euid: int) -> bool:
    """In a sticky folder (like /tmp) only the owner of a file or of the folder may delete it."""
    return folder_st is not None and bool(folder_st.st_mode & 0o1000) and euid not in (file_uid, folder_st.st_uid)


def _probe_repository(data_dir, account) -> str:
    """Create, read back and remove a file where this account's filesets will go; '' when fine."""
    relative = fileset_path(data_dir.settings.template, account.name, account.id, datetime.now())
    target = os.path.join(data_dir.repository, os.path.dirname(relative))
    try:
        os.makedirs(target, exist_ok=True)
        share_folders(str(data_dir.repository), os.path.dirname(relative))  # as the import would make them
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=target)
        try:
            os.write(fd, b"probe")
            with open(probe, "rb") as f:
                if f.read() != b"probe":
                    return f"a test file written in {target} read back differently"
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        return f"{target}: {exc.strerror}"
    return ""


ORIGINALS = ("original", "originals")


def _grammar(message: str, n: int, noun: tuple[str, str]) -> str:
    """Fill a message for n things: '{n} {is} ...' reads '1 file is' or '3 files are'."""
    one = n == 1
    text = message.format(
        n=count(n, *noun),
        **{
            "is": "is" if one else "are",
            "was": "was" if one else "were",
            "s": "s" if one else "",
            "them": "it" if one else "them",
        },
    )
    return text[0].upper() + text[1:]


def _findings_for(
    transfer: Transfer, facts: _Facts, plan: ImportPlan, policy: Policy, make_read_only: bool
) -> list[Finding]:
    out: list[Finding] = []
    E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741

    def add(paths, code, severity, message, hint="", noun=("file", "files")):
        if paths:
            out.append(finding(code, severity, _grammar(message, len(paths), noun), hint, paths))

    if facts.repository_problem:
        out.append(
            finding(
                "repository-not-writable",
                E,
                f"The repository cannot store new files for this account ({facts.repository_problem}).",
                "Ask the administrator to let this account write to the data dir's ManagedRepository folder.",
            )
        )
    add(
        facts.unreadable,
        "source-unreadable",
        E,
        "{n} cannot be read by this account.",
        "Give this account read permission (for example: chmod o+r FILE), or import as the files' owner.",
    )
    add(
        facts.in_data_dir,
        "source-in-repository",
        E,
        "{n} inside the data dir itself {was} selected.",
        "Select the original files, not what the repository already holds.",
    )
    add(
        facts.incomplete,
        "incomplete-set",
        E,
        "{n} {is} missing a member and cannot be imported whole.",
        "Put the missing files back next to the others, or leave the set out.",
        noun=("multi-file set", "multi-file sets"),
    )
    add(
        facts.outside,
        "set-reaches-outside",
        E,
        "{n} named by a multi-file set may not be imported: {them} lie{s} outside the selection or {is} not "
        "a regular file.",
        "Select the folder that holds the whole set, or remove the stray names from the set's metadata.",
        noun=("member", "members"),
    )
    add(
        facts.notes,
        "set-member-missing",
        W,
        "{n} name{s} images that are not there; the reader shows them as blank planes.",
        "Put the missing images back next to the others if they exist, or import the set as it is.",
        noun=("multi-file set", "multi-file sets"),
    )
    if transfer.follows_source_path and policy.temporary_storage != "allow":
        add(
            facts.temporary,
            "temporary-storage",
            E if policy.temporary_storage == "error" else W,
            "{n} {is} on temporary storage, which is emptied on restart; the repository's links would then "
            "lead nowhere.",
            "Move the files to permanent storage first, or choose ln (same filesystem), cp or upload.",
        )
    if transfer.deletes_sources:
        add(
            facts.linked,
            "linked-by-filesets",
            E,
            "{n} {is} what earlier ln_s filesets link to; deleting {them} would break those images.",
            "Delete those filesets first, or use the transfer without _rm.",
            ORIGINALS,
        )
        add(
            facts.links,
            "source-is-link",
            E,
            "{n} {is} a symbolic link; a moving transfer would delete only the link and keep the file.",
            "Select the files themselves, or use the transfer without _rm.",
        )
    elif transfer.same_filesystem:
        add(
            facts.links,
            "link-followed",
            I,
            "{n} {is} a symbolic link; the repository will hard-link the file each one points to.",
        )
    if transfer.in_place and not transfer.deletes_sources and make_read_only:
        add(facts.writable, "sources-made-read-only", I, "{n} will be made read-only after the import.", "", ORIGINALS)
    elif transfer.in_place and not transfer.deletes_sources and policy.writable_sources != "allow":
        add(
            facts.writable,
            "sources-writable",
            E if policy.writable_sources == "error" else W,
            "{n} can still be changed; an edit would silently alter the imported images.",
            "Make them read-only after import (--make-read-only, or the option in the wizard).",
            ORIGINALS,
        )
    if transfer.same_filesystem:
        add(
            facts.other_filesystem,
            "cross-filesystem",
            E,
            "{n} {is} on a different filesystem from the repository, so hard links are impossible.",
            "Use ln_s (a symbolic link) or cp instead, or keep the data on the repository's filesystem.",
        )
        add(
            facts.hardlink_refused,
            "protected-hardlinks",
            E,
            "{n} belong{s} to another account and {is} not writable by this one; the kernel's "
            "hard-link protection refuses to link {them}.",
            "Import as the files' owner, make them writable for this account, or use ln_s or cp.",
        )
    if transfer.deletes_sources:
        add(
            facts.undeletable,
            "sources-not-deletable",
            E,
            "{n} cannot be deleted by this account after the import (the folder does not allow it).",
            "Give this account write permission on those folders, or use the transfer without _rm.",
            ORIGINALS,
        )
    if transfer.space in ("doubled", "moved") and not transfer.same_filesystem:
        needed = int(plan.total_bytes * SPACE_MARGIN)
        if needed > facts.free:
            out.append(
                finding(
                    "not-enough-space",
                    E,
                    f"The repository has {human_size(facts.free)} free, "
                    f"but this import needs about {human_size(needed)}.",
                    "Free space in the repository, import fewer files at once, or use an in-place transfer.",
                )
            )
    add(
        facts.recent,
        "recently-modified",
        W,
        "{n} {was} modified less than a minute ago and may still be being written.",
        "Wait until the acquisition has finished, then check again.",
    )
    add(
        facts.to_sanitise,
        "names-sanitised",
        W,
        "{n} will be stored with some characters of the path replaced (for example ':' as ';').",
        "Nothing needs doing; rename them first if the exact names matter to you.",
    )
    add(
        facts.imported,
        "already-imported",
        W,
        "{n} {was} imported before from the same place.",
        "Use --exclude clientpath (or the wizard's option) to skip them.",
    )
    add(
        [s.path for s in plan.skipped],
        "skipped",
        I,
        "{n} will be skipped: not something that can be imported.",
        noun=("entry", "entries"),
    )
    out.append(
        finding(
            "selection",
            I,
            f"{count(plan.file_count, 'file')} in {count(len(plan.filesets), 'fileset')}, "
            f"{human_size(plan.total_bytes)} in all.",
        )
    )
    return out
