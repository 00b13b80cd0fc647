"""Checking what may be stored about a person: contact details, rhythm and consent."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from keepgoing.core.channels import parse_channel
from keepgoing.errors import BadInput
from keepgoing.text import optional, plural

CONSENT = ("given", "withdrawn")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Lenient on purpose: phones export "+44 (0)7700 900123", "555-0100 ext. 4", "*31#".
_PHONE = re.compile(r"^[+0-9 ()./#*,;-]*(?:(?:ext\.?|x) ?[0-9]+)?$", re.IGNORECASE)


def check_email(email: str | None) -> str | None:
    email = optional(email, "email")
    if email is not None and not _EMAIL.match(email):
        raise BadInput(f'"{email}" does not look like an email address.')
    return email


def check_phone(phone: str | None) -> str | None:
    phone = optional(phone, "phone")
    if phone is not None and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 3):
        raise BadInput(f'"{phone}" does not look like a phone number.')
    return phone


# How many aliases and tags one person may have: far beyond real use, and small
# enough that a pasted list cannot hold the store for minutes.
MOST = {"alias": 50, "tag": 100}


def check_how_many(count: int, kind: str) -> None:
    """Refuse more aliases or tags for one person than `MOST` allows (add, edit and import)."""
    if count > MOST[kind]:
        raise BadInput(f"A person can have at most {plural(MOST[kind], kind)}; this would make {count:,}.")


def check_cadence(days: int) -> int:
    if not 1 <= days <= 3650:
        raise BadInput("A check-in rhythm must be between 1 day and 10 years.")
    return days


def check_consent(consent: str | None) -> str | None:
    if consent is None:
        return None
    value = consent.strip().casefold()
    if value not in CONSENT:
        raise BadInput(f'Consent is "given" or "withdrawn", not "{consent}".')
    return value


def check_consent_note(note: str | None) -> str | None:
    """Their terms ("text first, weekdays only"); empty means none."""
    return optional(note, "consent note")


def check_pause_reason(reason: str | None) -> str | None:
    """Why someone is paused ("in hospital"); empty means none given."""
    return optional(reason, "pause reason")


def check_channels(channels: str | None) -> str | None:
    """A comma-separated list of channels, as stored: "text,phone"."""
    if channels is None or not channels.strip():
        return None
    return ",".join(
        dict.fromkeys(parse_channel(c) for c in channels.replace(";", ",").split(",") if c.strip())
    )


def consent_fields(
    *,
    consent: str | None,
    channels: str | None,
    note: str | None,
    review_on: date | None,
    today: date,
) -> dict[str, Any]:
    """The consent columns to write; only what was given."""
    fields: dict[str, Any] = {}
    if consent is not None:
        fields["consent"] = check_consent(consent)
        fields["consent_on"] = today
    if channels is not None:
        fields["consent_channels"] = check_channels(channels)
    if note is not None:
        fields["consent_note"] = check_consent_note(note)
    if review_on is not None:
        fields["consent_review_on"] = review_on
    return fields


def _prefers(value: str) -> str | None:
    return parse_channel(value) if value.strip() else None


# The free-text details `add`, `edit` and `import` take, each with its check
# ("" clears an optional one).
DETAIL_CHECKS: dict[str, Callable[[str], str | None]] = {
    "organisation": lambda v: optional(v, "organisation"),
    "role": lambda v: optional(v, "role"),
    "phone": check_phone,
    "email": check_email,
    "note": lambda v: optional(v, "note"),
    "prefers": _prefers,
}


def checked_details(**given: str | None) -> dict[str, str | None]:
    """The details that were given (not None), each checked; unknown names are a mistake."""
    return {column: DETAIL_CHECKS[column](value) for column, value in given.items() if value is not None}
