"""The sections of a keepgoing export, and what one item of each is called.

One table for the importer's messages ("people.json, person 3: ...") and the
export's summary ("63 rows", "1 person").
"""

ITEM = {
    "people": "person",
    "conversations": "conversation",
    "follow_ups": "follow-up",
    "notes": "note",
    "ideas": "idea",
    "groups": "group",
    "wins": "win",
    "measures": "measure",
    "measure_scores": "wellbeing score",
    "monitoring": "monitoring record",
}
