"""``brandmap users`` and ``brandmap tokens``: staff accounts and API tokens, from the shell.

The records follow ``--store``: a PostgreSQL schema beside a PostGIS store, else the
embedded file in the var dir. Every write lands in the editorial audit trail under the
operating-system user who ran the command; no command ever prints a password or a hash,
and a token only once, when it is made.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import click

from brandmap.audit import who
from brandmap.cli.options import store_location, store_option
from brandmap.editorial.records import Records
from brandmap.editorial.roles import TOKEN_ROLES, Role

__all__ = ["tokens_group", "users_group"]


def _actor() -> str:
    return f"cli:{who()}"


def _records(store: str | None) -> Records:
    from brandmap.editorial import open_records

    return open_records(store_location(store))


def _listing(rows: Iterable[tuple[str, str, str, str, str]]) -> None:
    """Accounts or tokens as aligned columns: name, role, state, created (UTC), by whom."""
    table = [("NAME", "ROLE", "STATE", "CREATED (UTC)", "BY")]
    table += [
        (name, role, state, created_at[:19], by) for name, role, state, created_at, by in rows
    ]
    widths = [max(len(cell) for cell in column) for column in zip(*table, strict=True)]
    for row in table:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


@click.group(name="users")
def users_group() -> None:
    """Staff accounts: editors, publishers and admins of the catalog."""


@users_group.command(name="add")
@click.argument("user")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@store_option
def add_user(user: str, role: str, store: str | None) -> None:
    """Create a staff account. The password is read from standard input when it is not a
    terminal (one line), else prompted for twice; at least 10 characters."""
    from brandmap.editorial.accounts import add_account

    account = add_account(_records(store), user, Role(role), _new_password(), actor=_actor())
    click.echo(f"added {account.name} ({account.role})")


def _new_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users_group.command(name="list")
@store_option
def list_users(store: str | None) -> None:
    """List the staff accounts (names, roles, state; never passwords)."""
    from brandmap.editorial.accounts import list_accounts

    _listing(
        (a.name, a.role, "active" if a.active else "disabled", a.created_at, a.created_by)
        for a in list_accounts(_records(store))
    )


@users_group.command(name="disable")
@click.argument("user")
@store_option
def disable_user(user: str, store: str | None) -> None:
    """Stop an account from signing in (its history stays)."""
    from brandmap.editorial.accounts import disable_account

    account = disable_account(_records(store), user, actor=_actor())
    click.echo(f"disabled {account.name}")


@click.group(name="tokens")
def tokens_group() -> None:
    """API tokens for scripts and system-to-system sync."""


@tokens_group.command(name="create")
@click.argument("name")
@click.option("--role", type=click.Choice([role.value for role in TOKEN_ROLES]), required=True)
@store_option
def create_token_command(name: str, role: str, store: str | None) -> None:
    """Print a new API token once, alone on standard output; only its hash is kept."""
    from brandmap.editorial.tokens import create_token

    record, token = create_token(_records(store), name, Role(role), actor=_actor())
    click.echo(token)
    click.echo(
        f"token {record.name} ({record.role}) created: copy it now, it is not shown again", err=True
    )


@tokens_group.command(name="revoke")
@click.argument("name")
@store_option
def revoke_token_command(name: str, store: str | None) -> None:
    """Revoke a token: it stops working with the next request."""
    from brandmap.editorial.tokens import revoke_token

    record = revoke_token(_records(store), name, actor=_actor())
    click.echo(f"revoked {record.name}")


@tokens_group.command(name="list")
@store_option
def list_tokens_command(store: str | None) -> None:
    """List the tokens by name and role, live and revoked (never the tokens)."""
    from brandmap.editorial.tokens import list_tokens

    _listing(
        (t.name, t.role, "live" if t.revoked_at is None else "revoked", t.created_at, t.created_by)
        for t in list_tokens(_records(store))
    )
