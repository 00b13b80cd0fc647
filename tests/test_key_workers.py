"""Key workers in a team (issue 22): set for several people at once, never to a typo."""

from __future__ import annotations

import json

import pytest

from conftest import fingerprint
from test_team_access import roles, team  # noqa: F401 (the team store's fixtures)


def j(result) -> object:
    return json.loads(result.stdout)


def workers(kg) -> dict[str, str | None]:
    return {p["name"]: p["worker"] for p in j(kg("people", "--json"))}


@pytest.fixture
def caseload(kg, monkeypatch):
    """Alex is using keepgoing; Priya is key worker for Jo; Sam, Pat and Chris have none."""
    monkeypatch.setenv("KEEPGOING_WORKER", "alex")
    kg("add", "Jo Bloggs", "--tag", "carers", "--worker", "priya")
    kg("add", "Sam Okafor", "--tag", "carers")
    kg("add", "Pat Green")
    kg("add", "Chris Patel")
    return kg


def test_edit_sets_one_key_worker_for_several_people(caseload) -> None:
    kg = caseload
    out = kg("edit", "sam", "pat", "--worker", "priya").stdout
    assert out == "priya is now key worker for 2 people: Sam Okafor and Pat Green.\n"
    assert workers(kg) == {
        "Chris Patel": None,
        "Jo Bloggs": "priya",
        "Pat Green": "priya",
        "Sam Okafor": "priya",
    }
    assert kg("edit", "sam", "pat", "--worker", "Priya").stdout.startswith("Nothing changed")
    shown = j(kg("edit", "sam", "chris", "--worker", "alex", "--json"))
    assert [(p["name"], p["worker"]) for p in shown] == [("Sam Okafor", "alex"), ("Chris Patel", "alex")]


def test_edit_by_tag_sets_everyone_tagged(caseload) -> None:
    kg = caseload
    out = kg("edit", "--tag", "carers", "--worker", "alex").stdout
    assert out == "alex is now key worker for 2 people: Jo Bloggs and Sam Okafor.\n"
    assert workers(kg)["Pat Green"] is None
    assert "Nobody is tagged walking" in kg("edit", "--tag", "walking", "--worker", "alex", expect=1).stderr


def test_one_person_edit_is_as_it_was(caseload) -> None:
    kg = caseload
    # --tag with a name adds a tag, as before; with one name every option still works.
    kg("edit", "pat", "--tag", "walking", "--org", "Hub", "--worker", "priya")
    pat = j(kg("show", "pat", "--json"))
    assert pat["tags"] == ["walking"] and pat["organisation"] == "Hub" and pat["worker"] == "priya"
    kg("edit", "pat", "--worker", "")
    assert workers(kg)["Pat Green"] is None


def test_several_people_take_worker_only(caseload, db_path) -> None:
    kg = caseload
    before = fingerprint(db_path)
    assert "take --worker only" in kg("edit", "sam", "pat", "--org", "Hub", expect=2).stderr
    assert "take --worker only" in kg("edit", "sam", "pat", "--worker", "alex", "--tag", "x", expect=2).stderr
    assert "Who to change?" in kg("edit", expect=2).stderr
    assert "Who to change?" in kg("edit", "--tag", "carers", "--org", "Hub", expect=2).stderr
    assert "one person at a time" in kg("edit", "sam", "pat", "--worker", "", expect=2).stderr
    # One unknown name changes nobody.
    assert "No one called" in kg("edit", "sam", "nobody", "--worker", "alex", expect=1).stderr
    assert fingerprint(db_path) == before


def test_an_unknown_worker_is_refused_with_who_was_meant(caseload, db_path) -> None:
    kg = caseload
    before = fingerprint(db_path)
    refused = kg("edit", "sam", "--worker", "prya", expect=1).stderr
    assert refused.startswith('Error: No worker called "prya" in this store. Did you mean priya?')
    assert "--new-worker" in refused
    assert "Did you mean priya?" in kg("edit", "sam", "pat", "--worker", "prya", expect=1).stderr
    listed = kg("edit", "sam", "--worker", "zz", expect=1).stderr
    assert "The workers here are alex, priya." in listed
    assert "Did you mean priya?" in kg("handover", "--from", "priya", "--to", "prya", expect=1).stderr
    assert (
        "Did you mean priya?"
        in kg("handover", "--from", "priya", "--to", "prya", "--dry-run", expect=1).stderr
    )
    assert fingerprint(db_path) == before
    # Rich markup in a typed worker name is shown as typed.
    assert '"[bold]x" in this store' in kg("edit", "sam", "--worker", "[bold]x", expect=1).stderr


def test_known_workers_are_key_workers_loggers_and_whoever_is_here(caseload, monkeypatch, tmp_path) -> None:
    kg = caseload
    monkeypatch.setenv("KEEPGOING_WORKER", "rhys")
    kg("log", "pat", "--note", "Rang back")  # rhys has logged: known from now on
    monkeypatch.setenv("KEEPGOING_WORKER", "alex")
    kg("edit", "pat", "--worker", "rhys")
    kg("edit", "chris", "--worker", "alex")  # whoever is using keepgoing
    kg("edit", "sam", "--worker", "dana", "--new-worker")  # someone new, said so
    assert workers(kg) == {
        "Chris Patel": "alex",
        "Jo Bloggs": "priya",
        "Pat Green": "rhys",
        "Sam Okafor": "dana",
    }
    out = kg("handover", "--from", "dana", "--to", "sol", "--new-worker", "--output", str(tmp_path / "p.md"))
    assert "from dana to sol" in out.stdout and workers(kg)["Sam Okafor"] == "sol"
    kg("handover", "--from", "sol", "--to", "priya", "--output", str(tmp_path / "q.md"))
    assert workers(kg)["Sam Okafor"] == "priya"


# In a team store: the team's roles are its workers, and a worker's own adds are theirs.


@pytest.mark.postgresql_only("a team store's roles are a server's")
def test_in_a_team_store_the_adder_is_key_worker_and_roles_are_known(kg, team) -> None:  # noqa: F811
    team.be(team.alice)
    kg("add", "Pat Green")
    assert j(kg("show", "pat", "--json"))["worker"] == team.alice
    team.be(team.manager)
    kg("add", "Jo Bloggs", "--worker", team.bob)
    assert workers(kg)["Jo Bloggs"] == team.bob
    assert workers(kg)["Pat Green"] == team.alice
    # The manager has no one of their own, but is a role of the team: known.
    out = kg("edit", "pat", "sam", "--worker", team.manager).stdout
    assert f"{team.manager} is now key worker for 2 people" in out
    typo = team.bob[:-1] + "x"
    refused = kg("edit", "ann", "--worker", typo, expect=1).stderr
    assert f"Did you mean {team.bob}" in refused and "team add-worker" in refused
    refused = kg("handover", "--from", team.bob, "--to", typo, expect=1).stderr
    assert f"Did you mean {team.bob}" in refused
    assert workers(kg)["Ann Lee"] == team.bob
    kg("edit", "ann", "--worker", team.alice)
    assert workers(kg)["Ann Lee"] == team.alice
