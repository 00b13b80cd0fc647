"""Wellbeing: the 1-5 scores and words people give, read in the order they were said.

Everything here orders by the conversation's date, never by when it was
typed in, so a back-dated score takes its rightful place in the trend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from keepgoing.storage import Store
from keepgoing.storage.date_encoding import stored_instant

# Two points or more below the score before it is a sharp fall.
DROP = 2


@dataclass
class Score:
    """A wellbeing score given in a conversation: when, and the feeling words said with it."""

    at: datetime
    wellbeing: int
    feeling: str | None


def drop_between(scores: list[int]) -> str | None:
    """ "4→2" when the latest of `scores` (newest first) is two or more below the one before it."""
    if len(scores) >= 2 and scores[1] - scores[0] >= DROP:
        return f"{scores[1]}→{scores[0]}"
    return None


def sooner(last_day: date, cadence_days: int) -> date:
    """After a sharp fall, call sooner: a third of the rhythm, two days at least."""
    return last_day + timedelta(days=max(2, cadence_days // 3))


def recent_scores(store: Store, person_id: int, *, limit: int = 12) -> list[Score]:
    """Their latest scores with the words they gave, oldest first."""
    rows = store.rows(
        "SELECT c.occurred_at, COALESCE(cp.wellbeing, c.wellbeing) AS wellbeing, c.feeling FROM conversation c "
        "JOIN conversation_person cp ON cp.conversation_id = c.id "
        "WHERE cp.person_id = :p AND COALESCE(cp.wellbeing, c.wellbeing) IS NOT NULL "
        "ORDER BY c.occurred_at DESC, c.id DESC LIMIT :n",
        {"p": person_id, "n": limit},
    )
    return [Score(stored_instant(r["occurred_at"]), r["wellbeing"], r["feeling"]) for r in reversed(rows)]


def describe_trend(scores: list[Score]) -> str | None:
    """ "3 → 1 (overwhelmed): a drop" for a hand-over pack; None with no scores."""
    if not scores:
        return None
    parts = [f"{s.wellbeing}" + (f" ({s.feeling})" if s.feeling else "") for s in scores[-5:]]
    text = " → ".join(parts)
    if len(scores) >= 2 and scores[-2].wellbeing - scores[-1].wellbeing >= DROP:
        text += f": a drop from {scores[-2].wellbeing} to {scores[-1].wellbeing}, worth a call soon"
    return text
