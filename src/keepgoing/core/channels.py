"""The ways people keep in touch."""

from __future__ import annotations

from keepgoing.errors import BadInput

CHANNELS = ("phone", "video", "email", "text", "cuppa", "other")

# How a write describes a conversation: "Logged a cuppa with Sam".
LABELS = {
    "phone": "a phone call",
    "video": "a video call",
    "email": "an email",
    "text": "a text",
    "cuppa": "a cuppa",
    "other": "a conversation",
}

_SYNONYMS = {
    "call": "phone",
    "telephone": "phone",
    "zoom": "video",
    "teams": "video",
    "facetime": "video",
    "sms": "text",
    "txt": "text",
    "message": "text",
    "whatsapp": "text",
    "in-person": "cuppa",
    "in person": "cuppa",
    "coffee": "cuppa",
    "tea": "cuppa",
    "natter": "cuppa",
    "visit": "cuppa",
    "meeting": "cuppa",
    "mail": "email",
}


def parse_channel(value: str) -> str:
    word = " ".join(value.strip().casefold().split())
    word = _SYNONYMS.get(word, word)
    if word not in CHANNELS:
        raise BadInput(f'"{value}" is not a way of keeping in touch; use one of {", ".join(CHANNELS)}.')
    return word
