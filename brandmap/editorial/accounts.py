"""Staff accounts: a normalised name, a role and an argon2id password hash.

Names are compared as people read them: "Lân", "LÂN" and "Lân" typed with a combining
accent are one account (NFC, then case-folded). A disabled account stays in the records,
for the audit trail's sake, but can no longer sign in.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher

from brandmap.editorial.passwords import (
    HASHER,
    hash_password,
    refuse_in_equal_time,
    verify_password,
)
from brandmap.editorial.records import DuplicateRecord, Records, Row, timestamp
from brandmap.editorial.roles import Role
from brandmap.editorial.trail import add_entry
from brandmap.errors import ValidationError

__all__ = [
    "Account",
    "add_account",
    "authenticate",
    "disable_account",
    "fold_name",
    "list_accounts",
    "normalise_name",
]

MAX_NAME_LENGTH = 64
_COLUMNS = "name, role, created_at, created_by, disabled_at"


@dataclass(frozen=True)
class Account:
    """An account as the rest of brandmap sees it: never with its password hash."""

    name: str
    role: Role
    created_at: str
    created_by: str
    disabled_at: str | None = None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


def fold_name(name: str) -> str:
    """The one spelling under which a name is stored and compared (NFC, case-folded).

    >>> fold_name(" Lân ") == fold_name("LA\\u0302N")
    True
    """
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).strip().casefold())


def normalise_name(name: str) -> str:
    """A new or looked-up staff or token name, folded; :class:`ValidationError` when it
    is empty, too long, or holds spaces or control characters."""
    folded = fold_name(name)
    if not folded:
        raise ValidationError("a name cannot be empty")
    if len(folded) > MAX_NAME_LENGTH:
        raise ValidationError(f"a name has at most {MAX_NAME_LENGTH} characters")
    if any(ch.isspace() or not ch.isprintable() for ch in folded):
        raise ValidationError(f"a name has no spaces or control characters: {name!r}")
    return folded


def add_account(
    records: Records,
    name: str,
    role: Role,
    password: str,
    *,
    actor: str,
    hasher: PasswordHasher = HASHER,
) -> Account:
    """Create an account; :class:`ValidationError` when the name is taken."""
    key = normalise_name(name)
    password_hash = hash_password(password, hasher)
    account = Account(key, Role(role), timestamp(), actor)
    try:
        with records.transaction() as tx:
            tx.execute(
                "INSERT INTO accounts (name, role, password_hash, created_at, created_by)"
                " VALUES (?, ?, ?, ?, ?)",
                (key, account.role.value, password_hash, account.created_at, actor),
            )
            add_entry(tx, actor, "account added", key, role=account.role.value)
    except DuplicateRecord:
        raise ValidationError(f"there is already an account named {key!r}") from None
    return account


def list_accounts(records: Records) -> list[Account]:
    """Every account, active or not, by name."""
    with records.transaction() as tx:
        rows = tx.execute(f"SELECT {_COLUMNS} FROM accounts ORDER BY name")
    return [_account(row) for row in rows]


def disable_account(records: Records, name: str, *, actor: str) -> Account:
    """Stop an account from signing in; its past actions stay attributed to it."""
    key = normalise_name(name)
    with records.transaction() as tx:
        rows = tx.execute(f"SELECT {_COLUMNS} FROM accounts WHERE name = ?", (key,))
        if not rows:
            raise ValidationError(f"there is no account named {key!r}")
        if rows[0]["disabled_at"] is None:
            tx.execute(
                "UPDATE accounts SET disabled_at = ?, disabled_by = ? WHERE name = ?",
                (timestamp(), actor, key),
            )
            add_entry(tx, actor, "account disabled", key)
        rows = tx.execute(f"SELECT {_COLUMNS} FROM accounts WHERE name = ?", (key,))
    return _account(rows[0])


def authenticate(
    records: Records, name: str, password: str, hasher: PasswordHasher = HASHER
) -> Account | None:
    """The active account ``name`` if ``password`` is its password, else ``None``.

    An unknown name, a disabled account and a wrong password take the same time and give
    the same answer. A hash made with older argon2 parameters is replaced on success.
    """
    try:
        key = normalise_name(name)
    except ValidationError:
        refuse_in_equal_time(password, hasher)
        return None
    with records.transaction() as tx:
        rows = tx.execute(f"SELECT {_COLUMNS}, password_hash FROM accounts WHERE name = ?", (key,))
    if not rows or rows[0]["disabled_at"] is not None:
        refuse_in_equal_time(password, hasher)
        return None
    stored = rows[0]["password_hash"]
    verdict = verify_password(stored, password, hasher)
    if not verdict.matches:
        return None
    if verdict.needs_rehash:
        _rehash(records, key, stored, hasher.hash(password))
    return _account(rows[0])


def _rehash(records: Records, key: str, old_hash: str, new_hash: str) -> None:
    """Store a hash made with today's parameters, unless the password changed meanwhile."""
    with records.transaction() as tx:
        changed = tx.execute(
            "UPDATE accounts SET password_hash = ? WHERE name = ? AND password_hash = ?"
            " RETURNING name",
            (new_hash, key, old_hash),
        )
        if changed:
            add_entry(tx, key, "password rehashed", key, reason="new argon2 parameters")


def _account(row: Row) -> Account:
    fields = {column: row[column] for column in _COLUMNS.split(", ")}
    return Account(**{**fields, "role": Role(row["role"])})
