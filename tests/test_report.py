"""keepgoing report (issue 15): every figure on a small store, worked out by hand; the page in a real browser.

The store: Ann (weekly), Bob (monthly) and Cy (fortnightly), all added on
1 September 2026; the report covers October 2026 (September is the period
before). Each figure's reasoning is beside its assertion.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OCTOBER = ("--since", "2026-10-01", "--until", "2026-10-31")


def _screenshots():
    spec = importlib.util.spec_from_file_location(
        "report_screenshots", ROOT / "scripts" / "report_screenshots.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def at(clock, day: str, hour: int = 10) -> None:
    year, month, date_ = map(int, day.split("-"))
    clock.set(datetime(year, month, date_, hour, tzinfo=UTC))


@pytest.fixture
def month(kg, clock):
    at(clock, "2026-09-01")
    kg("add", "Ann Lee", "--every", "weekly", "--phone", "07700 900111", "--email", "ann@example.org")
    kg("add", "Bob Marsh", "--every", "monthly")
    kg("add", "Cy Twombly", "--every", "fortnightly")
    kg("group", "add", "Walkers", "--member", "ann", "--member", "bob")
    at(clock, "2026-09-10")
    kg("log", "ann", "--via", "phone", "--wellbeing", "3", "--note", "Secret note about Ann")
    at(clock, "2026-10-05")
    kg("log", "ann", "--via", "phone", "--wellbeing", "2", "--follow-up", "A", "--due", "2026-10-08")
    at(clock, "2026-10-07")
    kg("done", "1")
    at(clock, "2026-10-10")
    kg("log", "ann", "--via", "phone", "--wellbeing", "4", "--idea", "A seed swap with Bob Marsh")
    at(clock, "2026-10-12")
    kg("win", "Bob came to the walk", "--with", "bob")
    at(clock, "2026-10-15")
    kg("log", "bob", "--via", "cuppa", "--follow-up", "B", "--due", "2026-10-16")
    at(clock, "2026-10-20")
    kg("log", "--group", "walkers", "--present", "ann", "--present", "bob")
    kg("done", "2")
    at(clock, "2026-10-30")
    kg("log", "ann", "--via", "text", "--follow-up", "C")
    at(clock, "2026-11-20")
    return kg


def figures(kg, *args: str) -> dict:
    return json.loads(kg("report", *OCTOBER, "--json", *args).stdout)


def test_reach(month) -> None:
    reach = figures(month)["reach"]
    # October: Ann on the 5th, 10th and 30th, Bob on the 15th, the walkers on the 20th.
    assert reach["conversations"] == 5
    assert reach["previous_conversations"] == 1  # Ann on 10 September
    assert reach["people_in_touch"] == 2  # Ann and Bob; Cy never
    assert reach["previous_people"] == 1
    assert reach["new_people"] == 1  # Bob's first conversation ever
    assert reach["continuing_people"] == 1
    assert reach["by_month"] == {"Oct 2026": 5}
    assert reach["by_channel"] == {"phone": 2, "cuppa": 2, "text": 1}  # the group meets in person
    assert reach["previous_by_channel"] == {"phone": 1}


def test_keeping_the_rhythm(month) -> None:
    rhythm = figures(month)["rhythm"]
    # Ann (7 days): 5 Oct after 10 Sep late; 10 Oct after 5 days on time; 20 Oct after 10 late; 30 Oct late.
    # Bob (30 days): 15 Oct is his first (no earlier contact to measure); 20 Oct after 5 days on time.
    assert (rhythm["check_ins"], rhythm["on_time"]) == (5, 2)
    # Overdue within October: Ann from 1 Oct to 5 Oct (4 days, her longest); Bob due 1 Oct, seen
    # 15 Oct (14 days); Cy due 15 Sep, never seen (all 31 days of October).
    assert rhythm["went_overdue"] == 3
    assert (rhythm["longest_overdue_days"], rhythm["median_overdue_days"]) == (31, 14)


def test_promises_kept(month) -> None:
    # A: due 8 Oct, done 7 Oct (on time); B: due 16 Oct, done 20 Oct (late); C: open.
    assert figures(month)["promises"] == {
        "made": 3,
        "done_on_time": 1,
        "done_late": 1,
        "still_open": 1,
        "cancelled": 0,
    }


def test_wellbeing_ideas_groups_and_wins(month) -> None:
    report = figures(month)
    assert report["wellbeing"] == {"rose": 1, "held": 0, "fell": 0}  # Ann: 2 on 5 Oct, 4 on 10 Oct
    assert report["ideas"] == {"open": 1}
    assert report["groups"] == [{"name": "Walkers", "sessions": 1, "attendance": 2}]
    assert report["wins"] == [{"day": "2026-10-12", "text": "Bob came to the walk"}]
    assert report["summary"].startswith("In this period the team was in touch with 2 people (1 of them new)")


def test_the_quarter_and_a_worker(month, clock) -> None:
    quarter = json.loads(month("report", "--period", "2026Q4", "--json").stdout)
    assert quarter["period"] == {"start": "2026-10-01", "end": "2026-12-31"}
    assert quarter["previous_period"] == {"start": "2026-07-01", "end": "2026-09-30"}  # Q3: 92 days too
    assert quarter["summary"].startswith("This quarter the team")
    nobody = json.loads(month("report", *OCTOBER, "--worker", "someone-else", "--json").stdout)
    assert nobody["reach"]["conversations"] == 0 and nobody["promises"]["made"] == 0


def test_an_anonymised_report_names_nobody_and_hides_small_counts(month, tmp_path) -> None:
    report = figures(month, "--anonymise")
    assert report["reach"]["conversations"] == 5 and report["reach"]["people_in_touch"] == "<5"
    assert report["wins"] == [{"day": "2026-10-12", "text": "[someone] came to the walk"}]
    assert report["idea_texts"][0]["text"] == "A seed swap with [someone] [someone]"
    page = tmp_path / "anon.html"
    month("report", *OCTOBER, "--anonymise", "--output", str(page))
    _assert_names_nobody(page.read_text())


def _assert_names_nobody(text: str) -> None:
    for secret in ("Ann", "Bob", "Marsh", "Twombly", "07700", "ann@example.org", "Secret note"):
        assert secret not in text, secret


def test_user_text_is_escaped_and_the_page_loads_nothing(kg, tmp_path) -> None:
    kg("add", "<script>alert(1)</script>")
    kg("group", "add", '<img src=x onerror="alert(2)">', "--member", "<script")
    kg("log", "--group", "<img", "--present", "<script", "--idea", "<b>bold</b> idea")
    kg("win", "</p><script>alert(3)</script>")
    page = tmp_path / "r.html"
    kg("report", "--output", str(page))
    html = page.read_text()
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "<b>bold" not in html
    assert "default-src 'none'" in html  # the Content-Security-Policy
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//)""", html, re.IGNORECASE)
    assert "@import" not in html and "url(http" not in html
    assert html.count('<figure role="img" aria-label=') >= 4  # every chart has a text alternative


def test_markdown_report_and_refusals(month, tmp_path, db_path) -> None:
    out = tmp_path / "r.md"
    month("report", *OCTOBER, "--output", str(out))
    text = out.read_text()
    assert "| Conversations | 5 | 1 |" in text and "## Promises kept" in text
    assert "already exists" in month("report", "--output", str(out), expect=1).stderr
    assert (
        "contradicts"
        in month("report", "--format", "html", "--output", str(tmp_path / "x.md"), expect=2).stderr
    )
    assert "not both" in month("report", "--period", "2026Q3", "--since", "2026-01-01", expect=2).stderr
    assert "cannot go together" in month("report", "--worker", "a", "--team", expect=2).stderr
    assert "as a period" in month("report", "--period", "Q5", expect=1).stderr
    assert (
        "before --since" in month("report", "--since", "2026-10-10", "--until", "2026-10-01", expect=2).stderr
    )
    assert oct(out.stat().st_mode & 0o777) == "0o600"


# --- a real browser ----------------------------------------------------------------------------


def _browser():
    shots = _screenshots()
    if shots.chromium() is None or not shots.shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("CI must have chromium and pdftotext: .ci/run installs them from Debian")
        pytest.skip(
            "no chromium or pdftotext here: apt-get install chromium poppler-utils (CI installs them)"
        )
    return shots


@pytest.mark.sqlite_only("the browser reads a page; the store behind it is tested above on both")
def test_the_page_prints_to_pdf_with_the_headline_figures_and_runs_no_script(month, tmp_path) -> None:
    shots = _browser()
    month("add", "<script>document.title='PWNED'</script>")
    # ONS4 answers from Ann and Bob (both already in touch in October): the measure's section shows.
    month("log", "ann", "--ons4", "6,7,5,4", "--when", "2026-10-21")
    month("log", "bob", "--ons4", "8,8,7,2", "--when", "2026-10-22")
    page, pdf, png = tmp_path / "r.html", tmp_path / "r.pdf", tmp_path / "r.png"
    month("report", *OCTOBER, "--output", str(page))
    shots.browse(page, pdf, pdf=True)
    text = shots.pdf_text(pdf)
    words = " ".join(text.split())
    assert "ONS personal well-being (ONS4)" in words
    assert "Office for National Statistics, used under the Open Government Licence v3.0." in words
    assert "Impact report" in text
    assert "in touch with 2 people" in " ".join(text.split())
    assert "Promises kept" in text and "Keeping the rhythm" in text
    assert "Who we reached" in text and "Postcode district" in text
    dom = shots.browse(page, tmp_path / "unused", dom=True)
    assert "<title>Impact report</title>" in dom and "PWNED" not in dom.split("</title>")[0]
    shots.browse(page, png, screenshot=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


@pytest.mark.sqlite_only("the browser reads a page; the store behind it is tested above on both")
def test_an_anonymised_pdf_names_nobody(month, tmp_path) -> None:
    shots = _browser()
    page, pdf = tmp_path / "a.html", tmp_path / "a.pdf"
    month("report", *OCTOBER, "--anonymise", "--output", str(page))
    shots.browse(page, pdf, pdf=True)
    text = shots.pdf_text(pdf)
    assert "Impact report" in text
    _assert_names_nobody(text)


@pytest.mark.parametrize("period", ["2026-12", "2026Q4", "2026", None])
def test_days_that_have_not_happened_are_never_counted_overdue(kg, clock, period) -> None:
    """Issue 20: on 2 Dec, a weekly person logged today was "overdue for 23 days" in December."""
    clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=UTC))
    kg("add", "Sam", "--every", "weekly")
    kg("log", "sam")
    rhythm = json.loads(kg("report", *(["--period", period] if period else []), "--json").stdout)["rhythm"]
    assert (rhythm["went_overdue"], rhythm["longest_overdue_days"]) == (0, None)
    # Ten days on, 9 to 12 Dec (due on the 9th) are overdue; none after today.
    clock.set(datetime(2026, 12, 12, 10, 0, tzinfo=UTC))
    rhythm = json.loads(kg("report", *(["--period", period] if period else []), "--json").stdout)["rhythm"]
    assert (rhythm["went_overdue"], rhythm["longest_overdue_days"]) == (1, 4)
    # A period that is all to come has no overdue days at all.
    rhythm = json.loads(kg("report", "--period", "2027-01", "--json").stdout)["rhythm"]
    assert rhythm["went_overdue"] == 0


def test_the_contact_before_the_period_is_found_however_long_ago(kg, clock) -> None:
    """The rhythm looks back only to each person's last contact before the period (issue 24).

    Dee (monthly, added 1 May) was last in touch on 10 June, long before the
    recent window the report reads first, then again on 20 October.
    """
    at(clock, "2026-05-01")
    kg("add", "Dee Dash", "--every", "monthly")
    at(clock, "2026-06-10")
    kg("log", "dee", "--via", "phone", "--wellbeing", "2")
    at(clock, "2026-10-20")
    kg("log", "dee", "--via", "phone", "--wellbeing", "4")
    at(clock, "2026-11-20")
    report = figures(kg)
    # Not new: she was in touch in June. One check-in, 132 days after the one before: late.
    assert report["reach"]["new_people"] == 0 and report["reach"]["people_in_touch"] == 1
    assert report["reach"]["previous_people"] == 0  # nobody in September
    assert (report["rhythm"]["check_ins"], report["rhythm"]["on_time"]) == (1, 0)
    # Due on 10 July: overdue from 1 October (the period's start) to 20 October.
    assert report["rhythm"]["went_overdue"] == 1 and report["rhythm"]["longest_overdue_days"] == 19
    assert report["wellbeing"] == {"rose": 0, "held": 0, "fell": 0}  # one score in October
