"""Staff accounts on both backends: normalised unique names, hashed passwords, disabling."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from builders import CHEAP_HASHER as CHEAP

from brandmap.editorial.accounts import (
    add_account,
    authenticate,
    disable_account,
    list_accounts,
    normalise_name,
)
from brandmap.editorial.roles import Role
from brandmap.editorial.trail import recent_entries
from brandmap.errors import ValidationError

PASSWORD = "hai-mươi-ký-tự-bí-mật"


def every_value(records) -> str:
    """Every value of every editorial table, as one text to search for secrets."""
    with records.transaction() as tx:
        tables = ("accounts", "api_tokens", "login_failures", "trail", "schema_version")
        rows = [row for table in tables for row in tx.execute(f"SELECT * FROM {table}")]
    return repr(rows)


def test_an_account_is_added_listed_and_signs_in(editorial_records):
    added = add_account(
        editorial_records, "Lan", Role.PUBLISHER, PASSWORD, actor="cli:root@host", hasher=CHEAP
    )
    assert added.name == "lan" and added.role is Role.PUBLISHER and added.active
    assert list_accounts(editorial_records) == [added]
    assert authenticate(editorial_records, "LAN", PASSWORD, CHEAP) == added


def test_the_plain_password_is_stored_nowhere(editorial_records):
    add_account(
        editorial_records, "lan", Role.EDITOR, PASSWORD, actor="cli:root@host", hasher=CHEAP
    )
    stored = every_value(editorial_records)
    assert PASSWORD not in stored
    assert "$argon2id$" in stored


def test_a_wrong_password_or_unknown_name_is_refused(editorial_records):
    add_account(editorial_records, "lan", Role.EDITOR, PASSWORD, actor="t", hasher=CHEAP)
    assert authenticate(editorial_records, "lan", PASSWORD[:-1], CHEAP) is None
    assert authenticate(editorial_records, "nobody", PASSWORD, CHEAP) is None
    assert authenticate(editorial_records, "has space", PASSWORD, CHEAP) is None


def test_names_are_nfc_and_case_folded_and_unique(editorial_records):
    add_account(editorial_records, "Lâm", Role.EDITOR, PASSWORD, actor="t", hasher=CHEAP)
    with pytest.raises(ValidationError, match="already an account named 'lâm'"):
        add_account(editorial_records, "LA\u0302M", Role.ADMIN, PASSWORD, actor="t", hasher=CHEAP)
    assert [a.name for a in list_accounts(editorial_records)] == ["lâm"]
    assert authenticate(editorial_records, "la\u0302m", PASSWORD, CHEAP) is not None


@pytest.mark.parametrize("name", ["", "   ", "two words", "tab\there", "x" * 65])
def test_unusable_names_are_refused(name):
    with pytest.raises(ValidationError):
        normalise_name(name)


def test_a_disabled_account_cannot_sign_in(editorial_records):
    add_account(editorial_records, "lan", Role.ADMIN, PASSWORD, actor="t", hasher=CHEAP)
    disabled = disable_account(editorial_records, "Lan", actor="cli:root@host")
    assert not disabled.active and disabled.disabled_at
    assert authenticate(editorial_records, "lan", PASSWORD, CHEAP) is None
    assert list_accounts(editorial_records) == [disabled]
    with pytest.raises(ValidationError, match="no account named 'ghost'"):
        disable_account(editorial_records, "ghost", actor="t")


def test_sign_in_rehashes_a_password_hashed_with_old_parameters(editorial_records):
    add_account(editorial_records, "lan", Role.EDITOR, PASSWORD, actor="t", hasher=CHEAP)
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    assert authenticate(editorial_records, "lan", PASSWORD, stronger) is not None
    with editorial_records.transaction() as tx:
        (row,) = tx.execute("SELECT password_hash FROM accounts")
    assert "m=2048,t=2,p=1" in row["password_hash"]
    assert authenticate(editorial_records, "lan", PASSWORD, stronger) is not None
    assert authenticate(editorial_records, "lan", PASSWORD + "!", stronger) is None


def test_every_write_is_in_the_trail_without_secrets(editorial_records):
    add_account(editorial_records, "lan", Role.ADMIN, PASSWORD, actor="cli:root@host", hasher=CHEAP)
    disable_account(editorial_records, "lan", actor="cli:root@host")
    entries = recent_entries(editorial_records)
    assert [(e.action, e.subject, e.actor) for e in entries] == [
        ("account disabled", "lan", "cli:root@host"),
        ("account added", "lan", "cli:root@host"),
    ]
    assert entries[1].details == {"role": "admin"}
    assert "argon2" not in repr(entries) and PASSWORD not in repr(entries)
