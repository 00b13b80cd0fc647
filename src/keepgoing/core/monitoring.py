"""Equality monitoring: who we reached, kept only with its own consent.

Special category data. A person's answers are stored only once they have
consented to monitoring (`monitoring_consent`, apart from their consent to
be contacted), one record per day they were asked (a funder asks at the
start, every year and at the end). A field left out of a new record keeps
the answer of the record before; withdrawing consent deletes the consent and
every record. Nothing here is shown unless asked for (`show --monitoring`,
`export --include-monitoring`); `forget` takes it with the person (the rows
cascade) and retention erases records asked before its cut-off.

The report's "Who we reached" counts, for each field, the people in touch in
the period by the answer of their record nearest the period's end (the
latest asked on or before its last day, else the first after); people with
no record count as "not asked". Ethnicity is counted by the five ONS
high-level groups (the detailed groups are too small to show, and showing
both would let one be worked out from the other). Postcode districts with
fewer than 5 people are counted together as "other districts".

Every count from 1 to 4 is shown as "<5", anonymised or not (0 is shown, as
in the rest of the report), and `suppress` adds secondary suppression so that
no suppressed count can be worked out from the shown counts and the total
(the people in touch, shown elsewhere in the report).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from keepgoing import messages
from keepgoing.errors import BadInput, UsageError
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import stored_day

SMALL = 5  # counts under this are shown as "<5"
PREFER_NOT = "prefer-not"
PREFER_NOT_LABEL = "Prefer not to say"
NOT_ASKED_LABEL = "Not asked"
FIELDS = ("age_band", "gender", "ethnicity", "disability", "postcode_district")
FIELD_LABELS = {
    "age_band": "Age band",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "postcode_district": "Postcode district",
}

AGE_BANDS: tuple[tuple[str, str], ...] = (
    ("under-16", "Under 16"),
    ("16-24", "16 to 24"),
    ("25-34", "25 to 34"),
    ("35-44", "35 to 44"),
    ("45-54", "45 to 54"),
    ("55-64", "55 to 64"),
    ("65+", "65 and over"),
)
GENDERS: tuple[tuple[str, str], ...] = (
    ("woman", "Woman"),
    ("man", "Man"),
    ("non-binary", "Non-binary"),
    ("another-term", "In another way"),
)
DISABILITY: tuple[tuple[str, str], ...] = (("yes", "Yes"), ("no", "No"))
# The ONS 2021 census (England and Wales): five high-level groups, nineteen detailed ones.
ETHNIC_GROUPS: tuple[tuple[str, str], ...] = (
    ("asian", "Asian, Asian British or Asian Welsh"),
    ("black", "Black, Black British, Black Welsh, Caribbean or African"),
    ("mixed", "Mixed or Multiple ethnic groups"),
    ("white", "White"),
    ("other", "Other ethnic group"),
)
# code, high-level group, the census's wording, other ways people say it
ETHNICITIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("bangladeshi", "asian", "Bangladeshi", ("asian bangladeshi", "british bangladeshi")),
    ("chinese", "asian", "Chinese", ("asian chinese", "british chinese")),
    ("indian", "asian", "Indian", ("asian indian", "british indian")),
    ("pakistani", "asian", "Pakistani", ("asian pakistani", "british pakistani")),
    ("other-asian", "asian", "Any other Asian background", ("other asian", "asian other")),
    ("african", "black", "African", ("black african", "black british african")),
    ("caribbean", "black", "Caribbean", ("black caribbean", "black british caribbean")),
    (
        "other-black",
        "black",
        "Any other Black, Black British or Caribbean background",
        ("other black", "black other"),
    ),
    ("white-asian", "mixed", "White and Asian", ("mixed white asian", "white asian")),
    (
        "white-black-african",
        "mixed",
        "White and Black African",
        ("mixed white black african", "white black african"),
    ),
    (
        "white-black-caribbean",
        "mixed",
        "White and Black Caribbean",
        ("mixed white black caribbean", "white black caribbean"),
    ),
    (
        "other-mixed",
        "mixed",
        "Any other Mixed or multiple ethnic background",
        ("other mixed", "mixed other", "other multiple"),
    ),
    (
        "white-british",
        "white",
        "English, Welsh, Scottish, Northern Irish or British",
        ("white british", "british", "english", "welsh", "scottish", "northern irish", "white english"),
    ),
    ("irish", "white", "Irish", ("white irish",)),
    (
        "gypsy-traveller",
        "white",
        "Gypsy or Irish Traveller",
        ("gypsy", "traveller", "irish traveller", "white gypsy", "gypsy traveller"),
    ),
    ("roma", "white", "Roma", ("white roma",)),
    ("other-white", "white", "Any other White background", ("other white", "white other")),
    ("arab", "other", "Arab", ("other arab",)),
    ("other-ethnic", "other", "Any other ethnic group", ("other ethnic group", "any other")),
)
ETHNICITY_GROUP = {code: group for code, group, _, _ in ETHNICITIES}
ETHNICITY_LABELS = {code: label for code, _, label, _ in ETHNICITIES}

_SAYINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "age_band": {
        "under-16": ("under 16", "u16", "0-15", "under16"),
        "16-24": ("16 to 24",),
        "25-34": ("25 to 34",),
        "35-44": ("35 to 44",),
        "45-54": ("45 to 54",),
        "55-64": ("55 to 64",),
        "65+": ("65 and over", "65 plus", "over 65", "65 or over", "65 and older"),
    },
    "gender": {
        "woman": ("female", "f", "w", "women"),
        "man": ("male", "m", "men"),
        "non-binary": ("nonbinary", "nb", "enby"),
        "another-term": ("another term", "in another way", "another way", "other"),
    },
    "disability": {"yes": ("y", "disabled"), "no": ("n", "not disabled")},
}
_PREFER_NOT = ("prefer not to say", "prefer not", "prefer-not", "pnts", "declined", "rather not say")
_NOT_ASKED = ("not asked", "not-asked")
# A UK postcode's outward code: A9, A99, AA9, AA99, A9A, AA9A.
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")


def _fold(text: str) -> str:
    """Case-blind, accent-blind, punctuation as spaces: what answers are matched by."""
    text = unicodedata.normalize("NFKD", text.replace("–", "-").replace("—", "-")).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9+]+", " ", text).split())


def categories(name: str) -> tuple[tuple[str, str], ...]:
    """A field's answers as (code, label), "prefer not to say" aside."""
    if name == "age_band":
        return AGE_BANDS
    if name == "gender":
        return GENDERS
    if name == "disability":
        return DISABILITY
    if name == "ethnicity":
        return tuple((code, label) for code, _, label, _ in ETHNICITIES)
    return ()


def label(name: str, code: str | None) -> str:
    """How an answer is shown."""
    if code is None:
        return NOT_ASKED_LABEL
    if code == PREFER_NOT:
        return PREFER_NOT_LABEL
    if name == "ethnicity" and code in ETHNICITY_GROUP:
        return f"{dict(ETHNIC_GROUPS)[ETHNICITY_GROUP[code]]}: {ETHNICITY_LABELS[code]}"
    return dict(categories(name)).get(code, code)


def _sayings(name: str) -> dict[str, set[str]]:
    """Every way of giving each answer, folded."""
    said: dict[str, set[str]] = {}
    if name == "ethnicity":
        for code, _, words, more in ETHNICITIES:
            said[code] = {_fold(code), _fold(words), *(_fold(m) for m in more)}
    else:
        for code, words in categories(name):
            said[code] = {
                _fold(code),
                _fold(words),
                *(_fold(m) for m in _SAYINGS.get(name, {}).get(code, ())),
            }
    return said


def _age(text: str) -> str | None:
    """A whole age ("37") as its band."""
    if not text.isdigit() or len(text) > 3 or int(text) > 120:
        return None
    years = int(text)
    if years < 16:
        return "under-16"
    if years >= 65:
        return "65+"
    for code, _ in AGE_BANDS[1:-1]:
        low, high = map(int, code.split("-"))
        if low <= years <= high:
            return code
    return None


def parse_answer(name: str, text: str) -> str | None:
    """An answer as typed, as its code: None for "not asked". Raises BadInput naming the choices."""
    folded = _fold(text)
    shown = FIELD_LABELS[name].lower()
    if not folded:
        raise BadInput(messages.MONITOR_EMPTY.format(field=shown))
    if folded in {_fold(s) for s in _PREFER_NOT}:
        return PREFER_NOT
    if folded in {_fold(s) for s in _NOT_ASKED}:
        return None
    if name == "postcode_district":
        return _district(text)
    if name == "age_band" and (band := _age(folded)):
        return band
    said = _sayings(name)
    exact = [code for code, ways in said.items() if folded in ways]
    if len(exact) == 1:
        return exact[0]
    words = folded.split()

    def fits(way: str) -> bool:
        theirs = way.split()
        return way.startswith(folded) or all(any(t.startswith(w) for t in theirs) for w in words)

    close = [code for code, ways in said.items() if any(fits(way) for way in ways)]
    if len(close) == 1:
        return close[0]
    if close:
        raise BadInput(
            messages.MONITOR_AMBIGUOUS.format(text=text, field=shown, choices=", ".join(close[:10]))
        )
    raise BadInput(messages.MONITOR_UNKNOWN.format(text=text, field=shown))


def _district(text: str) -> str:
    compact = " ".join(text.upper().split())
    if match := _FULL_POSTCODE.match(compact):
        return match[1]  # a full postcode is more than monitoring needs: only the district is kept
    compact = compact.replace(" ", "")
    if _DISTRICT.match(compact):
        return compact
    raise BadInput(messages.MONITOR_BAD_DISTRICT.format(text=text))


def category_lines() -> list[str]:
    """`monitor --list-categories`: every answer each field accepts."""
    lines: list[str] = []
    for name in FIELDS:
        option = "--" + name.replace("_", "-")
        lines.append(f"{FIELD_LABELS[name]} ({option}):")
        if name == "ethnicity":
            for group, group_label in ETHNIC_GROUPS:
                lines.append(f"  {group_label}:")
                lines += [f"    {code:<22} {words}" for code, g, words, _ in ETHNICITIES if g == group]
        elif name == "postcode_district":
            lines.append("  the first half of a postcode, such as LS6, M1 or SW1A")
        else:
            lines += [f"  {code:<22} {words}" for code, words in categories(name)]
        lines.append(f"  {PREFER_NOT:<22} {PREFER_NOT_LABEL}")
        lines.append(f"  {'not-asked':<22} {NOT_ASKED_LABEL}")
    return lines


# --- a person's records ------------------------------------------------------------


@dataclass
class Record:
    """A person's equality monitoring answers on the day they were asked."""

    asked_on: date
    answers: dict[str, str | None]

    def to_json(self) -> dict[str, Any]:
        return {"asked_on": self.asked_on.isoformat(), **self.answers}


@dataclass
class Monitoring:
    """What is held about one person: their consent (None: none recorded) and records, newest first."""

    consent_on: date | None
    records: list[Record] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "consent": "given" if self.consent_on else None,
            "consent_on": self.consent_on.isoformat() if self.consent_on else None,
            "records": [r.to_json() for r in self.records],
        }


def monitoring_for(store: Store, person_id: int) -> Monitoring:
    consent = store.row("SELECT given_on FROM monitoring_consent WHERE person_id = :p", {"p": person_id})
    records = [
        Record(stored_day(r["asked_on"]), {name: r[name] for name in FIELDS})
        for r in store.rows(
            "SELECT * FROM monitoring WHERE person_id = :p ORDER BY asked_on DESC", {"p": person_id}
        )
    ]
    return Monitoring(stored_day(consent["given_on"]) if consent else None, records)


@dataclass
class Recorded:
    """What recording monitoring changed for a person: consent, the answers changed, the record."""

    person: str
    asked_on: date
    consent_on: date | None  # set when consent was recorded by this command
    changed: list[str]  # the fields whose answer changed
    record: Record | None
    new_record: bool = False

    @property
    def anything(self) -> bool:
        return bool(self.changed or self.consent_on or self.new_record)


def record_monitoring(
    store: Store,
    query: str,
    *,
    consent: str | None,
    answers: dict[str, str],
    asked_on: date,
    today: date,
    now: datetime,
    by: str | None,
) -> Recorded:
    """Record consent and/or answers (as typed) for the person `query` names, asked on `asked_on`.

    Without consent recorded (now or before) nothing is stored.
    """
    from keepgoing.core.matching import find_person

    if consent not in (None, "given"):
        raise UsageError(messages.MONITOR_CONSENT_WORD.format(text=consent))
    if asked_on > today:
        raise BadInput(messages.MONITOR_FUTURE)
    parsed = {name: parse_answer(name, text) for name, text in answers.items()}
    with store.write():
        person = find_person(store, query)
        held = store.row("SELECT given_on FROM monitoring_consent WHERE person_id = :p", {"p": person.id})
        given: date | None = None
        if consent == "given":
            if held is None or stored_day(held["given_on"]) != asked_on:
                store.run("DELETE FROM monitoring_consent WHERE person_id = :p", {"p": person.id})
                store.run(
                    "INSERT INTO monitoring_consent (person_id, given_on, recorded_at, recorded_by) "
                    "VALUES (:p, :on, :now, :by)",
                    {"p": person.id, "on": asked_on, "now": now, "by": by},
                )
                given = asked_on
        elif held is None:
            raise BadInput(messages.MONITOR_NO_CONSENT.format(name=person.name))
        if not parsed:
            return Recorded(person.name, asked_on, given, [], None)
        same_day = store.row(
            "SELECT * FROM monitoring WHERE person_id = :p AND asked_on = :on",
            {"p": person.id, "on": asked_on},
        )
        before = same_day or store.row(
            "SELECT * FROM monitoring WHERE person_id = :p AND asked_on < :on ORDER BY asked_on DESC LIMIT 1",
            {"p": person.id, "on": asked_on},
        )
        old = {name: (before[name] if before else None) for name in FIELDS}
        new = {**old, **parsed}
        changed = [name for name in FIELDS if name in parsed and old[name] != new[name]]
        values = {"p": person.id, "on": asked_on, "now": now, "by": by, **new}
        if same_day is None:
            store.run(
                "INSERT INTO monitoring (person_id, asked_on, age_band, gender, ethnicity, disability, "
                "postcode_district, recorded_at, recorded_by) VALUES (:p, :on, :age_band, :gender, "
                ":ethnicity, :disability, :postcode_district, :now, :by)",
                values,
            )
        elif changed:
            store.run(
                "UPDATE monitoring SET age_band = :age_band, gender = :gender, ethnicity = :ethnicity, "
                "disability = :disability, postcode_district = :postcode_district, recorded_at = :now, "
                "recorded_by = :by WHERE person_id = :p AND asked_on = :on",
                values,
            )
    return Recorded(person.name, asked_on, given, changed, Record(asked_on, new), same_day is None)


def withdraw_monitoring(store: Store, query: str) -> tuple[str, int, bool]:
    """Consent withdrawn: delete it and every record. (name, records deleted, whether consent was held)."""
    from keepgoing.core.matching import find_person

    with store.write():
        person = find_person(store, query)
        records = store.run("DELETE FROM monitoring WHERE person_id = :p", {"p": person.id})
        consent = store.run("DELETE FROM monitoring_consent WHERE person_id = :p", {"p": person.id})
    if records or consent:
        store.scrub()
    return person.name, records, bool(consent)


# --- "Who we reached" ----------------------------------------------------------------


@dataclass
class Cell:
    """One category's count as the report may show it.

    status: "shown" (the exact count, 0 included), "small" (1 to 4, shown "<5"),
    "hidden" (5 or more, hidden so that a small one cannot be worked out),
    "withheld" (the whole field is hidden: any count from 0 to the total).
    """

    category: str
    count: int
    status: str = "shown"

    def shown(self) -> int | str:
        words = {"small": "<5", "hidden": "hidden", "withheld": "withheld"}
        return self.count if self.status == "shown" else words[self.status]

    def share(self, total: int) -> float | None:
        return self.count / total if self.status == "shown" and total else None


@dataclass
class FieldFigures:
    """The report's "Who we reached" counts for one monitoring field, protected."""

    name: str
    cells: list[Cell]
    total: int

    @property
    def label(self) -> str:
        return FIELD_LABELS[self.name]

    def rows(self) -> list[tuple[str, int | str, str]]:
        """(category, count as shown, share as shown) for the page and Markdown."""
        return [
            (c.category, c.shown(), "" if (s := c.share(self.total)) is None else f"{round(s * 100)}%")
            for c in self.cells
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.name,
            "label": self.label,
            # The people counted, under the same rule (an anonymised report shows it as "<5" too).
            "people": "<5" if 0 < self.total < SMALL else self.total,
            "rows": [
                {"category": c.category, "count": c.shown(), "share": c.share(self.total)} for c in self.cells
            ],
        }


def bounds(status: str, count: int, total: int) -> tuple[int, int]:
    """What a reader of the report knows of a cell's count from how it is shown
    (and from the rules: "<5" is 1 to 4, since 0 is shown; "hidden" is 5 or more)."""
    return {
        "shown": (count, count),
        "small": (1, SMALL - 1),
        "hidden": (SMALL, total),
        "withheld": (0, total),
    }[status]


def exposed(statuses: list[str], counts: list[int], total: int) -> list[int]:
    """The suppressed cells whose count follows from the others and the total.

    The counts add up to `total` and each lies within its bounds, so a cell's
    possible values are exactly the whole numbers from max(its low, total - the
    others' highs) to min(its high, total - the others' lows): it is exposed when
    that leaves one.
    """
    ranges = [bounds(s, c, total) for s, c in zip(statuses, counts, strict=True)]
    low, high = sum(r[0] for r in ranges), sum(r[1] for r in ranges)
    found = []
    for i, status in enumerate(statuses):
        if status == "shown":
            continue
        lo = max(ranges[i][0], total - (high - ranges[i][1]))
        hi = min(ranges[i][1], total - (low - ranges[i][0]))
        if lo >= hi:
            found.append(i)
    return found


def suppress(counts: list[int]) -> list[str]:
    """Each count's status: primary suppression of every count from 1 to 4, then secondary.

    While a suppressed count could be worked out from the shown ones and the
    total, the smallest count still shown (of 5 or more, the first of equals) is
    hidden too; when none is left to hide, the whole field is withheld.
    """
    total = sum(counts)
    statuses = ["small" if 0 < c < SMALL else "shown" for c in counts]
    while exposed(statuses, counts, total):
        left = [i for i, c in enumerate(counts) if statuses[i] == "shown" and c >= SMALL]
        if not left:
            return ["withheld"] * len(counts)
        statuses[min(left, key=lambda i: counts[i])] = "hidden"
    return statuses


def protect(cells: list[Cell]) -> list[Cell]:
    for cell, status in zip(cells, suppress([c.count for c in cells]), strict=True):
        cell.status = status
    return cells


_LATEST = """
WITH touched AS (
  SELECT DISTINCT cp.person_id AS pid FROM conversation_person cp JOIN conversation c
  ON c.id = cp.conversation_id WHERE c.reached AND c.occurred_at >= :start AND c.occurred_at < :end{mine}
), ranked AS (
  SELECT m.*, ROW_NUMBER() OVER (
    PARTITION BY m.person_id ORDER BY CASE WHEN m.asked_on <= :last THEN 0 ELSE 1 END,
    CASE WHEN m.asked_on <= :last THEN m.asked_on END DESC, m.asked_on
  ) AS n FROM monitoring m WHERE m.person_id IN (SELECT pid FROM touched)
), answers AS (
  SELECT t.pid, r.age_band, r.gender, r.ethnicity, r.disability, r.postcode_district
  FROM touched t LEFT JOIN ranked r ON r.person_id = t.pid AND r.n = 1
)
"""


def who_we_reached(store: Store, params: dict[str, Any], mine: str, last: date) -> list[FieldFigures]:
    """Each field's counts of the people in touch from `params["start"]` to `params["end"]`
    (with the report's `mine` condition on conversations), protected; `last` the period's last day."""
    selects = " UNION ALL ".join(
        f"SELECT '{name}' AS field, {name} AS answer, count(*) AS people FROM answers GROUP BY {name}"
        for name in FIELDS
    )
    counts: dict[str, dict[str | None, int]] = {name: {} for name in FIELDS}
    for row in store.rows(_LATEST.format(mine=mine) + selects, {**params, "last": last}):
        counts[row["field"]][row["answer"]] = int(row["people"])
    total = sum(counts["age_band"].values())
    figures = []
    for name in FIELDS:
        found = counts[name]
        order: list[tuple[str | None, str]]
        if name == "ethnicity":
            grouped: dict[str | None, int] = {}
            for code, n in found.items():
                key = code if code in (None, PREFER_NOT) else ETHNICITY_GROUP.get(code or "", code)
                grouped[key] = grouped.get(key, 0) + n
            found = grouped
            order = list(ETHNIC_GROUPS)
        elif name == "postcode_district":
            named = sorted(
                (code for code, n in found.items() if code not in (None, PREFER_NOT) and n >= SMALL),
                key=lambda code: (-found[code], code or ""),
            )
            others = sum(n for code, n in found.items() if code not in (None, PREFER_NOT, *named))
            found = {code: found.get(code, 0) for code in (*named, PREFER_NOT, None)} | {"": others}
            order = [(code, code or "") for code in named]
            order.append(("", messages.MONITOR_OTHER_DISTRICTS))
        else:
            order = [(code, words) for code, words in categories(name)]
        order += [(PREFER_NOT, PREFER_NOT_LABEL), (None, NOT_ASKED_LABEL)]
        # An answer keepgoing does not know (written some other way) counts as not asked,
        # so that the cells always add up to the people in touch.
        known = {code for code, _ in order}
        stray = sum(n for code, n in found.items() if code not in known)
        found = {**found, None: found.get(None, 0) + stray}
        cells = [Cell(words, found.get(code, 0)) for code, words in order]
        figures.append(FieldFigures(name, protect(cells), total))
    return figures


# --- export and import ---------------------------------------------------------------

# `export --include-monitoring` to CSV: each row's person's latest record.
CSV_COLUMNS = ("monitoring_asked_on", *FIELDS)


def csv_cells(store: Store) -> dict[int, list[str]]:
    """person id -> their latest record's cells (codes; "not-asked" for an empty field)."""
    cells: dict[int, list[str]] = {}
    for row in store.stream(
        "SELECT * FROM (SELECT m.*, ROW_NUMBER() OVER (PARTITION BY m.person_id ORDER BY m.asked_on DESC) AS n "
        "FROM monitoring m) latest WHERE n = 1"
    ):
        cells[row["person_id"]] = [stored_day(row["asked_on"]).isoformat()] + [
            row[name] or "not-asked" for name in FIELDS
        ]
    return cells


def export_objects(store: Store, where: str, params: dict[str, Any], name: Any) -> Any:
    """One object per person with monitoring held (of those `where` selects on person `p`):
    their consent and every record, oldest first, with who recorded each and when."""
    from keepgoing.storage.date_encoding import iso_day, iso_instant

    records: dict[int, list[dict[str, Any]]] = {}
    for r in store.stream("SELECT * FROM monitoring ORDER BY person_id, asked_on"):
        records.setdefault(r["person_id"], []).append(
            {
                "asked_on": iso_day(r["asked_on"]),
                **{key: r[key] for key in FIELDS},
                "recorded_at": iso_instant(r["recorded_at"]),
                "recorded_by": r["recorded_by"],
            }
        )
    for r in store.stream(
        "SELECT p.id, p.name, mc.given_on, mc.recorded_at, mc.recorded_by FROM person p "
        "LEFT JOIN monitoring_consent mc ON mc.person_id = p.id "
        f"WHERE ({where}) AND (mc.person_id IS NOT NULL OR p.id IN (SELECT person_id FROM monitoring)) "
        "ORDER BY p.id",
        params,
    ):
        yield {
            "person_id": r["id"],
            "person": name(r["id"], r["name"]),
            "consent": "given" if r["given_on"] is not None else None,
            "consent_on": iso_day(r["given_on"]),
            "consent_recorded_at": iso_instant(r["recorded_at"]),
            "consent_recorded_by": r["recorded_by"],
            "records": records.get(r["id"], []),
        }
