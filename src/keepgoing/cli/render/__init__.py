"""Screens for people to read: the only part of the CLI that imports Rich.

One module a screen, each taking the core's own dataclasses (a typed view),
never a dict. Importing this package costs nothing: `render.person_card`
loads its module, and Rich, on first use, so `--json` and `--help` never pay
for them. `terminal.py` holds the console, the pager and the literal-text
cells every screen uses.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Each name the command modules use, and the module (in this package) that holds it.
SCREENS = {
    "console": "terminal",
    "paged": "terminal",
    "welcome": "empty",
    "follow_up_cells": "followups",
    "follow_ups_table": "followups",
    "finished_follow_ups": "followups",
    "people_table": "people",
    "person_card": "person",
    "sparkline": "person_details",
    "stats_chart": "stats",
    "search_results": "search",
    "highlighted": "search",
    "ideas_table": "ideas",
    "groups_table": "groups",
    "group_card": "groups",
    "wins_view": "wins",
    "measures_table": "measures",
    "monitoring_block": "monitoring",
}

__all__ = [
    "console",
    "finished_follow_ups",
    "follow_up_cells",
    "follow_ups_table",
    "group_card",
    "groups_table",
    "highlighted",
    "ideas_table",
    "measures_table",
    "monitoring_block",
    "paged",
    "people_table",
    "person_card",
    "search_results",
    "sparkline",
    "stats_chart",
    "welcome",
    "wins_view",
]

if TYPE_CHECKING:
    from keepgoing.cli.render.empty import welcome
    from keepgoing.cli.render.followups import finished_follow_ups, follow_up_cells, follow_ups_table
    from keepgoing.cli.render.groups import group_card, groups_table
    from keepgoing.cli.render.ideas import ideas_table
    from keepgoing.cli.render.measures import measures_table
    from keepgoing.cli.render.monitoring import monitoring_block
    from keepgoing.cli.render.people import people_table
    from keepgoing.cli.render.person import person_card
    from keepgoing.cli.render.person_details import sparkline
    from keepgoing.cli.render.search import highlighted, search_results
    from keepgoing.cli.render.stats import stats_chart
    from keepgoing.cli.render.terminal import console, paged
    from keepgoing.cli.render.wins import wins_view


def __getattr__(name: str) -> Any:
    module = SCREENS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
