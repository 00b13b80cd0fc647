"""Typed names and queries (issue 19): letters needed, joiners where scripts use them, caps.

A name or a query needs a letter or digit; ZWJ and ZWNJ are accepted between
letters of the scripts written with them (and in emoji sequences), refused
anywhere else; marks stacked on one letter, aliases and tags per person, and
words in a search are capped, each with a one-line refusal.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import fingerprint

MARK = "\u0301"  # combining acute accent


def _one_line(result, *needles: str) -> None:
    assert result.stderr.count("\n") == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


# --- a letter or digit --------------------------------------------------------------------


def test_a_query_of_only_combining_marks_matches_nobody_and_erases_nothing(kg, db_path) -> None:
    kg("add", "Ann Lee")
    before = fingerprint(db_path)
    for command in (
        ["forget", MARK, "--yes"],
        ["show", MARK],
        ["log", MARK * 3],
        ["edit", MARK, "--org", "x"],
    ):
        _one_line(kg(*command, expect=1), "at least one letter or digit")
    assert fingerprint(db_path) == before
    _one_line(kg("log", MARK, "--new", expect=1), "at least one letter or digit")
    assert fingerprint(db_path) == before


@pytest.mark.parametrize("name", [MARK, MARK * 3, " \u0301 \u0308 ", "-", "!!", "\u0301."])
def test_a_name_without_a_letter_or_digit_is_refused_everywhere(kg, db_path, tmp_path, name) -> None:
    kg("add", "Ann Lee")
    kg("log", "ann", "--note", "Went well.")
    before = fingerprint(db_path)
    _one_line(kg("add", name, expect=1), "The name needs at least one letter or digit")
    _one_line(kg("edit", "ann", "--name", name, expect=1), "letter or digit")
    _one_line(kg("edit", "ann", "--alias", name, expect=1), "The alias needs at least one letter or digit")
    _one_line(kg("group", "add", name, expect=1), "letter or digit")
    path = tmp_path / "people.json"
    path.write_text(json.dumps({"format_version": 2, "people": [{"id": 1, "name": name}]}))
    _one_line(kg("import", str(path), expect=1), "people.json, person 1", "letter or digit")
    assert fingerprint(db_path) == before


def test_names_with_digits_or_letters_of_any_script_are_fine(kg) -> None:
    for name in ("Flat 4", "李小龍", "Zoë", "O'Brien"):
        kg("add", name)
        assert json.loads(kg("show", name, "--json").stdout)["name"] == name


# --- joiners -------------------------------------------------------------------------------

JOINED = [
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian می‌خواهم: ZWNJ between letters
    "\u0d28\u0d3f\u0d24\u0d4d\u200d\u0d2f",  # Malayalam: ZWJ after a virama
    "\u0915\u094d\u200d\u0937\u093e",  # Devanagari क्‍षा
    "Mum \U0001f469\u200d\U0001f467\u200d\U0001f466",  # an emoji family
    "Alex \U0001f3f3\ufe0f\u200d\U0001f308",  # a rainbow flag: variation selector before the joiner
]


@pytest.mark.parametrize("name", JOINED)
def test_joiners_where_a_script_uses_them_are_part_of_the_name(kg, tmp_path, name) -> None:
    kg("add", name)
    person = json.loads(kg("show", name, "--json").stdout)
    assert person["name"] == name
    kg("forget", name, "--yes")
    path = tmp_path / "people.csv"
    path.write_text(f"name\n{name}\n", encoding="utf-8")
    kg("import", str(path), "--include-forgotten", name)
    assert json.loads(kg("show", name, "--json").stdout)["name"] == name


@pytest.mark.parametrize(
    "name",
    [
        "Ann\u200dLee",  # Latin: the joiner only hides a difference
        "Ann\u200cLee",
        "\u200c\u0645\u06cc",  # at the start
        "\u0645\u06cc\u200c",  # at the end
        "\u0645\u06cc \u200c\u062e",  # after a space
        "\u0645\u06cc\u200c\u200c\u062e",  # doubled
        "\u0645\u06cc\u200d\u200c\u062e",
        "\U0001f469\u200d",
    ],
)
def test_joiners_anywhere_else_are_refused_as_invisible(kg, name) -> None:
    _one_line(kg("add", "x " + name, expect=1), "invisible ones")


# --- stacked marks ---------------------------------------------------------------------------


def test_marks_stacked_on_one_letter_are_capped(kg, tmp_path, db_path) -> None:
    kg("add", "Ze" + "\u0301\u0302\u0303\u0304")  # four marks on one letter: fine
    before = fingerprint(db_path)
    zalgo = "Za" + "\u0301" * 150 + "lgo"
    _one_line(kg("add", zalgo, expect=1), "more than 4 accents or marks on one letter")
    _one_line(kg("add", "Ann", "--alias", "A" + "\u0301" * 6, expect=1), "The alias has more")
    path = tmp_path / "p.csv"
    path.write_text(f"name\n{zalgo}\n")
    _one_line(kg("import", str(path), expect=1), "p.csv, line 2", "more than 4")
    assert fingerprint(db_path) == before


# --- aliases and tags: capped, indexed once -------------------------------------------------


def _flags(flag: str, prefix: str, count: int) -> list[str]:
    return [part for i in range(count) for part in (flag, f"{prefix}{i}")]


def test_aliases_and_tags_per_person_are_capped_on_add_edit_and_import(kg, db_path, tmp_path) -> None:
    kg("add", "Ann Lee", *_flags("--alias", "al", 50), *_flags("--tag", "tg", 100))
    ann = json.loads(kg("show", "ann", "--json").stdout)
    assert len(ann["aliases"]) == 50 and len(ann["tags"]) == 100
    before = fingerprint(db_path)
    _one_line(kg("edit", "ann", "--alias", "one more", expect=1), "at most 50 aliases", "51")
    _one_line(kg("edit", "ann", "--tag", "one-more", expect=1), "at most 100 tags", "101")
    _one_line(kg("add", "Bob", *_flags("--alias", "b", 51), expect=1), "at most 50 aliases")
    _one_line(kg("add", "Bob", *_flags("--tag", "b", 101), expect=1), "at most 100 tags")
    path = tmp_path / "people.csv"
    path.write_text("name,tags,aliases\nCy," + ";".join(f"t{i}" for i in range(101)) + ",\n")
    _one_line(kg("import", str(path), expect=1), "people.csv, line 2", "at most 100 tags")
    path.write_text("name,aliases\nCy," + ";".join(f"c{i}" for i in range(51)) + "\n")
    _one_line(kg("import", str(path), expect=1), "people.csv, line 2", "at most 50 aliases")
    assert fingerprint(db_path) == before
    kg("edit", "ann", "--alias", "al3", "--tag", "tg3")  # already theirs: still within the caps


def test_many_aliases_and_tags_are_searchable_and_indexed_once(kg, db_path) -> None:
    kg("add", "Ann Lee", *_flags("--alias", "al", 50), *_flags("--tag", "tg", 100))
    kg("edit", "ann", "--alias", "Nan", "--tag", "walking", "--unalias", "al7", "--untag", "tg8")
    for words in (["al49"], ["tg99"], ["nan"], ["walking"]):
        assert "Ann Lee" in kg("search", *words).stdout, words
    assert "Ann Lee" not in kg("search", "al7").stdout
    if isinstance(db_path, str):
        return  # the index and its triggers are SQLite's
    with sqlite3.connect(db_path) as conn:
        triggers = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"search_alias_ai", "search_tag_ai", "search_conversation_ai"} <= triggers
        (documents,) = conn.execute("SELECT count(*) FROM search_text WHERE kind = 'person'").fetchone()
    assert documents == 1


# --- search: words and length ----------------------------------------------------------------


def test_a_long_search_is_refused_with_its_own_length(kg) -> None:
    kg("add", "Ann")
    result = kg("search", "x" * 20_000, expect=1)
    _one_line(result, "The search is 20,000 characters long", "1,000")
    assert "note" not in result.stderr
    _one_line(kg("search", *(["ann"] * 33), expect=1), "33 words", "at most 32")
    assert "Ann" in kg("search", *(["ann"] * 32)).stdout


# --- any name: refused in one line, or found again by itself ------------------------------------

_NAME_CHARS = st.sampled_from(
    "aZé 4-'.\u0301\u0308\u200c\u200d\u0645\u06cc\u0d28\u0d4d\U0001f469\ufe0f\u00ad\u200b"
)


@pytest.mark.sqlite_only("name checks are the same on either store")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(_NAME_CHARS, min_size=1, max_size=10))
def test_any_name_is_refused_in_one_line_or_found_and_forgotten(kg, name) -> None:
    kg("add", "Other Person", expect=None)  # the first example adds them; later ones are told they exist
    kg("log", "other", "--note", "Ends with a dot.")
    added = kg("add", "--", name, expect=None)
    if added.exit_code:
        assert added.exit_code == 1 and added.stderr.count("\n") == 1, added.stderr
        return
    shown = json.loads(kg("show", "--json", "--", name).stdout)
    assert any(c.isalnum() for c in shown["name"])
    kg("forget", "--yes", "--", name)
    assert [p["name"] for p in json.loads(kg("people", "--json").stdout)] == ["Other Person"]
