"""Make the impact report's example screenshots in docs/ from a realistic demo store.

    python scripts/report_screenshots.py

Builds a demo team's quarter in a temporary store, writes the report (and
its anonymised twin), and has headless Chromium print each to PDF and take a
screenshot: docs/report.png and docs/report-anonymised.png. The browser
tests use the same functions, so the pictures show what is tested.
Needs Debian's chromium (apt-get install chromium poppler-utils).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Headless, offline, and without the background services this closed network refuses.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-pdf-header-footer",
)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def browse(
    page: Path,
    out: Path,
    *,
    pdf: bool = False,
    screenshot: bool = False,
    dom: bool = False,
    height: int = 2400,
) -> str:
    """Open `page` in headless Chromium: print it to `out` (PDF), photograph it, or return its DOM."""
    browser = chromium()
    if browser is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="kg-chromium-") as profile:
        args = [browser, *FLAGS, f"--user-data-dir={profile}"]
        if pdf:
            args.append(f"--print-to-pdf={out}")
        if screenshot:
            args += [f"--window-size=1200,{height}", "--hide-scrollbars", f"--screenshot={out}"]
        if dom:
            args += ["--window-size=1200,2400", "--hide-scrollbars", "--dump-dom"]
        result = subprocess.run([*args, page.resolve().as_uri()], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"chromium failed: {result.stderr[-500:]}")
    return result.stdout


def page_height(html: str, folder: Path) -> int:
    """How tall the page is at the screenshot's width, so the screenshot shows all of it.

    The report itself runs no script (its Content-Security-Policy forbids it), so a copy
    without that line, with one script writing the height into the title, is measured.
    """
    import re

    measured = re.sub(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "", html).replace(
        "</body>",
        "<script>document.title = 'height:' + document.documentElement.scrollHeight</script></body>",
    )
    probe = folder / "measure.html"
    probe.write_text(measured, encoding="utf-8")
    found = re.search(r"<title>height:(\d+)</title>", browse(probe, folder / "unused", dom=True))
    if found is None:
        raise RuntimeError("could not measure the page's height")
    return int(found.group(1)) + 40


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def demo_store(path: Path) -> None:
    """A small team's third quarter of 2026 (and a second quarter to compare with)."""
    from keepgoing.core.conversations import log_conversation
    from keepgoing.core.followups import complete_follow_up
    from keepgoing.core.groups import add_group
    from keepgoing.core.ideas import update_idea
    from keepgoing.core.people import add_person
    from keepgoing.core.wins import add_win
    from keepgoing.storage import open_store

    start = datetime(2026, 3, 2, 10, tzinfo=UTC)
    store = open_store(str(path))
    people = [
        ("Sam Okafor", 14, "phone"),
        ("Priya Shah", 7, "email"),
        ("Ann Lee", 30, "cuppa"),
        ("Bob Marsh", 30, "cuppa"),
        ("Grace Adeyemi", 14, "text"),
        ("Jo Bloggs", 30, "video"),
        ("Mo Khan", 14, "phone"),
        ("Zoë Brown", 30, "cuppa"),
        ("Aisha Begum", 14, "phone"),
        ("Tom Reid", 30, "text"),
        ("Dev Patel", 14, "phone"),
        ("Rosa Diaz", 30, "cuppa"),
        ("Kit Evans", 14, "email"),
        ("Lena Novak", 30, "phone"),
    ]
    for name, cadence, prefers in people:
        add_person(store, name, now=start, cadence_days=cadence, prefers=prefers, email=None)
    add_group(store, "Tuesday walkers", now=start, members=["Ann Lee", "Bob Marsh", "Zoë Brown"])
    day = start
    scores = {"Sam Okafor": [3, 4, 4, 5], "Grace Adeyemi": [4, 3, 2], "Mo Khan": [2, 2, 3]}
    turn = 0
    while day < datetime(2026, 9, 28, tzinfo=UTC):
        for index, (name, cadence, prefers) in enumerate(people):
            if (day - start).days % (cadence + index % 3) == 0:
                score = scores.get(name, [])
                log_conversation(
                    store,
                    [name],
                    via=prefers,
                    occurred_at=day,
                    now=day,
                    wellbeing=score[turn % len(score)] if score else None,
                    follow_up="Send the minutes" if turn % 5 == 0 else None,
                    follow_up_due=(day + timedelta(days=7)).date() if turn % 5 == 0 else None,
                    logged_by="alex",
                )
                turn += 1
        if day.weekday() == 1:
            log_conversation(
                store,
                ["Ann Lee", "Bob Marsh", "Zoë Brown"][: 2 + turn % 2],
                via=None,
                occurred_at=day,
                now=day,
                group="Tuesday walkers",
                logged_by="alex",
            )
        day += timedelta(days=1)
    for row in store.rows("SELECT id FROM follow_up WHERE id % 3 <> 0"):
        complete_follow_up(store, row["id"], now=datetime(2026, 9, 29, tzinfo=UTC))
    log_conversation(
        store,
        ["Priya Shah"],
        via="email",
        occurred_at=datetime(2026, 7, 8, tzinfo=UTC),
        now=datetime(2026, 7, 8, tzinfo=UTC),
        ideas=["A seed swap at the hub", "Warm space on Fridays"],
        logged_by="alex",
    )
    update_idea(
        store, 1, status="taken-up", outcome="Spring, with the council", now=datetime(2026, 8, 1, tzinfo=UTC)
    )
    for when, text, who in (
        (date(2026, 7, 14), "Ann led the walk for the first time", ["Ann Lee"]),
        (date(2026, 8, 20), "Grace's group got its first grant", ["Grace Adeyemi"]),
        (date(2026, 9, 9), "Twelve people at the seed swap planning", []),
    ):
        moment = datetime(when.year, when.month, when.day, 12, tzinfo=UTC)
        add_win(store, text, now=moment, when=moment, people=who, logged_by="alex")
    _demo_measures_and_monitoring(store)
    store.close()


# ONS4 answers (satisfied, worthwhile, happy, anxious) at the start and the end of the quarter.
ONS4 = {
    "Sam Okafor": ("5,6,4,6", "7,7,6,4"),
    "Grace Adeyemi": ("6,7,6,5", "7,8,7,3"),
    "Mo Khan": ("3,4,3,8", "5,6,5,6"),
    "Ann Lee": ("7,8,7,3", "8,8,8,2"),
    "Aisha Begum": ("4,6,5,7", "6,7,6,5"),
    "Dev Patel": ("6,6,5,4", "6,7,7,4"),
    "Kit Evans": ("8,9,8,2", "7,8,6,3"),
}
# Equality monitoring, asked with consent when they joined: (age band, gender, ethnicity,
# disability, postcode district). Jo and Rosa were not asked.
MONITORING = {
    "Sam Okafor": ("35-44", "man", "african", "no", "LS7"),
    "Priya Shah": ("25-34", "woman", "indian", "no", "LS6"),
    "Ann Lee": ("65+", "woman", "white british", "yes", "LS6"),
    "Bob Marsh": ("65+", "man", "white british", "no", "LS6"),
    "Grace Adeyemi": ("25-34", "woman", "african", "no", "LS7"),
    "Mo Khan": ("25-34", "man", "pakistani", "prefer not to say", "LS8"),
    "Zoë Brown": ("55-64", "woman", "white british", "yes", "LS6"),
    "Aisha Begum": ("25-34", "woman", "bangladeshi", "no", "LS8"),
    "Tom Reid": ("35-44", "man", "white british", "no", "LS6"),
    "Dev Patel": ("25-34", "man", "indian", "no", "LS7"),
    "Kit Evans": ("16-24", "non-binary", "white and black caribbean", "yes", "LS6"),
    "Lena Novak": ("35-44", "woman", "other white", "no", "LS11"),
}


def _demo_measures_and_monitoring(store: Any) -> None:
    from keepgoing.core.conversations import log_conversation
    from keepgoing.core.monitoring import FIELDS, record_monitoring

    for name, answers in ONS4.items():
        for when, given in zip(
            (datetime(2026, 7, 6, 11, tzinfo=UTC), datetime(2026, 9, 21, 11, tzinfo=UTC)),
            answers,
            strict=True,
        ):
            log_conversation(
                store,
                [name],
                via="phone",
                occurred_at=when,
                now=when,
                measures=[("ons4", given)],
                logged_by="alex",
            )
    asked = date(2026, 3, 2)
    for name, fields in MONITORING.items():
        record_monitoring(
            store,
            name,
            consent="given",
            answers=dict(zip(FIELDS, fields, strict=True)),
            asked_on=asked,
            today=asked,
            now=datetime(2026, 3, 2, 12, tzinfo=UTC),
            by="alex",
        )


def main() -> None:
    from keepgoing.core.report import build_report, parse_period
    from keepgoing.exchange.report_page import render_html
    from keepgoing.storage import open_store

    if chromium() is None:
        sys.exit("chromium is not installed: apt-get install chromium poppler-utils")
    with tempfile.TemporaryDirectory(prefix="kg-report-") as folder:
        store_path = Path(folder) / "demo.db"
        demo_store(store_path)
        store = open_store(str(store_path))
        now = datetime(2026, 10, 1, 9, tzinfo=UTC)
        for anonymise, name in ((False, "report.png"), (True, "report-anonymised.png")):
            page = Path(folder) / "report.html"
            figures = build_report(store, parse_period("2026Q3"), anonymise=anonymise)
            html = render_html(figures, now=now)
            page.write_text(html, encoding="utf-8")
            browse(page, ROOT / "docs" / name, screenshot=True, height=page_height(html, Path(folder)))
            print(f"wrote docs/{name}")


if __name__ == "__main__":
    main()
