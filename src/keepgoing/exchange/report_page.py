"""The impact report as one self-contained HTML page (Jinja2, pygal), or as Markdown.

The page holds everything inline (CSS, SVG charts) and a Content-Security-
Policy that allows no scripts and no remote loads, so it opens offline and
from an email attachment, and prints to A4 with each section on its own
page. All user text goes through Jinja2's autoescaping. Each chart is an
SVG made by pygal with its scripts switched off, inside a figure with a
text alternative, and the numbers are in a table beneath it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from keepgoing import __version__, messages
from keepgoing.core.channels import CHANNELS
from keepgoing.core.report import Report, longest_and_median

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _chart(kind: str, title: str, series: list[tuple[str, list[int]]], labels: list[str], alt: str) -> Any:
    """An inline SVG chart with no scripts, inside a figure described for screen readers."""
    import pygal
    from markupsafe import Markup, escape
    from pygal.style import Style

    style = Style(
        background="white",
        plot_background="white",
        foreground="#1f2933",
        foreground_strong="#1f2933",
        foreground_subtle="#52606d",
        colors=("#2f6f4f", "#9fb8ad", "#d9822b", "#52606d"),
        font_family="system-ui, sans-serif",
    )
    chart = getattr(pygal, kind)(
        style=style,
        js=[],  # no scripts: the page's policy forbids them, and they fetch from the web
        disable_xml_declaration=True,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        height=320,
        width=800,
        print_values=False,
        explicit_size=False,
    )
    chart.title = title
    chart.x_labels = labels
    highest = max((v for _, values in series for v in values), default=0)
    if highest <= 10:
        chart.y_labels = list(range(0, highest + 1))  # whole people and conversations, not 0.2s
    for name, values in series:
        chart.add(name, values)
    # pygal always embeds a small config script and credit comments: the page carries no
    # scripts at all (its policy would block them anyway), so they go. User text in the
    # chart (group names as labels) is escaped by pygal, so these patterns cannot match it.
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    svg = _COMMENT.sub("", svg)
    return Markup(
        f'<figure role="img" aria-label="{escape(alt)}">{svg}<figcaption>{escape(alt)}</figcaption></figure>'
    )


def _measure_charts(report: Report) -> list[list[Any]]:
    """For each measure, a chart per item (and total) with bands: people in each band, first and last."""
    if report.anonymised:
        return [[] for _ in report.measures]
    charts: list[list[Any]] = []
    for figures in report.measures:
        charts.append(
            [
                _chart(
                    "Bar",
                    f"{f.part.label}: first and last answers",
                    [
                        ("First", [f.first_bands.get(b.label, 0) for b in f.part.bands]),
                        ("Last", [f.last_bands.get(b.label, 0) for b in f.part.bands]),
                    ],
                    f.part.band_names(),
                    f"{f.part.label}, people in each band at their first and last answer: "
                    + ", ".join(
                        f"{b.label} {f.first_bands.get(b.label, 0)} then {f.last_bands.get(b.label, 0)}"
                        for b in f.part.bands
                    )
                    + ".",
                )
                for f in figures.parts
                if f.part.bands and f.people
            ]
        )
    return charts


def _charts(report: Report) -> dict[str, Any]:
    if report.anonymised:
        # A chart would show the small counts the anonymised tables hide.
        return {
            **{key: "" for key in ("months", "channels", "rhythm", "promises", "wellbeing", "groups")},
            "measures": _measure_charts(report),
        }
    months = [m for m, _ in report.by_month]
    channels = [c for c in CHANNELS if report.by_channel.get(c) or report.previous_by_channel.get(c)]
    rhythm = report.rhythm
    return {
        "months": _chart(
            "Bar",
            "Conversations by month",
            [("Conversations", [n for _, n in report.by_month])],
            months,
            "Conversations by month: " + ", ".join(f"{m} {n}" for m, n in report.by_month) + ".",
        ),
        "channels": _chart(
            "Bar",
            "By channel",
            [
                ("This period", [report.by_channel.get(c, 0) for c in channels]),
                ("The period before", [report.previous_by_channel.get(c, 0) for c in channels]),
            ],
            channels,
            "Conversations by channel, this period against the one before: "
            + ", ".join(
                f"{c} {report.by_channel.get(c, 0)} (before {report.previous_by_channel.get(c, 0)})"
                for c in channels
            )
            + ".",
        ),
        "rhythm": _chart(
            "HorizontalBar",
            "Check-ins within each person's rhythm",
            [("Within rhythm", [rhythm.on_time]), ("Later", [rhythm.check_ins - rhythm.on_time])],
            [""],
            f"{rhythm.on_time} of {rhythm.check_ins} check-ins came within each person's rhythm.",
        ),
        "promises": _chart(
            "Bar",
            "Promises kept",
            [("Follow-ups", [report.done_on_time, report.done_late, report.still_open])],
            ["Done on time", "Done late", "Still open"],
            f"Of {report.follow_ups_made} follow-ups: {report.done_on_time} done on time, "
            f"{report.done_late} done late, {report.still_open} still open.",
        ),
        "wellbeing": _chart(
            "Bar",
            "Wellbeing from first to latest score",
            [("People", [report.wellbeing["rose"], report.wellbeing["held"], report.wellbeing["fell"]])],
            ["Rose", "Held", "Fell"],
            f"Wellbeing: {report.wellbeing['rose']} rose, {report.wellbeing['held']} held, "
            f"{report.wellbeing['fell']} fell.",
        ),
        "groups": _chart(
            "Bar",
            "Group sessions",
            [("Sessions", [g.sessions for g in report.groups])],
            [g.name for g in report.groups],
            "Sessions per group: " + ", ".join(f"{g.name} {g.sessions}" for g in report.groups) + ".",
        )
        if report.groups
        else "",
        "measures": _measure_charts(report),
    }


def _context(report: Report, now: datetime) -> dict[str, Any]:
    share = report.rhythm.share_on_time
    overdue = longest_and_median(report.rhythm.overdue_days)
    return {
        "report": report,
        "title": "Impact report",
        "period": report.span.label(),
        "scope": "the team" if report.scope == "the team" else f"{report.scope}'s work",
        "version": __version__,
        "made": now.astimezone().strftime("%-d %b %Y"),
        "channels": [c for c in CHANNELS if report.by_channel.get(c) or report.previous_by_channel.get(c)],
        "share": round(share * 100) if share is not None else None,
        "overdue": (overdue[0], round(overdue[1])) if overdue and not report.anonymised else None,
        "monitoring": {
            "title": messages.MONITOR_REPORT_TITLE,
            "note": messages.MONITOR_REPORT_NOTE,
            "nobody": messages.MONITOR_REPORT_NOBODY,
        },
    }


def render_html(report: Report, *, now: datetime) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    environment = Environment(
        loader=PackageLoader("keepgoing.exchange", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    context = _context(report, now)
    context["charts"] = _charts(report)
    return environment.get_template("report.html.j2").render(context)


def render_markdown(report: Report, *, now: datetime) -> str:
    """The same report as Markdown tables, for pasting into documents."""
    from keepgoing.exchange.formats.markdown import inline

    c = _context(report, now)
    n = report.count
    lines = [
        f"# Impact report: {c['period']}",
        "",
        f"*{inline(c['scope'])}; made with keepgoing {__version__} on {c['made']}*"
        + ("; anonymised: counts under 5 shown as <5" if report.anonymised else ""),
        "",
        report.summary(),  # keepgoing's own sentence: numbers and words, no user text
        "",
        "## Reach",
        "",
        "| | This period | The period before |",
        "|---|---:|---:|",
        f"| People in touch | {n(report.people_in_touch)} | {n(report.previous_people)} |",
        f"| New | {n(report.new_people)} | |",
        f"| Continuing | {n(report.continuing_people)} | |",
        f"| Conversations | {n(report.conversations)} | {n(report.previous_conversations)} |",
        f"| Attempts (reached or not) | {n(report.attempts)} | |",
        "",
        "| Month | Conversations |",
        "|---|---:|",
        *(f"| {month} | {n(count)} |" for month, count in report.by_month),
        "",
        "| Channel | This period | Before |",
        "|---|---:|---:|",
        *(
            f"| {ch} | {n(report.by_channel.get(ch, 0))} | {n(report.previous_by_channel.get(ch, 0))} |"
            for ch in c["channels"]
        ),
        "",
        "## Keeping the rhythm",
        "",
        "| | |",
        "|---|---:|",
        f"| Check-ins within each person's rhythm | {n(report.rhythm.on_time)} of {n(report.rhythm.check_ins)}"
        + (f" ({c['share']}%)" if c["share"] is not None else "")
        + " |",
        f"| People who went overdue | {n(report.rhythm.went_overdue)} |",
        *(
            [f"| For how long (median, longest) | {c['overdue'][1]} days, {c['overdue'][0]} days |"]
            if c["overdue"]
            else []
        ),
        "",
        "## Promises kept",
        "",
        "| | |",
        "|---|---:|",
        f"| Follow-ups made | {n(report.follow_ups_made)} |",
        f"| Done on time | {n(report.done_on_time)} |",
        f"| Done late | {n(report.done_late)} |",
        f"| Still open | {n(report.still_open)} |",
        f"| Cancelled | {n(report.cancelled)} |",
        "",
        "## Wellbeing",
        "",
        "| | People |",
        "|---|---:|",
        *(
            f"| {label} | {n(report.wellbeing[key])} |"
            for label, key in (("Rose", "rose"), ("Held", "held"), ("Fell", "fell"))
        ),
        "",
        *_measure_markdown(report),
        "## Connect, ask and listen",
        "",
    ]
    if report.ideas:
        lines += [
            "### You said, we did",
            "",
            "| Ideas | |",
            "|---|---:|",
            *(f"| {inline(s)} | {n(k)} |" for s, k in report.ideas.items()),
            "",
            "| The people who raised them | Ideas |",
            "|---|---:|",
            f"| Told what became of it | {n(report.ideas_told)} |",
            f"| Not told yet | {n(report.ideas_not_told)} |",
            f"| Still open | {n(report.ideas_still_open)} |",
            "",
            "| You said | We did | Told |",
            "|---|---|---|",
            *(
                f"| {inline(i.text)} | {inline(i.status)}"
                + (f": {inline(i.outcome)}" if i.outcome else "")
                + f" | {'yes' if i.told else 'not yet'} |"
                for i in report.heard[:12]
            ),
            "",
        ]
    if report.groups:
        lines += [
            "| " + " | ".join(report.group_headings) + " |",
            "|---|---:|---:|",
            *(
                f"| {inline(name)} | {sessions} | {average} |"
                for name, sessions, average in report.group_rows()
            ),
            "",
        ]
    lines += [f"> {inline(text)} ({day:%-d %b %Y})" + "\n" for day, text in report.wins] or [
        "No wins recorded.",
        "",
    ]
    lines += _who_we_reached_markdown(report)
    return "\n".join(lines).rstrip() + "\n"


def _measure_markdown(report: Report) -> list[str]:
    """Each standard measure: the table of first and last answers, each band's people, the licence."""
    from keepgoing.exchange.formats.markdown import inline

    lines: list[str] = []
    n = report.count
    for figures in report.measures:
        lines += [
            f"## {inline(figures.measure.title)}",
            "",
            "| " + " | ".join(figures.table_headings()) + " |",
            "|---|---:|---:|---:|---:|---:|",
            *(
                f"| {inline(row[0])} | " + " | ".join(str(cell) for cell in row[1:]) + " |"
                for row in figures.table_rows(n)
            ),
            "",
        ]
        for f in figures.parts:
            if f.part.bands and f.people:
                lines += [
                    f"| {inline(f.part.label)}: band | First | Last |",
                    "|---|---:|---:|",
                    *(
                        f"| {inline(name)} | {n(f.first_bands.get(b.label, 0))} | {n(f.last_bands.get(b.label, 0))} |"
                        for b, name in zip(f.part.bands, f.part.band_names(), strict=True)
                    ),
                    "",
                ]
        lines += [f"*{inline(figures.measure.licence)}*", ""]
    return lines


def _who_we_reached_markdown(report: Report) -> list[str]:
    lines = ["", f"## {messages.MONITOR_REPORT_TITLE}", ""]
    if not report.people_in_touch:
        return [*lines, messages.MONITOR_REPORT_NOBODY]
    lines += [messages.MONITOR_REPORT_NOTE, ""]
    for figures in report.who_we_reached:
        lines += [f"| {figures.label} | People | Share |", "|---|---:|---:|"]
        lines += [f"| {category} | {n} | {share} |" for category, n, share in figures.rows()]
        lines.append("")
    return lines
