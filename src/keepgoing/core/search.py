"""Finding people and conversations by the words in them.

On SQLite through the FTS5 index that migration 0002 keeps in step with every
write: each word the user typed must appear (the last may be the start of a
word), accents and case ignored. Other databases (a team's PostgreSQL) scan
the same fields with LIKE: each word must appear somewhere in them, case
ignored, and accents too where PostgreSQL has the `unaccent` extension
(migration 0004 adds it when the server allows). Slower than an index, but
a team's store is thousands of people, not millions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from keepgoing.core.matching import like_escape
from keepgoing.core.person import iso
from keepgoing.errors import BadInput
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import as_datetime
from keepgoing.text import clean, fold, name_key

MAX_WORDS = 32
START, END = "\x02", "\x03"  # around each match in a snippet; never in stored text shown raw


@dataclass
class SearchResult:
    """One record a search found, with a snippet of the text around the match."""

    kind: str  # "person", "conversation", "follow-up", "idea", "note" or "win"
    id: int
    when: datetime | None
    people: list[str] = field(default_factory=list)
    via: str | None = None
    snippet: str = ""

    def __post_init__(self) -> None:
        self.snippet = " ".join((self.snippet or "").split())  # empty fields leave runs of spaces

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "when": iso(self.when),
            "people": self.people,
            "via": self.via,
            "text": self.snippet.replace(START, "").replace(END, ""),
        }


def fts_query(text: str) -> str:
    """User words as an FTS5 query: every word required, each quoted, the last a prefix."""
    words = text.split()
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search_results(store: Store, text: str, *, limit: int = 50) -> list[SearchResult]:
    text = clean(text, "search")
    if not text.strip():
        raise BadInput("Give a word or two to search for.")
    words = len(text.split())
    if words > MAX_WORDS:
        # Every word is one more condition on every row: thousands kept a server busy for minutes.
        raise BadInput(f"The search has {words:,} words; at most {MAX_WORDS} are looked for at once.")
    with store.read():
        if store.indexed_search:
            people, conversations = _fts(store, fts_query(text), limit)
            others = _fts_more(store, fts_query(text), limit)
        else:
            people, conversations = _scan(store, text, limit)
            others = _scan_more(store, text, limit)
        _add_people(store, conversations)
        _describe_more(store, others)
    # People by name, then everything else that has the words, newest first whatever its kind.
    found = conversations + others
    found.sort(key=lambda r: r.when or datetime.min.replace(tzinfo=UTC), reverse=True)
    return (people + found)[:limit]


# Follow-ups, ideas, lasting notes and wins: where each kind's text, date and people are.
MORE = {
    "follow-up": ("follow_up", "created_at", "text"),
    "idea": ("idea", "created_at", "text"),
    "note": ("person_note", "created_at", "text"),
    "win": ("win", "occurred_at", "text"),
}


def _fts_more(store: Store, query: str, limit: int) -> list[SearchResult]:
    if not store.row("SELECT name FROM sqlite_master WHERE name = 'search_more'"):
        return []
    snippet = f"snippet(search_more, 2, '{START}', '{END}', '…', 16)"
    return [
        SearchResult(row["kind"], int(row["ref"]), None, [], None, row["snip"])
        for row in store.rows(
            f"SELECT kind, ref, {snippet} AS snip FROM search_more WHERE search_more MATCH :q LIMIT :limit",
            {"q": query, "limit": limit},
        )
    ]


def _scan_more(store: Store, text: str, limit: int) -> list[SearchResult]:
    """The same four kinds by a portable scan: every word somewhere in the text, case ignored."""
    words = name_key(text).split()
    params: dict[str, Any] = {f"w{i}": f"%{like_escape(w)}%" for i, w in enumerate(words)}
    params["limit"] = limit
    found: list[SearchResult] = []
    for kind, (table, _, column) in MORE.items():
        body = f"lower({column})" if kind != "idea" else "lower(text || ' ' || coalesce(outcome, ''))"
        where = " AND ".join(f"{body} LIKE :w{i} ESCAPE '\\'" for i in range(len(words)))
        found += [
            SearchResult(kind, row["id"], None, [], None, row["body"])
            for row in store.rows(
                f"SELECT id, {column} AS body FROM {table} WHERE {where} LIMIT :limit", params
            )
        ]
    return found


def _describe_more(store: Store, results: list[SearchResult]) -> None:
    """Each hit's date and the people it is about."""
    for result in results:
        table, when, _ = MORE[result.kind]
        row = store.row(f"SELECT {when} AS at FROM {table} WHERE id = :id", {"id": result.id})
        result.when = as_datetime(row["at"]) if row else None
        if result.kind == "win":
            people = store.rows(
                "SELECT p.name FROM win_person wp JOIN person p ON p.id = wp.person_id WHERE wp.win_id = :id "
                "ORDER BY p.name_key",
                {"id": result.id},
            )
        else:
            people = store.rows(
                f"SELECT p.name FROM {table} t JOIN person p ON p.id = t.person_id WHERE t.id = :id",
                {"id": result.id},
            )
        result.people = [r["name"] for r in people]


def _fts(store: Store, query: str, limit: int) -> tuple[list[SearchResult], list[SearchResult]]:
    snippet = f"snippet(search_text, 2, '{START}', '{END}', '…', 16)"
    people = [
        SearchResult(
            "person", row["id"], as_datetime(row["last_contact_at"]), [row["name"]], None, row["snip"]
        )
        for row in store.rows(
            f"SELECT p.id, p.name, p.last_contact_at, {snippet} AS snip FROM search_text "
            "JOIN person p ON p.id = search_text.ref "
            "WHERE search_text MATCH :q AND search_text.kind = 'person' ORDER BY p.name_key LIMIT :limit",
            {"q": query, "limit": limit},
        )
    ]
    conversations = [
        SearchResult("conversation", row["id"], as_datetime(row["occurred_at"]), [], row["via"], row["snip"])
        for row in store.rows(
            f"SELECT c.id, c.occurred_at, c.via, {snippet} AS snip FROM search_text "
            "JOIN conversation c ON c.id = search_text.ref "
            "WHERE search_text MATCH :q AND search_text.kind = 'conversation' "
            "ORDER BY c.occurred_at DESC, c.id DESC LIMIT :limit",
            {"q": query, "limit": limit},
        )
    ]
    return people, conversations


def _scan(store: Store, text: str, limit: int) -> tuple[list[SearchResult], list[SearchResult]]:
    accent_blind = store.folds_accents()

    def folded(column: str) -> str:
        return f"unaccent(lower({column}))" if accent_blind else f"lower({column})"

    words = (fold(text) if accent_blind else name_key(text)).split()

    def anywhere(i: int) -> str:
        """Word i in any of the fields the SQLite index covers for a person."""
        like = f"LIKE :w{i} ESCAPE '\\'"
        return (
            f"({folded('p.name')} {like} OR {folded('p.organisation')} {like} OR "
            f"{folded('p.role')} {like} OR {folded('p.note')} {like} OR "
            f"EXISTS (SELECT 1 FROM alias a WHERE a.person_id = p.id AND {folded('a.alias')} {like}) OR "
            f"EXISTS (SELECT 1 FROM person_tag t WHERE t.person_id = p.id AND t.tag {like}))"
        )

    people_where = " AND ".join(anywhere(i) for i in range(len(words)))
    notes_where = " AND ".join(f"{folded('c.note')} LIKE :w{i} ESCAPE '\\'" for i in range(len(words)))
    params: dict[str, Any] = {f"w{i}": f"%{like_escape(w)}%" for i, w in enumerate(words)}
    params["limit"] = limit
    people = [
        SearchResult(
            "person", row["id"], as_datetime(row["last_contact_at"]), [row["name"]], None, row["name"]
        )
        for row in store.rows(
            f"SELECT p.id, p.name, p.last_contact_at FROM person p WHERE {people_where} "
            "ORDER BY p.name_key LIMIT :limit",
            params,
        )
    ]
    conversations = [
        SearchResult("conversation", row["id"], as_datetime(row["occurred_at"]), [], row["via"], row["note"])
        for row in store.rows(
            f"SELECT c.id, c.occurred_at, c.via, c.note FROM conversation c WHERE {notes_where} "
            "ORDER BY c.occurred_at DESC, c.id DESC LIMIT :limit",
            params,
        )
    ]
    return people, conversations


def _add_people(store: Store, conversations: list[SearchResult]) -> None:
    if not conversations:
        return
    by_id = {result.id: result for result in conversations}
    names = ", ".join(f":c{i}" for i in range(len(by_id)))
    for row in store.rows(
        "SELECT cp.conversation_id AS cid, p.name FROM conversation_person cp JOIN person p "
        f"ON p.id = cp.person_id WHERE cp.conversation_id IN ({names}) ORDER BY p.name_key",
        {f"c{i}": cid for i, cid in enumerate(by_id)},
    ):
        by_id[row["cid"]].people.append(row["name"])
