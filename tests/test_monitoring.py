"""Equality monitoring (issue 24): its own consent, shown only when asked for, erased with the
person, and counted in the report's "Who we reached" with small counts suppressed.

The report's figures are worked out by hand on a small store (below, `reached`); the
suppression rule is a property test against an exhaustive search of what a reader
could work out.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from functools import cache
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import fingerprint, table_counts
from keepgoing.core.monitoring import ETHNICITIES, SMALL, bounds, exposed, parse_answer, suppress
from keepgoing.errors import BadInput

OCTOBER = ("--since", "2026-10-01", "--until", "2026-10-31")


def at(clock, day: str) -> None:
    year, month, date_ = map(int, day.split("-"))
    clock.set(datetime(year, month, date_, 10, tzinfo=UTC))


def held(kg, name: str = "sam") -> dict:
    return json.loads(kg("show", name, "--json", "--monitoring").stdout)["monitoring"]


# --- recording ---------------------------------------------------------------------


def test_nothing_is_stored_without_consent_to_monitoring(kg, db_path) -> None:
    kg("add", "Sam Okafor", "--consent", "given")  # consent to be contacted is not consent to monitoring
    before = fingerprint(db_path)
    refused = kg("monitor", "sam", "--ethnicity", "indian", expect=1)
    assert refused.stderr.strip().count("\n") == 0
    assert "no consent to equality monitoring" in refused.stderr and "--consent given" in refused.stderr
    assert fingerprint(db_path) == before
    assert held(kg) == {"consent": None, "consent_on": None, "records": []}
    out = kg("monitor", "sam", "--consent", "given", "--ethnicity", "indian", "--asked", "2026-11-20").stdout
    assert "Consent to equality monitoring recorded for Sam Okafor, Fri 20 Nov 2026." in out
    assert "ethnicity Asian, Asian British or Asian Welsh: Indian" in out
    assert held(kg) == {
        "consent": "given",
        "consent_on": "2026-11-20",
        "records": [
            {
                "asked_on": "2026-11-20",
                "age_band": None,
                "gender": None,
                "ethnicity": "indian",
                "disability": None,
                "postcode_district": None,
            }
        ],
    }
    # Once consent is recorded, later answers need no --consent.
    kg("monitor", "sam", "--disability", "no", "--asked", "2026-11-20")
    assert held(kg)["records"][0]["disability"] == "no"


def test_withdrawing_consent_deletes_it_and_every_answer(kg, db_path) -> None:
    kg("add", "Sam Okafor")
    kg("monitor", "sam", "--consent", "given", "--gender", "man", "--asked", "2026-01-10")
    kg("monitor", "sam", "--age-band", "25-34")
    out = kg("monitor", "sam", "--consent", "withdrawn").stdout
    assert "withdrawn for Sam Okafor: deleted it and 2 records" in out
    counts = table_counts(db_path)
    assert counts["monitoring"] == 0 and counts["monitoring_consent"] == 0
    assert kg("monitor", "sam", "--consent", "withdrawn").stdout.startswith("Nothing changed")
    kg("monitor", "sam", "--gender", "man", expect=1)
    assert (
        "takes no answers"
        in kg("monitor", "sam", "--consent", "withdrawn", "--gender", "man", expect=2).stderr
    )
    assert "given or withdrawn" in kg("monitor", "sam", "--consent", "maybe", expect=2).stderr


FORGIVEN = [
    ("--ethnicity", "indian", "indian"),
    ("--ethnicity", "White British", "white-british"),
    ("--ethnicity", "WHITE-BRIT", "white-british"),
    ("--ethnicity", "black caribbean", "caribbean"),
    ("--ethnicity", "Gypsy or Irish Traveller", "gypsy-traveller"),
    ("--ethnicity", "irish", "irish"),
    ("--ethnicity", "arab", "arab"),
    ("--ethnicity", "white and black african", "white-black-african"),
    ("--ethnicity", "prefer not to say", "prefer-not"),
    ("--age-band", "37", "35-44"),
    ("--age-band", "16 to 24", "16-24"),
    ("--age-band", "65 and over", "65+"),
    ("--age-band", "under 16", "under-16"),
    ("--gender", "Female", "woman"),
    ("--gender", "non binary", "non-binary"),
    ("--disability", "prefer-not", "prefer-not"),
    ("--postcode-district", "ls6", "LS6"),
    ("--postcode-district", "sw1a", "SW1A"),
    ("--postcode-district", "M1 1AE", "M1"),  # a full postcode keeps only its district
    ("--gender", "not asked", None),
]


def test_answers_are_read_forgivingly(kg) -> None:
    for option, typed, code in FORGIVEN:
        assert parse_answer(option[2:].replace("-", "_"), typed) == code, (option, typed)
    # and through the command
    kg("add", "Sam Okafor")
    kg("monitor", "sam", "--consent", "given", "--ethnicity", "White British", "--age-band", "37")
    kg("monitor", "sam", "--postcode-district", "m1 1ae", "--gender", "F")
    record = held(kg)["records"][0]
    assert (record["ethnicity"], record["age_band"], record["postcode_district"], record["gender"]) == (
        "white-british",
        "35-44",
        "M1",
        "woman",
    )


REFUSED = [
    ("--ethnicity", "white", "could be more than one answer"),
    ("--ethnicity", "other", "other-asian"),
    ("--ethnicity", "klingon", "--list-categories"),
    ("--ethnicity", "[bold]x[/bold]", '"[bold]x[/bold]" is not an answer'),
    ("--ethnicity", "", "An empty ethnicity"),
    ("--gender", "Zoë", '"Zoë" is not an answer'),
    ("--age-band", "200", "is not an answer"),
    ("--postcode-district", "123", "is not a postcode district"),
    ("--postcode-district", "LS6 2AB 9", "is not a postcode district"),
]


def test_answers_that_cannot_be_read_are_refused_in_one_line(kg, db_path) -> None:
    kg("add", "Sam Okafor")
    kg("monitor", "sam", "--consent", "given")
    before = fingerprint(db_path)
    for option, typed, says in REFUSED:
        result = kg("monitor", "sam", option, typed, expect=1)
        assert says in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr
    assert fingerprint(db_path) == before


def test_refusals_of_the_command_itself(kg, db_path) -> None:
    kg("add", "Sam Okafor")
    kg("add", "Sam Jones")
    before = fingerprint(db_path)
    assert "Nothing to record" in kg("monitor", "sam okafor", expect=2).stderr
    assert "Sam Jones" in kg("monitor", "sam", "--consent", "given", expect=1).stderr  # ambiguous
    assert "nobody" in kg("monitor", "nobody", "--consent", "given", expect=1).stderr
    assert (
        "future"
        in kg("monitor", "sam okafor", "--consent", "given", "--asked", "next monday", expect=1).stderr
    )
    kg("monitor", "sam okafor", "--consent", "given", "--asked", "not a day", expect=1)
    assert fingerprint(db_path) == before


def test_list_categories_and_help_name_every_answer(kg) -> None:
    listed = kg("monitor", "--list-categories").stdout
    for code, _, words, _ in ETHNICITIES:
        assert code in listed and words in listed
    assert len(ETHNICITIES) == 19 and listed.count("prefer-not") == 5 and listed.count("not-asked") == 5
    for band in ("under-16", "16-24", "25-34", "35-44", "45-54", "55-64", "65+"):
        assert band in listed
    help_text = kg("monitor", "--help").stdout
    assert "--list-categories" in help_text and "prefer-not" in help_text


def test_every_way_of_saying_an_answer_means_one_answer() -> None:
    from keepgoing.core.monitoring import FIELDS, _sayings

    for name in FIELDS[:-1]:
        seen: dict[str, str] = {}
        for code, ways in _sayings(name).items():
            for way in ways:
                assert seen.setdefault(way, code) == code, (name, way)
                assert parse_answer(name, way) == code
    with pytest.raises(BadInput):
        parse_answer("ethnicity", "mixed")


def test_each_day_asked_is_a_record_and_a_field_left_out_keeps_its_answer(kg, clock) -> None:
    kg("add", "Sam Okafor")
    kg(
        "monitor",
        "sam",
        "--consent",
        "given",
        "--asked",
        "2025-11-02",
        "--age-band",
        "25-34",
        "--gender",
        "woman",
    )
    out = kg("monitor", "sam", "--asked", "2026-11-03", "--age-band", "35-44").stdout
    assert "a new record (age band 35 to 44)" in out
    out = kg("monitor", "sam", "--asked", "2026-11-03", "--age-band", "35-44").stdout
    assert out.startswith("Nothing changed")
    records = held(kg)["records"]
    assert [(r["asked_on"], r["age_band"], r["gender"]) for r in records] == [
        ("2026-11-03", "35-44", "woman"),
        ("2025-11-02", "25-34", "woman"),
    ]
    shown = kg("show", "sam", "--monitoring").stdout
    assert "Consent to monitoring given Sun 2 Nov 2025" in shown and "35 to 44" in shown


# --- never shown unless asked for ----------------------------------------------------


def test_monitoring_is_shown_only_when_asked_for(kg, tmp_path) -> None:
    kg("add", "Sam Okafor", "--tag", "walking")
    kg("log", "sam", "--via", "phone")
    kg("monitor", "sam", "--consent", "given", "--ethnicity", "gypsy", "--postcode-district", "ZE2")
    words = ("gypsy", "Gypsy", "ZE2", "monitoring")
    outputs = [
        kg("show", "sam").stdout,
        kg("show", "sam", "--json").stdout,
        kg("people", "--json").stdout,
        kg("people").stdout,
        kg("due", "--json").stdout,
        kg("export").stdout,
        kg("export", "--format", "csv").stdout,
        kg("export", "--format", "md").stdout,
        kg("export", "--anonymise").stdout,
        kg("report", *OCTOBER, "--json").stdout,
    ]
    for output in outputs:
        for word in words[:3]:
            assert word not in output, (word, output[:300])
    assert "monitoring" not in json.loads(kg("show", "sam", "--json").stdout)
    assert "monitoring" not in json.loads(kg("export").stdout)
    assert "ZE2" in kg("show", "sam", "--monitoring").stdout
    assert "gypsy-traveller" in kg("export", "--format", "csv", "--include-monitoring").stdout
    assert "--anonymise" in kg("export", "--include-monitoring", "--anonymise", expect=2).stderr
    assert "json and csv" in kg("export", "--include-monitoring", "--format", "md", expect=2).stderr


def test_the_json_export_carries_monitoring_and_imports_it_back(kg, db_path, tmp_path) -> None:
    kg("add", "Sam Okafor")
    kg("add", "Priya Shah")
    kg("monitor", "sam", "--consent", "given", "--asked", "2025-10-01", "--age-band", "16-24")
    kg("monitor", "sam", "--asked", "2026-10-01", "--age-band", "25-34", "--ethnicity", "roma")
    kg("monitor", "priya", "--consent", "given")  # consent, nothing asked yet
    path = tmp_path / "all.json"
    kg("export", "--include-monitoring", "--output", str(path))
    first = json.loads(path.read_text())["monitoring"]
    assert [(m["person"], m["consent_on"], len(m["records"])) for m in first] == [
        ("Sam Okafor", "2025-10-01", 2),
        ("Priya Shah", "2026-11-20", 0),
    ]
    kg("monitor", "sam", "--consent", "withdrawn")
    kg("monitor", "priya", "--consent", "withdrawn")
    kg("import", str(path))
    again = tmp_path / "again.json"
    kg("export", "--include-monitoring", "--output", str(again))
    assert json.loads(again.read_text())["monitoring"] == first
    before = fingerprint(db_path)
    kg("import", str(path))  # already here: nothing added twice
    assert fingerprint(db_path) == before
    # A bad record in a file is one line naming where, and nothing is written.
    document = json.loads(path.read_text())
    document["monitoring"][0]["records"][0]["ethnicity"] = "martian"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    kg("monitor", "sam", "--consent", "withdrawn")
    before = fingerprint(db_path)
    result = kg("import", str(bad), expect=1)
    assert "monitoring record 1" in result.stderr and "martian" in result.stderr
    assert fingerprint(db_path) == before


@pytest.mark.sqlite_only("one file store into another: the round trip on both is above")
def test_an_export_with_monitoring_round_trips_into_a_new_store(kg, tmp_path) -> None:
    kg("add", "Sam Okafor")
    kg("monitor", "sam", "--consent", "given", "--gender", "prefer-not", "--postcode-district", "LS6")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    kg("export", "--include-monitoring", "--output", str(first))
    other = str(tmp_path / "other.db")
    kg("--db", other, "import", str(first))
    kg("--db", other, "export", "--include-monitoring", "--output", str(second))
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    assert a["monitoring"] == b["monitoring"] and a["people"] == b["people"]
    # `copy` (a file into a team's store, say) takes monitoring with its people.
    copied = str(tmp_path / "copied.db")
    kg("copy", "--to", copied)
    assert json.loads(kg("--db", copied, "show", "sam", "--json", "--monitoring").stdout)["monitoring"] == (
        held(kg)
    )


@pytest.mark.sqlite_only("an answer written straight into the file")
def test_an_answer_keepgoing_does_not_know_counts_as_not_asked(kg, db_path) -> None:
    import sqlite3

    kg("add", "Sam Okafor")
    kg("log", "sam", "--via", "phone")
    kg("monitor", "sam", "--consent", "given", "--ethnicity", "arab", "--gender", "man")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE monitoring SET ethnicity = 'martian', gender = 'prefer-not'")
    conn.close()
    figures = json.loads(kg("report", "--json").stdout)["who_we_reached"]
    ethnicity = next(f for f in figures if f["field"] == "ethnicity")
    assert ethnicity["people"] == "<5" and "martian" not in json.dumps(figures)
    # Counted (a dropped answer would leave every cell a shown 0), and one of one is withheld.
    assert {r["category"]: r["count"] for r in ethnicity["rows"]}["Not asked"] == "withheld"


# --- erased ----------------------------------------------------------------------------


def test_forget_erases_monitoring(kg, db_path) -> None:
    kg("add", "Sam Okafor")
    kg("add", "Priya Shah")
    for name in ("sam", "priya"):
        kg("monitor", name, "--consent", "given", "--ethnicity", "arab", "--asked", "2026-01-05")
        kg("monitor", name, "--ethnicity", "arab")
    assert "3 equality monitoring records" in kg("forget", "sam", "--dry-run").stdout
    kg("forget", "sam", "--yes")
    counts = table_counts(db_path)
    assert counts["monitoring"] == 2 and counts["monitoring_consent"] == 1  # Priya's stay


def test_retention_erases_monitoring_asked_before_the_cut_off(kg, db_path) -> None:
    kg("add", "Sam Okafor")
    kg("monitor", "sam", "--consent", "given", "--asked", "2023-05-01", "--gender", "man")
    kg("monitor", "sam", "--asked", "2026-05-01", "--age-band", "45-54")
    out = kg("retention", "--older-than", "2y", "--dry-run").stdout
    assert "1 equality monitoring record asked then" in out
    kg("retention", "--older-than", "2y", "--yes")
    assert [r["asked_on"] for r in held(kg)["records"]] == ["2026-05-01"]


# --- the report ------------------------------------------------------------------------

# (name, age band, gender, ethnicity, disability, postcode district); None: not asked.
PEOPLE = [
    ("P01", "25-34", "woman", "white-british", "yes", "LS6"),
    ("P02", "25-34", "woman", "white-british", "yes", "LS6"),
    ("P03", "25-34", "woman", "white-british", "yes", "LS6"),
    ("P04", "25-34", "woman", "white-british", "yes", "LS6"),
    ("P05", "25-34", "woman", "irish", "yes", "LS6"),
    ("P06", "35-44", "woman", "other-white", "yes", "LS7"),
    ("P07", "35-44", "woman", "indian", "no", "LS7"),
    ("P08", "35-44", "woman", "indian", "no", "M1"),
    ("P09", "35-44", "man", "indian", "no", "M1"),
    ("P10", "35-44", "man", "pakistani", "no", "prefer-not"),
    ("P11", "45-54", "man", "pakistani", "no", None),
    ("P12", "45-54", "man", "african", None, None),
    ("P13", "55-64", "man", "prefer-not", None, None),
    ("P14", None, None, None, None, None),  # never asked
]
OPTIONS = ("--age-band", "--gender", "--ethnicity", "--disability", "--postcode-district")


@pytest.fixture
def reached(kg, clock):
    """Fourteen people in touch in October 2026, answers as in PEOPLE.

    P01 was asked twice: 2025 (16-24) and 1 Sep 2026 (25-34); the record nearest the
    period's end counts. P02 was only asked after the period (10 Nov): that record
    counts. P14 was never asked at all. Outsider (monitored, Black Caribbean, in LS9)
    was only in touch in September; Missed was only tried (no answer) in October:
    neither counts.
    """
    at(clock, "2025-06-01")
    for name, *_ in PEOPLE:
        kg("add", name)
    kg("add", "Outsider")
    kg("add", "Missed")
    kg("monitor", "P01", "--consent", "given", "--asked", "2025-06-01", "--age-band", "16-24")
    at(clock, "2026-09-01")
    kg("log", "outsider", "--via", "phone")
    kg("monitor", "outsider", "--consent", "given", "--ethnicity", "caribbean", "--postcode-district", "LS9")
    for name, *answers in PEOPLE:
        if name == "P14":
            continue
        given = [x for option, value in zip(OPTIONS, answers, strict=True) if value for x in (option, value)]
        if name != "P02":
            kg("monitor", name, "--consent", "given", *given)
    at(clock, "2026-10-14")
    kg("log", *(name for name, *_ in PEOPLE), "--via", "cuppa")
    kg("log", "missed", "--via", "phone", "--no-answer")
    at(clock, "2026-11-10")
    p02 = PEOPLE[1]
    kg(
        "monitor",
        "P02",
        "--consent",
        "given",
        *[x for o, v in zip(OPTIONS, p02[1:], strict=True) for x in (o, v)],
    )
    at(clock, "2026-11-20")
    return kg


def _table(figures: dict, field: str) -> dict:
    found = next(f for f in figures["who_we_reached"] if f["field"] == field)
    assert found["people"] == 14
    return {row["category"]: (row["count"], row["share"]) for row in found["rows"]}


def test_who_we_reached_figures_by_hand(reached, tmp_path) -> None:
    figures = json.loads(reached("report", *OCTOBER, "--json").stdout)
    assert figures["reach"]["people_in_touch"] == 14
    # Age: 5 at 25-34 (P01's latest record before the end, P02's after it), 5 at 35-44,
    # then 2, 1 and 1 (P14 never asked), each <5: together 4, so each could be 1 or 2.
    assert _table(figures, "age_band") == {
        "Under 16": (0, 0.0),
        "16 to 24": (0, 0.0),
        "25 to 34": (5, 5 / 14),
        "35 to 44": (5, 5 / 14),
        "45 to 54": ("<5", None),
        "55 to 64": ("<5", None),
        "65 and over": (0, 0.0),
        "Prefer not to say": (0, 0.0),
        "Not asked": ("<5", None),
    }
    # Gender: 8 women, 5 men, 1 not asked. The one <5 alone would be 14 - 13 = 1: Man (5)
    # is hidden too; then it would be 14 - 8 - 5 = 1 still (Man at least 5): Woman goes too.
    # Now it is 1 to 4, and Man and Woman each 5 to 8.
    assert _table(figures, "gender") == {
        "Woman": ("hidden", None),
        "Man": ("hidden", None),
        "Non-binary": (0, 0.0),
        "In another way": (0, 0.0),
        "Prefer not to say": (0, 0.0),
        "Not asked": ("<5", None),
    }
    # Ethnicity by the five groups: White 6, Asian 5, Black 1, prefer not 1, not asked 1.
    # The three ones add up to 14 - 11 = 3, so each would be 1: Asian (5) is hidden too;
    # then they add up to 8 - 5 = 3 again (Asian is at least 5): White (6) is hidden as well.
    assert _table(figures, "ethnicity") == {
        "Asian, Asian British or Asian Welsh": ("hidden", None),
        "Black, Black British, Black Welsh, Caribbean or African": ("<5", None),
        "Mixed or Multiple ethnic groups": (0, 0.0),
        "White": ("hidden", None),
        "Other ethnic group": (0, 0.0),
        "Prefer not to say": ("<5", None),
        "Not asked": ("<5", None),
    }
    # Disability: yes 6, no 5, not asked 3 (P12-P14). One small cell alone would be 3:
    # the smallest shown (No, 5) is hidden too.
    assert _table(figures, "disability") == {
        "Yes": (6, 6 / 14),
        "No": ("hidden", None),
        "Prefer not to say": (0, 0.0),
        "Not asked": ("<5", None),
    }
    # Districts: LS6 has 5; LS7 and M1 (2 each) are counted together; the outsider's LS9 is not.
    assert _table(figures, "postcode_district") == {
        "LS6": (5, 5 / 14),
        "Other districts (each under 5)": ("<5", None),
        "Prefer not to say": ("<5", None),
        "Not asked": ("<5", None),
    }
    anonymised = json.loads(reached("report", *OCTOBER, "--json", "--anonymise").stdout)
    assert anonymised["who_we_reached"] == figures["who_we_reached"]
    # The same on the page and in Markdown, and no small district named.
    page, markdown = tmp_path / "r.html", tmp_path / "r.md"
    reached("report", *OCTOBER, "--output", str(page))
    reached("report", *OCTOBER, "--output", str(markdown))
    html, md = page.read_text(), markdown.read_text()
    assert '<section id="who-we-reached">' in html and "<h2>Who we reached</h2>" in html
    assert '<td>LS6</td><td class="n">5</td><td class="n">36%</td>' in html
    assert "| White | hidden |  |" in md and "| 25 to 34 | 5 | 36% |" in md
    for text in (html, md):
        for district in ("LS7", "M1", "LS9"):
            assert f">{district}<" not in text and f"| {district} |" not in text
    reached("report", "--since", "2030-01-01", "--until", "2030-01-31", "--output", str(tmp_path / "e.md"))
    assert "Nobody was in touch in this period." in (tmp_path / "e.md").read_text()


def test_a_worker_report_counts_only_their_people(kg, clock, monkeypatch) -> None:
    at(clock, "2026-10-01")
    for name in ("Ann", "Bob"):
        kg("add", name)
        kg("monitor", name, "--consent", "given", "--gender", "woman")
    monkeypatch.setenv("KEEPGOING_WORKER", "priya")
    kg("log", "ann", "--via", "phone")
    monkeypatch.setenv("KEEPGOING_WORKER", "tom")
    kg("log", "bob", "--via", "phone")
    figures = json.loads(kg("report", *OCTOBER, "--worker", "priya", "--json").stdout)
    gender = next(f for f in figures["who_we_reached"] if f["field"] == "gender")
    assert gender["people"] == "<5"
    # One woman of one person: the single <5 would be 1, and nothing is left to hide.
    assert {r["count"] for r in gender["rows"]} == {"withheld"}


# --- the suppression rule ----------------------------------------------------------------


@cache
def _reachable(spans: tuple[tuple[int, int], ...]) -> frozenset[int]:
    """Every total the cells with these (low, high) bounds can add up to."""
    if not spans:
        return frozenset({0})
    (lo, hi), rest = spans[0], _reachable(spans[1:])
    return frozenset(v + r for v in range(lo, hi + 1) for r in rest)


def _could_be(statuses: list[str], counts: list[int], index: int) -> set[int]:
    """Every value cell `index` could hold, to a reader who sees what is shown and the total
    (an exhaustive search, independent of the interval reasoning in `exposed`)."""
    total = sum(counts)
    spans = [bounds(s, c, total) for s, c in zip(statuses, counts, strict=True)]
    others = tuple(spans[:index] + spans[index + 1 :])
    lo, hi = spans[index]
    return {v for v in range(lo, hi + 1) if total - v in _reachable(others)}


@settings(max_examples=400 if os.environ.get("KEEPGOING_HEAVY_TESTS") else 120, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=2, max_size=6))
def test_no_suppressed_count_can_be_worked_out_from_what_is_shown(counts) -> None:
    statuses = suppress(counts)
    for i, status in enumerate(statuses):
        assert status in ("shown", "small", "hidden", "withheld")
        if 0 < counts[i] < SMALL:
            assert status != "shown"  # every count from 1 to 4 is suppressed
        if status == "shown":
            continue
        # What it is shown as is true of it ...
        lo, hi = bounds(status, counts[i], sum(counts))
        assert lo <= counts[i] <= hi
        # ... and it could be more than one value.
        assert len(_could_be(statuses, counts, i)) >= 2, (counts, statuses, i)
    # The interval reasoning the rule uses agrees with the exhaustive search.
    for trial in product(("shown", "small", "hidden"), repeat=min(len(counts), 4)):
        trial_statuses = list(trial) + statuses[len(trial) :]
        fits = all(
            bounds(s, c, sum(counts))[0] <= c <= bounds(s, c, sum(counts))[1]
            for s, c in zip(trial_statuses, counts, strict=True)
        )
        if fits:
            searched = [
                i
                for i, s in enumerate(trial_statuses)
                if s != "shown" and len(_could_be(trial_statuses, counts, i)) == 1
            ]
            assert exposed(trial_statuses, counts, sum(counts)) == searched


@settings(max_examples=400 if os.environ.get("KEEPGOING_HEAVY_TESTS") else 100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=400), min_size=2, max_size=21))
def test_suppression_holds_for_long_fields_of_large_counts(counts) -> None:
    statuses = suppress(counts)
    assert not exposed(statuses, counts, sum(counts))
    assert all(s != "shown" for s, c in zip(statuses, counts, strict=True) if 0 < c < SMALL)
    # Nothing shown is hidden without need: only counts of 5 or more are ever hidden.
    assert all(c >= SMALL for s, c in zip(statuses, counts, strict=True) if s == "hidden")


def test_merging_two_records_of_one_person_keeps_their_monitoring(kg) -> None:
    kg("add", "Sam Okafor")
    kg("add", "Sammy O")
    kg("monitor", "sammy", "--consent", "given", "--asked", "2026-01-05", "--gender", "man")
    kg("monitor", "sammy", "--asked", "2026-11-20", "--age-band", "25-34")
    kg("monitor", "sam okafor", "--consent", "given", "--asked", "2026-11-20", "--age-band", "35-44")
    kg("merge", "sammy", "into", "sam okafor", "--yes")
    monitoring = held(kg, "sam okafor")
    assert monitoring["consent_on"] == "2026-11-20"
    assert [(r["asked_on"], r["age_band"], r["gender"]) for r in monitoring["records"]] == [
        ("2026-11-20", "35-44", None),  # the kept person's answers for a day both were asked
        ("2026-01-05", None, "man"),
    ]
