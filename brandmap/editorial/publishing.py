"""Drafts and publishing: an uploaded product file, checked and compared, becomes a release.

A draft keeps the file's rows, its mode (``merge`` by id, or ``replace`` the catalog), the
release it was compared with, and its report: the problems found by the one import path
(:mod:`brandmap.build.importing`) and what it would add, update and remove.

Publishing makes the next release and rebuilds the store from it in one step: the store is
written inside the records' transaction, so a release exists only once its catalog is
served, and a failed or killed publish leaves the previous release served. Two drafts of
the same release do not undo each other: a draft published after another is applied to
the newer release when they touch different products, and refused (:class:`PublishConflict`,
naming the products) when both touch one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

from brandmap.build.importing import (
    Catalog,
    catalog_snapshot,
    check_product_file,
    compare_catalogs,
)
from brandmap.catalog.problems import ERROR, Problem
from brandmap.editorial.records import DuplicateRecord, Records, timestamp
from brandmap.editorial.releases import (
    UnknownRecord,
    add_release,
    latest_number,
    latest_release,
    release_catalog,
)
from brandmap.editorial.trail import add_entry
from brandmap.errors import BrandmapError, ValidationError
from brandmap.store import Snapshot, Store

__all__ = [
    "Mode",
    "PublishConflict",
    "create_draft",
    "draft_report",
    "publish_draft",
    "restore_release",
]

_ATTEMPTS = 5  # another publish in between makes a publisher start again


class Mode(StrEnum):
    MERGE = "merge"
    REPLACE = "replace"


class PublishConflict(BrandmapError):
    """The draft cannot be published as it is; ``ids`` are the products in the way."""

    def __init__(self, message: str, ids: list[str] | None = None) -> None:
        super().__init__(message)
        self.ids = ids or []


def create_draft(
    records: Records, served: Snapshot, upload: Path, filename: str, mode: str, *, actor: str
) -> dict[str, Any]:
    """Check an uploaded product file and keep it as a draft; its report.

    The file is checked against the communes and regions of ``served``, the snapshot the
    service already holds, so an upload costs no read of the whole store.

    A file that cannot be read at all is a ValidationError (nothing kept); a readable file
    with problems is kept, with its problems, and cannot be published until fixed.
    """
    chosen = _mode(mode)
    rows, problems = check_product_file(upload, served)
    unreadable = [p for p in problems if p.row is None and p.severity == ERROR]
    if unreadable and not rows:
        raise ValidationError("; ".join(p.format("en") for p in unreadable))
    based_on, base = latest_release(records)
    incoming = {row["id"]: row for row in json.loads(json.dumps(rows, ensure_ascii=False))}
    after = incoming if chosen is Mode.REPLACE else {**base, **incoming}
    report = {
        "problems": [_problem(p) for p in problems],
        **compare_catalogs(base, after, list(incoming)),
    }
    with records.transaction() as tx:
        draft_id = tx.execute(
            "INSERT INTO drafts (created_at, created_by, filename, mode, based_on, rows, report)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                timestamp(),
                actor,
                filename,
                chosen.value,
                based_on,
                json.dumps(incoming, ensure_ascii=False),
                json.dumps(report, ensure_ascii=False),
            ),
        )[0]["id"]
        add_entry(
            tx,
            actor,
            "draft created",
            f"draft {draft_id}",
            file=filename,
            mode=chosen.value,
            based_on=based_on,
            **_counts(report),
        )
    return draft_report(records, draft_id)


def draft_report(records: Records, draft_id: int) -> dict[str, Any]:
    """A draft's report: its id, mode, base release, whether published, problems, diff."""
    draft = _draft(records, draft_id)
    return {
        "id": draft["id"],
        "mode": draft["mode"],
        "based_on": draft["based_on"],
        "published_as": draft["published_as"],
        **json.loads(draft["report"]),
    }


def publish_draft(records: Records, store: Store, draft_id: int, *, actor: str) -> int:
    """Publish a draft as the next release and serve it; the release's number."""
    draft = _draft(records, draft_id)
    report = json.loads(draft["report"])
    if draft["published_as"]:
        raise PublishConflict(f"draft {draft_id} is already release {draft['published_as']}")
    if any(p["severity"] == ERROR for p in report["problems"]):
        raise PublishConflict(f"draft {draft_id} has problems; upload a corrected file")
    incoming = json.loads(draft["rows"])
    touched = [*report["added"], *report["updated"], *report["removed"]]

    def catalog(number: int, latest: Catalog) -> dict[str, Any]:
        if number != draft["based_on"]:
            base = release_catalog(records, draft["based_on"])
            clash = [i for i in touched if base.get(i) != latest.get(i)]
            if clash:
                raise PublishConflict(
                    f"release {number} changed the same products since draft {draft_id}'s "
                    f"release {draft['based_on']}: {', '.join(clash)}",
                    clash,
                )
        merged = {**latest, **{i: incoming[i] for i in touched if i in incoming}}
        return {i: row for i, row in merged.items() if i not in report["removed"]}

    def mark(tx, number: int) -> None:
        tx.execute("UPDATE drafts SET published_as = ? WHERE id = ?", (number, draft_id))
        add_entry(tx, actor, "draft published", f"draft {draft_id}", release=number)

    return _publish(records, store, catalog, mark, actor=actor)


def restore_release(records: Records, store: Store, number: int, *, actor: str) -> int:
    """Publish release ``number``'s catalog again, as a new release; that one's number."""
    restored = release_catalog(records, number)

    def mark(tx, new: int) -> None:
        add_entry(tx, actor, "release restored", f"release {number}", release=new)

    return _publish(records, store, lambda _n, _latest: restored, mark, actor=actor)


def _publish(
    records: Records,
    store: Store,
    catalog_for: Callable[[int, Catalog], Catalog],
    mark: Callable[[Any, int], None],
    *,
    actor: str,
) -> int:
    """Make the next release from ``catalog_for(latest number, latest catalog)`` and write
    the store inside the same transaction; start again if another publish came first."""
    for _ in range(_ATTEMPTS):
        number, latest = latest_release(records)
        catalog = catalog_for(number, latest)
        summary = _counts(compare_catalogs(latest, catalog, []))
        new = number + 1
        snapshot = catalog_snapshot(
            store.read(), catalog, {"release": str(new), "published_at": timestamp()}
        )
        try:
            with records.transaction() as tx:
                if latest_number(tx) != number:
                    continue
                add_release(tx, new, catalog, summary, actor=actor)
                mark(tx, new)
                store.write(snapshot)
        except DuplicateRecord:
            continue
        return new
    raise PublishConflict("other releases kept being published meanwhile; try again")


def _draft(records: Records, draft_id: int) -> dict[str, Any]:
    with records.transaction() as tx:
        rows = tx.execute("SELECT * FROM drafts WHERE id = ?", (draft_id,))
    if not rows:
        raise UnknownRecord(f"there is no draft {draft_id}")
    return rows[0]


def _mode(text: str) -> Mode:
    try:
        return Mode((text or Mode.MERGE).strip().lower())
    except ValueError:
        raise ValidationError(f"mode must be 'merge' or 'replace', not {text!r}") from None


def _problem(problem: Problem) -> dict[str, Any]:
    return {
        "row": problem.row,
        "column": problem.column,
        "reason": problem.message_en,
        "reason_vi": problem.message_vi,
        "severity": problem.severity,
    }


def _counts(report: dict[str, Any]) -> dict[str, int]:
    return {key: len(report[key]) for key in ("added", "updated", "removed")}
