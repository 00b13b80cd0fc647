"""The screens package: one small module a screen, each taking a typed view; importing it loads no Rich.

The views' `to_json()` are the `--json` contract (PRODUCT.md): checked here
against the literal shapes, so moving a screen onto a view cannot change them.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

RENDER = Path(__file__).parent.parent / "src" / "keepgoing" / "cli" / "render"


def test_importing_render_loads_no_rich() -> None:
    code = "import sys, keepgoing.cli.render; print(any(m.split('.')[0] == 'rich' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_screen_name_resolves_to_its_function() -> None:
    from keepgoing.cli import render

    for name, module in render.SCREENS.items():
        found = getattr(render, name)
        assert callable(found) and found.__module__ == f"keepgoing.cli.render.{module}", name
    assert sorted(render.SCREENS) == render.__all__
    with pytest.raises(AttributeError):
        render.no_such_screen  # noqa: B018


def test_no_screen_module_is_long() -> None:
    for module in RENDER.glob("*.py"):
        assert len(module.read_text(encoding="utf-8").splitlines()) <= 150, module.name


def _stats():
    from keepgoing.core.stats import Period, Stats

    periods = [Period(date(2026, 10, 1), 3, {1, 2}), Period(date(2026, 11, 1), 12, {1, 2, 3, 4, 5, 6})]
    return Stats(
        since=date(2026, 10, 1),
        today=date(2026, 11, 20),
        by="month",
        periods=periods,
        channels={"phone": 10, "text": 5, "email": 0},
        overdue_now=2,
        overdue_month_ago=7,
        wellbeing_total=14,
        wellbeing_count=4,
        people_reached=6,
    )


def test_stats_json_is_the_contract_shape() -> None:
    assert _stats().to_json() == {
        "since": "2026-10-01",
        "until": "2026-11-20",
        "by": "month",
        "periods": [
            {"start": "2026-10-01", "conversations": 3, "people": 2},
            {"start": "2026-11-01", "conversations": 12, "people": 6},
        ],
        "conversations": 15,
        "people_reached": 6,
        "channels": {"phone": 10, "text": 5, "email": 0},
        "overdue_now": 2,
        "overdue_month_ago": 7,
        "wellbeing_average": 3.5,
        "wellbeing_count": 4,
    }


def test_anonymised_stats_view_hides_small_counts_for_screen_and_json_alike() -> None:
    view = _stats().view(anonymise=True)
    assert view.to_json() == _stats().to_json(anonymise=True)
    assert view.to_json() == {
        "since": "2026-10-01",
        "until": "2026-11-20",
        "by": "month",
        "periods": [
            {"start": "2026-10-01", "conversations": "<5", "people": "<5"},
            {"start": "2026-11-01", "conversations": 12, "people": 6},
        ],
        "conversations": 15,
        "people_reached": 6,
        "channels": {"phone": 10, "text": 5, "email": 0},
        "overdue_now": "<5",
        "overdue_month_ago": 7,
        "wellbeing_average": None,
        "wellbeing_count": "<5",
    }
    assert list(view.to_json()) == list(_stats().to_json())  # key order too: the JSON is byte for byte


def test_stats_chart_draws_the_view(capsys, monkeypatch) -> None:
    from keepgoing.cli import render

    monkeypatch.setenv("COLUMNS", "100")
    render.stats_chart(_stats().view(anonymise=True))
    out = capsys.readouterr().out
    assert "Conversations by month since 2026-10-01" in out
    assert "2026-10-01" in out and " <5" in out  # an anonymised count draws no bar
    assert "█" * 28 + " 12" in out
    assert "By channel: phone 10, text 5" in out and "email" not in out
    assert "Due a check-in now: <5 (a month ago: 7)" in out
    assert "Average wellbeing" not in out


def test_consent_review_json_is_the_contract_shape() -> None:
    from keepgoing.core.rhythm import ConsentReview, DueReport

    review = ConsentReview(4, "Sam Okafor", None, date(2026, 11, 30))
    assert review.to_json() == {"id": 4, "name": "Sam Okafor", "consent": None, "review_on": "2026-11-30"}
    report = DueReport(date(2026, 12, 1), 0, [], [], [review])
    assert report.to_json()["consent_reviews"] == [review.to_json()]


def test_consent_reviews_on_the_morning_screen_print_user_text_literally(kg) -> None:
    kg("add", "[bold]Sam[/bold]", "--consent", "given", "--consent-review", "yesterday")
    screen = kg("due").stdout
    assert "Consent to check again" in screen and "[bold]Sam[/bold]" in screen
    assert "given" in screen
