"""Staff roles: what each may do, each including the ones below it.

- ``editor`` prepares drafts of the catalog;
- ``publisher`` also publishes drafts and restores earlier releases;
- ``admin`` also manages staff accounts.

>>> Role.ADMIN.includes(Role.EDITOR), Role.EDITOR.includes(Role.PUBLISHER)
(True, False)
"""

from __future__ import annotations

from enum import StrEnum

from brandmap.errors import ValidationError

__all__ = ["TOKEN_ROLES", "Role"]


class Role(StrEnum):
    EDITOR = "editor"
    PUBLISHER = "publisher"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def includes(self, needed: Role) -> bool:
        """Whether someone with this role may do what ``needed`` may."""
        return self.rank >= needed.rank

    @classmethod
    def parse(cls, text: str, allowed: tuple[Role, ...] | None = None) -> Role:
        """The role named ``text``, if it is one of ``allowed`` (default: every role)."""
        choices = allowed or tuple(cls)
        for role in choices:
            if role.value == text.strip().lower():
                return role
        names = ", ".join(role.value for role in choices)
        raise ValidationError(f"{text!r} is not a role here; roles are {names}")


# API tokens act for scripts and other systems, never as account administrators.
TOKEN_ROLES = (Role.EDITOR, Role.PUBLISHER)
