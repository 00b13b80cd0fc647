"""Bad input: one clear line on stderr, the right exit status, nothing written."""

from __future__ import annotations

import json

import pytest

from conftest import table_counts


@pytest.fixture
def people(kg):
    for name in ("Sam Okafor", "Sam Smith", "Samira Khan", "Ann Lee"):
        kg("add", name)
    kg("add", "Priya Shah", "--alias", "Pri")


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def test_unknown_name_names_close_candidates(kg, people, db_path) -> None:
    before = table_counts(db_path)
    result = kg("log", "Samm Okafor", "--via", "phone", "--note", "secret", expect=1)
    line = one_line(result.stderr)
    assert 'No one called "Samm Okafor"' in line and "Sam Okafor" in line
    assert result.stdout == ""
    assert table_counts(db_path) == before


def test_unknown_name_suggests_how_to_add(kg, people) -> None:
    line = one_line(kg("log", "Zebedee", expect=1).stderr)
    assert "--new" in line


def test_ambiguous_name_lists_the_candidates(kg, people, db_path) -> None:
    before = table_counts(db_path)
    result = kg("log", "sam", "--via", "phone", expect=1)
    line = one_line(result.stderr)
    assert "Sam Okafor" in line and "Sam Smith" in line and "Ann Lee" not in line
    # A whole word beats the start of one: "sam" never means Samira here.
    assert "Samira" not in line
    line = one_line(kg("show", "sa", expect=1).stderr)
    assert "Sam Okafor, Sam Smith, Samira Khan" in line
    assert table_counts(db_path) == before


def test_one_bad_name_among_several_writes_nothing(kg, people, db_path) -> None:
    before = table_counts(db_path)
    kg("log", "ann", "nobody-at-all", "--via", "phone", expect=1)
    kg("log", "ann", "--new", "x" * 300, "--via", "phone", expect=1)
    assert table_counts(db_path) == before


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("okafor", "Sam Okafor"),  # a whole word
        ("sam o", "Sam Okafor"),  # the start of the full name
        ("SAM OKAFOR", "Sam Okafor"),  # any case
        ("samira", "Samira Khan"),
        ("sami", "Samira Khan"),  # unique prefix
        ("pri", "Priya Shah"),  # alias beats prefix
        ("khan", "Samira Khan"),
        ("  ann   lee ", "Ann Lee"),
    ],
)
def test_names_match_by_word_prefix_alias_and_case(kg, people, query: str, expected: str) -> None:
    assert json.loads(kg("show", query, "--json").stdout)["name"] == expected


def test_duplicate_names_and_aliases_are_refused(kg, people, db_path) -> None:
    before = table_counts(db_path)
    assert "already used by Sam Okafor" in kg("add", "sam okafor", expect=1).stderr
    assert "already used by Priya Shah" in kg("add", "PRI", expect=1).stderr
    assert "already used by Ann Lee" in kg("add", "Bob", "--alias", "Ann Lee", expect=1).stderr
    assert table_counts(db_path) == before


@pytest.mark.parametrize(
    "args",
    [
        ("log", "ann", "--when", "the day after the fair"),
        ("log", "ann", "--when", "31/02/2026"),
        ("log", "ann", "--when", "tomorrow"),
        ("log", "ann", "--when", "99999999999999999999 days ago"),
        ("log", "ann", "--follow-up", "x", "--due", "someday"),
        ("log", "ann", "--due", "friday"),
        ("log", "ann", "--follow-up", "   "),
        ("log", "ann", "--via", "carrier pigeon"),
        ("add", "New Person", "--every", "sometimes"),
        ("add", "New Person", "--prefers", "fax"),
        ("add", "New Person", "--email", "not-an-email"),
        ("add", "New Person", "--phone", "call me maybe"),
        ("add", ""),
        ("add", "   "),
        ("add", "bad\x1b[31mname"),
        ("add", "x" * 201),
        ("pause", "ann", "--until", "yesterday"),
        ("pause", "ann", "--until", "never"),
        ("due", "--within", "a while"),
        ("edit", "ann", "--untag", "nope"),
        ("log", "ann", "--note", "n" * 20_001),
    ],
)
def test_bad_input_exits_1_with_one_line_and_writes_nothing(kg, people, db_path, args) -> None:
    before = table_counts(db_path)
    result = kg(*args, expect=1)
    assert one_line(result.stderr).startswith("Error: ")
    assert table_counts(db_path) == before


@pytest.mark.parametrize(
    "args",
    [
        ("log", "ann", "--wellbeing", "7"),
        ("log", "ann", "--wellbeing", "lots"),
        ("log", "ann", "--no-such-option"),
        ("no-such-command",),
        ("done", "three"),
        ("pause", "ann"),
        ("show",),
    ],
)
def test_usage_errors_exit_2(kg, people, db_path, args) -> None:
    before = table_counts(db_path)
    result = kg(*args, expect=2)
    assert one_line(result.stderr).startswith("Error: ")
    assert table_counts(db_path) == before


def test_log_without_names_off_a_terminal_is_a_usage_error(kg, people, db_path) -> None:
    before = table_counts(db_path)
    result = kg("log", "--via", "phone", expect=2)
    assert "Who did you talk to?" in result.stderr
    assert table_counts(db_path) == before


MARKUP = "[bold red]loud[/bold red] [link=http://x]x[/link] :smile:"
ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x9b31m \u202egnp.exe"


def test_user_text_is_printed_literally(kg, clock) -> None:
    kg("add", MARKUP, "--org", MARKUP, "--tag", "[red]")
    kg("log", "[bold", "--via", "phone", "--note", MARKUP, "--follow-up", MARKUP, "--due", "today")
    clock.advance(days=40)
    for args in (("due",), ("people",), ("show", "[bold"), ("followups",)):
        out = kg(*args).stdout
        assert "[bold red]loud[/bold red]" in out, args
        assert ":smile:" in out


def test_escape_sequences_never_reach_the_terminal(kg, clock) -> None:
    kg("add", "Eve Escape")
    out = kg("log", "eve", "--via", "phone", "--note", ESCAPES, "--follow-up", ESCAPES).stdout
    clock.advance(days=40)
    outputs = [out] + [kg(*a).stdout for a in (("due",), ("show", "eve"), ("followups",))]
    outputs += [kg(*a).stdout for a in (("show", "eve", "--json"), ("followups", "--json"))]
    for text in outputs:
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
        assert "\u202e" not in text
    assert "\\x1b[2J" in outputs[2]
    # JSON keeps the exact text: decoding gives back what was typed.
    assert json.loads(outputs[4])["conversations"][0]["note"] == ESCAPES


def test_unicode_names_are_normalised_and_matched(kg) -> None:
    decomposed = "Zoe\u0301 Bjo\u0308rk"  # é and ö as combining marks
    kg("add", decomposed)
    shown = json.loads(kg("show", "zoé", "--json").stdout)
    assert shown["name"] == "Zoé Björk"
    assert json.loads(kg("show", "BJÖRK", "--json").stdout)["name"] == "Zoé Björk"
    assert json.loads(kg("show", "zoe", "--json").stdout)["name"] == "Zoé Björk"  # accents optional
    assert json.loads(kg("show", "bjork", "--json").stdout)["name"] == "Zoé Björk"
    kg("add", "渡辺 さくら")
    assert json.loads(kg("show", "さくら", "--json").stdout)["name"] == "渡辺 さくら"
    kg("add", "Straße Groß")
    assert json.loads(kg("show", "STRASSE", "--json").stdout)["name"] == "Straße Groß"


def test_a_huge_note_is_kept_whole(kg) -> None:
    kg("add", "Long Talker")
    note = "word " * 3999
    kg("log", "long", "--via", "phone", "--note", note)
    shown = json.loads(kg("show", "long", "--json").stdout)
    assert shown["conversations"][0]["note"] == note.strip()


def test_sql_looking_text_is_just_text(kg, db_path) -> None:
    name = "Robert'); DROP TABLE person;--"
    kg("add", name)
    kg("log", "robert", "--via", "phone", "--note", "' OR 1=1 --")
    assert json.loads(kg("show", "robert", "--json").stdout)["name"] == name
    assert table_counts(db_path)["person"] == 1


def test_like_wildcards_are_not_wildcards(kg) -> None:
    kg("add", "Ann Lee")
    assert "at least one letter or digit" in kg("show", "%", expect=1).stderr  # matches nobody
    assert "No one called" in kg("show", "_nn", expect=1).stderr


@pytest.mark.sqlite_only("it damages the SQLite file")
def test_a_corrupt_store_is_a_clear_error(kg, db_path) -> None:
    db_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    result = kg("due", expect=1)
    assert one_line(result.stderr).startswith("Error: ")
    result = kg("add", "Someone", expect=1)
    assert one_line(result.stderr).startswith("Error: ")


def test_an_internal_error_does_not_leak_the_note(kg, monkeypatch) -> None:
    kg("add", "Sensitive Sid")

    def explode(*args, **kwargs):
        raise ValueError("Sensitive Sid said: relapse last week")

    monkeypatch.setattr("keepgoing.core.conversations.log_conversation", explode)
    result = kg("log", "sid", "--via", "phone", "--note", "relapse last week", expect=1)
    assert "internal problem" in result.stderr
    assert "relapse" not in result.stderr and "Sensitive" not in result.stderr
    assert "Traceback" not in result.stderr
