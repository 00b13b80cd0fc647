"""Mistakes are easy to put right, and nothing is damaged by accident (issue 12).

Each "What was seen" case of the issue is a test here, through the real CLI
on a real store (SQLite and PostgreSQL).
"""

from __future__ import annotations

import json

import pytest

from conftest import fingerprint, stored


def _json(result) -> object:
    return json.loads(result.stdout)


@pytest.fixture
def team(kg):
    kg("add", "Sam Jones", "--phone", "07700 900123", "--email", "sam.jones@example.org")
    kg("add", "Sam Patel")
    kg("add", "Priya Shah", "--every", "weekly")
    kg("add", "Sam Okafor", "--every", "2w", "--prefers", "phone")
    return kg


# --- forget: precise, previewable ---------------------------------------------------


def test_forgetting_one_sam_leaves_another_sams_name_alone(team, db_path) -> None:
    team("log", "priya", "--note", "Priya will ask Sam Patel about the tenants' hall")
    team("forget", "Sam Jones", "--yes")
    assert stored(db_path, "SELECT note FROM conversation") == [
        ("Priya will ask Sam Patel about the tenants' hall",)
    ]


def test_forget_keeps_an_idea_the_organisation_took_up_unlinked_and_redacted(team, db_path) -> None:
    team("log", "okafor", "--idea", "Okafor's seed swap at the hub", "--idea", "A bench")
    team("idea", "1", "--status", "taken-up")
    result = team("forget", "Sam Okafor", "--yes")
    assert "1 idea they raised that the organisation took up stay" in result.stdout
    assert stored(db_path, "SELECT id, person_id, text FROM idea") == [
        (1, None, "[someone]'s seed swap at the hub")
    ]
    ideas = _json(team("ideas", "--json"))
    assert [(i["id"], i["person"]) for i in ideas] == [(1, None)]


def test_forget_dry_run_lists_everything_and_changes_nothing(team, db_path) -> None:
    team("log", "jones", "--note", "Only Sam Jones here", "--follow-up", "Ring back")
    team("log", "priya", "jones", "--note", "Sam Jones and Priya planned the fair")
    team("log", "priya", "--note", "Call Jones on 07700900123 or sam.jones@EXAMPLE.org")
    before = fingerprint(db_path)
    result = team("forget", "sam jones", "--dry-run")
    assert fingerprint(db_path) == before
    out = result.stdout
    assert "would erase their card and 1 conversation, 1 follow-up" in out
    assert "taken out of 1 conversation with others" in out
    assert "redacted in 2 other records" in out
    assert "conversation note #2: [someone] and Priya planned the fair" in out
    assert "conversation note #3: Call [someone] on [someone] or [someone]" in out
    assert "Dry run: nothing was changed." in out


def test_forget_changes_exactly_what_the_preview_listed(team, db_path) -> None:
    team("log", "priya", "jones", "--note", "Sam Jones and Priya planned the fair")
    team("log", "priya", "--note", "Jones's number: +44 7700 900 123", "--follow-up", "Tell Sam Jones")
    team("log", "patel", "--note", "Sam Patel, not Sam Jones")
    plan = _json(team("forget", "jones", "--dry-run", "--json"))
    team("forget", "jones", "--yes")
    for change in plan["redactions"]:
        column = {"conversation": "note", "follow_up": "text"}[change["table"]]
        assert stored(db_path, f"SELECT {column} FROM {change['table']} WHERE id = {change['id']}") == [
            (change["after"],)
        ]
    assert sorted((c["table"], c["id"]) for c in plan["redactions"]) == [
        ("conversation", 1),
        ("conversation", 2),
        ("conversation", 3),
        ("follow_up", 1),
    ]
    assert stored(db_path, "SELECT note FROM conversation WHERE id = 3") == [("Sam Patel, not [someone]",)]


# --- log --new ----------------------------------------------------------------------


def test_log_new_uses_the_person_a_name_clearly_means(kg, db_path) -> None:
    kg("add", "Ann Lee")
    result = kg("log", "ann", "--new")
    assert "ann is Ann Lee, already known" in result.stdout
    assert stored(db_path, "SELECT name FROM person") == [("Ann Lee",)]
    result = kg("log", "Ann", "Bob", "--via", "cuppa", "--new")
    assert "New here: Bob " in result.stdout and "Ann and Bob" not in result.stdout.split("New here")[1]
    assert sorted(stored(db_path, "SELECT name FROM person")) == [("Ann Lee",), ("Bob",)]


def test_log_new_refuses_an_ambiguous_name(team, db_path) -> None:
    before = fingerprint(db_path)
    result = team("log", "sam", "--new", expect=1)
    assert "could be 3 people" in result.stderr
    assert fingerprint(db_path) == before


# --- numbers, amend, unlog ------------------------------------------------------------


def test_log_and_show_give_each_conversation_its_number(team) -> None:
    result = team("log", "okafor", "--note", "Allotment")
    assert "(#1)" in result.stdout
    card = team("show", "okafor").stdout
    assert "#" in card and " 1 " in card


def test_amend_corrects_the_date_and_recomputes_due(team, clock) -> None:
    team("log", "okafor", "--when", "yesterday")
    result = team("amend", "--when", "today")
    assert "Amended #1" in result.stdout and "date" in result.stdout
    person = _json(team("show", "okafor", "--json"))
    assert person["last_contact"].startswith("2026-11-20")
    assert person["due_on"] == "2026-12-04"


def test_amend_moves_a_conversation_to_the_right_person(team) -> None:
    team("log", "jones", "--note", "Garden")
    result = team("amend", "1", "--without", "jones", "--with", "patel")
    assert "without Sam Jones, with Sam Patel" in result.stdout
    assert _json(team("show", "jones", "--json"))["last_contact"] is None
    patel = _json(team("show", "patel", "--json"))
    assert [c["id"] for c in patel["conversations"]] == [1]
    assert patel["due_on"] == "2026-12-20"


def test_amend_adds_a_score_an_idea_and_a_follow_up_without_a_second_call(team, db_path) -> None:
    team("log", "okafor", "--wellbeing", "2")
    team("amend", "--idea", "A seed swap", "--feeling", "tired")
    result = team("amend", "--follow-up", "Send the minutes", "--due", "friday")
    assert "follow-up #1" in result.stdout
    assert stored(db_path, "SELECT count(*) FROM conversation") == [(1,)]
    assert stored(db_path, "SELECT conversation_id, person_id FROM idea") == [(1, 4)]
    assert stored(db_path, "SELECT conversation_id, due_on FROM follow_up")[0][0] == 1
    assert stored(db_path, "SELECT feeling, wellbeing FROM conversation") == [("tired", 2)]


def test_amend_note_and_clearing_it(team, db_path) -> None:
    team("log", "okafor", "--note", "Wrong words")
    team("amend", "--note", "Right words")
    assert stored(db_path, "SELECT note FROM conversation") == [("Right words",)]
    team("amend", "--note", "")
    assert stored(db_path, "SELECT note FROM conversation") == [(None,)]


def test_amend_refuses_what_it_cannot_do_and_writes_nothing(team, db_path) -> None:
    team("log", "okafor")
    before = fingerprint(db_path)
    assert "no conversation number 9" in team("amend", "9", "--note", "x", expect=1).stderr
    assert "no conversation number" in team("amend", "99999999999999999999", "--note", "x", expect=1).stderr
    assert "Nothing to change" in team("amend", expect=1).stderr
    assert "in the future" in team("amend", "--when", "tomorrow", expect=1).stderr
    assert "would be with nobody" in team("amend", "--without", "okafor", expect=1).stderr
    assert "was not in conversation" in team("amend", "--without", "priya", expect=1).stderr
    assert "could be" in team("amend", "--with", "sam", expect=1).stderr
    assert "--wellbeing" in team("amend", "--wellbeing", "9", expect=2).stderr
    assert fingerprint(db_path) == before


def test_amend_and_unlog_with_nothing_logged_yet(kg) -> None:
    assert "not logged a conversation yet" in kg("amend", "--note", "x", expect=1).stderr
    assert "not logged a conversation yet" in kg("unlog", "--yes", expect=1).stderr


def test_a_colleagues_conversation_needs_force_and_keeps_who_amended(team, db_path, monkeypatch) -> None:
    monkeypatch.setenv("KEEPGOING_WORKER", "alex")
    team("log", "okafor", "--note", "Alex's call")
    monkeypatch.setenv("KEEPGOING_WORKER", "priya")
    before = fingerprint(db_path)
    refused = team("amend", "1", "--note", "Fixed", expect=1)
    assert "logged by alex" in refused.stderr and "--force" in refused.stderr
    assert "logged by alex" in team("unlog", "1", "--yes", expect=1).stderr
    assert fingerprint(db_path) == before
    team("amend", "1", "--note", "Fixed", "--force")
    assert stored(db_path, "SELECT note, logged_by, amended_by FROM conversation") == [
        ("Fixed", "alex", "priya")
    ]
    # With no number, "the last one" is the last one *this* worker logged.
    assert "not logged a conversation yet" in team("amend", "--note", "x", expect=1).stderr


def test_unlog_removes_the_conversation_and_what_hangs_off_it(team, db_path) -> None:
    team("log", "okafor", "--when", "3 days ago", "--note", "The real call")
    team("log", "okafor", "--note", "Logged by mistake xyzzy", "--follow-up", "Oops", "--idea", "Oops idea")
    assert "--yes" in team("unlog", expect=2).stderr  # off a terminal it needs --yes
    result = team("unlog", "--yes")
    assert "Removed #2" in result.stdout and "1 follow-up and 1 idea" in result.stdout
    assert stored(db_path, "SELECT id FROM conversation") == [(1,)]
    assert stored(db_path, "SELECT count(*) FROM follow_up") == [(0,)]
    assert stored(db_path, "SELECT count(*) FROM idea") == [(0,)]
    person = _json(team("show", "okafor", "--json"))
    assert person["last_contact"].startswith("2026-11-17")
    assert person["due_on"] == "2026-12-01"


@pytest.mark.sqlite_only("reads the bytes of the SQLite file and its log")
def test_unlogged_text_is_gone_from_the_file(kg, isolated) -> None:
    kg("add", "Ann")
    kg("log", "ann", "--note", "secretword-zanzibar")
    kg("unlog", "--yes")
    for path in isolated.parent.glob("store.db*"):
        assert b"zanzibar" not in path.read_bytes(), path


# --- follow-ups -----------------------------------------------------------------------


def test_followup_can_be_redated_reworded_passed_on_and_cancelled(team, db_path) -> None:
    team("log", "okafor", "--follow-up", "Send the mintues", "--due", "friday")
    assert "due day" in team("followup", "1", "--due", "next monday").stdout
    team("followup", "1", "--text", "Send the minutes")
    result = team("followup", "1", "--for", "priya")
    assert "for Priya Shah" in result.stdout
    [item] = _json(team("followups", "--json"))
    assert (item["text"], item["due"], item["person"]) == ("Send the minutes", "2026-11-23", "Priya Shah")
    team("followup", "1", "--due", "none")
    assert _json(team("followups", "--json"))[0]["due"] is None
    assert "Cancelled follow-up #1" in team("followup", "1", "--cancel").stdout
    # Kept as cancelled (it was deleted before 0.5), and no longer open anywhere.
    assert stored(db_path, "SELECT count(*) FROM follow_up WHERE cancelled_at IS NOT NULL") == [(1,)]
    assert _json(team("followups", "--json")) == []


def test_followup_refusals(team, db_path) -> None:
    team("log", "okafor", "--follow-up", "Call back")
    before = fingerprint(db_path)
    assert "no follow-up number 5" in team("followup", "5", "--cancel", expect=1).stderr
    assert "Nothing to change" in team("followup", "1", expect=1).stderr
    assert "not both" in team("followup", "1", "--cancel", "--text", "x", expect=1).stderr
    assert "some words" in team("followup", "1", "--text", "  ", expect=1).stderr
    assert "could be" in team("followup", "1", "--for", "sam", expect=1).stderr
    assert fingerprint(db_path) == before


def test_done_marks_several_or_none(team, db_path) -> None:
    for text in ("a", "b", "c"):
        team("log", "okafor", "--follow-up", text)
    before = fingerprint(db_path)
    assert "no follow-up number 9" in team("done", "1", "9", expect=1).stderr
    assert fingerprint(db_path) == before
    result = team("done", "1", "2", "3")
    assert result.stdout.count("Done:") == 3
    assert "already done" in team("done", "3", expect=1).stderr


# --- consent, archive, groups, wellbeing order ----------------------------------------------


def test_withdrawn_consent_is_said_instead_of_a_due_day_and_warned_on_log(kg) -> None:
    added = kg("add", "Dee", "--consent", "withdrawn", "--consent-note", "Only by letter")
    assert "first due" not in added.stdout and "withdrawn" in added.stdout
    assert "withdrawn" in kg("show", "dee").stdout
    logged = kg("log", "dee", "--follow-up", "Post the leaflet")
    assert "Logged" in logged.stdout and "(#1)" in logged.stdout
    assert "withdrew consent" in logged.stderr and "Only by letter" in logged.stderr
    assert "withdrew consent" in kg("win", "Dee came back", "--with", "dee").stderr


def test_logging_an_archived_person_warns_and_suggests_resume(kg) -> None:
    kg("add", "Eve Stone")
    kg("archive", "eve")
    logged = kg("log", "eve")
    assert "archived" in logged.stderr and "keepgoing resume 'Eve Stone'" in logged.stderr


def test_markdown_and_handover_carry_consent_and_a_wellbeing_drop(kg, tmp_path, monkeypatch) -> None:
    kg("add", "Dee", "--consent", "withdrawn", "--consent-note", "Only by letter", "--worker", "alex")
    kg("log", "dee", "--when", "3 days ago", "--wellbeing", "3")
    kg("log", "dee", "--wellbeing", "1", "--feeling", "overwhelmed")
    markdown = kg("export", "--format", "markdown").stdout.replace("\\", "")  # unescape
    assert "withdrawn: do not contact" in markdown and "Only by letter" in markdown
    assert "3 → 1 (overwhelmed): a drop from 3 to 1" in markdown
    pack = tmp_path / "pack.md"
    kg("handover", "--from", "alex", "--to", "priya", "--new-worker", "--output", str(pack))
    text = pack.read_text().replace("\\", "")
    assert "withdrawn: do not contact" in text and "a drop from 3 to 1" in text


def test_a_group_session_uses_the_groups_channel_not_a_members(kg, db_path) -> None:
    kg("add", "Grace", "--prefers", "phone")
    kg("group", "add", "peer", "--member", "grace")
    result = kg("log", "--group", "peer", "--present", "grace")
    assert "phone" not in result.stdout and "cuppa" in result.stdout
    kg("group", "add", "online", "--via", "video", "--member", "grace")
    assert "video" in kg("log", "--group", "online", "--present", "grace").stdout


def test_wellbeing_drops_follow_conversation_dates_not_typing_order(kg) -> None:
    kg("add", "Ann")
    kg("log", "ann", "--wellbeing", "3")
    result = kg("log", "ann", "--when", "3 days ago", "--wellbeing", "5")
    assert "wellbeing has dropped" in result.stdout
    person = _json(kg("show", "ann", "--json"))
    assert person["wellbeing_drop"] == "5→3"
    assert person["wellbeing_trend"] == [5, 3]


def test_show_suggests_a_command_that_works(kg) -> None:
    kg("add", "Sam Patel")
    kg("add", "Sam Jones")
    card = kg("show", "sam patel").stdout
    assert "keepgoing log 'Sam Patel'" in card
    kg("log", "Sam Patel")


# --- the colleague guard when keepgoing does not know who you are (issue 21) ---------


def _nobody(monkeypatch) -> None:
    """No worker setting, and a login name that cannot be a worker's (a container's odd uid)."""
    monkeypatch.delenv("KEEPGOING_WORKER", raising=False)
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "\x01")


def test_an_unknown_worker_cannot_change_a_colleagues_conversation(team, db_path, monkeypatch) -> None:
    monkeypatch.setenv("KEEPGOING_WORKER", "alex")
    team("log", "okafor", "--note", "Alex's call")
    team("amend", "1", "--note", "Alex's call, fixed")
    _nobody(monkeypatch)
    before = fingerprint(db_path)
    refused = team("amend", "1", "--note", "Overwritten", expect=1)
    assert "logged by alex" in refused.stderr and "--force" in refused.stderr
    assert "logged by alex" in team("unlog", "1", "--yes", expect=1).stderr
    # --force credits the change to whoever made it: with nobody to credit, it is refused too.
    forced = team("amend", "1", "--note", "Overwritten", "--force", expect=1)
    assert "who you are" in forced.stderr and "worker" in forced.stderr
    assert "who you are" in team("unlog", "1", "--yes", "--force", expect=1).stderr
    assert fingerprint(db_path) == before
    assert stored(db_path, "SELECT note, amended_by FROM conversation") == [("Alex's call, fixed", "alex")]


def test_an_unknown_worker_still_corrects_what_nobody_is_named_on(team, db_path, monkeypatch) -> None:
    _nobody(monkeypatch)
    team("log", "okafor", "--note", "Mine")
    team("amend", "--note", "Mine, fixed")
    assert stored(db_path, "SELECT note, logged_by FROM conversation") == [("Mine, fixed", None)]
    team("unlog", "--yes")


def test_amending_who_was_there_keeps_who_amended(team, db_path, monkeypatch) -> None:
    monkeypatch.setenv("KEEPGOING_WORKER", "alex")
    team("log", "okafor", "--note", "Alex's call")
    monkeypatch.setenv("KEEPGOING_WORKER", "priya")
    team("amend", "1", "--with", "patel", "--force")
    assert stored(db_path, "SELECT logged_by, amended_by FROM conversation") == [("alex", "priya")]
    monkeypatch.setenv("KEEPGOING_WORKER", "sam")
    team("amend", "1", "--without", "patel", "--force")
    assert stored(db_path, "SELECT logged_by, amended_by FROM conversation") == [("alex", "sam")]


def test_cancelling_a_colleagues_follow_up_needs_force(team, db_path, monkeypatch) -> None:
    monkeypatch.setenv("KEEPGOING_WORKER", "alex")
    team("log", "okafor", "--follow-up", "Send the map")
    monkeypatch.setenv("KEEPGOING_WORKER", "priya")
    before = fingerprint(db_path)
    refused = team("followup", "1", "--cancel", expect=1)
    assert "alex" in refused.stderr and "--force" in refused.stderr
    _nobody(monkeypatch)
    assert "--force" in team("followup", "1", "--cancel", expect=1).stderr
    assert fingerprint(db_path) == before
    monkeypatch.setenv("KEEPGOING_WORKER", "priya")
    assert "Cancelled follow-up #1" in team("followup", "1", "--cancel", "--force").stdout
    monkeypatch.setenv("KEEPGOING_WORKER", "alex")
    team("log", "okafor", "--follow-up", "Ring the hall")
    (number,) = stored(db_path, "SELECT id FROM follow_up WHERE cancelled_at IS NULL")[0]
    assert "Cancelled" in team("followup", str(number), "--cancel").stdout  # their own: no --force
