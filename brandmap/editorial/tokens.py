"""API tokens: how scripts and other systems act as an editor or a publisher.

A token is ``secrets.token_urlsafe(32)`` (256 random bits), shown once when it is made;
the records keep only its SHA-256 digest. A fast hash is the right one here, unlike for
passwords: a password is guessable, so its hash must make every guess expensive, but no
one can enumerate 2**256 tokens, so a digest that cannot be reversed is all the records
need, and checking it costs nothing per request. A revoked token stops working with the
next request: every check reads the records.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from brandmap.editorial.accounts import normalise_name
from brandmap.editorial.records import DuplicateRecord, Records, Row, timestamp
from brandmap.editorial.roles import TOKEN_ROLES, Role
from brandmap.editorial.trail import add_entry
from brandmap.errors import ValidationError

__all__ = [
    "ApiToken",
    "create_token",
    "list_tokens",
    "revoke_token",
    "token_digest",
    "verify_token",
]

_COLUMNS = "name, role, created_at, created_by, revoked_at"


@dataclass(frozen=True)
class ApiToken:
    """A token's record: its name and role, never the token or its digest."""

    name: str
    role: Role
    created_at: str
    created_by: str
    revoked_at: str | None = None


def token_digest(token: str) -> str:
    """The hex SHA-256 digest kept in place of the token.

    >>> len(token_digest("abc")), token_digest("abc")[:8]
    (64, 'ba7816bf')
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(records: Records, name: str, role: Role, *, actor: str) -> tuple[ApiToken, str]:
    """A new token named ``name``: its record and the token itself, to show once."""
    key = normalise_name(name)
    role = Role.parse(str(role), allowed=TOKEN_ROLES)
    token = secrets.token_urlsafe(32)
    record = ApiToken(key, role, timestamp(), actor)
    try:
        with records.transaction() as tx:
            tx.execute(
                "INSERT INTO api_tokens (name, role, digest, created_at, created_by)"
                " VALUES (?, ?, ?, ?, ?)",
                (key, role.value, token_digest(token), record.created_at, actor),
            )
            add_entry(tx, actor, "token created", key, role=role.value)
    except DuplicateRecord:
        raise ValidationError(f"a token named {key!r} is in use; revoke it first") from None
    return record, token


def revoke_token(records: Records, name: str, *, actor: str) -> ApiToken:
    """Revoke the live token ``name``; it fails from the next request on."""
    key = normalise_name(name)
    with records.transaction() as tx:
        rows = tx.execute(
            f"UPDATE api_tokens SET revoked_at = ?, revoked_by = ?"
            f" WHERE name = ? AND revoked_at IS NULL RETURNING {_COLUMNS}",
            (timestamp(), actor, key),
        )
        if not rows:
            raise ValidationError(f"there is no live token named {key!r}")
        add_entry(tx, actor, "token revoked", key)
    return _api_token(rows[0])


def list_tokens(records: Records) -> list[ApiToken]:
    """Every token ever made, live and revoked, oldest first."""
    with records.transaction() as tx:
        rows = tx.execute(f"SELECT {_COLUMNS} FROM api_tokens ORDER BY id")
    return [_api_token(row) for row in rows]


def verify_token(records: Records, presented: str) -> ApiToken | None:
    """The live token ``presented`` is, or ``None``.

    The records are searched by digest, which tells a timing attacker nothing about the
    token (he would need a SHA-256 preimage); the final comparison is constant-time.
    """
    digest = token_digest(presented)
    with records.transaction() as tx:
        rows = tx.execute(
            f"SELECT {_COLUMNS}, digest FROM api_tokens WHERE digest = ? AND revoked_at IS NULL",
            (digest,),
        )
    if rows and hmac.compare_digest(rows[0]["digest"], digest):
        return _api_token(rows[0])
    return None


def _api_token(row: Row) -> ApiToken:
    fields = {column: row[column] for column in _COLUMNS.split(", ")}
    return ApiToken(**{**fields, "role": Role(row["role"])})
