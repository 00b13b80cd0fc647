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


# --- merge -----------------------------------------------------------------------------------


def _export(kg, tmp_path, name: str) -> dict:
    path = tmp_path / name
    kg("export", "--output", str(path))
    return json.loads(path.read_text())


def _setup(kg) -> None:
    kg("add", "Kerry-Ann Walsh", "--alias", "Kaz", "--tag", "carers", "--phone", "07700 900111")
    kg("add", "Kerry Anne Walsh", "--alias", "Kez", "--tag", "walking", "--email", "k@example.org", "--yes")
    kg(
        "edit",
        "Kerry Anne Walsh",
        "--phone",
        "07700 900222",
        "--consent",
        "given",
        "--note",
        "Prefers mornings",
    )
    kg("add", "Bob Jones")
    kg(
        "log",
        "Kerry Anne Walsh",
        "--via",
        "phone",
        "--note",
        "Solo",
        "--when",
        "yesterday",
        "--follow-up",
        "Send the form",
        "--idea",
        "Seed swap",
        "--wellbeing",
        "3",
    )
    kg("log", "Kerry-Ann Walsh", "--via", "cuppa", "--note", "Older", "--when", "5 days ago")
    kg(
        "log",
        "Kerry-Ann Walsh",
        "Kerry Anne Walsh",
        "Bob",
        "--via",
        "cuppa",
        "--note",
        "All three",
        "--when",
        "3 days ago",
    )
    kg("note", "Kerry Anne Walsh", "Loves gardening")
    kg("win", "Led the walk", "--with", "Kerry Anne Walsh", "--with", "Kerry-Ann Walsh")
    kg("win", "Spoke up", "--with", "Kerry Anne Walsh")
    kg("group", "add", "Walking", "--member", "Kerry Anne Walsh", "--member", "Kerry-Ann Walsh")
    kg("group", "add", "Knit", "--member", "Kerry Anne Walsh")


def test_merge_moves_everything_and_loses_nothing(kg, tmp_path) -> None:
    _setup(kg)
    before = _export(kg, tmp_path, "before.json")
    ids = {p["name"]: p["id"] for p in before["people"]}
    gone, kept = ids["Kerry Anne Walsh"], ids["Kerry-Ann Walsh"]
    done = kg("merge", "Kerry Anne Walsh", "INTO", "Kerry-Ann Walsh", "--yes")
    assert "Merged Kerry Anne Walsh into Kerry-Ann Walsh: moved 1 conversation" in done.stdout
    after = _export(kg, tmp_path, "after.json")
    assert [p["id"] for p in after["people"]] == [p["id"] for p in before["people"] if p["id"] != gone]

    def moved(ids: list[int]) -> list[int]:
        return sorted({kept if i == gone else i for i in ids})

    for section, linked in (
        ("conversations", "person_ids"),
        ("wins", "person_ids"),
        ("groups", "member_ids"),
    ):
        now = {item["id"]: item for item in after[section]}
        assert sorted(now) == sorted(item["id"] for item in before[section]), section
        for item in before[section]:
            assert sorted(now[item["id"]][linked]) == moved(item[linked]), (section, item)
            same = {k: v for k, v in item.items() if k not in (linked, "people", "members")}
            assert {k: now[item["id"]][k] for k in same} == same
    for section in ("follow_ups", "notes", "ideas"):
        now = {item["id"]: item for item in after[section]}
        for item in before[section]:
            assert now[item["id"]] == {
                **item,
                "person_id": moved([item["person_id"]])[0],
                "person": "Kerry-Ann Walsh",
            }
    card = next(p for p in after["people"] if p["id"] == kept)
    assert sorted(card["aliases"]) == ["Kaz", "Kerry Anne Walsh", "Kez"]
    assert sorted(card["tags"]) == ["carers", "walking"]
    assert (card["phone"], card["email"], card["consent"], card["note"]) == (
        "07700 900111",
        "k@example.org",
        "given",
        "Prefers mornings",
    )
    # The phone that differed is kept, as a lasting note on the kept card.
    assert any("07700 900222" in n["text"] and n["person_id"] == kept for n in after["notes"])
    # The merged name now finds the kept person.
    assert json.loads(kg("show", "Kerry Anne Walsh", "--json").stdout)["id"] == kept


def test_merge_works_out_last_contact_and_due_again(kg) -> None:
    kg("add", "Kerry-Ann Walsh")
    kg("add", "Kez Walsh")
    kg("log", "Kerry-Ann Walsh", "--via", "cuppa", "--when", "20 days ago")
    kg("log", "Kez Walsh", "--via", "phone", "--when", "2 days ago")
    kg("merge", "Kez Walsh", "into", "Kerry-Ann Walsh", "--yes")
    card = json.loads(kg("show", "Kerry-Ann Walsh", "--json").stdout)
    assert (card["last_contact_via"], card["days_since_contact"]) == ("phone", 2)
    assert card["due_on"] == "2026-12-18"  # 30 days after 18 November


def test_merge_dry_run_and_every_refusal_change_nothing(kg, db_path) -> None:
    _setup(kg)
    before = fingerprint(db_path)
    plan = json.loads(
        kg("merge", "Kerry Anne Walsh", "INTO", "Kerry-Ann Walsh", "--dry-run", "--json").stdout
    )
    assert plan["moved"]["conversation"] == 1 and plan["shared"]["conversation"] == 1
    assert plan["moved"]["follow-up"] == 1 and plan["filled"] == ["email", "consent", "note"]
    said = kg("merge", "Kerry Anne Walsh", "INTO", "Kerry-Ann Walsh", "--dry-run").stdout
    assert "Would move 1 conversation" in said and "Nothing changed." in said
    _one_line(kg("merge", "Kerry Anne Walsh", "INTO", "Kerry-Ann Walsh", expect=2), "--yes")
    _one_line(kg("merge", "Kerry Anne Walsh", "with", "Kerry-Ann Walsh", "--yes", expect=2), "INTO")
    _one_line(kg("merge", "Kez", "INTO", "Kerry Anne Walsh", "--yes", expect=1), "the same person")
    _one_line(kg("merge", "Nobody Here", "INTO", "Kaz", "--yes", expect=1), 'No one called "Nobody Here"')
    assert fingerprint(db_path) == before


def test_merge_refuses_past_the_alias_cap(kg, db_path) -> None:
    kg("add", "Ann Lee", *[f for i in range(30) for f in ("--alias", f"a{i}")])
    kg("add", "Ann Leigh", *[f for i in range(20) for f in ("--alias", f"b{i}")])
    before = fingerprint(db_path)
    _one_line(kg("merge", "Ann Leigh", "INTO", "Ann Lee", "--yes", expect=1), "at most 50 aliases", "51")
    assert fingerprint(db_path) == before


def test_merge_asks_on_a_terminal(kg, monkeypatch) -> None:
    kg("add", "Ann Lee")
    kg("add", "Ann Leigh")
    monkeypatch.setattr("keepgoing.cli.prompts.can_ask", lambda: True)
    kg("merge", "Ann Leigh", "INTO", "Ann Lee", input="n\n", expect=130)
    assert len(json.loads(kg("people", "--json").stdout)) == 2
    kg("merge", "Ann Leigh", "INTO", "Ann Lee", input="y\n")
    assert [p["name"] for p in json.loads(kg("people", "--json").stdout)] == ["Ann Lee"]


# --- two people with one name ------------------------------------------------------------------


def test_two_people_may_share_a_name_told_apart_by_organisation(kg, db_path) -> None:
    kg("add", "John Smith")
    before = fingerprint(db_path)
    _one_line(kg("add", "John Smith", expect=1), "already used by John Smith", "--org")
    _one_line(kg("add", "John Smith", "--org", "Food bank", "--yes", expect=1), "no organisation", "edit")
    kg("edit", "John Smith", "--org", "Tenants")
    before = fingerprint(db_path)
    _one_line(
        kg("add", "John Smith", "--org", "Food bank", expect=1),
        "There is already John Smith (Tenants)",
        "--yes",
    )
    _one_line(
        kg("add", "John Smith", "--org", "tenants", "--yes", expect=1), "John Smith (Tenants) is already here"
    )
    assert fingerprint(db_path) == before
    added = kg("add", "John Smith", "--org", "Food bank", "--yes")
    assert added.stdout.startswith("Added John Smith (Food bank):")
    # The name alone could be either, and the refusal shows them as they are told apart.
    for query in ("John Smith", "smith", "john"):
        _one_line(
            kg("show", query, expect=1), "could be 2 people: John Smith (Food bank), John Smith (Tenants)"
        )
    food = json.loads(kg("show", "John Smith (Food bank)", "--json").stdout)
    tenants = json.loads(kg("show", "john smith (tenants)", "--json").stdout)
    assert (food["name"], food["label"], food["organisation"]) == (
        "John Smith",
        "John Smith (Food bank)",
        "Food bank",
    )
    assert tenants["label"] == "John Smith (Tenants)" and tenants["id"] != food["id"]
    assert "John Smith (Food bank)" in kg("show", "John Smith (Food bank)").stdout
    kg("log", "John Smith (Tenants)", "--via", "phone")
    # A third needs an organisation of their own too.
    _one_line(
        kg("add", "John Smith", "--yes", expect=1),
        "already used by John Smith (Food bank) and John Smith (Tenants)",
        "--org",
    )
    # Moving to another organisation keeps them apart; none at all would not.
    kg("edit", "John Smith (Food bank)", "--org", "Hub")
    assert json.loads(kg("show", "John Smith (Hub)", "--json").stdout)["id"] == food["id"]
    _one_line(kg("edit", "John Smith (Hub)", "--org", "", expect=1), "told apart by organisation")


def test_a_same_name_is_asked_about_on_a_terminal(kg, monkeypatch) -> None:
    kg("add", "John Smith", "--org", "Tenants")
    monkeypatch.setattr("keepgoing.cli.prompts.can_ask", lambda: True)
    kg("add", "John Smith", "--org", "Food bank", input="n\n", expect=130)
    assert len(json.loads(kg("people", "--json").stdout)) == 1
    kg("add", "John Smith", "--org", "Food bank", input="y\n")
    labels = sorted(p["label"] for p in json.loads(kg("people", "--json").stdout))
    assert labels == ["John Smith (Food bank)", "John Smith (Tenants)"]
