"""`brandmap users` and `brandmap tokens` as an administrator runs them, on both backends."""

from __future__ import annotations

import types

import pytest
from click.testing import CliRunner

from brandmap.cli import staff
from brandmap.cli.main import main
from brandmap.editorial import open_records
from brandmap.editorial.accounts import authenticate, list_accounts
from brandmap.editorial.tokens import verify_token
from brandmap.editorial.trail import recent_entries

PASSWORD = "mật-khẩu-của-lân"


@pytest.fixture(params=["embedded", "postgres"])
def store(request, tmp_path, monkeypatch):
    """A store location; the editorial records follow its backend."""
    monkeypatch.setenv("BRANDMAP_VAR_DIR", str(tmp_path))
    if request.param == "embedded":
        yield str(tmp_path / "brandmap.gpkg")
        return
    url = request.getfixturevalue("postgis_url")
    open_records(url).drop()  # what an interrupted earlier run may have left
    yield url
    open_records(url).drop()


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def test_an_account_is_added_from_standard_input(store):
    result = run(
        "users", "add", "Lân", "--role", "publisher", "--store", store, input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "added lân (publisher)" in result.output
    account = authenticate(open_records(store), "LÂN", PASSWORD)
    assert account is not None and account.role == "publisher"


def test_the_password_is_prompted_twice_at_a_terminal(store, monkeypatch):
    monkeypatch.setattr(
        staff, "sys", types.SimpleNamespace(stdin=types.SimpleNamespace(isatty=lambda: True))
    )
    result = run(
        "users", "add", "lan", "--role", "editor", "--store", store, input=f"{PASSWORD}\n" * 2
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    assert authenticate(open_records(store), "lan", PASSWORD) is not None


def test_a_short_password_or_a_taken_name_is_refused(store):
    result = run("users", "add", "lan", "--role", "editor", "--store", store, input="short\n")
    assert result.exit_code == 1 and "at least 10 characters" in result.output
    assert list_accounts(open_records(store)) == []
    run("users", "add", "lan", "--role", "editor", "--store", store, input=PASSWORD)
    again = run("users", "add", "LAN", "--role", "admin", "--store", store, input=PASSWORD)
    assert again.exit_code == 1 and "already an account named 'lan'" in again.output


def test_users_list_shows_no_password_or_hash(store):
    run("users", "add", "lan", "--role", "admin", "--store", store, input=PASSWORD)
    run("users", "add", "minh", "--role", "editor", "--store", store, input=PASSWORD)
    assert run("users", "disable", "Minh", "--store", store).output == "disabled minh\n"
    listing = run("users", "list", "--store", store).output
    lines = listing.splitlines()
    assert lines[0].split() == ["NAME", "ROLE", "STATE", "CREATED", "(UTC)", "BY"]
    assert lines[1].split()[:3] == ["lan", "admin", "active"]
    assert lines[2].split()[:3] == ["minh", "editor", "disabled"]
    assert "argon2" not in listing and PASSWORD not in listing


def test_a_token_is_printed_once_and_revoked(store):
    created = CliRunner().invoke(
        main, ["tokens", "create", "sync", "--role", "editor", "--store", store]
    )
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert "\n" not in token and "not shown again" in created.stderr
    assert verify_token(open_records(store), token).role == "editor"
    listing = run("tokens", "list", "--store", store).output
    assert "sync" in listing and token not in listing
    assert run("tokens", "revoke", "sync", "--store", store).output == "revoked sync\n"
    assert verify_token(open_records(store), token) is None
    assert "revoked" in run("tokens", "list", "--store", store).output


def test_no_token_is_made_for_an_admin(store):
    result = run("tokens", "create", "root", "--role", "admin", "--store", store)
    assert result.exit_code == 2 and "'admin' is not one of" in result.output


def test_every_write_is_in_the_trail_under_the_os_user(store, monkeypatch):
    monkeypatch.setattr(staff, "who", lambda: "lan@server")
    run("users", "add", "lan", "--role", "admin", "--store", store, input=PASSWORD)
    token = run("tokens", "create", "sync", "--role", "editor", "--store", store).stdout.strip()
    run("tokens", "revoke", "sync", "--store", store)
    run("users", "disable", "lan", "--store", store)
    entries = recent_entries(open_records(store))
    assert [(e.actor, e.action) for e in entries] == [
        ("cli:lan@server", "account disabled"),
        ("cli:lan@server", "token revoked"),
        ("cli:lan@server", "token created"),
        ("cli:lan@server", "account added"),
    ]
    assert PASSWORD not in repr(entries) and token not in repr(entries)


def test_accounts_survive_building_the_store_again(store):
    run("users", "add", "lan", "--role", "admin", "--store", store, input=PASSWORD)
    assert run("build", "--store", store).exit_code == 0
    assert run("build", "--store", store).exit_code == 0
    if store.startswith("postgresql://"):
        from brandmap.store import open_store

        open_store(store).drop()
    assert "lan" in run("users", "list", "--store", store).output
