"""A team store's address: what libpq is given, what is shown, and which secrets it holds.

A team store is named the ways libpq accepts: a URI (`postgresql://...`, with
or without SQLAlchemy's `+psycopg` driver suffix; an empty host, `?host=`
with a socket folder, a `%2F...` host, `?service=`) or a keyword/value
connection string (`host=... dbname=...`). libpq reads the address itself,
on the everyday path and the upgrade path alike (`conninfo()`): nothing here
re-parses or rebuilds it, so every form means what libpq says it means.

Stdlib only: a path is told from a team store's address before psycopg loads.
"""

from __future__ import annotations

import functools
import os
import re
from urllib.parse import unquote

# libpq's connection keywords (PostgreSQL 16): a location starting with one of these and `=`
# is a connection string, never a file name.
LIBPQ_KEYWORDS = frozenset(
    (
        "host hostaddr port dbname user password passfile require_auth channel_binding "
        "connect_timeout client_encoding options application_name fallback_application_name "
        "keepalives keepalives_idle keepalives_interval keepalives_count tcp_user_timeout "
        "replication gssencmode sslmode requiressl sslcompression sslcert sslkey sslpassword "
        "sslcertmode sslrootcert sslcrl sslcrldir sslsni requirepeer ssl_min_protocol_version "
        "ssl_max_protocol_version krbsrvname gsslib gssdelegation service target_session_attrs "
        "load_balance_hosts"
    ).split()
)

# Query parameters and keywords a password can come through.
SECRET_KEYS = frozenset(("password", "passwd", "pass", "pwd", "sslpassword"))

_KEYWORD_START = re.compile(r"\s*([A-Za-z_]+)\s*=")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


# Compiled on first use: only a team store's address needs them, and every local
# command imports this module (the two alternations cost ~2 ms to compile).
@functools.cache
def _keyword_secret() -> re.Pattern[str]:
    """A keyword string's value: quoted ('it''s', with backslash escapes) or up to the next space."""
    return re.compile(
        r"(?i)(?<![\w])(" + "|".join(sorted(SECRET_KEYS)) + r")(\s*=\s*)('(?:[^'\\]|\\.)*'?|\S*)"
    )


@functools.cache
def _query_secret() -> re.Pattern[str]:
    """A query's password, running to the next `&keyword=` (an unquoted `&` in it stays hidden)."""
    return re.compile(
        r"(?is)([?&](?:" + "|".join(sorted(SECRET_KEYS)) + r")=)(.*?)"
        r"(?=&(?:" + "|".join(sorted(LIBPQ_KEYWORDS | SECRET_KEYS)) + r")=|$)"
    )


def is_connection_string(location: str) -> bool:
    """Whether `location` is a libpq keyword/value string (`host=db dbname=team`), not a path."""
    start = _KEYWORD_START.match(location)
    return start is not None and start.group(1).lower() in LIBPQ_KEYWORDS and "://" not in location


def is_postgres_url(location: str) -> bool:
    scheme = location.split("://", 1)[0].lower()
    return scheme in ("postgres", "postgresql") or scheme.startswith(("postgresql+", "postgres+"))


def conninfo(location: str) -> str:
    """What libpq is given: the address as typed, a URI's driver suffix (`+psycopg`) removed."""
    scheme = _SCHEME.match(location)
    if scheme is None:
        return location.strip()
    return "postgresql://" + location[scheme.end() :]


def _authority(location: str) -> tuple[int, int] | None:
    """Where a URI's `user:password@` is: up to the last `@` before the first `/` (libpq's
    way, so an unquoted `?`, `#` or `@` stays in the password), or, with none there, before
    the query (a password with an unquoted `/`, which libpq cannot read, is still hidden)."""
    scheme = _SCHEME.match(location)
    if scheme is None:
        return None
    start = scheme.end()
    slash, query = location.find("/", start), location.find("?", start)
    end = location.rfind("@", start, len(location) if slash < 0 else slash)
    if end < 0:
        end = location.rfind("@", start, len(location) if query < 0 else query)
    return None if end < 0 else (start, end)


def mask_url(location: str) -> str:
    """A store location safe to show: any password (user part, query or keyword) as ***."""
    if is_connection_string(location):
        return _keyword_secret().sub(lambda m: f"{m.group(1)}{m.group(2)}***", location)
    if "://" not in location:
        return location
    authority = _authority(location)
    if authority is not None:
        start, end = authority
        colon = location.find(":", start, end)
        if colon >= 0:
            location = f"{location[: colon + 1]}***{location[end:]}"
    return _query_secret().sub(lambda m: f"{m.group(1)}***", location)


def _unquoted(value: str) -> str:
    if value.startswith("'"):
        return re.sub(r"\\(.)", r"\1", value[1:-1] if value.endswith("'") and len(value) > 1 else value[1:])
    return value


def secrets_of(location: str) -> frozenset[str]:
    """Every password `location` (or PGPASSWORD) holds, as typed and percent-decoded, to be
    blotted out of anything the driver says (its messages quote what it could not read)."""
    found: set[str] = set()
    if is_connection_string(location):
        found.update(_unquoted(m.group(3)) for m in _keyword_secret().finditer(location))
    elif "://" in location:
        authority = _authority(location)
        if authority is not None:
            start, end = authority
            colon = location.find(":", start, end)
            if colon >= 0:
                found.add(location[colon + 1 : end])
                found.update(location[colon + 1 : end].split("@"))  # libpq stops at the first @
        for m in _query_secret().finditer(location):
            found.update((m.group(2), *m.group(2).split("&")))  # libpq stops at the first &
    if os.environ.get("PGPASSWORD"):
        found.add(os.environ["PGPASSWORD"])
    found |= {unquote(value) for value in found}
    return frozenset(value for value in found if value)


def redact(text: str, secrets: frozenset[str]) -> str:
    """`text` with every secret in it replaced by ***, longest first."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
