"""`export --person NAME --subject-access`: what is held about one person, for them to read.

Nothing about anyone else can be read from it: the story below plants other
people's names, aliases, phones and emails (and people not in the store at
all) in every kind of shared text, and every output file is searched for them.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

# Everyone but Sam, as the notes might write them: none may appear in Sam's copy.
OTHERS = (
    "Bob",
    "Marsh",
    "Bobby",
    "Priya",
    "Shah",
    "Pri ",
    "900456",
    "900 456",
    "bob@example.net",
    "priya@example.org",
    "zed@elsewhere.org",
    "900999",
    "7700 900 999",
)


@pytest.fixture
def story(kg) -> None:
    kg("add", "Sam Jones", "--phone", "07700 900123", "--email", "sam@example.org", "--alias", "Sammy")
    kg("add", "Bob Marsh", "--phone", "07700 900456", "--email", "bob@example.net", "--alias", "Bobby")
    kg("add", "Priya Shah", "--alias", "Pri", "--email", "priya@example.org")
    kg(
        "log",
        "sam",
        "bob",
        "--via",
        "cuppa",
        "--wellbeing",
        "4",
        "--note",
        "Sam and Bob Marsh walked. Bobby's number is 07700900456, mail bob@example.net; "
        "Priya Shah joined later, and Zed (zed@elsewhere.org, +44 7700 900 999) rang.",
        "--follow-up",
        "Ask Priya about the allotment: 07700 900 456",
    )
    kg("log", "sam", "--wellbeing", "2", "--feeling", "tired", "--idea", "A seed swap at the hub")
    kg("idea", "1", "--status", "taken-up", "--note", "Running it in spring; Pri Shah will help")
    kg("note", "sam", "Gets on well with Bob; sam@example.org is fine to use")
    kg("group", "add", "Bob's walkers", "--every", "weekly", "--member", "Sam Jones", "--member", "Bob")
    kg("log", "--group", "walkers", "--present", "Sam Jones", "--present", "Bob", "--note", "Bob led")
    kg("win", "Sam and Bobby finished the walk", "--with", "Sam Jones", "--with", "Bob")


def _copy(kg, tmp_path: Path) -> tuple[str, dict, list[Path]]:
    out = tmp_path / "sar"
    result = kg("export", "--person", "sam", "--subject-access", "--output", str(out))
    assert "Sam Jones" in result.stdout
    files = sorted(out.iterdir())
    assert [f.suffix for f in files] == [".html", ".json", ".md"]
    markdown = next(f for f in files if f.suffix == ".md").read_text(encoding="utf-8")
    data = json.loads(next(f for f in files if f.suffix == ".json").read_text(encoding="utf-8"))
    return markdown, data, files


@pytest.mark.usefixtures("story")
def test_the_copy_holds_everything_about_them_and_nothing_about_anyone_else(kg, tmp_path) -> None:
    markdown, data, files = _copy(kg, tmp_path)
    for path in files:
        text = path.read_text(encoding="utf-8")
        for secret in OTHERS:
            assert secret.casefold() not in text.casefold(), (path.name, secret)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(files[0].parent.stat().st_mode) == 0o700
    # Their own details are there: name, alias, phone, email (kept in their own note too).
    for own in ("Sam Jones", "Sammy", "07700 900123", "sam@example.org"):
        assert own in markdown.replace("\\", "")
    sections = data["sections"]
    assert list(sections) == [
        "card",
        "consent",
        "conversations",
        "follow_ups",
        "notes",
        "ideas",
        "wins",
        "groups",
        "wellbeing",
        "measures",
        "monitoring",
    ]
    assert data["person"] == "Sam Jones" and data["exported_on"] == "2026-11-20"
    talks = sections["conversations"]["items"]
    assert len(talks) == 3
    shared = talks[0]
    assert shared["who_was_there"] == "you, another person"
    # Forget's rule for people in the store (their phone and email too), then any other contact.
    assert shared["note"] == (
        "Sam and [someone] walked. [someone]'s number is [someone], mail [someone]; "
        "[someone] joined later, and Zed ([contact details], [contact details]) rang."
    )
    assert shared["logged_by"] and shared["logged_at"].startswith("2026-11-20")
    assert sections["follow_ups"]["items"][0]["what"] == "Ask [someone] about the allotment: [someone]"
    (idea,) = sections["ideas"]["items"]
    assert idea["what_became_of_it"] == "taken-up" and "spring" in idea["outcome"]
    assert (
        sections["notes"]["items"][0]["note"] == "Gets on well with [someone]; sam@example.org is fine to use"
    )
    (group,) = sections["groups"]["items"]
    assert group["title"] == "[someone]'s walkers" and group["sessions_attended"] == 1
    assert sections["wins"]["items"][0]["who_shared_it"] == "you, another person"
    assert [w["score_1_to_5"] for w in sections["wellbeing"]["items"]] == [4, 2]
    assert "## Wellbeing scores" in markdown and "another person" in markdown


def test_their_wellbeing_questionnaires_and_equality_monitoring_and_no_one_elses(kg, tmp_path) -> None:
    kg("add", "Sam Jones")
    kg("add", "Bob Marsh")
    kg("add", "Priya Shah")
    kg("log", "sam", "--ons4", "7,8,6,3", "--when", "2026-10-01")
    kg("log", "sam", "--ons4", "9,9,8,1")
    kg("log", "bob", "--ons4", "0,1,2,10")
    # An organisation's own measure, one of whose items is called like a label of the copy's own.
    toml = tmp_path / "mood2.toml"
    toml.write_text(
        'name = "mood2"\ntitle = "Mood two"\nlicence = "Mood two, by Our Org: licensed to members."\n'
        'scoring = "sum"\n\n[[items]]\nkey = "calm"\nlabel = "Calm"\nmin = 1\nmax = 5\n\n'
        '[[items]]\nkey = "conversation"\nlabel = "Talk"\nmin = 1\nmax = 5\n',
        encoding="utf-8",
    )
    kg("measure", "add", str(toml))
    kg("log", "sam", "--measure", "mood2", "3,4", "--when", "2026-11-01")
    kg("log", "bob", "--measure", "mood2", "1,1")
    kg(
        "monitor",
        "sam",
        "--consent",
        "given",
        "--age-band",
        "25-34",
        "--gender",
        "woman",
        "--asked",
        "2026-01-05",
    )
    kg("monitor", "sam", "--ethnicity", "indian", "--postcode-district", "LS6", "--asked", "2026-11-02")
    kg("monitor", "bob", "--consent", "given", "--age-band", "65+", "--gender", "man", "--disability", "yes")
    kg("monitor", "bob", "--ethnicity", "caribbean", "--postcode-district", "M14")
    markdown, data, _ = _copy(kg, tmp_path)
    sections = data["sections"]
    first, last, mood = sections["measures"]["items"]
    assert mood["title"] == "Mood two on 2026-11-01" and mood["licence"].startswith("Mood two, by Our Org")
    assert (mood["calm"], mood["answer_conversation"], mood["total"], mood["conversation"]) == (3, 4, 7, 4)
    assert "### Mood two on 2026-11-01" in markdown and "- Answer conversation: 4" in markdown
    assert first["title"] == "ONS personal well-being (ONS4) on 2026-10-01"
    assert {k: first[k] for k in ("life_satisfaction", "worthwhile", "happiness", "anxiety")} == {
        "life_satisfaction": 7,
        "worthwhile": 8,
        "happiness": 6,
        "anxiety": 3,
    }
    assert last["anxiety"] == 1 and last["title"].endswith("on 2026-11-20")
    assert (
        "Office for National Statistics" in first["licence"] and "Open Government Licence" in last["licence"]
    )
    consent, older, newer = sections["monitoring"]["items"]
    assert consent["consent"] == "given" and consent["given_on"] == "2026-01-05"
    assert older["asked_on"] == "2026-01-05" and older["age_band"] == "25 to 34"
    assert older["gender"] == "Woman" and older["ethnicity"] == "Not asked"
    assert newer["asked_on"] == "2026-11-02" and newer["gender"] == "Woman"  # kept from the record before
    assert newer["ethnicity"].endswith("Indian") and newer["postcode_district"] == "LS6"
    for heading in (
        "## Wellbeing questionnaires",
        "## Equality monitoring",
        "### Consent to equality monitoring",
    ):
        assert heading in markdown
    for line in (
        "- Life satisfaction: 7",
        "- Anxiety: 1",
        "- Age band: 25 to 34",
        "- Postcode district: LS6",
    ):
        assert line in markdown
    assert "Office for National Statistics" in markdown
    # Bob's answers and monitoring are his own: none of it is in Sam's copy.
    for path in (tmp_path / "sar").iterdir():
        text = path.read_text(encoding="utf-8")
        for his in (
            "65 and over",
            "Man",
            "Caribbean",
            "M14",
            ": 10",
            '"anxiety": 10',
            "Conversation: 3",
            "Conversation: 5",
        ):
            assert his not in text, (path.name, his)
    assert [item["conversation"] for item in sections["measures"]["items"]] == [1, 2, 4]
    # Someone with neither: both sections are there, holding nothing.
    out = tmp_path / "priya"
    kg("export", "--person", "priya", "--subject-access", "--output", str(out))
    hers = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))["sections"]
    assert hers["measures"]["items"] == [] and hers["monitoring"]["items"] == []
    assert next(out.glob("*.md")).read_text(encoding="utf-8").count("Nothing is held.") >= 2


@pytest.mark.usefixtures("story")
def test_the_copy_goes_into_a_new_folder_named_for_them_and_never_overwrites(
    kg, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    kg("export", "--person", "sam", "--subject-access")
    folder = tmp_path / "subject-access-sam-jones-2026-11-20"
    assert sorted(p.name for p in folder.iterdir()) == [
        "subject-access-sam-jones-2026-11-20.html",
        "subject-access-sam-jones-2026-11-20.json",
        "subject-access-sam-jones-2026-11-20.md",
    ]
    again = kg("export", "--person", "sam", "--subject-access", expect=1)
    assert "already exists" in again.stderr and "--force" in again.stderr
    kg("export", "--person", "sam", "--subject-access", "--force")
    into = kg("export", "--person", "sam", "--subject-access", "--output", str(folder), expect=1)
    assert "already exists" in into.stderr


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--subject-access"], 2, "exactly one --person"),
        (["--subject-access", "--person", "sam", "--person", "bob"], 2, "exactly one --person"),
        (["--subject-access", "--person", "sam", "--format", "csv"], 2, "leave out --format"),
        (["--subject-access", "--person", "sam", "--anonymise"], 2, "leave out"),
        (["--subject-access", "--person", "nobody-here"], 1, "nobody-here"),
        (["--subject-access", "--person", "[bold]x"], 1, "[bold]x"),
    ],
)
def test_bad_requests_are_one_line(kg, tmp_path, args, code, words) -> None:
    kg("add", "Sam Jones")
    kg("add", "Bob Marsh")
    result = kg("export", *args, "--output", str(tmp_path / "out"), expect=code)
    assert words in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_output_that_is_a_file_is_refused(kg, tmp_path) -> None:
    kg("add", "Sam Jones")
    target = tmp_path / "a-file.md"
    target.write_text("mine")
    result = kg("export", "--person", "sam", "--subject-access", "--output", str(target), expect=1)
    assert "is a file" in result.stderr and target.read_text() == "mine"


def test_rich_markup_markdown_html_and_terminal_escapes_in_their_text_stay_literal(kg, tmp_path) -> None:
    kg("add", "Zoë [bold]Ng[/bold] <b>")
    kg("log", "zoë", "--note", "# not a heading *nor bold* <script>x</script>")
    kg("log", "zoë", "--note", "<script>alert(1)</script> & \x1b[31mred\x1b[0m [link=x]y[/link]\nline two")
    out = tmp_path / "z"
    kg("export", "--person", "zoë", "--subject-access", "--output", str(out))
    markdown = next(out.glob("*.md")).read_text(encoding="utf-8")
    assert "\\# not a heading \\*nor bold\\* \\<script>x\\</script>" in markdown
    data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert data["person"] == "Zoë [bold]Ng[/bold] <b>"
    page = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page
    assert "<b>" not in page and "Zoë [bold]Ng[/bold] &lt;b&gt;" in page
    assert "\x1b" not in page  # the escape character itself: shown, never sent to a terminal
    assert "[link=x]y[/link]<br>line two" in page


@pytest.mark.usefixtures("story")
def test_the_html_page_holds_the_same_facts_as_the_markdown(kg, tmp_path) -> None:
    markdown, _, files = _copy(kg, tmp_path)
    page = next(f for f in files if f.suffix == ".html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")  # standalone
    assert _facts_of_html(page) == _facts_of_markdown(markdown)
    assert ("h1", "What we hold about Sam Jones") in _facts_of_html(page)
    notes = [
        text
        for kind, text in _facts_of_html(page)
        if kind == "dd" and text.startswith("Sam and [someone] walked")
    ]
    assert notes == [
        "Sam and [someone] walked. [someone]'s number is [someone], mail [someone]; "
        "[someone] joined later, and Zed ([contact details], [contact details]) rang."
    ]


def _facts_of_html(page: str) -> list[tuple[str, str]]:
    """Headings and labelled values, in order, as a reader sees them."""
    from html.parser import HTMLParser

    facts: list[tuple[str, str]] = []

    class Reader(HTMLParser):
        kind: str | None = None
        text = ""

        def handle_starttag(self, tag: str, _attrs: object) -> None:
            if tag in ("h1", "h2", "h3", "dt", "dd"):
                self.kind, self.text = tag, ""
            elif tag == "br":
                self.text += "\n"

        def handle_endtag(self, tag: str) -> None:
            if tag == self.kind:
                facts.append((tag, self.text.strip()))
                self.kind = None

        def handle_data(self, data: str) -> None:
            if self.kind:
                self.text += data

    Reader(convert_charrefs=True).feed(page)
    return facts


def _facts_of_markdown(markdown: str) -> list[tuple[str, str]]:
    """The same from the Markdown: headings, "- Label: value" lines, and quoted values under "- Label:"."""
    import re

    facts: list[tuple[str, str]] = []
    quoted: list[str] | None = None  # the lines of a quoted value under way
    for line in markdown.splitlines():
        line = re.sub(r"\\(.)", r"\1", line)
        if quoted is not None and line.startswith("  >"):
            quoted.append(line[4:])
            continue
        if quoted:
            facts.append(("dd", "\n".join(quoted)))
            quoted = None
        if line.startswith("#"):
            level, _, title = line.partition(" ")
            facts.append((f"h{len(level)}", title))
        elif line.startswith("- ") and line.endswith(":"):
            facts.append(("dt", line[2:-1]))
            quoted = []
        elif line.startswith("- "):
            label, _, value = line[2:].partition(": ")
            facts += [("dt", label), ("dd", value)]
    return facts


@pytest.mark.sqlite_only
def test_through_the_installed_command(tmp_path) -> None:
    import os

    env = {**os.environ, "KEEPGOING_DB": str(tmp_path / "s.db")}
    run = [sys.executable, "-m", "keepgoing"]
    subprocess.run(
        [*run, "add", "Ann Lee", "--phone", "07700 900001"], env=env, check=True, capture_output=True
    )
    subprocess.run(
        [*run, "add", "Bea Cole", "--phone", "07700 900002"], env=env, check=True, capture_output=True
    )
    subprocess.run(
        [*run, "log", "ann", "bea", "--note", "Bea Cole (07700 900002) came too"],
        env=env,
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [*run, "export", "--person", "ann", "--subject-access", "--output", str(tmp_path / "sar")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    for path in (tmp_path / "sar").iterdir():
        text = path.read_text(encoding="utf-8")
        assert "Bea" not in text and "Cole" not in text and "900002" not in text
        assert "came too" in text


def test_the_calendar_carries_no_contact_details_unless_asked(kg) -> None:
    kg("add", "Sam Okafor", "--prefers", "phone", "--phone", "07700 900123")
    kg("add", "Eve", "--prefers", "email", "--email", "eve@example.org")
    kg("followup", "add", "sam", "Ring Eve on 07700 900777 or eve@example.org", "--due", "in 3 days")
    plain = kg("export", "--format", "ics").stdout
    assert "Check in with Sam Okafor (by phone)" in plain
    for secret in ("900123", "eve@example.org", "900777"):
        assert secret not in plain
    full = kg("export", "--format", "ics", "--with-contacts").stdout
    assert "07700 900123" in full and "eve@example.org" in full and "900777" in full
    refused = kg("export", "--format", "csv", "--with-contacts", expect=1)
    assert "--with-contacts is for a calendar" in refused.stderr
