"""Moved to `exchange/formats/markdown.py`; kept while exchange/subject_access.py and
cli/team_commands.py (edited by others this round) still import from here."""

from keepgoing.exchange.formats.markdown import inline, quote, write_markdown

__all__ = ["inline", "quote", "write_markdown"]
