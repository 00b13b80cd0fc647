"""What issue 25 made cheaper on the everyday screens gives the same answers as before.

The tries under the morning screen are found two ways (a screenful of people
through their own conversations, many people through the store's unanswered
tries): both must find the same. Piped output drops the padding before each
newline line by line, as the regular expression it replaced did.
"""

from __future__ import annotations

import json
import re

import pytest


@pytest.fixture
def tried(kg):
    """Three people: two tried without an answer since they were last reached, one reached since."""
    kg("add", "Sam Okafor", "--every", "weekly", "--prefers", "phone", "--phone", "07700 900123")
    kg("add", "Ann Lee", "--every", "weekly", "--email", "ann@example.org")
    kg("add", "Bo Diaz", "--every", "weekly", "--phone", "07700 900456")
    for name in ("sam", "ann", "bo"):
        kg("log", name, "--via", "cuppa", "--when", "20 days ago")
    kg("log", "sam", "--no-answer", "--via", "phone", "--when", "5 days ago")
    kg("log", "sam", "--no-answer", "--via", "phone", "--when", "2 days ago")
    kg("log", "sam", "--no-answer", "--via", "text", "--when", "yesterday")
    kg("log", "ann", "--no-answer", "--via", "email", "--when", "3 days ago")
    kg("log", "bo", "--no-answer", "--via", "phone", "--when", "12 days ago")
    kg("log", "bo", "--via", "phone", "--when", "10 days ago")
    return kg


@pytest.mark.parametrize("few", [0, 1000])
def test_both_ways_of_finding_tries_find_the_same(tried, monkeypatch, few) -> None:
    from keepgoing.core import rhythm

    monkeypatch.setattr(rhythm, "FEW_FOR_TRIES", few)
    people = json.loads(tried("due", "--within", "30d", "--json").stdout)["people"]
    tries = {entry["name"]: entry["tries"] for entry in people}
    assert set(tries) == {"Sam Okafor", "Ann Lee", "Bo Diaz"}
    sam, ann = tries["Sam Okafor"], tries["Ann Lee"]
    assert (sam["count"], sam["via"], sam["try_instead"]) == (3, ["phone", "phone", "text"], [])
    assert (ann["count"], ann["via"], ann["try_instead"]) == (1, ["email"], [])
    assert tries["Bo Diaz"] is None  # reached after the try


def test_a_screenful_and_a_store_wide_search_agree_line_for_line(tried, monkeypatch) -> None:
    from keepgoing.core import rhythm

    screens = []
    for few in (0, 1000):
        monkeypatch.setattr(rhythm, "FEW_FOR_TRIES", few)
        screens.append(tried("due", "--within", "30d").stdout)
    assert screens[0] == screens[1]
    assert "tried 3 times" in " ".join(screens[0].split())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no newline   ",
        "a  \nb\t \n\n   \nc",
        "  lead and trail  \n" * 3,
        "\r\n  \r  \n",
        " " * 500 + "x" + " " * 500 + "\n" + " " * 500,
        "ünïcode …   \n── ─  \n",
    ],
)
def test_piped_lines_lose_the_same_padding_as_before(text) -> None:
    from keepgoing.cli.render.terminal import trim_lines

    assert trim_lines(text) == re.sub(r"[ \t]+(?=\n)", "", text)
