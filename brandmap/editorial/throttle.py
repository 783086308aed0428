"""Login throttling: after a few failures, each further attempt waits longer.

Failures are counted per account name and per client address, so neither guessing many
passwords for one account nor one password for many accounts goes fast. A name is
counted whether or not an account has it, so the waiting reveals nothing about which
accounts exist; names and addresses are kept only as SHA-256 digests, so a password typed
into the name field by mistake is never stored. A success clears its name's count; an
address's count, and any count left alone for :data:`FORGET_AFTER`, starts again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher

from brandmap.editorial.accounts import Account, authenticate, fold_name
from brandmap.editorial.passwords import HASHER
from brandmap.editorial.records import Records, timestamp

__all__ = [
    "FORGET_AFTER",
    "FREE_FAILURES",
    "MAX_DELAY",
    "LoginAttempt",
    "attempt_login",
    "delay_after",
    "note_failure",
    "note_success",
    "seconds_to_wait",
]

FREE_FAILURES = 5
MAX_DELAY = 15 * 60.0
FORGET_AFTER = timedelta(hours=24)


def delay_after(failures: int) -> float:
    """Seconds an attempt must wait after ``failures`` failures in a row.

    >>> [delay_after(n) for n in (0, 4, 5, 6, 7, 8)]
    [0.0, 0.0, 1.0, 2.0, 4.0, 8.0]
    >>> delay_after(1000) == MAX_DELAY
    True
    """
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY, 2.0 ** min(failures - FREE_FAILURES, 32))


@dataclass(frozen=True)
class LoginAttempt:
    """The outcome of a sign-in: the account, or how long to wait before trying again."""

    account: Account | None
    retry_after: float = 0.0


def attempt_login(
    records: Records,
    name: str,
    password: str,
    address: str,
    now: datetime | None = None,
    hasher: PasswordHasher = HASHER,
) -> LoginAttempt:
    """Check a sign-in, unless its name or address must still wait; count the outcome.

    A throttled attempt is refused before its password is looked at, so guessing on
    during the wait gains nothing.
    """
    now = now or datetime.now(UTC)
    wait = seconds_to_wait(records, name, address, now)
    if wait > 0:
        return LoginAttempt(None, retry_after=wait)
    account = authenticate(records, name, password, hasher)
    if account is None:
        note_failure(records, name, address, now)
        return LoginAttempt(None, retry_after=seconds_to_wait(records, name, address, now))
    note_success(records, name)
    return LoginAttempt(account)


def seconds_to_wait(records: Records, name: str, address: str, now: datetime) -> float:
    """How long a sign-in with this name or from this address must still wait."""
    with records.transaction() as tx:
        rows = tx.execute(
            "SELECT failures, last_failure FROM login_failures"
            " WHERE (scope = 'name' AND key_digest = ?) OR (scope = 'address' AND key_digest = ?)",
            (_digest(name), _digest(address)),
        )
    waits = [
        delay_after(row["failures"])
        - (now - datetime.fromisoformat(row["last_failure"])).total_seconds()
        for row in rows
    ]
    return max([0.0, *waits])


def note_failure(records: Records, name: str, address: str, now: datetime) -> None:
    """Count one failed sign-in against the name and the address."""
    forget_before = timestamp(now - FORGET_AFTER)
    with records.transaction() as tx:
        for scope, key in (("name", name), ("address", address)):
            tx.execute(
                "INSERT INTO login_failures (scope, key_digest, failures, last_failure)"
                " VALUES (?, ?, 1, ?) ON CONFLICT (scope, key_digest) DO UPDATE SET"
                " failures = CASE WHEN login_failures.last_failure < ? THEN 1"
                " ELSE login_failures.failures + 1 END,"
                " last_failure = excluded.last_failure",
                (scope, _digest(key), timestamp(now), forget_before),
            )


def note_success(records: Records, name: str) -> None:
    """A name that signed in starts again from zero (its address's count stays)."""
    with records.transaction() as tx:
        tx.execute(
            "DELETE FROM login_failures WHERE scope = 'name' AND key_digest = ?", (_digest(name),)
        )


def _digest(key: str) -> str:
    """Names are counted in their normalised spelling, so "Lan" and "LAN" share a count."""
    return hashlib.sha256(fold_name(key).encode("utf-8")).hexdigest()
