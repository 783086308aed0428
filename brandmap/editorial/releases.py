"""Releases: every catalog ever published, kept whole, numbered from 1.

The latest release *is* the catalog: ``brandmap build`` and publishing place its rows, and
``data/products/`` only seeds release 1 (``by: seed``) the first time a catalog is needed.
A release is never changed or deleted, so a build, an import, a fetch or a restart cannot
lose what was published, and restoring release N is publishing N's catalog again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from brandmap.build.importing import Catalog
from brandmap.build.snapshot import seed_catalog
from brandmap.editorial.records import DuplicateRecord, Records, Transaction, timestamp
from brandmap.editorial.trail import add_entry
from brandmap.errors import BrandmapError

__all__ = [
    "SEED_ACTOR",
    "Release",
    "UnknownRecord",
    "add_release",
    "latest_number",
    "latest_release",
    "list_releases",
    "release_catalog",
]

SEED_ACTOR = "seed"


class UnknownRecord(BrandmapError):
    """No draft or release has the id asked for."""


@dataclass(frozen=True)
class Release:
    """A release's facts; its catalog is read on its own (it is the whole catalog)."""

    release: int
    published_at: str
    by: str
    summary: dict[str, int]


def list_releases(records: Records) -> list[Release]:
    """Every release, newest first (release 1 is seeded when there is none yet)."""
    latest_release(records)
    with records.transaction() as tx:
        rows = tx.execute(
            "SELECT number, published_at, published_by, summary FROM releases ORDER BY number DESC"
        )
    return [
        Release(row["number"], row["published_at"], row["published_by"], json.loads(row["summary"]))
        for row in rows
    ]


def release_catalog(records: Records, number: int) -> dict[str, dict[str, Any]]:
    """The whole catalog of release ``number``, by product id."""
    with records.transaction() as tx:
        rows = tx.execute("SELECT catalog FROM releases WHERE number = ?", (number,))
    if not rows:
        raise UnknownRecord(f"there is no release {number}")
    return json.loads(rows[0]["catalog"])


def latest_release(records: Records) -> tuple[int, dict[str, dict[str, Any]]]:
    """The latest release's number and catalog; release 1 is made from ``data/products/``
    the first time (two processes seeding at once make one release)."""
    with records.transaction() as tx:
        number = latest_number(tx)
    if number:
        return number, release_catalog(records, number)
    catalog = {row["id"]: row for row in json.loads(json.dumps(seed_catalog()))}
    try:
        with records.transaction() as tx:
            if not latest_number(tx):
                add_release(tx, 1, catalog, {"added": len(catalog)}, actor=SEED_ACTOR)
    except DuplicateRecord:
        pass  # another process seeded it first
    return latest_release(records)


def latest_number(tx: Transaction) -> int:
    """The latest release's number, 0 before the first."""
    return tx.execute("SELECT MAX(number) AS number FROM releases")[0]["number"] or 0


def add_release(
    tx: Transaction, number: int, catalog: Catalog, summary: dict[str, int], *, actor: str
) -> None:
    """Record release ``number`` (with its trail entry) in ``tx``."""
    tx.execute(
        "INSERT INTO releases (number, published_at, published_by, summary, catalog)"
        " VALUES (?, ?, ?, ?, ?)",
        (number, timestamp(), actor, json.dumps(summary), json.dumps(catalog, ensure_ascii=False)),
    )
    add_entry(tx, actor, "release published", f"release {number}", **summary)
