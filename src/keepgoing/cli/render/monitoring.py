"""`show NAME --monitoring`: consent to equality monitoring, and each dated record, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from keepgoing import messages
from keepgoing.cli.render.terminal import console, literal
from keepgoing.date_display import describe_day

if TYPE_CHECKING:  # for annotations only
    from keepgoing.core.monitoring import Monitoring, Record


def monitoring_block(held: Monitoring) -> None:
    """`show --monitoring`: their consent to monitoring and each dated record, newest first."""
    out = console()
    out.print()
    out.print(Text(messages.MONITOR_TITLE, style="bold"))
    if held.consent_on is None:
        out.print(Text(messages.MONITOR_NONE, style="dim"))
        return
    out.print(Text(messages.MONITOR_CONSENT_LINE.format(day=describe_day(held.consent_on))))
    if not held.records:
        out.print(Text(messages.MONITOR_NO_RECORDS, style="dim"))
        return
    for item in held.records:
        out.print(_record(item))


def _record(item: Record) -> Table:
    from keepgoing.core.monitoring import FIELD_LABELS, FIELDS, label

    card = Table.grid(padding=(0, 2))
    card.add_column(style="dim")
    card.add_column()
    card.add_row("Asked", describe_day(item.asked_on))
    for name in FIELDS:
        card.add_row(FIELD_LABELS[name], literal(label(name, item.answers[name])))
    return card
