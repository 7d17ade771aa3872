"""The texts of the "Watch folders" window, in our own words (gui/texts.py holds the wizard's pages')."""

TOOL_WATCH_FOLDERS = "Watch folders…"
WATCH_TITLE = "Watch folders"
WATCH_INTRO = (
    "Files put into a watch folder are imported for its account by the DropBox service, with the "
    "settings an administrator chose for the folder, once every file of a set is there and none has "
    "changed for the folder's quiet period. This window shows what waits, what was imported and what "
    "failed; it refreshes by itself."
)
WATCH_INTRO_ADMIN = (
    " As an administrator you see every folder; add or remove one with 'inplace dropbox add' or 'remove'."
)
NO_FOLDERS = (
    "No watch folder imports for you. An administrator adds one with 'inplace dropbox add FOLDER --account NAME'."
)
LOADING = "Reading the watch folders…"
FOLDER_COLUMNS = ["Folder", "Imports for", "How", "Quiet period", "Last looked"]
EVENT_COLUMNS = ["When", "What happened", "Fileset", "Job", "Why, or what was done"]
WAITING_TITLE = "Waiting in this folder"
HISTORY_TITLE = "Imported and failed (newest first)"
NOTHING_WAITING = "Nothing is waiting: everything that arrived has been imported."
NEVER_LOOKED = (
    "The DropBox service has not looked at this folder yet. Is it running? (systemctl status inplace-dropbox)"
)
NOT_LOOKED_LATELY = (
    "The DropBox service last looked at this folder at {when}, more than {minutes} minutes ago: it may have "
    "stopped. An administrator can see with 'systemctl status inplace-dropbox'."
)
NO_HISTORY = "Nothing imported or failed here yet."
RETRY = "Try again now"
RETRY_HINT = "Select a failed fileset in the list above to ask the service to try it again now."
RETRY_ASKED = "Asked the DropBox service to try {fileset} again; it does so within seconds."
OUTCOME_WORDS = {
    "imported": "✓ imported",
    "failed": "⚠ failed",
    "rolled back": "rolled back",
    "retry asked": "retry asked",
}
NEVER = "not yet"
