"""API tokens on both backends: shown once, kept as a hash, revoked at once."""

from __future__ import annotations

import hashlib

import pytest

from brandmap.editorial import tokens
from brandmap.editorial.roles import Role
from brandmap.editorial.tokens import create_token, list_tokens, revoke_token, verify_token
from brandmap.editorial.trail import recent_entries
from brandmap.errors import ValidationError


def stored_rows(records) -> str:
    with records.transaction() as tx:
        return repr([tx.execute(f"SELECT * FROM {t}") for t in ("api_tokens", "trail")])


def test_a_token_acts_with_its_role(editorial_records):
    record, token = create_token(editorial_records, "Sync-Portal", Role.PUBLISHER, actor="cli:a@h")
    assert len(token) >= 43  # 32 random bytes, URL-safe
    assert record.name == "sync-portal" and record.role is Role.PUBLISHER
    assert verify_token(editorial_records, token) == record
    assert verify_token(editorial_records, token[:-1]) is None
    assert verify_token(editorial_records, "") is None


def test_only_the_sha256_of_a_token_is_stored(editorial_records):
    _, token = create_token(editorial_records, "sync", Role.EDITOR, actor="cli:a@h")
    stored = stored_rows(editorial_records)
    assert token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored


def test_a_revoked_token_stops_working_at_once(editorial_records):
    _, token = create_token(editorial_records, "sync", Role.EDITOR, actor="cli:a@h")
    revoked = revoke_token(editorial_records, "SYNC", actor="cli:a@h")
    assert revoked.revoked_at is not None
    assert verify_token(editorial_records, token) is None
    with pytest.raises(ValidationError, match="no live token named 'sync'"):
        revoke_token(editorial_records, "sync", actor="cli:a@h")


def test_a_live_name_is_unique_and_free_again_after_revoking(editorial_records):
    _, first = create_token(editorial_records, "sync", Role.EDITOR, actor="t")
    with pytest.raises(ValidationError, match="in use"):
        create_token(editorial_records, "sync", Role.PUBLISHER, actor="t")
    revoke_token(editorial_records, "sync", actor="t")
    _, second = create_token(editorial_records, "sync", Role.PUBLISHER, actor="t")
    assert verify_token(editorial_records, first) is None
    assert verify_token(editorial_records, second).role is Role.PUBLISHER
    assert [(t.name, t.revoked_at is None) for t in list_tokens(editorial_records)] == [
        ("sync", False),
        ("sync", True),
    ]


def test_no_token_acts_as_an_admin(editorial_records):
    with pytest.raises(ValidationError, match="roles are editor, publisher"):
        create_token(editorial_records, "root", Role.ADMIN, actor="t")
    assert list_tokens(editorial_records) == []


def test_the_check_compares_in_constant_time(editorial_records, monkeypatch):
    compared = []
    real = tokens.hmac.compare_digest
    monkeypatch.setattr(
        tokens.hmac, "compare_digest", lambda a, b: compared.append((a, b)) or real(a, b)
    )
    _, token = create_token(editorial_records, "sync", Role.EDITOR, actor="t")
    assert verify_token(editorial_records, token) is not None
    assert compared == [(tokens.token_digest(token),) * 2]


def test_the_trail_names_tokens_but_never_holds_them(editorial_records):
    _, token = create_token(editorial_records, "sync", Role.EDITOR, actor="cli:a@h")
    revoke_token(editorial_records, "sync", actor="cli:b@h")
    entries = recent_entries(editorial_records)
    assert [(e.action, e.actor) for e in entries] == [
        ("token revoked", "cli:b@h"),
        ("token created", "cli:a@h"),
    ]
    assert token not in repr(entries) and tokens.token_digest(token) not in repr(entries)
