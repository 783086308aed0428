"""Passwords are kept as argon2id hashes only, and rehashed when the parameters change."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from builders import CHEAP_HASHER as CHEAP

from brandmap.editorial.passwords import (
    check_password,
    hash_password,
    refuse_in_equal_time,
    verify_password,
)
from brandmap.errors import ValidationError

PASSWORD = "mật khẩu dài đủ"


def test_the_hash_is_argon2id_and_never_holds_the_password():
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert hash_password(PASSWORD) != stored  # salted


def test_the_right_password_matches_and_a_wrong_one_is_refused():
    stored = hash_password(PASSWORD, CHEAP)
    assert verify_password(stored, PASSWORD, CHEAP).matches
    assert not verify_password(stored, PASSWORD + "x", CHEAP).matches
    assert not verify_password(stored, "", CHEAP).matches
    assert not verify_password("not a hash", PASSWORD, CHEAP).matches


def test_a_hash_made_with_other_parameters_asks_to_be_made_again():
    old = hash_password(PASSWORD, CHEAP)
    assert not verify_password(old, PASSWORD, CHEAP).needs_rehash
    verdict = verify_password(old, PASSWORD)  # today's default parameters
    assert verdict.matches and verdict.needs_rehash


@pytest.mark.parametrize("password", ["", "short", "123456789"])
def test_short_passwords_are_refused(password):
    with pytest.raises(ValidationError, match="at least 10 characters"):
        hash_password(password)


def test_ten_characters_are_enough_and_megabytes_too_many():
    check_password("0123456789")
    with pytest.raises(ValidationError, match="at most"):
        check_password("x" * 5000)
    assert not verify_password(hash_password("0123456789", CHEAP), "x" * 5000, CHEAP).matches


class CountingHasher(PasswordHasher):
    checks = 0

    def verify(self, hash, password):
        CountingHasher.checks += 1
        return super().verify(hash, password)


def test_an_unknown_name_is_refused_after_a_real_check():
    hasher = CountingHasher(time_cost=1, memory_cost=1024, parallelism=1)
    assert not refuse_in_equal_time(PASSWORD, hasher).matches
    assert CountingHasher.checks == 1, "the refusal must spend the time of a real check"
