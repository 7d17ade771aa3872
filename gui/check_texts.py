"""The texts of the tools panel and of the "Check imported data" window, in our own words
(gui/texts.py holds the wizard's pages' texts)."""

TOOLS_TITLE = "Beside the import"
TOOL_CHECK_DATA = "Check imported data…"

# The check window.
CHECK_TITLE = "Check imported data"
CHECK_INTRO_OWN = (
    "Files imported in place stay where they were: if they are moved, renamed, edited or lost, the "
    "images in the repository break. A check finds out. These are the filesets you may see: yours, and "
    "those of groups you belong to that share theirs."
)
CHECK_INTRO_ALL = (
    "Files imported in place stay where they were: if they are moved, renamed, edited or lost, the "
    "images in the repository break. A check finds out. As an administrator you see everyone's filesets."
)
FILESET_COLUMNS = ["Fileset", "Owner", "Files", "Imported", "Health", "Last checked"]
NO_FILESETS = "Nothing has been imported yet, so there is nothing to check."
LOADING = "Reading the list of imported filesets…"
NEVER_CHECKED = "not yet"
PARTLY_CHECKED = "some files not yet"
HEALTH_WORDS = {
    "ok": "✓ ok",
    "unchecked": "not checked yet",
    "changed": "⚠ changed",
    "unreadable": "⚠ cannot be read",
    "replaced": "⚠ replaced",
    "missing": "⚠ missing files",
}
HEALTH_PROBLEMS = "{words} ({n} of {files} files)"
IMPORTED_HOW = {"ln_s": "linked", "ln": "hard-linked", "ln_rm": "moved (hard link)"}
IMPORTED_COPY = "copied"

CHECK_QUICK = "Check now"
CHECK_QUICK_TIP = "Looks at every file's size, time and identity: quick, reads no file contents."
CHECK_SELECTED = "Check selected"
CHECK_FULL = "Also compare contents (reads every byte; slower)"
CHECK_FULL_TIP = "Hashes every file again and compares with the checksum taken at import. Finds silent damage."
STOP = "Stop"
RELINK = "Folder moved? Relink…"
CLOSE = "Close"
CHECKING = "Checking {done} of {total} files…"
CHECKING_BYTES = "Checking {done} of {total} files ({read} of {size} read)…"
STOPPING = "Stopping after the current file…"
STOPPED = "Stopped. What was checked so far is kept; the next check starts with the rest."
UNDER_A_SECOND = "under a second"
CHECK_DONE_OK = "Checked {files} in {took}: every file is as it was imported."
CHECK_DONE_PROBLEMS = "Checked {files} in {took}: {problems} need attention (see below)."
LAST_RESULT_NONE = "Press “Check now” to look at your imported files."

# Problems, one group per kind: what it means, and what to do.
PROBLEMS_TITLE = "What the check found"
PROBLEM_KINDS = {
    "missing": (
        "{n} no longer where {it} imported from",
        "Usually a folder was moved or renamed. Use “Folder moved? Relink…” to point the repository at "
        "the new place. If the files were deleted, restore them from a backup to the same place.",
    ),
    "replaced": (
        "{n} replaced by a different file with the same name",
        "Put the imported version back (from a backup), or import the new file as a new fileset.",
    ),
    "changed": (
        "{n} changed since the import (size, time or contents differ)",
        "Restore the imported version from a backup. A check with “Also compare contents” accepts a "
        "restored file again when its contents are the same as at import.",
    ),
    "unreadable": (
        "{n} there but cannot be read",
        "Ask whoever manages the storage to give read permission back (for example chmod a+r on the files).",
    ),
}
PROBLEM_WHAT_TO_DO = "What to do: {hint}"
PROBLEM_MORE = "…and {n} more"
EXAMPLE = "{path}   (fileset {fileset})"

# The relink dialog.
RELINK_TITLE = "Relink a moved folder"
RELINK_INTRO = (
    "If folders of imported files were moved or renamed, the repository can be pointed at their new "
    "place. Each file is checked first; your files themselves are never changed. You see a preview "
    "before anything is done."
)
RELINK_MOVED = "The folder was moved: I know where it is now"
RELINK_SEARCH = "Search for the missing files under a folder"
RELINK_OLD = "Old place:"
RELINK_NEW = "New place:"
RELINK_UNDER = "Search under:"
RELINK_BROWSE = "Browse…"
RELINK_FULL = "Compare contents too (slower, surer than size and time)"
RELINK_PREVIEW = "Preview"
RELINK_APPLY = "Relink {n} files"
RELINK_APPLY_NONE = "Relink"
RELINK_WORKING = "Looking at the files…"
RELINK_NEED_FOLDERS = "Choose the old and the new place first."
RELINK_NEED_FOLDER = "Choose a folder to search first."
RELINK_PREVIEW_SAID = (
    "Preview: {matched} can be relinked, {left} do not match, {ambiguous} are ambiguous. Nothing has been changed yet."
)
RELINK_PREVIEW_NOTHING = "No imported file that is linked (ln_s) lies under the old place; nothing to relink."
RELINK_DONE = "Relinked {n}. The repository now points at the new place."
RELINK_DONE_LEFT = "Relinked {n}; {left} were left as they were (see the list)."
RELINK_CHANGED_INPUT = "The folders changed since the preview: preview again before relinking."
RELINK_GROUPS = {
    "matched": "Will be relinked ({n}): the file at the new place matches the imported one",
    "applied": "Relinked ({n})",
    "left": "Do not match, left as they are ({n})",
    "ambiguous": "Ambiguous, left as they are ({n}): more than one file could be the one",
}
RELINK_COLUMNS = ["Imported from", "Now at / why not", "Fileset"]
RELINK_CHECKED_BY = {False: "Checked by size and modification time.", True: "Checked by size and contents."}
