"""Completions quoted for the shell that asked, so a full name goes in as one word.

Typer hands each candidate to the shell as it is. Bash puts it on the line
literally, so "Sam Okafor" became two words and "O'Connor" an open quote; zsh
reads Typer's answer through `eval`, where Typer's `''` loses an apostrophe.
Fish quotes what it inserts itself, so its answer is left alone. Imported only
when the shell asks for completions.
"""

from __future__ import annotations

import os
import re
from typing import Any

from typer._click.shell_completion import CompletionItem, add_completion_class
from typer._completion_classes import BashComplete, ZshComplete

_SPECIAL = re.compile(r"([^\w@%+=:,./-])")


def _open_quote(line: str) -> bool:
    """Whether `line` ends inside a quote the user opened (the shell then closes it itself)."""
    quote = ""
    escaped = False
    for char in line:
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
    return bool(quote)


class QuotingBash(BashComplete):
    """Each candidate backslash-escaped as bash itself would type it (`Sam\\ Okafor`)."""

    def format_completion(self, item: CompletionItem) -> str:
        if _open_quote(os.environ.get("COMP_WORDS", "")):
            return str(item.value)  # inside the user's quote, readline adds the closing one
        return _SPECIAL.sub(r"\\\1", str(item.value))


class QuotingZsh(ZshComplete):
    """Typer's `"value":"help"` items, escaped to survive both the `eval` of the single-quoted
    `_arguments` line (an apostrophe is `'\\''`) and `_arguments` itself (`\\"`, `\\$`, `\\:`)."""

    def format_completion(self, item: CompletionItem) -> Any:
        def escape(text: str) -> str:
            for plain, escaped in (("\\", "\\\\"), ('"', '\\"'), ("$", "\\$"), ("`", "\\`"), (":", "\\\\:")):
                text = text.replace(plain, escaped)
            return text.replace("'", "'\\''")

        value = f'"{escape(str(item.value))}"'
        return f'{value}:"{escape(item.help)}"' if item.help else value


def use() -> None:
    """Answer bash and zsh with the quoting classes (after Typer registered its own)."""
    add_completion_class(QuotingBash, "bash")
    add_completion_class(QuotingZsh, "zsh")
