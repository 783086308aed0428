"""Options every command that reads or writes a store shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

from brandmap import settings

__all__ = ["STORE_HELP", "store_location", "store_option"]

STORE_HELP = "Store: a .gpkg path or postgresql:// URL (default: var/brandmap.gpkg)."
F = TypeVar("F", bound=Callable[..., object])


def store_option(function: F) -> F:
    return click.option("--store", "store", default=None, help=STORE_HELP)(function)


def store_location(store: str | None) -> str:
    return store or settings.default_store()
