"""The words keepgoing says to people, in one place, to review for tone and translate later.

Warm, brief, never scolding: "time for a cuppa with", never "neglected".
Templates use str.format fields; user text is made safe before it is filled in.
"""

WELCOME = "Welcome to keepgoing. Nobody here yet, so here are three things to try:"
WELCOME_STORE = "Your store is {location} (change it with --db or KEEPGOING_DB)."
WELCOME_HELP = "Every command has --help with examples."
DUE_TITLE = "Time for a check-in{whose} · {day}"
DUE_SOON_TITLE = "Due or coming up in the next {days}{whose} · {day}"
DUE_SOON_FOOTER = "{count} due or coming up. One conversation at a time."
NOBODY_DUE = "Nobody is due a check-in{tagged}."
NEXT_UP = " Next up: {name} on {day}."
IN_CASELOAD = " in {worker}'s caseload."
NO_WORKER = "nobody yet"
UNASSIGNED_DUE = "{people} due with no key worker: see keepgoing due --team."
DUE_FOOTER = "{count} due. One conversation at a time."
REACHED_THIS_WEEK = "You've reached {people} this week."
WINS_THIS_MONTH = "{wins} this month to celebrate."
MORE_FOLLOW_UPS = "…and {count} more follow-ups: keepgoing followups"
MORE_DUE = "…and {count} more: {command}"
MORE_PEOPLE = "…and {count} more ({total} in all): keepgoing people without --limit"
WELLBEING_DROP = "wellbeing {drop}: call sooner"
CONSENT_TITLE = "Consent to check again"
CONSENT_WITHDRAWN_MARK = "consent withdrawn: check before acting"
CONSENT_WITHDRAWN_SHORT = "consent withdrawn"

LOGGED = "Logged {what} with {who}, {day} (#{id})."
TRIED = "Tried {who} by {via}, {day}, no answer (#{id}). Last contact and due day are as they were."
TRIED_SINCE = "tried {times} since {day}: by {via}"
TRY_OTHERS = "try {others}"
NEW_PEOPLE = "New here: {names} (checked in monthly by default)."
FOLLOW_UP_ADDED = "Follow-up #{id} for {name}{due}: {text}"
LOGGED_SESSION = "Logged a session of {group} ({what}) with {count} there: {who}, {day} (#{id})."
VISITOR_MARK = "(visitor)"
SESSION_VISITORS = "Visiting (not members): {names}."
SESSION_SCORES = "Wellbeing: {scores}."
SESSION_ONE_SCORE = (
    "A group session takes each person's own wellbeing, or none: --wellbeing NAME={score} for each one."
)
TWO_SCORES = "Give one --wellbeing for everyone, or NAME=N for each person (--wellbeing sam=4)."
BAD_SCORE = '--wellbeing is a number from 1 (low) to 5 (great), or NAME=N; not "{typed}".'
VISITOR_NEEDS_GROUP = "--visitor goes with --group: which group's session did they visit?"
IDEA_FROM_NEEDS_IDEA = "--idea-from says whose an --idea is: give the idea too."
IDEA_ADDED = "Idea #{id} from {name} noted: {text}"
DROP_NOTICED = "{who}: wellbeing has dropped, so they'll come up sooner in due."

NOTE_ADDED = "Noted for {name}: {text}"
TEAM_WORKER_MEANING = "who you are: in a team store, the database login role; KEEPGOING_WORKER and config worker choose nothing there"
NOTE_PRIVATE = "It is private: in a team store, only you and the managers see it."
IDEA_UPDATED = "Idea #{id} from {name} {what}."
IDEA_TOLD = "was told what became of it ({day})"
IDEA_TOLD_AGAIN = "is to be told again (its status changed since they were told)"
IDEA_WHEN_NEEDS_TOLD = "--when goes with --told: when the person was told what became of the idea."
IDEAS_OPEN_OR_UNTOLD = "Give --open or --untold, not both: an idea still open has nothing to tell yet."
NO_UNTOLD_IDEAS = "Nobody is waiting to hear what became of their idea."
UNTOLD_WAITING = "{people} waiting to hear what became of their idea (keepgoing ideas --untold)."
IDEA_UNCHANGED = "Nothing changed: idea #{id} from {name} already says that."
NO_IDEAS = 'No ideas yet. Capture one with keepgoing log NAME --idea "...".'
GROUP_ADDED = "Added the group {name}{members}."
JOINED = "{names} joined {group}."
NOBODY_NEW_JOINED = "Nothing changed: everyone named is already in {group}."
LEFT = "{names} left {group}."
STOPPED_COMING = "Not seen lately: {names}. Maybe a friendly check-in?"
WIN_ADDED = "A win worth celebrating: {text}{who}. Nice one."
NO_WINS = 'No wins logged yet. Small ones count: keepgoing win "...".'
SNOOZED = "{name} will come up again on {day}."
SNOOZE_UNREAD = 'Could not read "{typed}" as a length of time or a day (try 3d, 2w, tuesday or "in 2 weeks").'
SNOOZE_NOT_AHEAD = '"{typed}" is not after today: snooze puts someone off to a later day.'

SPREAD_NOTHING = "Nobody is overdue, so there is nothing to spread. Lovely."
SPREAD_DONE = "Spread {count} over {days}, about {per_day} a day. keepgoing due follows the plan."
SPREAD_PREVIEW = "Would spread {count} over {days}, about {per_day} a day (dry run: nothing changed)."
JOT_UNDERSTOOD = "Understood: {what} with {who}, {day}."
JOT_UNDERSTOOD_TRY = "Understood: a try ({via}) to reach {who}, {day}, no answer."
CHOICE = "  {number}. {name}"
WHICH_ONE = 'Who did you mean by "{word}"?'

CANCELLED = "Cancelled; nothing was saved."
OUTPUT_FAILED = "Could not write the output ({reason}); anything already saved in the store is kept."
DAMAGED_DATES = (
    "Note: {count} stored date(s) could not be read (first: {first}) and show as {shown}; "
    "keepgoing check lists the rows to put right."
)
CONVERSATION_REF = "#{id} ({what} with {who}, {day})"
AMENDED = "Amended {conversation}: {what}."
NOTHING_CHANGED = "Nothing changed: {why}."
AMEND_NOTHING = "Nothing changed: {conversation} already says that."
UNLOG_QUESTION = "Remove {conversation}{extras}? Its notes will be gone for good."
UNLOGGED = "Removed {conversation}{extras}. Last contact and due days were worked out again."
FOLLOW_UP_CANCELLED = (
    "Cancelled follow-up #{id} for {name}: {text} (kept as cancelled; keepgoing followup {id} --reopen)"
)
FOLLOW_UP_REOPENED = "Reopened follow-up #{id} for {name}{due}: {text}"
FOLLOW_UP_UNCHANGED = "Nothing changed: follow-up #{id} already says that."
FOLLOW_UP_CHANGED = "Follow-up #{id} for {name}{due}: {text} ({what})."
CONSENT_WITHDRAWN_WARNING = "Note: {name} withdrew consent to be contacted{since}{note}; logged all the same."
ARCHIVED_WARNING = (
    "Note: {name} is archived; logged all the same. keepgoing resume {quoted} brings them back."
)
LOOKALIKE = (
    "Note: {name} mixes alphabets and looks just like {twin}, who is already here; "
    "if they are the same person, keepgoing forget the new one and use {twin}."
)
MATCHED_KNOWN = "{typed} is {name}, already known; no one new was added."
ADDED = "Added {name}: check in {rhythm}{how}; {next}."
NOT_DUE_WITHDRAWN = "consent to be contacted withdrawn{since}, so never shown as due"
UPDATED = "Updated {name}: {what}; {next}."
PAUSED = "Paused {name} until {day}{why}; they will not show as due before then."
PAUSE_REASON = " ({reason})"
RESUMED = "{name} is back in the rhythm; next due {day}."
ARCHIVED = "Archived {name}. Their history is kept; keepgoing resume brings them back."
DONE = "Done: #{id} {text} (for {name}). Nice one."
DONE_ON = "Done: #{id} {text} (for {name}), {day}. Nice one."
SPREAD_LINE = "  {day}  {name}"
AND_MORE = "  …and {count} more"

REPORT_WRITTEN = (
    "Wrote the impact report for {period} to {path}: open it in a browser, print it or attach it."
)
REPORT_ANONYMISED = "Anonymised: no names, contact details or notes; counts under 5 show as <5."
WROTE = "Wrote {path} ({format}: {summary})."
IMPORTED = "{verb} {people} ({matched} already here, matched), {conversations} and {follow_ups} from {file}."
IMPORT_SKIPPED = "Skipped {count} already in the store."
IMPORT_NOTE = "Note: {note}"
SUBJECT_ACCESS_WRITTEN = (
    "Wrote what is held about {name} ({entries}) into {folder}: {files}. "
    "Read it through before handing it over."
)
SUBJECT_ACCESS_ONE_PERSON = "--subject-access is for one person: give exactly one --person NAME."
SUBJECT_ACCESS_ALONE = (
    "--subject-access writes everything about one person: leave out --format, --since, --until, --tag, "
    "--anonymise, --keep-notes and --with-contacts."
)
IMPORT_FORGOTTEN = (
    "Left out {people} forgotten here (on {days}), with {items} only theirs: "
    "--include-forgotten NAME brings one back on purpose."
)
IMPORT_BROUGHT_BACK = "Brought back {names}, forgotten here before, as asked; their tombstone is lifted."
WITH_CONTACTS_ICS_ONLY = "--with-contacts is for a calendar (--format ics)."
IMPORT_WOULD_ADD = "Would add: {names}."
IMPORT_WOULD_MATCH = "Already here (matched): {names}."
DRY_RUN = "Dry run: nothing was changed."

CLOSE_NAME_QUESTION = '"{typed}" is very like {known}, who is already here. Add "{typed}" as a new person?'
MERGE_QUESTION = (
    "Merge {merged} into {kept}? Everything of {merged} moves to {kept}, and {merged} becomes an alias."
)
MERGE_WOULD = 'Would move {what} from {merged} to {kept}; "{merged}" would become an alias. Nothing changed.'
MERGED = 'Merged {merged} into {kept}: moved {what}; "{merged}" is now an alias.'
MERGE_SHARED = "Kept once, as they were with both: {what}."
MERGE_FILLED = "Taken from the merged card: {what}."
MERGE_SET_ASIDE = "Details that differed are kept as {notes}."
SAME_NAME_QUESTION = "There is already {shown}. Add another person of that name, of {org}?"
FORGET_QUESTION = "Forget {name} and everything said only about them? This cannot be undone."
FORGOTTEN = (
    "Forgot {name}: {conversations} and {follow_ups} erased; removed from {groups}; "
    "their name and contact details redacted in {notes}."
)
FORGET_WOULD = "Forgetting {name} would erase their card and {what}."
FORGET_WOULD_GROUPS = "They would be taken out of {count} with others, which the others keep."
FORGET_WOULD_REDACT = "Their name or contact details would be redacted in {count}:"
IDEAS_KEPT = "{ideas} they raised that the organisation took up stay, unlinked from them and redacted."
FORGOTTEN_ELSEWHERE = (
    "Exports and backups elsewhere made earlier still hold them: delete those too if you need to "
    "(importing one here leaves them out)."
)
CLEANUP_PENDING = (
    "The database server keeps the old copies in its files until {owner}, who owns the tables, next runs "
    "keepgoing (any command, such as keepgoing due), which rewrites them."
)
BACKED_UP = "Backed up to {path}."
BACKUPS_STILL_HOLD = "{count} still {verb} {name}: keepgoing backup --prune-before today removes them."
BACKUPS_NOT_CHECKED = "{count} could not be looked inside and may still hold them."
AND_MORE = "  …and {count} more."
PRUNE_QUESTION = "Remove {count} made before {when} from {folder}? This cannot be undone."
PRUNED = "Removed {count} made before {when} from {folder}."
PRUNED_NONE = "No backups made before {when} in {folder}: nothing to remove."
PRUNE_NO_DEST = "--prune-before removes backups from the backups folder; leave out the file or folder."
PRUNE_FUTURE = "{day} is still to come: --prune-before takes today or a day before it."
RESTORED = "Restored {path}.{kept}"
RESTORE_KEPT = " The store as it was is saved at {path}."
RESTORE_QUESTION = "Replace the store at {store} with {backup}?"
HEALTHY = "All well: {path} passed its integrity and foreign-key checks (schema {schema})."
HEALTHY_SERVER = "All well: {path} has keepgoing's tables exactly as migrated (schema {schema})."
UNHEALTHY = "Problems in {path}:"
PROBLEM = "  - {problem}"
RETENTION_NOTHING = "Nothing older than {day}: nothing to do."
RETENTION_PREVIEW = "{count} from before {day} ({span}) would be {verb}d."
RETENTION_QUESTION = "{verb} {count}{also}?"
RETENTION_DONE = "Done: {count} {verb}d."
RETENTION_ALSO = "From before {day}, also: {what}."
RETENTION_ALSO_DONE = "Also erased: {what}."

# Team work
HANDOVER_WOULD = "Would hand {count} and {follow_ups} from {source} to {target}:"
HANDED_OVER = "Handed {count} and {follow_ups} from {source} to {target}:"
HANDOVER_PACK = "Hand-over pack for them: {path}"
COPIED = (
    "{verb} {people} ({matched} already there), {conversations}, {follow_ups} and {others} "
    "(notes, ideas, groups and wins) into {target}."
)
COPY_SKIPPED = "Skipped {count} already there."
NO_CHANGES = "No changes to {name}; nothing was saved."
GONE_WHILE_EDITING = "{name} was removed from the store while you were editing; nothing was saved."
SETTING_SAVED = "Set {key} = {value} in {path}."
SETTING_REMOVED = "Removed {key} from {path}."
CONFIG_FILE = "Config file: {path}"
PASSWORD_IN_CONFIG = (
    "The password is kept in that file (readable by you only); PGPASSWORD or ~/.pgpass keep it out."
)

# --- a team store's roles (issue 21) ------------------------------------------------
TEAM_NEEDS_UPGRADE = "The team store needs an upgrade: ask whoever looks after it to run keepgoing upgrade"
NOT_IN_TEAM = (
    "The database role {role} is not a keepgoing worker or manager in this team store: "
    "ask whoever looks after it to run keepgoing team add-worker {role}"
)
TEAM_READY = (
    "The team store is ready: {tables} tables under row-level security; "
    "workers join {worker}, managers {manager}."
)
TEAM_ALREADY = "The team store was already set up; its roles, privileges and policies are renewed."
TEAM_CASELOAD = "{count} now in {role}'s caseload."
TEAM_NEXT = "Next: keepgoing team add-worker ROLE (an existing login role) for each of the team."
WORKER_ADDED = "{role} is now a {kind} in this team store{name}."
NO_WORKERS = "Nobody has been added yet: keepgoing team add-worker ROLE."
UPGRADED = "The store {location} is at the newest schema ({version})."
WORKER_LEFT = "{role} has left the team store: that role can no longer see or change anything in it."
SHARED = "{name} is now shared with {role}: they can see and change {name}'s records."
SHARE_STOPPED = "{name} is no longer shared with {role}."
NOTHING_TO_SHARE = "Nothing changed: {name} was already shared with {role}."
NOTHING_TO_UNSHARE = "Nothing changed: {name} was not shared with {role}."
NO_AUDIT_ENTRIES = "No audit entries match."

# Standard wellbeing measures (ONS4 and an organisation's own).
MEASURE_ABOUT = "{title}: {count} questions, each answered {low} to {high}."
MEASURE_LICENCE = "{licence}"
MEASURE_QUESTION = "{number}. {question} ({low}-{high})"
MEASURE_ANSWER_AGAIN = "A whole number from {low} to {high}, please."
MEASURE_ASK_OFF_TERMINAL = (
    "{flag} ask puts the questions at a terminal; here, give the answers: {flag} {example}."
)
MEASURE_SCORED = "{measure} for {name}: {scores}."
MEASURE_ADDED = (
    "Added the measure {name} ({title}): {items}, scored {scoring}. Its scores will carry: {licence}"
)
MEASURE_REMOVED = "Removed the measure {name}."
MEASURE_LIST_TITLE = "Wellbeing measures"
MEASURE_CHANGE = "changes since {day}"
# Words people reach for that are not commands (issue 22): what to type instead.
NOT_A_COMMAND = {
    "help": '"help" is not a command: try keepgoing --help, or keepgoing COMMAND --help.',
    "list": '"list" is not a command: keepgoing people lists everyone (keepgoing due: who is due).',
    "delete": (
        '"delete" is not a command: keepgoing unlog removes a conversation logged by mistake, '
        "keepgoing archive retires a person (history kept), keepgoing forget erases them."
    ),
    "remove": (
        '"remove" is not a command: keepgoing unlog removes a conversation logged by mistake, '
        "keepgoing archive retires a person (history kept), keepgoing forget erases them."
    ),
}

# Several people at once (issue 22).
EDIT_SEVERAL = (
    "Several people at once take --worker only: keepgoing edit jo sam pat --worker priya "
    "(or change one person at a time)."
)
EDIT_WHO = (
    "Who to change? keepgoing edit NAME ..., or keepgoing edit --tag T --worker W for everyone tagged T."
)
EDIT_SEVERAL_CLEAR = 'Clear a key worker one person at a time: keepgoing edit NAME --worker "".'
KEY_WORKER_SET = "{worker} is now key worker for {count}: {names}."
ALREADY_KEY_WORKER = "{worker} is already their key worker"
# Words left over on the command line (cli/leftovers.py).
LEFTOVER_VALUE = '"{words}" looks like more of {what}; put it all in quotes: {command}'
LEFTOVER_DATE = '"{words}" looks like a date, not a name; give it with --when: {command}'
LEFTOVER_NAME = '"{words}" is one person ({name}); put the name in quotes: {command}'
FORM_FIELD_AGAIN = "A new value for {field} (Enter keeps it as it was)"
FORM_ITEM_AGAIN = 'Instead of "{item}" in {field} (Enter leaves it out)'
# Interactive log (no names, at a terminal): the questions after who, how and the note.
ASK_WELLBEING = "How were they, 1 (low) to 5 (great)? (Enter to skip)"
ASK_WELLBEING_AGAIN = "Wellbeing is a number from 1 (low) to 5 (great), or Enter to skip."
ASK_FEELING = "How were they feeling, in a word? (Enter to skip)"
ASK_FOLLOW_UP = "Anything you said you would do? (Enter to skip)"
ASK_FOLLOW_UP_DUE = 'When by? friday, "in 2 weeks" ... (Enter for no day)'
# Equality monitoring (keepgoing monitor; special category data).
MONITOR_EMPTY = "An empty {field}: give an answer, prefer-not, or not-asked."
MONITOR_AMBIGUOUS = '"{text}" could be more than one answer for {field}: {choices}. Say which.'
MONITOR_UNKNOWN = (
    '"{text}" is not an answer keepgoing knows for {field}: keepgoing monitor --list-categories lists them.'
)
MONITOR_BAD_DISTRICT = (
    '"{text}" is not a postcode district: give the first half of a postcode, such as LS6, M1 or SW1A.'
)
MONITOR_CONSENT_WORD = '--consent is given or withdrawn, not "{text}".'
MONITOR_FUTURE = "--asked is in the future: give the day they were asked."
MONITOR_NO_CONSENT = (
    "{name} has no consent to equality monitoring recorded: ask them, then add --consent given."
)
MONITOR_OTHER_DISTRICTS = "Other districts (each under 5)"
MONITOR_NOTHING_GIVEN = (
    "Nothing to record: give --consent given and/or an answer (see keepgoing monitor --help)."
)
MONITOR_WITHDRAW_WITH_ANSWERS = "--consent withdrawn deletes their monitoring: it takes no answers."
MONITOR_CONSENT_RECORDED = "Consent to equality monitoring recorded for {name}, {day}."
MONITOR_RECORDED = "Equality monitoring for {name}, asked {day}: {what}."
MONITOR_NEW_RECORD = "Equality monitoring for {name}, asked {day}: a new record ({what})."
MONITOR_UNCHANGED = "Nothing changed: {name}'s monitoring for {day} already says that."
MONITOR_WITHDRAWN = (
    "Consent to equality monitoring withdrawn for {name}: deleted it and {records}; they count as not asked."
)
MONITOR_NOTHING_TO_WITHDRAW = "Nothing changed: {name} had no equality monitoring consent or answers."
MONITOR_TITLE = "Equality monitoring (special category data)"
MONITOR_NONE = "No consent to equality monitoring recorded."
MONITOR_CONSENT_LINE = "Consent to monitoring given {day}."
MONITOR_NO_RECORDS = "Nothing recorded yet."
MONITOR_WITH_ANONYMISE = (
    "--include-monitoring cannot go with --anonymise: monitoring is never in an anonymised export."
)
MONITOR_FORMAT = "--include-monitoring is for json and csv exports."
MONITOR_REPORT_TITLE = "Who we reached"
MONITOR_REPORT_NOTE = (
    "The people in touch in this period, by their equality monitoring answers (the record nearest the "
    "period's end; people never asked count as not asked). Ethnicity by the five ONS 2021 census groups. "
    "Every count from 1 to 4 is shown as <5; a count shown as hidden is 5 or more, hidden so that a smaller "
    "one cannot be worked out from the total."
)
MONITOR_REPORT_NOBODY = "Nobody was in touch in this period."
# Encrypted at rest (keepgoing encrypt, decrypt, rekey).
ENCRYPTION_MISSING = (
    "This store is encrypted, and this keepgoing cannot open encrypted stores: install {package}."
)
KEYRING_MISSING = "Cannot remember the key: the keyring package is not installed ({package})."
KEYRING_FAILED = "Cannot remember the key in the keyring ({problem}); nothing was changed."
PASSPHRASE_QUESTION = "Passphrase for {path}: "
NEW_PASSPHRASE_QUESTION = "New passphrase: "
PASSPHRASE_AGAIN = "The same passphrase again: "
PASSPHRASE_EMPTY = "The passphrase is empty; choose one with something in it. Nothing was changed."
PASSPHRASES_DIFFER = "The two passphrases differ; nothing was changed."
PASSPHRASE_NEEDED = (
    "{path} is encrypted: run this at a terminal to type its passphrase, set {variable}, "
    "or remember its key with keepgoing encrypt --remember."
)
NEW_PASSPHRASE_NEEDED = "Type the new passphrase at a terminal, or set {variable}; nothing was changed."
WRONG_PASSPHRASE = "That passphrase does not open {path}; nothing was read or changed."
WRONG_PASSPHRASE_VARIABLE = "{variable} does not open {path}; nothing was read or changed."
ALREADY_ENCRYPTED = (
    "{path} is already encrypted; keepgoing rekey changes its passphrase, "
    "keepgoing encrypt --remember remembers its key."
)
NOT_ENCRYPTED = "{path} is not encrypted; keepgoing encrypt encrypts it."
ENCRYPT_ON_SERVER = (
    "Encryption at rest is for a local store file; a team store on a database server "
    "is protected by the server's own encryption and access rules."
)
STORE_BUSY_FOR_KEY = (
    "{path} is open in another keepgoing window; close it and try again. Nothing was changed."
)
REWRITE_FAILED = "The new copy of the store did not check out; the store is as it was."
REWRITE_FAILED_BECAUSE = "The store could not be rewritten ({problem}); it is as it was."
ENCRYPTED = "{path} is encrypted now (SQLCipher 4). Keep the passphrase safe: without it nothing can be read."
KEY_REMEMBERED = "The key is remembered in this computer's keyring: everyday commands need no passphrase."
DECRYPTED = "{path} is a plain SQLite file again: anyone who has the file can read it."
KEY_FORGOTTEN = "The remembered key was removed from the keyring."
REKEYED = "{path} has a new passphrase; backups made before now still need the old one."
KEY_RE_REMEMBERED = "The keyring now remembers the new key."
EXPORT_NOT_ENCRYPTED = "Note: the store is encrypted but {path} is not (add --encrypt to encrypt it)."
EXPORT_ENCRYPTED_NEEDS_FILE = "--encrypt writes a file: give --output FILE."
EXPORT_ENCRYPTED_WRONG = "That passphrase does not open {path}; nothing was imported."
EXPORT_ENCRYPTED_DAMAGED = "{path} is an encrypted keepgoing export, but it is damaged or cut short."
RESTORE_ENCRYPTED_INTO_PLAIN = (
    "{backup} is encrypted and the store {store} is not: run keepgoing encrypt first, "
    "or restore it into a new store with --db. Nothing was changed."
)
RESTORE_PLAIN_INTO_ENCRYPTED = (
    "{backup} is not encrypted and the store {store} is: run keepgoing decrypt first, "
    "or restore it into a new store with --db. Nothing was changed."
)
EXPORT_ENCRYPTION_MISSING = "Encrypted exports need the cryptography package: install {package}."
EXPORT_PASSPHRASE_QUESTION = "Passphrase for {path}: "
EXPORT_PASSPHRASE_NEEDED = (
    "{path} is an encrypted export: type its passphrase at a terminal, or set {variable}."
)
KEYRING_UNAVAILABLE = (
    "There is no keyring on this computer to remember the key in; nothing was changed "
    "(leave out --remember, or set KEEPGOING_PASSPHRASE in scripts)."
)
ENCRYPTED_NOT_REMEMBERED = "{path} is encrypted now, but its key was not remembered: {problem}"
