"""Standard wellbeing measures: ONS4 built in, and an organisation's own licensed measure.

A measure is one definition, whatever its source: a small TOML file (name,
items with their answer ranges, how the total is scored, optionally a
conversion table from raw total to metric score, optional bands, the
licence line to print). ONS4 is the same kind of definition, written here;
a measure added with `keepgoing measure add FILE` is kept in the `measure`
table as the file's content in JSON and read back through the same checks.

Scores belong to one person in one conversation: `measure_score` holds a
row per item answered, and one for the total (item "total") when the
measure has one. The report's figures are worked out by SQL aggregation:
each person's first and last score of each item in the period, grouped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from keepgoing.core.person import iso
from keepgoing.errors import BadInput, NotFound
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import stored_instant

TOTAL = "total"
BUILT_IN = "ons4"
MAX_ITEMS = 60
MAX_BANDS = 12
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


# The ONS personal well-being questions, used with attribution under the Open Government
# Licence; the thresholds are those the ONS publishes its estimates by (the same for the three
# questions where higher is better, their own for anxiety). Checked like any measure's file.
def _bands_from(*starts: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"label": label, "from": start} for label, start in starts]


def _ons4_item(key: str, label: str, question: str, bands: list[dict[str, Any]]) -> dict[str, Any]:
    return {"key": key, "label": label, "question": question, "min": 0, "max": 10, "bands": bands}


_ONS4_BANDS = _bands_from(("Low", 0), ("Medium", 5), ("High", 7), ("Very high", 9))
ONS4_DEFINITION: dict[str, Any] = {
    "name": "ons4",
    "title": "ONS personal well-being (ONS4)",
    "licence": "ONS personal well-being questions, Office for National Statistics, "
    "used under the Open Government Licence v3.0.",
    "scoring": "none",
    "items": [
        _ons4_item(
            "life_satisfaction",
            "Life satisfaction",
            "Overall, how satisfied are you with your life nowadays?",
            _ONS4_BANDS,
        ),
        _ons4_item(
            "worthwhile",
            "Worthwhile",
            "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
            _ONS4_BANDS,
        ),
        _ons4_item("happiness", "Happiness", "Overall, how happy did you feel yesterday?", _ONS4_BANDS),
        _ons4_item(
            "anxiety",
            "Anxiety",
            "On a scale where 0 is not at all anxious and 10 is completely anxious, overall, "
            "how anxious did you feel yesterday?",
            _bands_from(("Very low", 0), ("Low", 2), ("Medium", 4), ("High", 6)),
        )
        | {"lower_is_better": True},
    ],
}

_TOP_KEYS = {
    "name",
    "title",
    "licence",
    "scoring",
    "items",
    "conversion",
    "bands",
    "lower_is_better",
    "change",
}
_ITEM_KEYS = {"key", "label", "question", "min", "max", "lower_is_better", "bands"}


@dataclass(frozen=True)
class Band:
    """A named range of a measure's scores, from its start up to the next band's."""

    label: str
    start: float  # a value falls in the last band whose start it reaches


@dataclass(frozen=True)
class Part:
    """What is reported of a measure: one item, or the total."""

    key: str
    label: str
    low: float
    high: float
    lower_is_better: bool = False
    bands: tuple[Band, ...] = ()
    question: str | None = None

    def band_names(self) -> list[str]:
        """Each band with the answers it covers: "Low (0-4)", ... "Very high (9-10)"."""
        whole = float(self.low).is_integer() and all(float(b.start).is_integer() for b in self.bands)
        names = []
        for number, band in enumerate(self.bands):
            if number + 1 < len(self.bands):
                following = self.bands[number + 1].start
                span = (
                    f"{_shown(band.start)}-{_shown(following - 1)}"
                    if whole
                    else f"{_shown(band.start)} to under {_shown(following)}"
                )
            else:
                span = f"{_shown(band.start)}-{_shown(self.high)}"
            names.append(f"{band.label} ({span})")
        return names

    def band(self, value: float) -> str | None:
        found = None
        for band in self.bands:
            if value >= band.start:
                found = band.label
        return found


@dataclass(frozen=True)
class Measure:
    """A standard wellbeing measure's definition: its items, how they are scored and its licence."""

    name: str
    title: str
    licence: str
    scoring: str  # "sum", "mean" or "none"
    items: tuple[Part, ...]
    total: Part | None
    conversion: Mapping[int, float] | None
    change: float  # a move of this much or more counts as a change
    definition: Mapping[str, Any]
    built_in: bool = False

    @property
    def key(self) -> str:
        return self.name.casefold()

    @property
    def shown_name(self) -> str:
        """As typed after --measure, or ONS4."""
        return self.name.upper() if self.built_in else self.name

    @property
    def parts(self) -> tuple[Part, ...]:
        return (*self.items, self.total) if self.total else self.items

    def score(self, answers: Sequence[int]) -> float | None:
        """The total of these answers (already checked), as the measure scores it."""
        if self.scoring == "none":
            return None
        raw = sum(answers)
        if self.conversion is not None:
            return self.conversion[raw]
        return float(raw) if self.scoring == "sum" else round(raw / len(answers), 2)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "licence": self.licence,
            "built_in": self.built_in,
            "scoring": self.scoring,
            "items": [
                {"key": p.key, "label": p.label, "min": int(p.low), "max": int(p.high)} for p in self.items
            ],
        }


def _fail(where: str, problem: str) -> BadInput:
    return BadInput(f"{where}: {problem}")


def _text(where: str, table: Mapping[str, Any], key: str, *, needed: bool, longest: int) -> str | None:
    value = table.get(key)
    if value is None:
        if needed:
            raise _fail(where, f'"{key}" is missing.')
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f'"{key}" must be some text.')
    cleaned = " ".join(value.split())
    if len(cleaned) > longest:
        raise _fail(where, f'"{key}" is longer than {longest} characters.')
    return cleaned


def _number(where: str, value: Any, what: str, *, whole: bool = False) -> float:
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value != value or abs(value) > 1e9:
        raise _fail(where, f"{what} must be a {'whole ' if whole else ''}number.")
    return float(value)


def _flag(where: str, table: Mapping[str, Any], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise _fail(where, f'"{key}" must be true or false.')
    return value


def _bands(where: str, raw: Any, low: float) -> tuple[Band, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw or len(raw) > MAX_BANDS:
        raise _fail(where, f'"bands" must be a list of 1 to {MAX_BANDS} {{label = ..., from = ...}}.')
    bands: list[Band] = []
    for band in raw:
        if not isinstance(band, dict) or set(band) != {"label", "from"}:
            raise _fail(where, 'each band is {label = "...", from = N}.')
        label = _text(where, band, "label", needed=True, longest=40)
        start = _number(where, band["from"], 'a band\'s "from"')
        if bands and start <= bands[-1].start:
            raise _fail(where, "bands must go up: each one starts above the one before.")
        bands.append(Band(str(label), start))
    if bands[0].start > low:
        raise _fail(where, f"the first band must start at the lowest score ({_shown(low)}) or below.")
    return tuple(bands)


def _shown(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def check_definition(raw: Any, *, where: str = "measure", built_in: bool = False) -> Measure:
    """A measure from its definition (a TOML file's content), or one line saying what is wrong."""
    if not isinstance(raw, dict):
        raise _fail(where, "a measure is a TOML table of name, licence, scoring and items.")
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise _fail(where, f'unknown field "{unknown[0]}" (a measure has {", ".join(sorted(_TOP_KEYS))}).')
    name = _checked_name(where, raw, built_in)
    title = _text(where, raw, "title", needed=False, longest=200) or name
    licence = str(_text(where, raw, "licence", needed=True, longest=2_000))
    scoring = raw.get("scoring")
    if scoring not in ("sum", "mean", "none"):
        raise _fail(where, '"scoring" must be "sum", "mean" or "none".')
    raw_items = raw.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise _fail(where, '"items" is missing: give each question as an [[items]] table.')
    if len(raw_items) > MAX_ITEMS:
        raise _fail(where, f"a measure has at most {MAX_ITEMS} items.")
    items: list[Part] = []
    for number, item in enumerate(raw_items, 1):
        items.append(_checked_item(f"{where}, item {number}", item, items))
    lowest, highest = int(sum(p.low for p in items)), int(sum(p.high for p in items))
    conversion = None
    if raw.get("conversion") is not None:
        conversion = _checked_conversion(where, raw, scoring, lowest, highest)
    total = _total_part(where, raw, scoring, conversion, lowest, highest, len(items))
    change = _number(where, raw.get("change", 2), '"change"')
    if change <= 0:
        raise _fail(where, '"change" (how far a score must move to count) must be above 0.')
    return Measure(
        name, title, licence, scoring, tuple(items), total, conversion, change, raw, built_in=built_in
    )


def _checked_name(where: str, raw: dict[str, Any], built_in: bool) -> str:
    """The measure's name: one word, typed after --measure, never the built-in one's."""
    name = str(_text(where, raw, "name", needed=True, longest=60))
    if not _NAME.match(name):
        raise _fail(where, '"name" is one word of letters, digits, - and _ (it is typed after --measure).')
    if name.casefold() == BUILT_IN and not built_in:
        raise _fail(where, "ons4 is built in; give your measure another name.")
    return name


def _checked_item(here: str, item: Any, items: list[Part]) -> Part:
    """One [[items]] table as a part, checked against the items before it."""
    if not isinstance(item, dict):
        raise _fail(here, "each item is an [[items]] table.")
    unknown = sorted(set(item) - _ITEM_KEYS)
    if unknown:
        raise _fail(here, f'unknown field "{unknown[0]}" (an item has {", ".join(sorted(_ITEM_KEYS))}).')
    key = str(_text(here, item, "key", needed=True, longest=60))
    if not _KEY.match(key) or key == TOTAL:
        raise _fail(here, '"key" is lower-case letters, digits and _ , starting with a letter (not "total").')
    if any(p.key == key for p in items):
        raise _fail(here, f'the key "{key}" is used by an earlier item too.')
    for bound in ("min", "max"):
        if bound not in item:
            raise _fail(here, f'"{bound}" is missing (the lowest and highest answer).')
    low = _number(here, item["min"], '"min"', whole=True)
    high = _number(here, item["max"], '"max"', whole=True)
    if not low < high or high - low > 1_000:
        raise _fail(here, '"min" must be below "max" (and the range at most 1000).')
    return Part(
        key,
        _text(here, item, "label", needed=False, longest=100) or key,
        low,
        high,
        _flag(here, item, "lower_is_better"),
        _bands(here, item.get("bands"), low),
        _text(here, item, "question", needed=False, longest=1_000),
    )


def _checked_conversion(
    where: str, raw: dict[str, Any], scoring: str, lowest: int, highest: int
) -> dict[int, float]:
    """The conversion table: a score for every raw total from `lowest` to `highest`."""
    table = raw["conversion"]
    if scoring != "sum":
        raise _fail(where, 'a "conversion" table goes with scoring = "sum".')
    if not isinstance(table, dict):
        raise _fail(where, '"conversion" is a table of raw total = score ("7" = 7.0).')
    conversion: dict[int, float] = {}
    for raw_total, value in table.items():
        try:
            raw_sum = int(raw_total)
        except ValueError:
            raise _fail(where, f'the conversion key "{raw_total}" is not a whole number.') from None
        conversion[raw_sum] = _number(where, value, f'the conversion of "{raw_total}"')
    missing = [t for t in range(lowest, highest + 1) if t not in conversion]
    extra = [t for t in conversion if not lowest <= t <= highest]
    if missing or extra:
        raise _fail(
            where,
            f"the conversion table must give every raw total from {lowest} to {highest} "
            f"({'missing ' + str(missing[0]) if missing else 'no raw total ' + str(extra[0])}).",
        )
    return conversion


def _total_part(
    where: str,
    raw: dict[str, Any],
    scoring: str,
    conversion: dict[int, float] | None,
    lowest: int,
    highest: int,
    count: int,
) -> Part | None:
    """The total's part (its range, direction and bands), or None for scoring "none"."""
    total: Part | None = None
    if scoring != "none":
        if conversion:
            low, high = min(conversion.values()), max(conversion.values())
        elif scoring == "sum":
            low, high = float(lowest), float(highest)
        else:
            low, high = lowest / count, highest / count
        total = Part(
            TOTAL,
            "Total",
            low,
            high,
            _flag(where, raw, "lower_is_better"),
            _bands(where, raw.get("bands"), low),
        )
    elif raw.get("bands") is not None or raw.get("lower_is_better") is not None:
        raise _fail(where, '"bands" and "lower_is_better" for the total go with scoring "sum" or "mean".')
    return total


def parse_toml(text: str, *, where: str) -> Measure:
    """A measure from a TOML file's text (stdlib tomllib)."""
    import tomllib

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(where, f"not valid TOML ({str(exc).splitlines()[0]}).") from None
    return check_definition(raw, where=where)


_ons4: Measure | None = None


def ons4() -> Measure:
    global _ons4
    if _ons4 is None:
        _ons4 = check_definition(ONS4_DEFINITION, where="ons4", built_in=True)
    return _ons4


def _from_row(row: Mapping[str, Any]) -> Measure:
    return check_definition(json.loads(row["definition"]), where=row["name"])


def get_measure(store: Store, name: str) -> Measure:
    """A measure by name (any case): ons4, or one the organisation added."""
    key = " ".join(name.split()).casefold()
    if key == BUILT_IN:
        return ons4()
    row = store.row("SELECT name, definition FROM measure WHERE name_key = :k", {"k": key})
    if row is None:
        known = [m.name for m in list_measures(store)]
        raise NotFound(f'No measure called "{name.strip()}"; there are {", ".join(known)}.')
    return _from_row(row)


def list_measures(store: Store) -> list[Measure]:
    """ONS4 first, then the organisation's own, by name."""
    return [
        ons4(),
        *(_from_row(r) for r in store.rows("SELECT name, definition FROM measure ORDER BY name_key")),
    ]


def shown_order(key: str) -> tuple[bool, str]:
    """How measures are listed and reported, by key: ONS4 first, then by name."""
    return key != BUILT_IN, key


def _in_shown_order(store: Store, keys: Iterable[str]) -> Iterator[tuple[str, Measure]]:
    """Each of these measures by its key, in `shown_order`; one since removed is left out."""
    for key in sorted(keys, key=shown_order):
        try:
            yield key, get_measure(store, key)
        except NotFound:
            continue


def add_measure(store: Store, text: str, *, where: str, now: datetime) -> Measure:
    measure = parse_toml(text, where=where)
    with store.write():
        if store.row("SELECT id FROM measure WHERE name_key = :k", {"k": measure.key}):
            raise BadInput(f'{where}: there is already a measure called "{measure.name}".')
        _insert(store, measure, added_at=now)
    return measure


def _insert(store: Store, measure: Measure, *, added_at: datetime) -> None:
    """Keep an organisation's measure: its definition as JSON (keys sorted: one definition, one text)."""
    store.run(
        "INSERT INTO measure (name, name_key, definition, licence, added_at) VALUES (:n, :k, :d, :l, :at)",
        {
            "n": measure.name,
            "k": measure.key,
            "d": json.dumps(measure.definition, ensure_ascii=False, sort_keys=True),
            "l": measure.licence,
            "at": added_at,
        },
    )


def remove_measure(store: Store, name: str) -> Measure:
    """Remove a measure the organisation added; refused while any score of it is kept."""
    with store.write():
        measure = get_measure(store, name)
        if measure.built_in:
            raise BadInput("ONS4 is built in and cannot be removed.")
        scores = int(
            store.value(
                "SELECT count(DISTINCT conversation_id) FROM measure_score WHERE measure = :m",
                {"m": measure.key},
            )
            or 0
        )
        if scores:
            raise BadInput(
                f"{measure.name} has {scores} score{'' if scores == 1 else 's'} kept; "
                "it stays while they do (amend or unlog those conversations first)."
            )
        store.run("DELETE FROM measure WHERE name_key = :k", {"k": measure.key})
    return measure


# --- scores ----------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    """A measure's answers as given, checked against it."""

    measure: Measure
    answers: tuple[int, ...]

    @property
    def total(self) -> float | None:
        return self.measure.score(self.answers)

    def values(self) -> dict[str, float]:
        out = {p.key: float(a) for p, a in zip(self.measure.items, self.answers, strict=True)}
        if (total := self.total) is not None:
            out[TOTAL] = total
        return out


def _ranges(measure: Measure) -> str:
    spans = {(p.low, p.high) for p in measure.items}
    if len(spans) == 1:
        low, high = next(iter(spans))
        return f"each a whole number from {_shown(low)} to {_shown(high)}"
    return (
        "each a whole number in its item's range ("
        + ", ".join(f"{_shown(p.low)}-{_shown(p.high)}" for p in measure.items)
        + ")"
    )


def check_answers(measure: Measure, given: str | Sequence[Any]) -> Answers:
    """Answers typed as "7,8,6,3" (or a list), in item order, each in its item's range."""
    count = len(measure.items)
    usage = f"{measure.shown_name} takes {count} answer{'' if count == 1 else 's'}, {_ranges(measure)}"
    if isinstance(given, str):
        parts = [p.strip() for p in given.replace(";", ",").split(",")]
        if len(parts) == 1 and " " in parts[0]:
            parts = parts[0].split()
        try:
            values: list[Any] = [int(p) for p in parts]
        except ValueError:
            raise BadInput(f'{usage}, separated by commas: not "{given.strip()[:60]}".') from None
    else:
        values = list(given)
    if len(values) != count:
        raise BadInput(f"{usage}; {len(values)} given.")
    for part, value in zip(measure.items, values, strict=True):
        if isinstance(value, bool) or not isinstance(value, int) or not part.low <= value <= part.high:
            raise BadInput(f"{usage}: {part.label} was {value}.")
    return Answers(measure, tuple(values))


def check_scores(store: Store, given: Sequence[tuple[str, str | Sequence[Any]]]) -> list[Answers]:
    """Each (measure name, answers) given, checked; one measure at most once."""
    checked: list[Answers] = []
    for name, answers in given:
        measure = get_measure(store, name)
        if any(a.measure.key == measure.key for a in checked):
            raise BadInput(f"{measure.shown_name} is given twice; give its answers once.")
        checked.append(check_answers(measure, answers))
    return checked


def one_person(person_ids: Sequence[int], conversation_id: int | None = None) -> int:
    """Whose answers these are: a measure is one person's, so the conversation must be with one."""
    if len(set(person_ids)) != 1:
        where = f"conversation #{conversation_id} is" if conversation_id else "this conversation is"
        raise BadInput(
            f"A wellbeing measure is one person's answers, and {where} with several people: "
            "log their scores in a conversation with them alone."
        )
    return person_ids[0]


def record_scores(
    store: Store, conversation_id: int, person_id: int, checked: Sequence[Answers], *, now: datetime
) -> list[str]:
    """Write (or replace) each measure's scores in a conversation; returns what changed, by measure name."""
    changed: list[str] = []
    for answers in checked:
        key = answers.measure.key
        before = {
            r["item"]: float(r["value"])
            for r in store.rows(
                "SELECT item, value FROM measure_score WHERE conversation_id = :c AND measure = :m",
                {"c": conversation_id, "m": key},
            )
        }
        values = answers.values()
        if before == values:
            continue
        store.run(
            "DELETE FROM measure_score WHERE conversation_id = :c AND measure = :m",
            {"c": conversation_id, "m": key},
        )
        store.run_many(
            "INSERT INTO measure_score (conversation_id, measure, item, person_id, value, recorded_at) "
            "VALUES (:c, :m, :i, :p, :v, :at)",
            [
                {"c": conversation_id, "m": key, "i": item, "p": person_id, "v": value, "at": now}
                for item, value in values.items()
            ],
        )
        changed.append(answers.measure.shown_name)
    return changed


def drop_scores_of(store: Store, conversation_id: int, person_id: int) -> None:
    """Someone taken out of a conversation takes their answers with them."""
    store.run(
        "DELETE FROM measure_score WHERE conversation_id = :c AND person_id = :p",
        {"c": conversation_id, "p": person_id},
    )


@dataclass
class Latest:
    """A person's latest score of one measure, and how it moved since the one before."""

    measure: Measure
    conversation_id: int
    when: datetime
    values: dict[str, float]
    previous: dict[str, float] | None = None
    previous_when: datetime | None = None

    def change(self, key: str) -> float | None:
        if self.previous is None or key not in self.previous or key not in self.values:
            return None
        return self.values[key] - self.previous[key]

    def to_json(self) -> dict[str, Any]:
        def plain(value: float) -> float | int:
            return int(value) if float(value).is_integer() else value

        parts = [p for p in self.measure.parts if p.key in self.values]
        return {
            "measure": self.measure.name,
            "title": self.measure.title,
            "conversation_id": self.conversation_id,
            "when": iso(self.when),
            "scores": {p.key: plain(self.values[p.key]) for p in parts},
            "previous": None
            if self.previous is None
            else {p.key: plain(self.previous[p.key]) for p in parts if p.key in self.previous},
            "previous_when": iso(self.previous_when),
            "change": None
            if self.previous is None
            else {p.key: plain(c) for p in parts if (c := self.change(p.key)) is not None},
            "licence": self.measure.licence,
        }


def latest_scores(store: Store, person_id: int) -> list[Latest]:
    """Each measure's two latest scores for a person (ONS4 first, then by name)."""
    found: dict[str, list[tuple[int, datetime, dict[str, float]]]] = {}
    for row in store.rows(
        "SELECT s.measure, s.conversation_id AS cid, s.item, s.value, c.occurred_at FROM measure_score s "
        "JOIN conversation c ON c.id = s.conversation_id WHERE s.person_id = :p "
        "ORDER BY s.measure, c.occurred_at DESC, c.id DESC",
        {"p": person_id},
    ):
        scores = found.setdefault(row["measure"], [])
        if not scores or scores[-1][0] != row["cid"]:
            if len(scores) == 2:
                continue
            scores.append((row["cid"], stored_instant(row["occurred_at"]), {}))
        scores[-1][2][row["item"]] = float(row["value"])
    out: list[Latest] = []
    for key, measure in _in_shown_order(store, found):
        (cid, when, values), *rest = found[key]
        latest = Latest(measure, cid, when, values)
        if rest:
            latest.previous, latest.previous_when = rest[0][2], rest[0][1]
        out.append(latest)
    return out


def conversation_scores(store: Store, conversation_id: int) -> dict[str, dict[str, float]]:
    """The scores given in a conversation, by measure name and item."""
    found: dict[str, dict[str, float]] = {}
    for row in store.rows(
        "SELECT measure, item, value FROM measure_score WHERE conversation_id = :c ORDER BY measure",
        {"c": conversation_id},
    ):
        found.setdefault(row["measure"], {})[row["item"]] = float(row["value"])
    return found


# --- the report -------------------------------------------------------------------


@dataclass
class PartFigures:
    """One item (or the total) over the people with two or more scores in the period."""

    part: Part
    people: int = 0
    mean_first: float | None = None
    mean_last: float | None = None
    better: int = 0  # moved by the measure's change or more the better way
    worse: int = 0
    first_bands: dict[str, int] = field(default_factory=dict)
    last_bands: dict[str, int] = field(default_factory=dict)


@dataclass
class MeasureFigures:
    """The report's figures for one measure: how many were scored in the period, and how each item moved."""

    measure: Measure
    people_scored: int  # anyone with a score of it in the period
    parts: list[PartFigures]

    headings = ("Question", "People", "Mean first", "Mean last", "Better by {change}+", "Worse by {change}+")

    @property
    def change(self) -> str:
        """How far an answer must move to count, as shown ("2")."""
        return _shown(self.measure.change)

    def table_headings(self) -> list[str]:
        return [h.format(change=self.change) for h in self.headings]

    def table_rows(self, count: Any) -> list[tuple[str, Any, str, str, Any, Any]]:
        """Each item (and the total): people, mean first and last, and how many moved each way.

        `count` is the report's: under 5 is "<5" when anonymised, and then the means are not shown."""

        def mean(value: float | None, people: int) -> str:
            if value is None:
                return ""
            return f"{value:.1f}" if count(people) == people else "<5"

        return [
            (
                f.part.label + (" (lower is better)" if f.part.lower_is_better else ""),
                count(f.people),
                mean(f.mean_first, f.people),
                mean(f.mean_last, f.people),
                count(f.better),
                count(f.worse),
            )
            for f in self.parts
        ]

    def to_json(self, count: Any) -> dict[str, Any]:
        def mean(value: float | None, people: int) -> float | None:
            return None if value is None or count(people) != people else round(value, 2)

        return {
            "measure": self.measure.name,
            "title": self.measure.title,
            "licence": self.measure.licence,
            "people_scored": count(self.people_scored),
            "change": self.measure.change,
            "parts": [
                {
                    "key": f.part.key,
                    "label": f.part.label,
                    "lower_is_better": f.part.lower_is_better,
                    "people": count(f.people),
                    "mean_first": mean(f.mean_first, f.people),
                    "mean_last": mean(f.mean_last, f.people),
                    "better": count(f.better),
                    "worse": count(f.worse),
                    "bands": [
                        {
                            "label": b.label,
                            "from": b.start,
                            "first": count(f.first_bands.get(b.label, 0)),
                            "last": count(f.last_bands.get(b.label, 0)),
                        }
                        for b in f.part.bands
                    ],
                }
                for f in self.parts
            ],
        }


def measure_figures(
    store: Store, start: datetime, end: datetime, worker: str | None = None
) -> list[MeasureFigures]:
    """Per measure scored in [start, end): per item and total, the people with two or more
    scores, their first and last, and how many moved by the measure's change each way."""
    mine = " AND c.logged_by = :worker" if worker else ""
    params = {"start": start, "end": end, "worker": worker}
    scored = {
        r["measure"]: int(r["n"])
        for r in store.rows(
            "SELECT s.measure, count(DISTINCT s.person_id) AS n FROM measure_score s "
            "JOIN conversation c ON c.id = s.conversation_id "
            f"WHERE c.occurred_at >= :start AND c.occurred_at < :end{mine} GROUP BY s.measure",
            params,
        )
    }
    pairs: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for row in store.rows(
        "WITH s AS (SELECT s.measure, s.item, s.person_id, s.value, "
        "row_number() OVER (PARTITION BY s.measure, s.item, s.person_id ORDER BY c.occurred_at, c.id) AS up, "
        "row_number() OVER (PARTITION BY s.measure, s.item, s.person_id "
        "ORDER BY c.occurred_at DESC, c.id DESC) AS down "
        "FROM measure_score s JOIN conversation c ON c.id = s.conversation_id "
        f"WHERE c.occurred_at >= :start AND c.occurred_at < :end{mine}), "
        "ends AS (SELECT measure, item, person_id, max(CASE WHEN up = 1 THEN value END) AS first_value, "
        "max(CASE WHEN down = 1 THEN value END) AS last_value FROM s "
        "GROUP BY measure, item, person_id HAVING count(*) >= 2) "
        "SELECT measure, item, first_value, last_value, count(*) AS n FROM ends "
        "GROUP BY measure, item, first_value, last_value",
        params,
    ):
        pairs.setdefault((row["measure"], row["item"]), []).append(
            (float(row["first_value"]), float(row["last_value"]), int(row["n"]))
        )
    out: list[MeasureFigures] = []
    for key, measure in _in_shown_order(store, scored):
        figures = MeasureFigures(measure, scored[key], [])
        for part in measure.parts:
            f = PartFigures(part)
            rows = pairs.get((key, part.key), [])
            f.people = sum(n for _, _, n in rows)
            if f.people:
                f.mean_first = sum(a * n for a, _, n in rows) / f.people
                f.mean_last = sum(b * n for _, b, n in rows) / f.people
            for first, last, n in rows:
                moved = (first - last) if part.lower_is_better else (last - first)
                # A small tolerance: a mean or a converted score is a decimal.
                if moved >= measure.change - 1e-9:
                    f.better += n
                elif -moved >= measure.change - 1e-9:
                    f.worse += n
                for value, bands in ((first, f.first_bands), (last, f.last_bands)):
                    label = part.band(value)
                    if label is not None:
                        bands[label] = bands.get(label, 0) + n
            figures.parts.append(f)
        out.append(figures)
    return out


# --- export and import --------------------------------------------------------------


def export_measures(store: Store) -> list[dict[str, Any]]:
    return [
        {
            "name": r["name"],
            "definition": json.loads(r["definition"]),
            "licence": r["licence"],
            "added_at": stored_instant(r["added_at"]).isoformat(),
        }
        for r in store.rows("SELECT name, definition, licence, added_at FROM measure ORDER BY name_key")
    ]


def import_measure(store: Store, definition: Any, *, where: str, added_at: datetime) -> bool:
    """A measure from an export; False when it is already here (a different one of that name is refused)."""
    measure = check_definition(definition, where=where)
    row = store.row("SELECT definition FROM measure WHERE name_key = :k", {"k": measure.key})
    if row is not None:
        if json.loads(row["definition"]) != measure.definition:
            raise BadInput(f'{where}: this store has a different measure called "{measure.name}".')
        return False
    _insert(store, measure, added_at=added_at)
    return True


def export_scores(store: Store, where: str = "1 = 1", params: Mapping[str, Any] | None = None) -> Any:
    """Each score (one measure in one conversation) as an object: answers by item, and the total."""
    current: dict[str, Any] | None = None
    for row in store.stream(
        "SELECT s.conversation_id, s.measure, s.item, s.person_id, s.value, s.recorded_at, p.name "
        f"FROM measure_score s JOIN person p ON p.id = s.person_id WHERE {where} "
        "ORDER BY s.conversation_id, s.measure, s.item",
        dict(params or {}),
    ):
        if current is None or (current["conversation_id"], current["measure"]) != (
            row["conversation_id"],
            row["measure"],
        ):
            if current is not None:
                yield current
            current = {
                "conversation_id": row["conversation_id"],
                "measure": row["measure"],
                "person_id": row["person_id"],
                "person": row["name"],
                "answers": {},
                "total": None,
                "recorded_at": stored_instant(row["recorded_at"]).isoformat(),
            }
        value = float(row["value"])
        if row["item"] == TOTAL:
            current["total"] = value
        else:
            current["answers"][row["item"]] = int(value)
    if current is not None:
        yield current
