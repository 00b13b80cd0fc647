"""Two people who share a name, and names very like someone's (issue 22, "Duplicates, same names").

JSON `name` stays the person's name; `label` (and a follow-up's `person_label`) is how
they are shown: "John Smith (Food bank)". Screens and packs show the label.
"""

from __future__ import annotations

import json

import pytest

from conftest import fingerprint


def _json(result) -> object:
    return json.loads(result.stdout)


@pytest.fixture
def smiths(kg):
    kg("add", "John Smith", "--org", "Tenants")
    kg("add", "John Smith", "--org", "Food bank", "--yes")
    return kg


def test_due_people_and_follow_ups_show_who_is_who(smiths) -> None:
    kg = smiths
    said = kg("log", "john smith (food", "--follow-up", "Ring back", "--due", "friday")
    assert "with John Smith (Food bank)" in said.stdout and "for John Smith (Food bank)" in said.stdout
    people = _json(kg("people", "--json"))
    assert [(p["name"], p["label"]) for p in people] == [
        ("John Smith", "John Smith (Food bank)"),
        ("John Smith", "John Smith (Tenants)"),
    ]
    assert "John Smith (Tenants)" in " ".join(kg("people").stdout.split())
    due = _json(kg("due", "--within", "40d", "--json"))
    assert {(p["name"], p["label"]) for p in due["people"]} == {
        ("John Smith", "John Smith (Food bank)"),
        ("John Smith", "John Smith (Tenants)"),
    }
    [follow_up] = due["follow_ups"]
    assert (follow_up["person"], follow_up["person_label"]) == ("John Smith", "John Smith (Food bank)")
    screen = " ".join(kg("due", "--within", "40d").stdout.split())
    assert "John Smith (Food bank)" in screen and "John Smith (Tenants)" in screen
    assert "John Smith (Food bank)" in " ".join(kg("followups").stdout.split())
    pack = kg("export", "--format", "md").stdout
    assert "## John Smith (Food bank)\n" in pack and "## John Smith (Tenants)\n" in pack
    assert "- John Smith (Tenants): monthly" in pack
    refused = kg("log", "john smith", expect=1).stderr
    assert "John Smith (Food bank), John Smith (Tenants)" in refused


def test_edit_name_to_a_shared_name_follows_the_add_rule(smiths, db_path) -> None:
    kg = smiths
    kg("add", "Jo Smith", "--org", "Carers")
    before = fingerprint(db_path)
    refused = kg("edit", "jo smith", "--name", "John Smith", expect=1).stderr
    assert "There is already John Smith (Food bank) and John Smith (Tenants)" in refused
    assert "--yes" in refused and refused.count("\n") == 1
    assert fingerprint(db_path) == before
    same_org = kg("edit", "jo smith", "--name", "John Smith", "--org", "tenants", "--yes", expect=1).stderr
    assert "John Smith (Tenants) is already here" in same_org
    kg("add", "Jo Bloggs")
    no_org = kg("edit", "jo bloggs", "--name", "John Smith", "--yes", expect=1).stderr
    assert "--org" in no_org
    assert fingerprint(db_path) != before  # Jo Bloggs was added, nothing else
    said = kg("edit", "jo smith", "--name", "John Smith", "--yes")
    assert "Updated John Smith (Carers): name" in said.stdout
    labels = sorted(p["label"] for p in _json(kg("people", "--json")) if p["name"] == "John Smith")
    assert labels == ["John Smith (Carers)", "John Smith (Food bank)", "John Smith (Tenants)"]
    assert _json(kg("show", "john smith (carers)", "--json"))["organisation"] == "Carers"


def test_edit_name_to_a_free_name_is_as_before(smiths) -> None:
    smiths("edit", "john smith (tenants)", "--name", "Johnny Smith")
    assert {p["label"] for p in _json(smiths("people", "--json"))} == {
        "Johnny Smith",
        "John Smith (Food bank)",
    }


def test_add_asks_about_a_name_very_like_someone_s(kg, db_path) -> None:
    kg("add", "Priya Shah")
    before = fingerprint(db_path)
    for close in ("Priya Shaw", "priya  SHAH.", "Príya Shah", "Priya Sha"):
        refused = kg("add", close, expect=1).stderr
        assert "very like Priya Shah" in refused and "--yes" in refused and refused.count("\n") == 1
    assert fingerprint(db_path) == before
    assert "Added Priya Shaw" in kg("add", "Priya Shaw", "--yes").stdout
    # The same check as log --new, worded for logging.
    assert "to log with them" in kg("log", "Priya Shau", "--new", expect=1).stderr
    # Names that are simply different are not asked about.
    kg("add", "Priya Patel")
    kg("add", "Sam Okafor")
    kg("add", "Sam Oka")


def test_add_on_a_terminal_asks_first(kg, monkeypatch) -> None:
    from keepgoing.cli import prompts

    kg("add", "Priya Shah")
    monkeypatch.setattr(prompts, "can_ask", lambda: True)
    asked: list[str] = []

    def confirm(question, yes, *args, **kwargs):
        asked.append(question)

    monkeypatch.setattr(prompts, "confirm", confirm)
    assert "Added Priya Shaw" in kg("add", "Priya Shaw").stdout
    assert asked == [
        '"Priya Shaw" is very like Priya Shah, who is already here. Add "Priya Shaw" as a new person?'
    ]
