"""Duplicates, same names and merging (issue 22): loose matching, `log --new` near names, `merge`."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import fingerprint
from keepgoing.text import loose_key


def _one_line(result, *needles: str) -> None:
    assert result.stderr.count("\n") == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


# --- loose matching ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "known"),
    [
        ("kerry ann walsh", "Kerry-Ann Walsh"),
        ("kerry ann", "Kerry-Ann Walsh"),
        ("KERRYANN", "Kerry-Ann Walsh"),
        ("oconnor", "Siobhán O’Connor"),
        ("siobhan o connor", "Siobhán O’Connor"),
        ("mens", "Men's Shed Dave"),
    ],
)
def test_a_name_differing_only_by_spaces_hyphens_apostrophes_accents_or_case_matches(
    kg, typed, known
) -> None:
    kg("add", known)
    kg("add", "Bob Jones")
    shown = json.loads(kg("show", typed, "--json").stdout)
    assert shown["name"] == known
    logged = kg("log", typed, "--new", "--json")
    assert json.loads(logged.stdout)["created"] == []
    assert len(json.loads(kg("people", "--json").stdout)) == 2


@given(st.text(alphabet="abcdeé -'’", min_size=1, max_size=12))
def test_the_loose_key_ignores_only_spaces_hyphens_apostrophes_accents_and_case(word) -> None:
    varied = word.upper().replace(" ", "-").replace("é", "E")
    assert loose_key(varied) == loose_key(word)
    assert loose_key(word) == "".join(c for c in loose_key(word) if c.isalnum())


def test_log_new_refuses_a_name_very_like_someone_off_a_terminal_and_adds_with_yes(kg, db_path) -> None:
    kg("add", "Kerry-Ann Walsh")
    before = fingerprint(db_path)
    refused = kg("log", "Kerry Anne Walsh", "--new", expect=1)
    _one_line(refused, '"Kerry Anne Walsh" is very like Kerry-Ann Walsh', "--yes")
    assert fingerprint(db_path) == before
    added = json.loads(kg("log", "Kerry Anne Walsh", "--new", "--yes", "--json").stdout)
    assert added["created"] == ["Kerry Anne Walsh"]
    # A name like nobody is added without a question.
    assert json.loads(kg("log", "Priya Shah", "--new", "--json").stdout)["created"] == ["Priya Shah"]


def test_log_new_asks_on_a_terminal_before_adding_a_near_name(kg, monkeypatch) -> None:
    kg("add", "Kerry-Ann Walsh")
    monkeypatch.setattr("keepgoing.cli.prompts.can_ask", lambda: True)
    kg("log", "Kerry Anne Walsh", "--new", input="n\n", expect=130)
    assert len(json.loads(kg("people", "--json").stdout)) == 1
    asked = kg("log", "Kerry Anne Walsh", "--new", input="y\n")
    assert "very like Kerry-Ann Walsh" in asked.stdout + asked.stderr
    assert len(json.loads(kg("people", "--json").stdout)) == 2
