"""Login throttling: a growing wait after repeated failures, per name and per address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from builders import CHEAP_HASHER as CHEAP
from hypothesis import given
from hypothesis import strategies as st

from brandmap.editorial.accounts import add_account
from brandmap.editorial.roles import Role
from brandmap.editorial.throttle import (
    FORGET_AFTER,
    FREE_FAILURES,
    MAX_DELAY,
    attempt_login,
    delay_after,
    seconds_to_wait,
)

PASSWORD = "mười-ký-tự-trở-lên"
START = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)

failures = st.integers(min_value=0, max_value=10**6)


@given(failures)
def test_the_first_failures_are_free_and_the_rest_wait(count):
    delay = delay_after(count)
    assert (delay == 0) == (count < FREE_FAILURES)
    assert 0 <= delay <= MAX_DELAY


@given(failures, failures)
def test_the_wait_never_shrinks_as_failures_grow(a, b):
    low, high = sorted((a, b))
    assert delay_after(low) <= delay_after(high)


@given(st.integers(min_value=FREE_FAILURES, max_value=10**6))
def test_each_failure_doubles_the_wait_up_to_the_cap(count):
    assert delay_after(count + 1) == min(MAX_DELAY, 2 * delay_after(count))


def fail(records, name, address, times, at=START):
    for _ in range(times):
        attempt = attempt_login(records, name, "wrong password", address, at, CHEAP)
        assert attempt.account is None
    return attempt


def test_a_name_waits_after_five_failures_even_with_the_right_password(editorial_records):
    add_account(editorial_records, "lan", Role.EDITOR, PASSWORD, actor="t", hasher=CHEAP)
    assert fail(editorial_records, "lan", "198.51.100.1", FREE_FAILURES - 1).retry_after == 0
    assert fail(editorial_records, "lan", "198.51.100.2", 1).retry_after == 1.0
    refused = attempt_login(editorial_records, "LAN", PASSWORD, "203.0.113.9", START, CHEAP)
    assert refused.account is None and refused.retry_after == 1.0
    later = START + timedelta(seconds=1)
    assert attempt_login(editorial_records, "lan", PASSWORD, "203.0.113.9", later, CHEAP).account


def waits_when_patient(records, names, addresses):
    """The wait after each failure of someone who always waits as long as told to, and
    when the last failure was."""
    at, waits = START, [0.0]
    for name, address in zip(names, addresses, strict=True):
        at += timedelta(seconds=waits[-1])
        waits.append(fail(records, name, address, 1, at).retry_after)
    return waits[1:], at


def test_an_unknown_name_is_throttled_just_like_a_real_one(editorial_records):
    add_account(editorial_records, "lan", Role.EDITOR, PASSWORD, actor="t", hasher=CHEAP)
    real, _ = waits_when_patient(editorial_records, ["lan"] * 8, [f"a{i}" for i in range(8)])
    ghost, _ = waits_when_patient(editorial_records, ["ghost"] * 8, [f"b{i}" for i in range(8)])
    assert real == ghost == [0, 0, 0, 0, 1.0, 2.0, 4.0, 8.0]


def test_an_address_trying_many_names_waits_too(editorial_records):
    names = [f"user{i}" for i in range(FREE_FAILURES + 2)]
    waits, at = waits_when_patient(editorial_records, names, ["198.51.100.7"] * len(names))
    assert waits[-1] == 4.0
    assert seconds_to_wait(editorial_records, "someone-else", "198.51.100.7", at) == 4.0
    assert seconds_to_wait(editorial_records, "someone-else", "198.51.100.8", at) == 0


def test_success_clears_the_name_and_quiet_days_clear_the_count(editorial_records):
    add_account(editorial_records, "lan", Role.EDITOR, PASSWORD, actor="t", hasher=CHEAP)
    fail(editorial_records, "lan", "a", FREE_FAILURES)
    later = START + timedelta(seconds=MAX_DELAY)
    assert attempt_login(editorial_records, "lan", PASSWORD, "b", later, CHEAP).account
    assert fail(editorial_records, "lan", "c", 1, later).retry_after == 0
    fail(editorial_records, "ghost", "d", FREE_FAILURES + 3)
    forgotten = START + FORGET_AFTER + timedelta(seconds=1)
    assert fail(editorial_records, "ghost", "e", 1, forgotten).retry_after == 0


def test_names_and_addresses_are_kept_only_as_digests(editorial_records):
    fail(editorial_records, "Mật-khẩu-gõ-nhầm", "198.51.100.3", 1)
    with editorial_records.transaction() as tx:
        stored = repr(tx.execute("SELECT * FROM login_failures"))
    assert "mật" not in stored.lower() and "198.51.100.3" not in stored
