"""Every text the wizard shows, in one place, in our own words (engine texts live in the engine)."""

APP_NAME = "In-place Import"
WINDOW_TITLE = "Import images into the repository"
STEPS = "Steps of the import"
STEP_ACCESSIBLE = {
    "done": "Step {number} of {total}: {name}, done",
    "current": "Step {number} of {total}: {name}, current step",
    "next": "Step {number} of {total}: {name}, to come",
}
# The wizard's own buttons (gui/wizard/frame.py); & marks the Alt key's letter.
BACK_BUTTON = "< &Back"
NEXT_BUTTON = "&Next >"
COMMIT_BUTTON = "Commit"
FINISH_BUTTON = "&Finish"
CANCEL_BUTTON = "Cancel"

# Start-up problems, printed on the terminal before any window exists.
NO_DISPLAY = (
    "inplace-wizard: there is no display to open a window on (DISPLAY is not set). "
    "Connect with 'ssh -XC' or run it at the server's desktop; the command-line 'inplace' works without one."
)
X_REFUSED = (
    "inplace-wizard: the X display {display} refused the connection ({reason}). "
    "If you switched user with sudo or su, your X login cookie did not come along: run the wizard as the user "
    "who connected, or pass the cookie on with 'xauth'."
)
X_UNREACHABLE = (
    "inplace-wizard: the X display {display} cannot be reached ({reason}). "
    "Check that X11 forwarding is on (ssh -XC) and that the session is still open."
)
MISSING_LIBRARIES = (
    "inplace-wizard: this system lacks {libraries}, which the wizard needs to draw its window. "
    "Ask the administrator to install them (on Debian or Ubuntu: apt-get install {packages}); "
    "the command-line 'inplace' works without them."
)
LIBRARY_PACKAGES = {
    "libGL": "libgl1",
    "libEGL": "libegl1",
    "libxcb": "libxcb1",
    "libX11": "libx11-6",
    "libfontconfig": "libfontconfig1",
    "libfreetype": "libfreetype6",
    "libxkbcommon": "libxkbcommon0",
    "libdbus-1": "libdbus-1-3",
    "libglib-2.0": "libglib2.0-0",
}  # others follow Debian's rule: the library's name, a dash if it ends in a digit, its major version
NO_GUI_PACKAGES = (
    "inplace-wizard: the GUI packages are not installed ({error}). Install with: pip install 'inplace-import[gui]'"
)

SIGNIN_TITLE = "Sign in"
SIGNIN_SUBTITLE = "Choose the account that will own the imported images."
DATA_DIR_LABEL = "Repository: {path} ({source})"
SIGNIN_BUTTON = "Sign in"
SIGNIN_OK = "Signed in as {name}."
SIGNIN_WORKING = "Signing in…"
REMEMBER = "Remember my password on this computer"
NO_KEYRING = "Passwords cannot be remembered here: {reason}."
KEYRING_CHECKING = "Looking for a password keyring…"
FIRST_RUN_TITLE = "Welcome. There is no repository yet."
FIRST_RUN_TEXT = (
    "A personal repository will be created in {path}, with you as its first account. Choose a name and a password."
)
CREATE_BUTTON = "Create repository and account"
PASSWORD_AGAIN = "Password again"
PASSWORDS_DIFFER = "The two passwords differ."
PASSWORD_RULES = "A password needs at least 4 characters. You will need it each time you import."
PASSWORD_PLACEHOLDER = "at least 4 characters"

DATA_TITLE = "Data"
DATA_SUBTITLE = "Add the files and folders to import, or drop them here."
ADD_FILES = "Add files…"
ADD_FOLDER = "Add folder…"
REMOVE = "Remove"
PATH_ENTRY = "Type or paste a path and press Enter"
PATH_MISSING = "{path} does not exist."
SCANNING = "Looking through the selection…"
SCANNING_FOUND = "Looking through the selection… {files} found so far."
SCAN_SUMMARY = "{filesets}, {files}, {size}."
SCAN_SKIPPED = "{count} will be skipped:"
SCAN_IMPORTED = "Imported before: {count}."
SKIP_IMPORTED = "Skip files that were imported before from the same place"
SCAN_EMPTY = "Nothing to import yet."
ROW_LOOKING = "being looked through…"  # beneath a chosen file or folder until its filesets are known
ROW_NOT_LOOKED = "not looked through"

DEST_TITLE = "Destination"
DEST_SUBTITLE = "Where the imported images appear in the repository."
PROJECT = "Project"
DATASET = "Dataset"
NO_PROJECT = "(no project)"
NO_DATASET = "(no dataset)"
NEW_ITEM = "New…"
NEW_PROJECT_NAME = "Name of the new project"
NEW_DATASET_NAME = "Name of the new dataset"
PROJECT_HINT = "Choose a project, or type the name of a new one"
DATASET_HINT = "Choose a dataset, or type the name of a new one"
NEW_PROJECT_NOTE = "A new project “{name}” will be created."
NEW_DATASET_NOTE = "A new dataset “{name}” will be created."
NEED_PROJECT = "To go on, choose a project (or “(no project)”), or type the name of a new one."
NEED_DATASET = "To go on, choose a dataset, or type the name of a new one."
NEED_FILESET_NAME = "To go on, type the name for the filesets, or name them after their first file."
NAMING = "Name each fileset after"
NAME_FIRST_FILE = "its first file (as selected)"
NAME_CUSTOM = "this name:"

TRANSFER_TITLE = "Transfer"
TRANSFER_SUBTITLE = "How the files reach the repository. Transfers that cannot work here say why."
CHECKING = "Checking what each transfer would need…"
CAN_RUN = "can be used"
CANNOT_RUN = "cannot be used here"
ADVANCED = "Advanced"
CHECKSUM = "Checksum algorithm"
MAKE_READ_ONLY = "Make the originals read-only after the import (protects them from accidental edits)"
WHAT_TO_DO = "What to do: {hint}"
POLICY_DECIDES = (
    "Why: this repository's rules say that files in {paths}, or on {types} file systems, are on temporary "
    "storage, and that ln_s must {level} them. These rules are the settings temporary_storage, "
    "temporary_paths and temporary_fs_types in the [policy] section of {file}."
)
POLICY_DECIDES_LEVEL = {"error": "refuse", "warning": "warn about", "allow": "allow"}
POLICY_ADMIN_ONLY = "Only an administrator of this repository can change these rules; ask yours if they are wrong here."
CHANGE_POLICY = "Change these rules…"
POLICY_DIALOG_TITLE = "Rules about temporary storage"
POLICY_DIALOG_TEXT = (
    "ln_s leaves the files where they are and links to them, so files on temporary storage would be lost "
    "from the repository when that storage is emptied. These rules apply to everyone who imports into this "
    "repository, from now on. They are kept in {file}; 'inplace admin policy' shows and changes them too."
)
POLICY_LEVEL = "Files on temporary storage"
POLICY_LEVELS = {
    "error": "Refuse them (recommended)",
    "warning": "Allow them when the person accepts the risk",
    "allow": "Allow them without a word",
}
POLICY_PATHS = "Folders that count as temporary (one a line)"
POLICY_CHANGED = "The rules were changed. The checks were run again with them."
FOR_EXAMPLE = "For example: {paths}"

RESP_TITLE = "Responsibilities"
RESP_SUBTITLE = "Please read and tick each statement. The import starts when you press Import."
RESP_NONE = "This transfer makes copies that the repository owns. There is nothing extra to take on."
RESP_WARNINGS = "The checks also found these risks. Tick each one you accept, or go Back and change the selection:"
RESP_ACCEPT = "{number}. I understand and accept:"
RESP_RISK = "I accept this risk:"
IMPORT_BUTTON = "Import"

IMPORT_TITLE = "Importing"
IMPORT_SUBTITLE = "The files are being imported. Cancel is safe at any moment."
FILES_BAR = "Files"
DATA_BAR = "Data"
IMPORT_STARTING = "Starting {transfer} of {files} ({size})."
PROGRESS_FILES = "{done} of {total} looked at, {bytes_done} of {bytes_total}"
END_COUNTS = "{done} of {total} imported, {bytes_done} of {bytes_total}."
NOW = "Now: {path}"
MORE_DONE = "{files} done, the last {last}"
ORIGINALS_DELETED = "{files} deleted as requested, now that the repository holds them."
REPORT_SUMMARY = "{transferred} transferred, {filesets} created, {errors} in {took}."
PROGRESS_RATE = "{rate}/s, {files_rate:.0f} files/s, about {left} left"
PROGRESS_RATE_UNKNOWN = "Starting…"
CANCEL = "Cancel import"
CANCELLING = "Cancelling: the file being transferred is finished or undone, then the import stops."
CANCELLED = (
    "The import was cancelled. Completed filesets were kept; "
    "nothing half-done was left behind and no original was deleted."
)
FINISHED = "The import has finished."
FAILED_TO_RUN = "The import could not run: {message}"

RESULTS_TITLE = "Results"
RESULTS_SUBTITLE = "What happened to each file. Point at a cell to read all of it; drag a column's edge to widen it."
FAILED_ONLY = "Show failed files only"
RETRY = "Retry failed files"
EXPORT_CSV = "Export CSV…"
EXPORT_JSON = "Export JSON…"
OPEN_LOG = "Show the log"
COPY_ERROR = "Copy error"
EXPORTED = "Saved {path}."
RETRYING = "Preparing to import {count} again…"
NOTHING_TO_RETRY = "No failed files to retry."

COLUMNS = ["State", "Source", "Fileset", "Repository path", "Checksum", "Error"]

CLOSE_RUNNING_TITLE = "An import is running"
CLOSE_RUNNING_TEXT = (
    "Closing now cancels the import. Completed filesets are kept and nothing half-done is left. Close anyway?"
)

FILESET_COLUMNS = ["Import", "Fileset and its images", "Folder", "Kind", "Files", "Size", "Imported before"]
# What a fileset's images are, on the data page (read from the files) and the results page (as imported).
IMAGES_READING = "reading…"
IMAGES_NOT_READ = "not read: {reason}"
IMAGES_SOME_NOT_READ = "{count} not read"
IMAGES_PLATE = "plate {plate}, {wells}"
IMAGES_MORE = "…and {count} more."
IMAGES_TITLE = "Images of the imported filesets (point at one for every detail):"
IMAGES_BEING_MADE = "thumbnail being made…"
IMAGES_COMING = "Images of the imported filesets: their thumbnails appear here as they are made…"
IMAGES_NO_THUMBNAIL = "no thumbnail"
IMAGES_NOT_READ_YET = "its images were not read; 'inplace images --rebuild' reads them"
IMAGES_FIRST = "The first {count} are shown."
RETRY_CONFIRM = (
    "Importing the failed files again is a new job. Before it starts, please confirm again what it "
    "means for these files:\n\n{statements}\n\nDo you accept all of this?"
)
RETRY_NOT_CONFIRMED = "Nothing was imported again: the responsibilities were not confirmed."

# Failures of engine work, as the error presenter shows them.
OS_ERROR = "{where}{reason}."
UNEXPECTED_ERROR = (
    "Something went wrong that the wizard did not expect ({error}). Please tell your administrator; "
    "the details were written to the terminal."
)

# The data page's scan and its table of filesets.
STOP_SCAN = "Stop looking"
SCAN_AGAIN = "Look again"
SCAN_STOPPED = "Stopped looking. Press Look again, or change the selection."
LEFT_OUT_BY_YOU = "You left out {count}."
SCAN_EXCLUDED = "Left out: {count}, {why}."
IMPORT_THIS = "Import {name}"
LEAVE_OUT_TIP = "Untick to leave this fileset out of the import."
BEFORE_ALL = "yes"
BEFORE_SOME = "{seen} of its files"
# ...and how what was imported before is doing (issue 13), beneath: as the last check found it.
BEFORE_OK = "✓ ok, checked {when}"
BEFORE_UNCHECKED = "not checked yet"
BEFORE_ONE_PROBLEM = "⚠ 1 file {state}"
BEFORE_PROBLEMS = "⚠ {n} files need attention"
BEFORE_STATES = {"missing": "missing", "changed": "changed", "replaced": "replaced", "unreadable": "cannot be read"}
BEFORE_TIP_OK = "Imported before. Every file was as imported when last checked, {when}."
BEFORE_TIP_UNCHECKED = "Imported before, and not checked since: “Check imported data” (beside the steps) checks it."
BEFORE_TIP_ONE_PROBLEM = (
    "Imported before. The last check ({when}) found 1 file {state}: see “Check imported data” beside the steps."
)
BEFORE_TIP_PROBLEMS = (
    "Imported before. The last check ({when}) found {n} files not as imported (the worst: {state}): see “Check "
    "imported data” beside the steps."
)
BEFORE_PARTLY_CHECKED = "some files not checked yet"
SCAN_BEFORE_PROBLEMS = "{count} imported before {have} files that need attention: see “Check imported data”."
CHECK_AGAIN = "Check again"
CHECK_FAILED = "The checks could not run: {reason}"

# The results page.
AFTER_RETRY = "After the retry:"
RETRY_DONE = "The retry (job {job}) has finished: {summary}"
NOT_SAVED = "Could not save {path}: {reason}"
COPIED = "Copied {errors} to the clipboard."
CLOSE = "Close"
CLOSE_LOSE_TITLE = "Close without importing?"
CLOSE_LOSE_TEXT = (
    "Nothing has been imported yet, and the files you chose and your other choices will be lost. Close anyway?"
)
RESP_WARNINGS_SHOWN = (
    "The checks found these. This transfer leaves your originals as they are, so there is nothing to "
    "accept; read them and go back if one matters:"
)

# Accounts and groups (issue 14): the destination page's group and "import for", the administrators' window.
GROUP = "Group"
GROUP_HINT = "The group (lab) the imported images belong to. Its members see them as the group's level allows."
IMPORT_FOR = "Import for"
IMPORT_FOR_HINT = (
    "The person the imported images will belong to. You take on the responsibilities yourself, and the job "
    "records both of you."
)
MYSELF = "myself ({name})"
IMPORT_FOR_NOTE = "The images will belong to {name}; you ({me}) import them and accept the responsibilities."
THEIR_CONTAINERS = (
    "Type the names of {name}'s project and dataset: ones {name} already has are used, others are created for {name}."
)
IMPORTED_FOR = "They belong to {name}; the job records that you ({me}) imported them."
RESP_FOR_SOMEONE = (
    "You are importing for {name}: the images will belong to {name}, and you ({me}) accept these "
    "responsibilities yourself. The job records both of you."
)
GROUP_LEVELS = {"private": "Private", "read-only": "Read-only", "read-write": "Read-write"}
GROUP_LEVELS_EXPLAINED = {
    "private": "Members see only their own images.",
    "read-only": "Members see each other's images but change only their own.",
    "read-write": "Members see, annotate and delete each other's images.",
}
ADMIN_TOOL = "Accounts and groups…"
ADMIN_TITLE = "Accounts and groups"
ADMIN_INTRO = (
    "Everyone who imports into {path} signs in with an account here. Groups (labs) decide who sees whose images. "
    "Only administrators see this window."
)
ACCOUNTS_TAB = "Accounts"
GROUPS_TAB = "Groups"
ACCOUNT_COLUMNS = ["Account", "Administrator", "Can sign in", "Groups"]
MEMBER_COLUMNS = ["Member", "Owner of the group"]
YES, NO = "yes", "no"
DISABLED_NOTE = "no (disabled)"
DISABLE_ACCOUNT = "Disable account"
ENABLE_ACCOUNT = "Enable account"
DISABLE_EXPLAINED = "A disabled account cannot sign in or import. Its images stay in the repository, as they are."
RESET_PASSWORD = "Reset password…"
RESET_PASSWORD_TITLE = "New password for {name}"
RESET_PASSWORD_TEXT = "Choose a new password for {name} and tell it to them; their old password stops working."
NEW_ACCOUNT = "New account"
ACCOUNT_NAME = "Name"
PASSWORD = "Password"
ADMINISTRATOR = "Administrator (may manage accounts, groups and the repository's rules)"
CREATE_ACCOUNT = "Create account"
NEW_GROUP = "New group"
GROUP_NAME = "Name"
GROUP_LEVEL = "Who sees what"
CREATE_GROUP = "Create group"
ADD_MEMBER = "Add to the group"
ADD_A_MEMBER = "Add a member"
THE_GROUP = "The group {name}"
SETUP_SHOW = "Show the {count}"
SETUP_HIDE = "Hide the problems"
AS_OWNER = "as an owner (may manage the group and import for its members)"
REMOVE_MEMBER = "Remove from the group"
MAKE_OWNER = "Make owner"
UNMAKE_OWNER = "Make ordinary member"
NO_GROUP_CHOSEN = "Choose a group on the left, or create one."
NO_GROUPS_YET = "There are no groups yet. Create one below."
ACCOUNT_CREATED = "The account {name} was created."
ACCOUNT_DISABLED = "The account {name} was disabled; its images were kept."
ACCOUNT_ENABLED = "The account {name} can sign in again."
PASSWORD_RESET = "The password of {name} was changed."
GROUP_CREATED = "The group {name} was created."
LEVEL_CHANGED = "The group {name} is now {level}."
MEMBER_ADDED = "{account} was added to {group}."
MEMBER_REMOVED = "{account} was removed from {group}."
OWNER_CHANGED = "{account} is now {what} of {group}."
OWNER_WORD, MEMBER_WORD = "an owner", "an ordinary member"
NOT_YOURSELF = "You cannot disable your own account: another administrator has to."
NEED_NAME = "Type a name first."
WORKING = "Saving…"

# The transfer page's report on the server's set-up for several people.
SETUP_PROBLEMS = (
    "This repository is shared by the group {group}, but it is not set up so that every member can import."
)
SETUP_FIX = "An administrator fixes it, as root or as the repository's owner, with:"
SETUP_SINGLE_NOTE = "Until then another member's import may fail; your own import can go ahead."
