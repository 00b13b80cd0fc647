"""A hypothesis state machine: every operation, checked against a plain model after each step."""

from __future__ import annotations

import io
import json
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from keepgoing.core.conversations import log_conversation
from keepgoing.core.erasure import forget_person
from keepgoing.core.people import (
    add_person,
    archive_person,
    edit_person,
    list_people,
    pause_person,
    resume_person,
)
from keepgoing.core.rhythm import due
from keepgoing.errors import BadInput
from keepgoing.exchange.json_format import write_json
from keepgoing.exchange.readers import import_file
from keepgoing.exchange.selection import Selection
from keepgoing.storage import open_store

NAMES = ["Ann Lee", "Bob Marsh", "Cy Twombly", "Dee Okafor", "Eve Ng", "Fay Lu"]
START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


class Keepgoing(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="kg-state-"))
        self.store = open_store(str(self.folder / "store.db"))
        self.now = START
        # name -> {"cadence", "created", "last", "archived", "paused", "talks"}
        self.model: dict[str, dict] = {}

    @property
    def today(self) -> date:
        return self.now.astimezone().date()

    def teardown(self) -> None:
        self.store.close()

    @rule(name=st.sampled_from(NAMES), cadence=st.sampled_from([7, 14, 30]))
    def add(self, name: str, cadence: int) -> None:
        if name in self.model:
            try:
                add_person(self.store, name, now=self.now, cadence_days=cadence)
            except BadInput:
                return
            raise AssertionError("a duplicate name was accepted")
        add_person(self.store, name, now=self.now, cadence_days=cadence)
        self.model[name] = {
            "cadence": cadence,
            "created": self.today,
            "last": None,
            "archived": False,
            "paused": None,
            "talks": 0,
        }

    @precondition(lambda self: self.model)
    @rule(data=st.data(), days_ago=st.integers(0, 20), note=st.text(max_size=30))
    def log(self, data, days_ago: int, note: str) -> None:
        names = data.draw(st.lists(st.sampled_from(sorted(self.model)), min_size=1, max_size=3, unique=True))
        when = self.now - timedelta(days=days_ago)
        log_conversation(self.store, names, via="phone", occurred_at=when, now=self.now, note=note)
        for name in names:
            person = self.model[name]
            person["talks"] += 1
            day = when.astimezone().date()
            person["last"] = max(person["last"] or day, day)

    @precondition(lambda self: self.model)
    @rule(data=st.data(), cadence=st.sampled_from([7, 14, 30, 60]))
    def edit(self, data, cadence: int) -> None:
        name = data.draw(st.sampled_from(sorted(self.model)))
        edit_person(self.store, name, now=self.now, cadence_days=cadence)
        self.model[name]["cadence"] = cadence

    @precondition(lambda self: self.model)
    @rule(data=st.data(), days=st.integers(1, 15))
    def pause(self, data, days: int) -> None:
        name = data.draw(st.sampled_from(sorted(self.model)))
        pause_person(
            self.store, name, until=self.today + timedelta(days=days), today=self.today, now=self.now
        )
        self.model[name]["paused"] = self.today + timedelta(days=days)

    @precondition(lambda self: any(not p["archived"] for p in self.model.values()))
    @rule(data=st.data())
    def archive(self, data) -> None:
        name = data.draw(st.sampled_from(sorted(n for n, p in self.model.items() if not p["archived"])))
        archive_person(self.store, name, now=self.now)
        self.model[name]["archived"] = True

    @precondition(lambda self: any(p["archived"] or p["paused"] for p in self.model.values()))
    @rule(data=st.data())
    def resume(self, data) -> None:
        name = data.draw(
            st.sampled_from(sorted(n for n, p in self.model.items() if p["archived"] or p["paused"]))
        )
        resume_person(self.store, name, now=self.now)
        self.model[name].update(archived=False, paused=None)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def forget(self, data) -> None:
        name = data.draw(st.sampled_from(sorted(self.model)))
        forget_person(self.store, name)
        del self.model[name]

    @rule(days=st.integers(1, 10))
    def wait(self, days: int) -> None:
        self.now += timedelta(days=days)

    @rule()
    def export_and_reimport(self) -> None:
        out = io.StringIO()
        write_json(self.store, out, Selection(), now=self.now)
        path = self.folder / "export.json"
        path.write_text(out.getvalue())
        before = out.getvalue()
        import_file(self.store, path, now=self.now)  # into itself: nothing new
        again = io.StringIO()
        write_json(self.store, again, Selection(), now=self.now)
        assert json.loads(again.getvalue())["people"] == json.loads(before)["people"]
        assert json.loads(again.getvalue())["conversations"] == json.loads(before)["conversations"]
        fresh = open_store(str(self.folder / f"copy-{len(list(self.folder.iterdir()))}.db"))
        import_file(fresh, path, now=self.now)
        copy = io.StringIO()
        write_json(fresh, copy, Selection(), now=self.now)
        fresh.close()
        drop = lambda text: {k: v for k, v in json.loads(text).items() if k != "exported_at"}  # noqa: E731
        assert drop(copy.getvalue()) == drop(before)

    @invariant()
    def store_matches_the_model(self) -> None:
        assert self.store.row("PRAGMA quick_check")[0] == "ok"
        everyone = {p.name: p for p in list_people(self.store, include_archived=True)}
        assert set(everyone) == set(self.model)
        active = {p.name for p in list_people(self.store)}
        assert active == {n for n, p in self.model.items() if not p["archived"]}
        expected_due = set()
        for name, person in self.model.items():
            base = person["last"] or person["created"]
            paused = person["paused"] is not None and person["paused"] > self.today
            if (
                not person["archived"]
                and not paused
                and base + timedelta(days=person["cadence"]) <= self.today
            ):
                expected_due.add(name)
            talks = self.store.row(
                "SELECT count(*) AS n FROM conversation_person WHERE person_id = :p", {"p": everyone[name].id}
            )["n"]
            assert talks == person["talks"], name
        assert {entry.name for entry in due(self.store, today=self.today).people} == expected_due


TestKeepgoing = Keepgoing.TestCase
TestKeepgoing.settings = settings(max_examples=25, stateful_step_count=25, deadline=None)
