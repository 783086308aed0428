"""The README stays true: every setting, command and route is documented there."""

from __future__ import annotations

import click
import pytest

from brandmap.cli.main import main
from brandmap.resources import REPO_ROOT
from brandmap.service.openapi import ROUTES
from brandmap.settings import SETTINGS

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting):
    assert f"`{setting.env_var}`" in README


def _commands(group: click.Group, prefix: str = "brandmap"):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}"


@pytest.mark.parametrize("command", sorted(_commands(main)))
def test_every_command_is_documented(command):
    assert f"`{command}" in README


PUBLIC_PREFIXES = ("/api/", "/healthz", "/openapi.json", "/docs")


@pytest.mark.parametrize(
    ("method", "path"),
    sorted(
        (r.method.upper(), r.path)
        for r in ROUTES
        if r.path.startswith(PUBLIC_PREFIXES) or r.path == "/"
    ),
)
def test_every_route_is_documented(method, path):
    documented = path.replace("{product_id}", "<id>")
    assert f"{method} {documented}" in README
