"""Staff passwords: argon2id hashes only, never the password itself.

argon2id is memory-hard, so a stolen copy of the records costs an attacker dearly per
guess. The parameters are argon2-cffi's defaults (the RFC 9106 low-memory profile); when
they change, a hash made with the old ones is replaced at the next successful login
(:func:`verify_password` says when).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from brandmap.errors import ValidationError

__all__ = [
    "HASHER",
    "MIN_LENGTH",
    "Verdict",
    "check_password",
    "hash_password",
    "refuse_in_equal_time",
    "verify_password",
]

HASHER = PasswordHasher()
MIN_LENGTH = 10
MAX_LENGTH = (
    1024  # longer is no safer, and hashing megabytes would be an easy way to stall a worker
)


@dataclass(frozen=True)
class Verdict:
    """Whether a password matched, and whether its hash should be made again."""

    matches: bool
    needs_rehash: bool = False


def check_password(password: str) -> None:
    """Refuse a password too short to resist guessing (or absurdly long)."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"a password has at most {MAX_LENGTH} characters")


def hash_password(password: str, hasher: PasswordHasher = HASHER) -> str:
    """The argon2id hash to store for a new password (which must pass :func:`check_password`)."""
    check_password(password)
    return hasher.hash(password)


def verify_password(stored: str, password: str, hasher: PasswordHasher = HASHER) -> Verdict:
    """Check ``password`` against a stored hash; a damaged hash never matches."""
    if len(password) > MAX_LENGTH:
        return Verdict(matches=False)
    try:
        hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return Verdict(matches=False)
    return Verdict(matches=True, needs_rehash=hasher.check_needs_rehash(stored))


def refuse_in_equal_time(password: str, hasher: PasswordHasher = HASHER) -> Verdict:
    """Spend the time a real check takes, then refuse: for a name with no usable account,
    so timing does not tell an attacker which accounts exist."""
    verify_password(_decoy_hash(hasher), password, hasher)
    return Verdict(matches=False)


@functools.cache
def _decoy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("a decoy that no account uses")
