"""Staff roles: each includes the ones below it, and only known names parse."""

from __future__ import annotations

import pytest

from brandmap.editorial.roles import TOKEN_ROLES, Role
from brandmap.errors import ValidationError


@pytest.mark.parametrize(
    ("role", "may"),
    [
        (Role.EDITOR, {Role.EDITOR}),
        (Role.PUBLISHER, {Role.EDITOR, Role.PUBLISHER}),
        (Role.ADMIN, {Role.EDITOR, Role.PUBLISHER, Role.ADMIN}),
    ],
)
def test_each_role_includes_exactly_the_ones_below_it(role, may):
    assert {needed for needed in Role if role.includes(needed)} == may


def test_roles_parse_from_their_names():
    assert Role.parse(" Publisher ") is Role.PUBLISHER
    with pytest.raises(ValidationError, match="roles are editor, publisher, admin"):
        Role.parse("owner")


def test_tokens_never_act_as_admins():
    assert Role.parse("editor", allowed=TOKEN_ROLES) is Role.EDITOR
    with pytest.raises(ValidationError, match=r"roles are editor, publisher$"):
        Role.parse("admin", allowed=TOKEN_ROLES)
