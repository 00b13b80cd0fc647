"""export and import: every format produced and read back; bad files change nothing."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from conftest import table_counts

FIXTURES = Path(__file__).parent / "fixtures" / "vcards"
SHARED_VCARDS = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "vcards"


@pytest.fixture
def story(kg, clock):
    """A small store with a bit of everything."""
    kg(
        "add",
        "Sam Okafor",
        "--every",
        "2w",
        "--prefers",
        "phone",
        "--phone",
        "07700 900123",
        "--tag",
        "partner",
        "--alias",
        "Sammy",
        "--email",
        "sam@example.org",
        "--note",
        "Loves the allotment",
    )
    kg("add", "Ann Lee", "--org", "Food bank", "--tag", "walking")
    kg("add", "Bob Marsh", "--tag", "walking")
    kg(
        "log",
        "sam",
        "ann",
        "--via",
        "cuppa",
        "--when",
        "3 days ago",
        "--note",
        'Said "hi",\nthen =SUM(A1)',
        "--wellbeing",
        "4",
        "--follow-up",
        "Send the minutes",
        "--due",
        "friday",
    )
    kg("log", "bob", "--via", "phone", "--when", "2026-10-01", "--note", "-1 day, @home")
    kg("log", "sam", "--via", "text", "--follow-up", "Book the room", "--due", "in 2 weeks")
    kg("done", "1")
    kg("archive", "bob")
    kg("pause", "ann", "--until", "in 1 week")


def export_json(kg, *args: str) -> dict:
    data = json.loads(kg("export", *args).stdout)
    data.pop("exported_at")
    return data


def test_json_export_is_complete(kg, story) -> None:
    data = export_json(kg)
    assert data["format_version"] == 2
    sam = next(p for p in data["people"] if p["name"] == "Sam Okafor")
    assert (
        sam["aliases"] == ["Sammy"]
        and sam["email"] == "sam@example.org"
        and sam["note"] == "Loves the allotment"
    )
    assert {p["name"]: p["archived_at"] is not None for p in data["people"]}["Bob Marsh"]
    assert next(p for p in data["people"] if p["name"] == "Ann Lee")["paused_until"] == "2026-11-27"
    group = next(c for c in data["conversations"] if c["via"] == "cuppa")
    assert group["people"] == ["Ann Lee", "Sam Okafor"] and group["wellbeing"] == 4
    assert [f["done_at"] is not None for f in data["follow_ups"]] == [True, False]


@pytest.mark.also_sqlite_url
def test_json_round_trip_into_an_empty_store_is_identical(kg, story, tmp_path) -> None:
    first = export_json(kg)
    (tmp_path / "backup.json").write_text(json.dumps(first))
    other = str(tmp_path / "other.db")
    out = kg("import", str(tmp_path / "backup.json"), "--db", other).stdout
    assert "Added 3 people" in out and "3 conversations and 2 follow-ups" in out
    assert export_json(kg, "--db", other) == first
    # And the imported store behaves: due, show and matching work on it.
    assert json.loads(kg("show", "sammy", "--db", other, "--json").stdout)["name"] == "Sam Okafor"


def test_importing_the_same_file_twice_adds_nothing_new(kg, story, tmp_path, db_path) -> None:
    path = tmp_path / "backup.json"
    kg("export", "--output", str(path))
    before = table_counts(db_path)
    out = kg("import", str(path)).stdout
    assert "Added 0 people (3 already here, matched)" in out and "Skipped 5 items" in out
    assert table_counts(db_path) == before


def test_import_into_a_store_with_other_people_remaps_ids(kg, story, tmp_path) -> None:
    path = tmp_path / "backup.json"
    kg("export", "--output", str(path))
    other = str(tmp_path / "other.db")
    kg("add", "Zed Zee", "--db", other)
    kg("add", "Sam Okafor", "--db", other)  # already there: matched
    report = json.loads(kg("import", str(path), "--db", other, "--json").stdout)
    assert report["people_added"] == ["Ann Lee", "Bob Marsh"] and report["people_matched"] == ["Sam Okafor"]
    sam = json.loads(kg("show", "sam", "--db", other, "--json").stdout)
    assert len(sam["conversations"]) == 2 and sam["last_contact_via"] == "text"


def test_dry_run_changes_nothing(kg, story, tmp_path, new_store) -> None:
    path = tmp_path / "backup.json"
    kg("export", "--output", str(path))
    other = tmp_path / "other.db"
    shutil.copyfile(new_store, other)  # an empty store (a read would not make one)
    out = kg("import", str(path), "--dry-run", "--db", str(other)).stdout
    assert "Would add 3 people" in out and "nothing was changed" in out
    assert table_counts(other)["person"] == 0


def test_csv_export_is_spreadsheet_safe_and_round_trips(kg, story, tmp_path) -> None:
    path = tmp_path / "report.csv"
    kg("export", "--format", "csv", "--output", str(path))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM in files, for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 4  # one per person per conversation
    notes = {row["note"] for row in rows}
    assert "'-1 day, @home" in notes and 'Said "hi",\nthen =SUM(A1)' in notes
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    piped = kg("export", "--format", "csv").stdout
    assert not piped.startswith("\ufeff") and piped.startswith("date,time,person")


def test_markdown_pack_keeps_its_structure_whatever_people_type(kg, clock) -> None:
    from markdown_it import MarkdownIt

    evil = "# Not a heading\n\n## Nor this\n- [link](http://x) *bold* <script>x</script>\n===\n```"
    kg("add", "Ann Lee", "--note", evil)
    kg("add", "## Sneaky [x](y)")
    kg("log", "ann", "--via", "phone", "--note", evil, "--follow-up", evil[:40])
    text = kg("export", "--format", "markdown").stdout
    tokens = MarkdownIt("commonmark").parse(text)
    headings = [text.splitlines()[t.map[0]] for t in tokens if t.type == "heading_open"]
    assert headings[0] == "# Hand-over pack"
    assert [t.tag for t in tokens if t.type == "heading_open"].count("h1") == 1
    assert not any(t.type in ("html_block", "html_inline", "fence", "link_open", "em_open") for t in tokens)
    person_headings = [h for h in headings if h.startswith("## ") and "Summary" not in h]
    assert len(person_headings) == 2
    html = MarkdownIt("commonmark").render(text)
    assert "<script>" not in html and "## Sneaky [x](y)" in html.replace("&quot;", '"')


def test_markdown_pack_has_what_a_colleague_needs(kg, story) -> None:
    text = kg("export", "--format", "markdown", "--tag", "partner").stdout
    for expected in ("Sam Okafor", "fortnightly", "phone", "Book the room", "Loves the allotment"):
        assert expected in text.replace("\\", "")
    assert "Ann Lee" not in text.split("## Sam Okafor")[0].split("## Summary")[1]


def test_ics_export_parses_back(kg, story) -> None:
    from icalendar import Calendar

    text = kg("export", "--format", "ics").stdout
    calendar = Calendar.from_ical(text)
    events = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith("follow-up-")]
    assert len(events) == 1  # the done follow-up is left out
    (event,) = events
    assert str(event["summary"]) == "Follow-up for Sam Okafor: Book the room"
    assert event.decoded("dtstart").isoformat() == "2026-12-04"
    assert str(event["uid"]).startswith("follow-up-2@")


def test_anonymised_exports_hold_no_names_contacts_or_notes(kg, story) -> None:
    for fmt in ("json", "csv", "markdown", "ics"):
        text = kg("export", "--format", fmt, "--anonymise").stdout
        for secret in (
            "Sam",
            "Okafor",
            "Sammy",
            "Ann Lee",
            "Bob",
            "07700",
            "sam@example.org",
            "allotment",
            "SUM(A1)",
            "minutes",
            "Book the room",
        ):
            assert secret not in text, (fmt, secret)
        if fmt != "ics":
            assert "Person 1" in text
    again = kg("export", "--anonymise").stdout
    assert json.loads(again)["people"][0]["name"] == "Person 1"  # stable pseudonyms
    kept = kg("export", "--format", "csv", "--anonymise", "--keep-notes").stdout
    assert "SUM(A1)" in kept and "Okafor" not in kept


def test_anonymised_files_are_refused_by_import(kg, story, tmp_path) -> None:
    path = tmp_path / "report.json"
    kg("export", "--anonymise", "--output", str(path))
    assert "anonymised" in kg("import", str(path), "--db", str(tmp_path / "o.db"), expect=1).stderr


def test_filters_select_people_and_dates(kg, story) -> None:
    data = export_json(kg, "--person", "sam")
    assert [p["name"] for p in data["people"]] == ["Sam Okafor"]
    assert len(data["conversations"]) == 2
    assert all(c["people"] == ["Sam Okafor"] for c in data["conversations"])
    dated = export_json(kg, "--since", "2026-10-01", "--until", "2026-10-31")
    assert [c["note"] for c in dated["conversations"]] == ["-1 day, @home"]
    tagged = export_json(kg, "--tag", "walking")
    assert sorted(p["name"] for p in tagged["people"]) == ["Ann Lee", "Bob Marsh"]
    assert "after --until" in kg("export", "--since", "2026-11-01", "--until", "2026-10-01", expect=1).stderr


def test_output_files_are_private_and_never_clobbered(kg, story, tmp_path) -> None:
    path = tmp_path / "out.json"
    old = os.umask(0o022)
    try:
        kg("export", "--output", str(path))
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "already exists" in kg("export", "--output", str(path), expect=1).stderr
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "link.json"
    link.symlink_to(victim)
    assert "already exists" in kg("export", "--output", str(link), expect=1).stderr
    kg("export", "--output", str(link), "--force")
    assert victim.read_text() == "precious" and not link.is_symlink()
    assert json.loads(link.read_text())["format_version"] == 2
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_import_a_csv_of_people(kg, tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "Full Name,E-mail,Mobile,Organization,Tags,Rhythm,Shoe size\n"
        'Sam Okafor,sam@example.org,07700 900123,Hub,"partner; walking",2w,9\n'
        '"Lee, Ann",,,,,monthly,\n',
        encoding="utf-8",
    )
    out = kg("import", str(path)).stdout
    assert "Added 2 people" in out and "columns not imported: Shoe size" in out
    sam = json.loads(kg("show", "okafor", "--json").stdout)
    assert (
        sam["tags"] == ["partner", "walking"] and sam["cadence_days"] == 14 and sam["organisation"] == "Hub"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,email\nSam,sam@example.org\nBob,not-an-email\n", "line 3"),
        ("name,rhythm\nSam,sometimes\n", "line 2"),
        ("email,phone\nsam@example.org,123\n", "no name column"),
        ("", "empty"),
        ("name\n\x1b[31mEve\n", "line 2"),
    ],
)
def test_a_bad_csv_row_stops_everything(kg, tmp_path, db_path, content: str, message: str) -> None:
    kg("add", "Already Here")
    path = tmp_path / "people.csv"
    path.write_text(content, encoding="utf-8")
    before = table_counts(db_path)
    result = kg("import", str(path), expect=1)
    assert message in result.stderr and "people.csv" in result.stderr
    assert table_counts(db_path) == before


def test_import_vcards_from_the_rfc(kg) -> None:
    out = kg("import", str(FIXTURES / "rfc6350-and-friends.vcf")).stdout
    assert "Added 3 people" in out
    simon = json.loads(kg("show", "perreault", "--json").stdout)
    assert simon["email"] == "simon.perreault@viagenie.ca" and simon["organisation"] == "Viagenie"
    assert simon["phone"] == "+1-418-656-9254 ext. 102"
    zoe = json.loads(kg("show", "zozo", "--json").stdout)
    assert zoe["name"] == "Zoë Ng" and zoe["aliases"] == ["Zozo"]
    assert zoe["tags"] == ["allotment", "volunteer"] and zoe["role"] == "Secretary"
    assert zoe["note"] == "Prefers a text first, then a call."
    assert json.loads(kg("show", "ann", "--json").stdout)["name"] == "Ann Lee"  # from N only


def test_a_truncated_vcard_changes_nothing(kg, db_path) -> None:
    kg("add", "Already Here")
    before = table_counts(db_path)
    result = kg("import", str(FIXTURES / "no-end.vcf"), expect=1)
    assert "no-end.vcf" in result.stderr
    assert table_counts(db_path) == before


@pytest.mark.skipif(not SHARED_VCARDS.is_dir(), reason="../shared/fixtures/vcards is not here")
def test_real_vcards_from_other_projects(kg, db_path) -> None:
    report = json.loads(kg("import", str(SHARED_VCARDS / "address-book.vcf"), "--json").stdout)
    assert len(report["people_added"]) >= 5
    before = table_counts(db_path)
    kg("import", str(SHARED_VCARDS / "truncated.vcf"), expect=1)
    assert table_counts(db_path) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.json", "{not json", "line 1"),
        ("x.json", "[]", "not a keepgoing export"),
        ("x.json", '{"format_version": 99}', "newer keepgoing"),
        ("x.json", '{"format_version": 1, "people": "nope"}', "people must be a list"),
        ("x.json", '{"format_version": 1, "people": [{"name": ""}]}', "person 1"),
        (
            "x.json",
            '{"format_version": 1, "people": [{"id": 1, "name": "A"}], '
            '"conversations": [{"when": "yesterday", "person_ids": [1]}]}',
            "conversation 1",
        ),
        (
            "x.json",
            '{"format_version": 1, "people": [], "conversations": [{"when": '
            '"2026-01-01T10:00:00+00:00", "person_ids": [7]}]}',
            "person id 7",
        ),
        (
            "x.json",
            '{"format_version": 1, "people": [{"id": 1, "name": "A", "cadence_days": -3}]}',
            "person 1",
        ),
        ("x.json", '{"format_version": {"v": 2}}', "positive whole number"),
        ("x.json", '{"format_version": 2, "anonymised": {"yes": 1}}', "anonymised report"),
        (
            "x.json",
            '{"format_version": 2, "conversations": [1, 2]}',
            "conversations must be a list of objects",
        ),
        ("x.json", '{"format_version": 2, "people": null}', "people must be a list"),
        ("x.json", '{"format_version": 2, "people": [{"name": "A"}]', "line 1"),
        ("x.txt", "hello", "Cannot tell the format"),
        ("x.vcf", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "not a vCard"),
        ("x.vcf", "", "no vCards"),
    ],
)
def test_bad_import_files_fail_cleanly(kg, tmp_path, db_path, name, content, message) -> None:
    kg("add", "Already Here")
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = table_counts(db_path)
    result = kg("import", str(path), expect=1)
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert table_counts(db_path) == before


def test_json_is_streamed_in_any_key_order_with_a_bom(kg, tmp_path) -> None:
    """Conversations before people, a byte-order mark: a hand-edited file still imports."""
    path = tmp_path / "edited.json"
    text = (
        '{"conversations": [{"id": 5, "when": "2026-11-01T10:00:00+00:00", "via": "cuppa", "person_ids": [9],'
        ' "note": "Caf\u00e9 chat"}], "follow_ups": [{"person_id": 9, "text": "Ring back"}],'
        ' "people": [{"id": 9, "name": "Zo\u00eb Ng", "aliases": ["Zo"]}], "format_version": 2}'
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    report = json.loads(kg("import", str(path), "--json").stdout)
    assert report["people_added"] == ["Zoë Ng"] and report["conversations_added"] == 1
    zoe = json.loads(kg("show", "zo", "--json").stdout)
    assert zoe["conversations"][0]["note"] == "Café chat" and zoe["follow_ups"][0]["text"] == "Ring back"


def test_a_broken_big_json_file_still_gets_a_one_line_reason(kg, tmp_path, db_path, monkeypatch) -> None:
    from keepgoing.exchange.formats import json as json_format

    monkeypatch.setattr(json_format, "SMALL_ENOUGH_TO_RELOAD", 0)  # as if it were too big to read again
    path = tmp_path / "big.json"
    path.write_text('{"format_version": 2, "people": [{"name": "A"}, {"name": ', encoding="utf-8")
    kg("add", "Already Here")
    before = table_counts(db_path)
    result = kg("import", str(path), expect=1)
    assert "big.json: not valid JSON (" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert table_counts(db_path) == before


def test_binary_and_missing_files_fail_cleanly(kg, tmp_path, db_path) -> None:
    binary = tmp_path / "x.json"
    binary.write_bytes(b"\xff\xfe\x00garbage\x80")
    assert "not UTF-8" in kg("import", str(binary), expect=1).stderr
    assert "no file" in kg("import", str(tmp_path / "missing.json"), expect=1).stderr
    assert "folder" in kg("import", str(tmp_path), "--format", "json", expect=1).stderr


# --- the JSON round trip as a property --------------------------------------------

from datetime import UTC, datetime, timedelta  # noqa: E402

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
free_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
person_names = st.text(alphabet=st.characters(categories=("L", "N", "Zs", "P")), min_size=1, max_size=30)


@st.composite
def stores(draw):
    people = draw(st.lists(person_names, min_size=1, max_size=6))
    conversations = draw(
        st.lists(
            st.tuples(
                st.lists(st.integers(0, len(people) - 1), min_size=1, max_size=3),
                st.integers(0, 2000),
                st.sampled_from(["phone", "video", "email", "text", "cuppa", "other"]),
                st.none() | free_text,
                st.none() | st.integers(1, 5),
                st.none() | free_text.filter(lambda t: t.strip()),
            ),
            max_size=8,
        )
    )
    return people, conversations


@settings(
    max_examples=100 if os.environ.get("KEEPGOING_HEAVY_TESTS") else 20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=stores())
@example(data=(["ĉ", "Č"], []))  # two people of one file whose names differ by an accent stay two
def test_json_export_import_export_is_the_identity(tmp_path_factory, data) -> None:
    from keepgoing.core.conversations import log_conversation
    from keepgoing.core.people import add_person
    from keepgoing.errors import BadInput, KeepgoingError
    from keepgoing.exchange.file_import import import_file
    from keepgoing.exchange.formats.json import write_json
    from keepgoing.exchange.selection import Selection
    from keepgoing.storage import open_store

    names, conversations = data
    folder = tmp_path_factory.mktemp("roundtrip")
    source = open_store(str(folder / "a.db"))
    added = []
    for name in names:
        try:
            added.append(add_person(source, name, now=NOW, cadence_days=7).name)
        except BadInput:
            continue
    if not added:
        return
    for who, days, via, note, wellbeing, follow_up in conversations:
        people = list(dict.fromkeys(added[i % len(added)] for i in who))
        when = NOW - timedelta(days=days)
        try:
            log_conversation(
                source,
                [f"{p}" for p in people],
                via=via,
                occurred_at=when,
                now=NOW,
                note=note,
                wellbeing=wellbeing,
                follow_up=follow_up,
            )
        except KeepgoingError:
            continue  # a name that is a prefix of another, say: refused, not guessed

    def export(store) -> dict:
        out = io.StringIO()
        write_json(store, out, Selection(), now=NOW)
        return json.loads(out.getvalue())

    first = export(source)
    path = folder / "export.json"
    path.write_text(json.dumps(first), encoding="utf-8")
    target = open_store(str(folder / "b.db"))
    import_file(target, path, now=NOW)
    assert export(target) == first
    import_file(target, path, now=NOW)  # twice: nothing new
    assert export(target) == first
    source.close()
    target.close()


# --- stats and search ---------------------------------------------------------------


def test_stats_counts_conversations_people_channels_and_wellbeing(kg, story) -> None:
    data = json.loads(kg("stats", "--json").stdout)
    november = next(p for p in data["periods"] if p["start"] == "2026-11-01")
    assert november == {"start": "2026-11-01", "conversations": 2, "people": 2}
    assert data["channels"]["cuppa"] == 1 and data["channels"]["phone"] == 1 and data["channels"]["text"] == 1
    assert data["people_reached"] == 3 and data["wellbeing_average"] == 4.0
    weekly = json.loads(kg("stats", "--json", "--by", "week", "--since", "2026-11-01").stdout)
    assert [p["start"] for p in weekly["periods"]][:2] == ["2026-10-26", "2026-11-02"]
    assert "█" in kg("stats").stdout


def test_stats_hides_small_counts_when_anonymised(kg, story) -> None:
    data = json.loads(kg("stats", "--json", "--anonymise").stdout)
    assert data["people_reached"] == "<5" and data["wellbeing_average"] is None
    assert "--by is week or month" in kg("stats", "--by", "year", expect=1).stderr


def test_stats_overdue_now_and_a_month_ago(kg, clock) -> None:
    kg("add", "Weekly Wes", "--every", "weekly")
    clock.advance(days=40)
    data = json.loads(kg("stats", "--json").stdout)
    assert data["overdue_now"] == 1 and data["overdue_month_ago"] == 1
    kg("log", "wes", "--via", "phone")
    assert json.loads(kg("stats", "--json").stdout)["overdue_now"] == 0


def test_search_finds_notes_names_organisations_and_tags(kg, story) -> None:
    found = json.loads(kg("search", "SUM", "--json").stdout)
    assert [(r["kind"], r["people"]) for r in found] == [("conversation", ["Ann Lee", "Sam Okafor"])]
    assert [r["people"] for r in json.loads(kg("search", "food", "bank", "--json").stdout)] == [["Ann Lee"]]
    assert [r["people"] for r in json.loads(kg("search", "walk", "--json").stdout)] == [
        ["Ann Lee"],
        ["Bob Marsh"],
    ]
    assert [r["people"] for r in json.loads(kg("search", "sammy", "--json").stdout)] == [["Sam Okafor"]]
    assert json.loads(kg("search", "zebra", "--json").stdout) == []
    assert "Nothing found" in kg("search", "zebra").stdout


def test_search_is_newest_first_accent_blind_and_follows_edits(kg, clock) -> None:
    kg("add", "Zoë Ng")
    kg("log", "zoe", "--via", "phone", "--note", "café plans", "--when", "3 days ago")
    kg("log", "zoe", "--via", "phone", "--note", "more cafe plans")
    found = json.loads(kg("search", "cafe", "--json").stdout)
    assert [r["text"] for r in found] == ["more cafe plans", "café plans"]
    kg("edit", "zoe", "--name", "Zoe Ng-Smith", "--org", "Cafe Collective")
    people = [r for r in json.loads(kg("search", "collective", "--json").stdout) if r["kind"] == "person"]
    assert [r["people"] for r in people] == [["Zoe Ng-Smith"]]


@pytest.mark.parametrize(
    "query", ['"', "AND", "OR NOT", "*", "col:umn", "NEAR(a b)", "'; DROP TABLE x; --", "(("]
)
def test_search_treats_every_query_as_plain_words(kg, story, query) -> None:
    result = kg("search", query, "--json")
    assert isinstance(json.loads(result.stdout), list)


def test_search_highlights_matches_in_a_terminal_table(kg, story) -> None:
    out = kg("search", "minutes").stdout
    assert "\x02" not in out and "\x03" not in out


def test_a_version_1_export_still_imports(kg, tmp_path) -> None:
    old = {
        "format_version": 1,
        "people": [
            {"id": 7, "name": "Old Timer", "cadence_days": 14, "created_at": "2025-01-01T10:00:00+00:00"}
        ],
        "conversations": [
            {
                "id": 3,
                "when": "2025-02-01T10:00:00+00:00",
                "via": "phone",
                "note": "from 0.1",
                "person_ids": [7],
            }
        ],
        "follow_ups": [
            {"id": 1, "person_id": 7, "text": "old promise", "created_at": "2025-02-01T10:00:00+00:00"}
        ],
    }
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(old))
    kg("import", str(path))
    shown = json.loads(kg("show", "old", "--json").stdout)
    assert shown["conversations"][0]["note"] == "from 0.1" and shown["follow_ups"][0]["text"] == "old promise"


def test_import_indexes_for_search_and_keeps_indexing_afterwards(kg, story, tmp_path) -> None:
    path = tmp_path / "backup.json"
    kg("export", "--output", str(path))
    other = str(tmp_path / "other.db")
    kg("import", str(path), "--db", other)
    assert [r["people"] for r in json.loads(kg("search", "SUM", "--db", other, "--json").stdout)] == [
        ["Ann Lee", "Sam Okafor"]
    ]
    kg("log", "ann", "--via", "phone", "--note", "zebra crossing", "--db", other)
    assert len(json.loads(kg("search", "zebra", "--db", other, "--json").stdout)) == 1
    conn = sqlite3.connect(other)
    # 10 for the first search index, 12 for the second (follow-ups, ideas, notes, wins)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0] == 22


def test_every_format_in_the_registry_has_the_reader_and_writer_it_claims() -> None:
    import importlib

    from keepgoing.errors import BadInput
    from keepgoing.exchange.formats import (
        EXPORT_FORMATS,
        FORMAT_NAMES,
        FORMATS,
        IMPORT_FORMATS,
        import_format,
    )

    assert EXPORT_FORMATS == ("json", "csv", "markdown", "ics") and IMPORT_FORMATS == ("json", "csv", "vcard")
    assert FORMAT_NAMES["md"] == "markdown" and FORMAT_NAMES["ical"] == "ics" and "vcard" not in FORMAT_NAMES
    for fmt in FORMATS.values():
        module = importlib.import_module(f"keepgoing.exchange.formats.{fmt.module}")
        assert callable(getattr(module, "read", None)) == fmt.imports, fmt.name
        assert callable(getattr(module, "export", None)) == fmt.exports, fmt.name
    assert (
        import_format(Path("a.TSV"), None).name == "csv"
        and import_format(Path("b.vcard"), None).name == "vcard"
    )
    assert import_format(Path("c.txt"), "json").name == "json"
    with pytest.raises(BadInput, match="use one of json, csv, vcard"):
        import_format(Path("a.json"), "ics")  # written, never read
