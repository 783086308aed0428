"""The one small interface every editorial backend answers, and the schema's migrations.

Editorial records (accounts, API tokens, the audit trail, drafts and releases) are the
only data brandmap cannot rebuild from ``data/``, so they live apart from the store. A
backend hands out transactions; a transaction runs one SQL statement at a time and gives
back rows as dicts. Statements are written once, in the SQL both SQLite and
PostgreSQL understand, with ``?`` placeholders (so a literal ``?`` never appears in one).

The schema is versioned: :data:`MIGRATIONS` lists every change in order, and a backend
applies the missing ones when it opens, under a lock, so several web workers starting at
once migrate exactly once. Adding a table is adding a :class:`Migration` at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from brandmap.errors import StoreError

__all__ = [
    "MIGRATIONS",
    "DuplicateRecord",
    "Migration",
    "Records",
    "Row",
    "Transaction",
    "migrate",
    "timestamp",
]

Row = dict[str, Any]


class DuplicateRecord(StoreError):
    """A write broke a uniqueness rule (a name already taken); no change was made."""


class Transaction(Protocol):
    """Statements that all take effect together, or not at all."""

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[Row]: ...


class Records(Protocol):
    """Persistent editorial records: what :mod:`brandmap.editorial` needs from a backend."""

    location: str

    def transaction(self) -> AbstractContextManager[Transaction]:
        """A transaction that commits when the block ends and rolls back when it raises.

        Writers are serialised, so a read-then-write inside one transaction never races.
        """
        ...


@dataclass(frozen=True)
class Migration:
    """One step of the schema; ``{id}`` in a statement is the backend's identity column."""

    version: int
    why: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "staff accounts, API tokens, login throttling and the audit trail",
        (
            """CREATE TABLE accounts (
                name TEXT PRIMARY KEY,
                role TEXT NOT NULL CHECK (role IN ('editor', 'publisher', 'admin')),
                password_hash TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                disabled_at TEXT,
                disabled_by TEXT
            )""",
            """CREATE TABLE api_tokens (
                id {id},
                name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('editor', 'publisher')),
                digest TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                revoked_at TEXT,
                revoked_by TEXT
            )""",
            # A name is reused once its token is revoked; only live names are unique.
            "CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name)"
            " WHERE revoked_at IS NULL",
            """CREATE TABLE login_failures (
                scope TEXT NOT NULL,
                key_digest TEXT NOT NULL,
                failures INTEGER NOT NULL,
                last_failure TEXT NOT NULL,
                PRIMARY KEY (scope, key_digest)
            )""",
            """CREATE TABLE trail (
                id {id},
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT NOT NULL,
                details TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        2,
        "releases (every published catalog, whole) and drafts (an uploaded file, checked)",
        (
            """CREATE TABLE releases (
                number INTEGER PRIMARY KEY,
                published_at TEXT NOT NULL,
                published_by TEXT NOT NULL,
                summary TEXT NOT NULL,
                catalog TEXT NOT NULL
            )""",
            """CREATE TABLE drafts (
                id {id},
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                filename TEXT NOT NULL,
                mode TEXT NOT NULL CHECK (mode IN ('merge', 'replace')),
                based_on INTEGER NOT NULL REFERENCES releases (number),
                rows TEXT NOT NULL,
                report TEXT NOT NULL,
                published_as INTEGER REFERENCES releases (number)
            )""",
        ),
    ),
)


def migrate(tx: Transaction, id_column: str, location: str) -> int:
    """Apply the migrations ``tx``'s records lack; the caller holds the backend's lock.

    Returns the schema version. Records written by a newer brandmap are refused rather
    than misread.
    """
    tx.execute(
        "CREATE TABLE IF NOT EXISTS schema_version"
        " (version INTEGER PRIMARY KEY, why TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    rows = tx.execute("SELECT MAX(version) AS version FROM schema_version")
    current = rows[0]["version"] or 0
    latest = MIGRATIONS[-1].version
    if current > latest:
        raise StoreError(
            f"the editorial records {location} are at schema version {current}, newer than "
            f"this brandmap knows ({latest}): upgrade brandmap"
        )
    for migration in MIGRATIONS:
        if migration.version > current:
            for statement in migration.statements:
                tx.execute(statement.format(id=id_column))
            tx.execute(
                "INSERT INTO schema_version (version, why, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.why, timestamp()),
            )
    return latest


def timestamp(moment: datetime | None = None) -> str:
    """A UTC time as fixed-width ISO 8601 text, so the text sorts as the time does.

    >>> timestamp(datetime(2025, 7, 1, 8, 30, tzinfo=UTC))
    '2025-07-01T08:30:00.000000+00:00'
    """
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
