"""Hand-over packs people can read (issue 22): Markdown that reads as typed in Notepad or
an email, escaped only where Markdown would misread it, and that says which groups each
person attends, their open ideas and recent wins.

The hostile text is checked by rendering it with markdown-it-py (CommonMark, and with
GitHub's tables and strikethrough), which Rich depends on.
"""

from __future__ import annotations

import random

import pytest
from markdown_it import MarkdownIt

from keepgoing.exchange.formats.markdown import inline

HOSTILE = [
    "Kerry-Ann Walsh",
    "Text: (phone) 07700 900123, e-mail: a.b@example.org",
    "# Not a heading",
    "## Nor this ##",
    "Room #",
    "- not a list",
    "+ nor this",
    "* nor this",
    "1. not numbered",
    "2) nor this",
    "> not quoted",
    "---",
    "===",
    "- - -",
    "***",
    "___",
    "*bold* and **strong** and _em_ and __strong__",
    "5 * 3 = 15, snake_case_name",
    "`code` and ```fence```",
    "~~~",
    "~~struck~~",
    "[link](http://example.org) ![img](x.png) [ref][1] [1]: http://x",
    "<script>alert(1)</script> <b>bold</b> <!-- c --> <http://x.org>",
    "a < b > c",
    "&amp; &#35; &copy; AT&T",
    "back\\slash \\* \\",
    "a | b",
    "-|-",
    "|:--|--:|",
    "[bold]red[/bold] \x1b[31m",
    "Ünïcødé — “quotes” 🙂",
]
ALPHABET = [*"ab -*_`[]()<>#!&;:=+.1)\\|~\"'", "amp", "http://x"]
# Where the pack puts user text: a list item's text, a quoted line, a heading, plain text.
PLACES = {
    "- ": ["bullet_list_open", "list_item_open", "paragraph_open"],
    "> ": ["blockquote_open", "paragraph_open"],
    "## ": ["heading_open"],
    "": ["paragraph_open"],
}


def _renders_as(doc: str, md: MarkdownIt) -> tuple[str, list[str]]:
    """The literal text a one-line document renders to, and its block tokens."""
    tokens = md.parse(doc)
    text = []
    for token in tokens:
        if token.type == "inline":
            for child in token.children or []:
                assert child.type == "text", (doc, child.type)
                text.append(child.content)
    return "".join(text), [t.type for t in tokens if t.type.endswith("_open")]


@pytest.mark.parametrize("engine", ["commonmark", "gfm"])
def test_hostile_text_reads_literally_wherever_the_pack_puts_it(engine) -> None:
    md = MarkdownIt("commonmark")
    if engine == "gfm":
        md.enable(["strikethrough", "table"])
    rng = random.Random(22)
    samples = HOSTILE + ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12))) for _ in range(400)]
    for sample in samples:
        flat = " ".join(sample.replace("\x1b", "").split())
        if not flat:
            continue
        for prefix, blocks in PLACES.items():
            text, found = _renders_as(prefix + inline(sample) + "\n", md)
            assert text == _plain(sample), (sample, inline(sample), text)
            assert found == blocks, (sample, inline(sample), found)


def _plain(text: str) -> str:
    """What a reader should see: the text as typed, on one line (control characters shown safely)."""
    from keepgoing.text import safe

    return " ".join(safe(text, inline=True).split())


def test_only_what_markdown_would_misread_is_escaped() -> None:
    assert inline("Kerry-Ann Walsh") == "Kerry-Ann Walsh"
    assert inline("Text: (phone) 07700 900123.") == "Text: (phone) 07700 900123."
    assert inline("O'Connor & sons, 5 * 3 = 15!") == "O'Connor & sons, 5 * 3 = 15!"
    assert inline("snake_case and a+b") == "snake_case and a+b"
    assert inline("# heading") == "\\# heading"
    assert inline("- item") == "\\- item"
    assert inline("1. item") == "1\\. item"
    assert inline("*bold*") == "\\*bold\\*"
    assert inline("[x](y)") == "[x\\](y)"
    assert inline("<b>") == "\\<b>"


@pytest.fixture
def story(kg):
    kg("add", "Kerry-Ann Walsh", "--note", "Text: (phone) first\n- not a list\n1. nor this")
    kg("add", "Sam Okafor")
    kg("group", "add", "Tuesday walking group", "--member", "kerry")
    kg("group", "add", "Carers online", "--member", "kerry", "--member", "sam")
    kg("log", "kerry", "--idea", "A *seed* swap", "--idea", "# Allotment open day")
    kg("idea", "2", "--status", "taken-up")
    kg("log", "--group", "walking", "--present", "kerry", "--note", "Walked `far`")
    kg("win", "Kerry-Ann led the walk", "--with", "kerry")
    kg("win", "Sam's first meeting", "--with", "sam")
    return kg


def test_the_pack_says_groups_open_ideas_and_recent_wins(story) -> None:
    text = story("export", "--format", "md", "--person", "kerry").stdout
    card = text.split("## Kerry-Ann Walsh\n")[1]
    assert "- **Groups:** Carers online, Tuesday walking group" in card
    assert "### Open ideas\n\n- A \\*seed\\* swap (idea #1)\n" in card
    assert "Allotment" not in card  # taken up: no longer open
    assert "### Recent wins\n\n- **Fri 20 Nov 2026**: Kerry-Ann led the walk\n" in card
    assert "Sam's first meeting" not in card
    assert ", at Tuesday walking group" in card and "Walked \\`far\\`" in card
    assert "> Text: (phone) first\n> \\- not a list\n> 1\\. nor this" in card
    # No needless escapes anywhere a person reads.
    for needless in ("Kerry\\-Ann", "Text\\:", "\\(phone\\)", "\\.", "\\!"):
        assert needless not in text.replace("1\\. nor", ""), needless
    html = MarkdownIt("commonmark").render(text)
    assert "<em>" not in html and "<code>" not in html and "<h1>Allotment" not in html


def test_an_archived_person_asked_for_by_name_is_in_the_pack(story) -> None:
    story("archive", "sam")
    text = story("export", "--format", "md", "--person", "sam").stdout
    assert "## Sam Okafor (archived)" in text and "- **Archived:** Fri 20 Nov 2026" in text
    assert "- Sam Okafor: every 30 days, archived" in text or "Sam Okafor: monthly, archived" in text
    assert "Sam's first meeting" in text
    everyone = story("export", "--format", "md").stdout
    assert "## Sam Okafor (archived)" in everyone and "## Kerry-Ann Walsh\n" in everyone


def test_an_anonymised_pack_names_no_group_idea_or_win(story) -> None:
    text = story("export", "--format", "md", "--anonymise").stdout
    for secret in ("Kerry", "Tuesday walking", "seed", "led the walk"):
        assert secret not in text, secret
