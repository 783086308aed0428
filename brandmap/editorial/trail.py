"""The editorial audit trail: who changed which record, when, and how.

Every write in :mod:`brandmap.editorial` adds its entry inside the same transaction as the
change, so the trail and the records never disagree: a change without its entry cannot
commit. Entries name the actor (a staff account, an API token, or the operating-system
user for the command line) and never carry a password, a token or a hash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from brandmap.editorial.records import Records, Transaction, timestamp

__all__ = ["TrailEntry", "add_entry", "recent_entries"]

# Detail names that would put a secret in the trail; refused outright.
_SECRETS = frozenset({"password", "password_hash", "token", "digest", "hash", "secret"})


@dataclass(frozen=True)
class TrailEntry:
    at: str
    actor: str
    action: str
    subject: str
    details: dict[str, Any]


def add_entry(tx: Transaction, actor: str, action: str, subject: str, **details: Any) -> None:
    """Record one write, in the transaction that makes it."""
    secret = _SECRETS.intersection(details)
    if secret:
        raise ValueError(f"the audit trail never records {', '.join(sorted(secret))}")
    tx.execute(
        "INSERT INTO trail (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)",
        (timestamp(), actor, action, subject, json.dumps(details, ensure_ascii=False)),
    )


def recent_entries(records: Records, limit: int = 100) -> list[TrailEntry]:
    """The latest ``limit`` entries, newest first."""
    with records.transaction() as tx:
        rows = tx.execute(
            "SELECT at, actor, action, subject, details FROM trail ORDER BY id DESC LIMIT ?",
            (limit,),
        )
    return [TrailEntry(**{**row, "details": json.loads(row["details"])}) for row in rows]
