"""A hypothesis state machine: every operation, checked against a plain model after each step."""

from __future__ import annotations

import io
import json
import os
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from keepgoing.core.conversations import log_conversation
from keepgoing.core.corrections import amend_conversation, unlog_conversation
from keepgoing.core.erasure import REDACTED, forget_person
from keepgoing.core.followups import (
    change_follow_up,
    complete_follow_ups,
    finished_follow_ups,
    open_follow_ups,
    reopen_follow_up,
)
from keepgoing.core.merging import merge_people
from keepgoing.core.people import (
    add_person,
    archive_person,
    edit_person,
    list_people,
    pause_person,
    resume_person,
)
from keepgoing.core.rhythm import due_list
from keepgoing.errors import BadInput
from keepgoing.exchange.file_import import import_file
from keepgoing.exchange.formats.json import write_json
from keepgoing.exchange.selection import Selection
from keepgoing.storage import open_store

# Two share "Ann" and two "Marsh": forgetting one must never redact the other's name.
NAMES = ["Ann Lee", "Bob Marsh", "Cy Twombly", "Ann Marsh", "Eve Ng", "Fay Lu"]
FILLER = st.text(alphabet="xyz .", max_size=12)
START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


class Keepgoing(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="kg-state-"))
        self.store = open_store(str(self.folder / "store.db"))
        self.now = START
        # name -> {"cadence", "created", "archived", "paused"}
        self.model: dict[str, dict] = {}
        # conversation id -> {"people": set of names, "day": date, "mentions": name or None,
        #                     "reached": False for a try with no answer}
        self.talks: dict[int, dict] = {}
        # follow-up id -> {"person": name, "conversation": id, "state": open, done or cancelled}
        self.promises: dict[int, dict] = {}

    @property
    def today(self) -> date:
        return self.now.astimezone().date()

    def teardown(self) -> None:
        self.store.close()

    @rule(name=st.sampled_from(NAMES), cadence=st.sampled_from([7, 14, 30]))
    def add(self, name: str, cadence: int) -> None:
        if name in self.model or any(name in p["aliases"] for p in self.model.values()):
            try:
                add_person(self.store, name, now=self.now, cadence_days=cadence)
            except BadInput:
                return
            raise AssertionError("a duplicate name was accepted")
        add_person(self.store, name, now=self.now, cadence_days=cadence)
        self.model[name] = {
            "cadence": cadence,
            "created": self.today,
            "archived": False,
            "paused": None,
            "aliases": set(),
        }

    def last(self, name: str) -> date | None:
        # A try with no answer is not contact.
        return max(
            (t["day"] for t in self.talks.values() if name in t["people"] and t["reached"]), default=None
        )

    @precondition(lambda self: self.model)
    @rule(
        data=st.data(),
        days_ago=st.integers(0, 20),
        filler=FILLER,
        promise=st.booleans(),
        reached=st.sampled_from([True, True, False]),
    )
    def log(self, data, days_ago: int, filler: str, promise: bool, reached: bool) -> None:
        names = data.draw(st.lists(st.sampled_from(sorted(self.model)), min_size=1, max_size=3, unique=True))
        mentions = data.draw(st.one_of(st.none(), st.sampled_from(sorted(self.model))))
        note = f"{filler} met {mentions} today" if mentions else filler
        when = self.now - timedelta(days=days_ago)
        logged = log_conversation(
            self.store,
            names,
            via="phone",
            occurred_at=when,
            now=self.now,
            note=note,
            follow_up="ring back" if promise else None,
            reached=reached,
        )
        cid = logged.conversation.id
        self.talks[cid] = {
            "people": set(names),
            "day": when.astimezone().date(),
            "mentions": mentions,
            "reached": reached,
        }
        if promise:
            self.promises[logged.follow_up_id] = {"person": names[0], "conversation": cid, "state": "open"}

    @precondition(lambda self: self.talks)
    @rule(data=st.data(), days_ago=st.integers(0, 20))
    def amend_date(self, data, days_ago: int) -> None:
        cid = data.draw(st.sampled_from(sorted(self.talks)))
        when = self.now - timedelta(days=days_ago)
        amend_conversation(self.store, cid, now=self.now, worker=None, occurred_at=when)
        self.talks[cid]["day"] = when.astimezone().date()

    @precondition(lambda self: self.talks and len(self.model) > 1)
    @rule(data=st.data())
    def amend_people(self, data) -> None:
        cid = data.draw(st.sampled_from(sorted(self.talks)))
        talk = self.talks[cid]
        outsider = data.draw(st.sampled_from(sorted(self.model)))
        leaving = data.draw(st.sampled_from(sorted(talk["people"])))
        remove = [] if outsider == leaving else [leaving]
        amend_conversation(
            self.store, cid, now=self.now, worker=None, add_people=[outsider], remove_people=remove
        )
        talk["people"] = (talk["people"] | {outsider}) - set(remove)

    @precondition(lambda self: self.talks)
    @rule(data=st.data())
    def unlog(self, data) -> None:
        cid = data.draw(st.sampled_from(sorted(self.talks)))
        unlog_conversation(self.store, cid, worker=None)
        del self.talks[cid]
        self.promises = {k: v for k, v in self.promises.items() if v["conversation"] != cid}

    @precondition(lambda self: self.promises)
    @rule(data=st.data(), action=st.sampled_from(["cancel", "done", "redate", "pass on", "reopen"]))
    def follow_up(self, data, action: str) -> None:
        fid = data.draw(st.sampled_from(sorted(self.promises)))
        state = self.promises[fid]["state"]
        if action in ("cancel", "done", "reopen") and (state == "open") == (action == "reopen"):
            before = {(f.id, f.status) for f in follow_ups_everywhere(self.store)}
            try:
                if action == "reopen":
                    reopen_follow_up(self.store, fid)
                elif action == "cancel":
                    change_follow_up(self.store, fid, cancel=True, now=self.now)
                else:
                    complete_follow_ups(self.store, [fid], now=self.now)
            except BadInput:
                assert {(f.id, f.status) for f in follow_ups_everywhere(self.store)} == before
                return
            raise AssertionError(f"{action} was accepted on a follow-up that is {state}")
        if action == "cancel":
            change_follow_up(self.store, fid, cancel=True, now=self.now)
            self.promises[fid]["state"] = "cancelled"
        elif action == "done":
            complete_follow_ups(self.store, [fid], now=self.now)
            self.promises[fid]["state"] = "done"
        elif action == "reopen":
            reopen_follow_up(self.store, fid)
            self.promises[fid]["state"] = "open"
        elif action == "redate":
            change_follow_up(self.store, fid, due_on=self.today + timedelta(days=3))
            return
        else:
            name = data.draw(st.sampled_from(sorted(self.model)))
            change_follow_up(self.store, fid, person=name)
            self.promises[fid]["person"] = name

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

    @precondition(lambda self: len(self.model) > 1)
    @rule(data=st.data())
    def merge(self, data) -> None:
        merged = data.draw(st.sampled_from(sorted(self.model)))
        kept = data.draw(st.sampled_from(sorted(set(self.model) - {merged})))
        merge_people(self.store, merged, kept, now=self.now)
        gone = self.model.pop(merged)
        self.model[kept]["aliases"] |= {merged} | gone["aliases"]
        for talk in self.talks.values():
            if merged in talk["people"]:
                talk["people"] = (talk["people"] - {merged}) | {kept}
        for promise in self.promises.values():
            if promise["person"] == merged:
                promise["person"] = kept

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def forget(self, data) -> None:
        name = data.draw(st.sampled_from(sorted(self.model)))
        forget_person(self.store, name, now=self.now)
        known_as = {name} | self.model.pop(name)["aliases"]
        for cid, talk in list(self.talks.items()):
            talk["people"].discard(name)
            if not talk["people"]:
                del self.talks[cid]
            elif talk["mentions"] in known_as:
                talk["mentions"] = REDACTED
        self.promises = {k: v for k, v in self.promises.items() if v["person"] != name}
        for promise in self.promises.values():
            if promise["conversation"] not in self.talks:
                promise["conversation"] = None  # its conversation went with them; the promise stays

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
            base = self.last(name) or person["created"]
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
            assert talks == sum(name in t["people"] for t in self.talks.values()), name
            last = everyone[name].last_contact_day
            assert last == self.last(name), name
        assert {entry.name for entry in due_list(self.store, today=self.today).people} == expected_due
        # Notes: a remaining person's name is never redacted; a forgotten one's always is.
        notes = {r["id"]: r["note"] for r in self.store.rows("SELECT id, note FROM conversation")}
        assert set(notes) == set(self.talks)
        for cid, talk in self.talks.items():
            if talk["mentions"]:
                assert f"met {talk['mentions']} today" in notes[cid], (cid, notes[cid])
        promised = {(f.id, f.person) for f in open_follow_ups(self.store)}
        assert promised == {(k, v["person"]) for k, v in self.promises.items() if v["state"] == "open"}
        states = {(f.id, f.status) for f in follow_ups_everywhere(self.store)}
        assert states == {(k, v["state"]) for k, v in self.promises.items()}
        reached = {
            r["id"]: bool(r["reached"]) for r in self.store.rows("SELECT id, reached FROM conversation")
        }
        assert reached == {cid: talk["reached"] for cid, talk in self.talks.items()}


def follow_ups_everywhere(store) -> list:
    """Every follow-up, open, done or cancelled."""
    return [*open_follow_ups(store), *finished_follow_ups(store)]


TestKeepgoing = Keepgoing.TestCase
# A light round on every run; KEEPGOING_HEAVY_TESTS=1 for many more sequences.
TestKeepgoing.settings = settings(
    max_examples=100 if os.environ.get("KEEPGOING_HEAVY_TESTS") else 12, stateful_step_count=25, deadline=None
)
