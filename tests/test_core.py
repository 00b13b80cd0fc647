"""The core without the CLI: an injected `now`, and the same SQL on both store kinds."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keepgoing.core.conversations import conversations_with, log_conversation
from keepgoing.core.followups import complete_follow_up, open_follow_ups
from keepgoing.core.matching import find_person
from keepgoing.core.people import add_person, edit_person, list_people, pause_person
from keepgoing.core.rhythm import due_list
from keepgoing.errors import Ambiguous, BadInput, NotFound
from keepgoing.storage import open_store
from keepgoing.text import clean_name, loose_key, name_key

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)


@pytest.fixture(params=["sqlite3", "sqlite-url", "postgresql"])
def store(request, tmp_path: Path):
    """A file by path, the same file by sqlite:/// URL, and a PostgreSQL store run the very same core SQL.

    With KEEPGOING_TEST_POSTGRES set to a server URL, each test also runs on a
    fresh PostgreSQL database; without it, that case skips and says why.
    """
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres")  # a copy of the session's migrated template
        url = server.create()
        opened = open_store(url)
        yield opened
        opened.close()
        server.drop(url)
        return
    path = tmp_path / "core.db"
    opened = open_store(str(path) if request.param == "sqlite3" else f"sqlite:///{path}")
    yield opened
    opened.close()


def test_the_daily_loop_in_the_core(store) -> None:
    add_person(store, "Sam Okafor", now=NOW, cadence_days=7, prefers="phone", tags=["Partner"])
    add_person(store, "Ann Lee", now=NOW, cadence_days=30)
    logged = log_conversation(
        store,
        ["sam", "ann"],
        via=None,
        occurred_at=NOW + timedelta(days=1),
        now=NOW + timedelta(days=1),
        note="hello",
        wellbeing=3,
        follow_up="send minutes",
        follow_up_due=TODAY + timedelta(days=3),
    )
    assert logged.conversation.via == "phone"
    assert [p.name for p in logged.people] == ["Sam Okafor", "Ann Lee"]
    later = TODAY + timedelta(days=9)
    report = due_list(store, today=later)
    assert [e.name for e in report.people] == ["Sam Okafor"]
    assert report.people[0].days_overdue == 1 and report.people[0].days_since_contact == 8
    assert [f.text for f in report.follow_ups] == ["send minutes"]
    assert [e.name for e in due_list(store, today=later, tag="partner").people] == ["Sam Okafor"]
    assert due_list(store, today=later, tag="nobody").people == []
    complete_follow_up(store, report.follow_ups[0].id, now=NOW + timedelta(days=9))
    assert open_follow_ups(store) == []
    (conversation,) = conversations_with(store, find_person(store, "ann").id)
    assert conversation.people == ["Ann Lee", "Sam Okafor"] and conversation.note == "hello"
    pause_person(store, "sam", until=later + timedelta(days=5), today=later, now=NOW)
    assert due_list(store, today=later).people == []
    person, changed = edit_person(store, "sam", now=NOW, cadence_days=14, add_aliases=["Sammy"])
    assert person.cadence_days == 14 and person.aliases == ["Sammy"] and "cadence_days" in changed
    assert [p.name for p in list_people(store, tag="PARTNER")] == ["Sam Okafor"]


def test_nothing_is_written_when_one_name_is_unknown(store) -> None:
    add_person(store, "Ann Lee", now=NOW)
    with pytest.raises(NotFound):
        log_conversation(store, ["ann", "zed"], via="phone", occurred_at=NOW, now=NOW, follow_up="x")
    assert store.row("SELECT count(*) AS n FROM conversation")["n"] == 0
    assert store.row("SELECT count(*) AS n FROM follow_up")["n"] == 0


def test_due_is_ordered_by_lateness_relative_to_rhythm(store) -> None:
    for name, cadence in (("Weekly", 7), ("Monthly", 30), ("Fortnightly", 14)):
        add_person(store, name, now=NOW - timedelta(days=40), cadence_days=cadence)
    names = [e.name for e in due_list(store, today=TODAY).people]
    assert names == ["Weekly", "Fortnightly", "Monthly"]


# --- names, for any text people might type ------------------------------------------

name_text = st.text(
    alphabet=st.characters(categories=("L", "M", "N", "P", "S", "Zs")), min_size=1, max_size=40
).filter(lambda s: s.strip())


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(name=name_text)
def test_any_added_name_is_found_by_itself_and_its_case_variants(tmp_path_factory, name: str) -> None:
    try:
        cleaned = clean_name(name)
    except BadInput:
        return  # control or format characters: refused on the way in
    store = open_store(str(tmp_path_factory.mktemp("names") / "s.db"))
    person = add_person(store, name, now=NOW)
    assert person.name == cleaned == unicodedata.normalize("NFC", person.name)
    variants = [name, cleaned.casefold(), unicodedata.normalize("NFD", cleaned)]
    if name_key(cleaned.upper()) == name_key(cleaned):  # not so for "ı", whose upper is "I"
        variants.append(cleaned.upper())
    for query in variants:
        assert find_person(store, query).id == person.id
    store.close()


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(names=st.lists(name_text, min_size=2, max_size=6, unique_by=name_key), query=name_text)
def test_matching_is_one_person_or_a_clear_refusal(tmp_path_factory, names: list[str], query: str) -> None:
    store = open_store(str(tmp_path_factory.mktemp("match") / "s.db"))
    added = []
    for name in names:
        try:
            added.append(add_person(store, name, now=NOW).name)
        except BadInput:
            continue
    try:
        found = find_person(store, query)
    except Ambiguous as exc:
        assert len(exc.candidates) >= 2 and set(exc.candidates) <= set(added)
    except (NotFound, BadInput) as exc:
        assert str(exc)
    else:
        assert found.name in added
        # Accents, case, spaces and punctuation are optional when nothing matches exactly.
        assert loose_key(query) in loose_key(found.name)
    store.close()


def test_streaming_reads_leave_the_connection_fit_for_writes(store, tmp_path) -> None:
    """An export streams rows; the same connection must then write as usual (a PostgreSQL regression)."""
    import io
    import json

    from keepgoing.core.erasure import forget_person
    from keepgoing.exchange.file_import import import_file
    from keepgoing.exchange.formats.json import write_json
    from keepgoing.exchange.selection import Selection

    add_person(store, "Ann Lee", now=NOW)
    add_person(store, "Bob Marsh", now=NOW)
    log_conversation(
        store, ["ann", "bob"], via="cuppa", occurred_at=NOW, now=NOW, note="garden", follow_up="x"
    )
    out = io.StringIO()
    write_json(store, out, Selection(), now=NOW)
    forget_person(store, "ann", now=NOW)
    log_conversation(store, ["bob"], via="phone", occurred_at=NOW, now=NOW)
    path = tmp_path / "export.json"
    path.write_text(out.getvalue())
    report = import_file(store, path, now=NOW)
    # Ann was forgotten: her tombstone keeps her out (issue 23).
    assert report.people_added == [] and report.people_matched == ["Bob Marsh"]
    assert report.forgotten_on == [NOW.date()]
    assert json.loads(out.getvalue())["format_version"] == 2
