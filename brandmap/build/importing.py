"""Importing a product file into a store: merged by id, all of it or nothing.

The report says which ids were ``added``, ``updated`` or ``unchanged``, where unchanged
means nothing a user would see differs, placement included.

Publishing a draft goes the same way: :func:`check_product_file` reads and checks the file
against the store's own communes and regions, :func:`compare_catalogs` says what a new
catalog changes, and :func:`catalog_snapshot` places the rows in place of the store's
products (the store then written atomically by the caller).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd

from brandmap.build.placement import place_products
from brandmap.build.snapshot import data_vintage
from brandmap.catalog.cells import ROW_KEY
from brandmap.catalog.problems import ERROR, Problem
from brandmap.catalog.product_file import load_catalog, read_products, typed_row, validate_products
from brandmap.store import Snapshot, Store
from brandmap.values import json_value

__all__ = [
    "Catalog",
    "catalog_snapshot",
    "check_product_file",
    "compare_catalogs",
    "import_products",
]

#: Catalog rows (typed, in the exchange format) by product id.
Catalog = Mapping[str, Mapping[str, Any]]


def import_products(store: Store, path: Path) -> dict[str, list[str]]:
    """Merge a product file into the store by id: all of it, or nothing on any error.

    The file is checked against the store's own communes (distance to the declared
    commune included) and regions. Returns the ids ``added``, ``updated`` and ``unchanged``
    (unchanged: nothing a user would see differs, placement included).
    """
    snapshot = store.read()
    incoming = load_catalog(path, communes=snapshot.communes, regions=list(snapshot.regions["id"]))
    current = snapshot.products
    rows = {row["id"]: row for row in _catalog_rows(current)}
    rows.update({row["id"]: row for row in incoming})
    products = place_products(list(rows.values()), snapshot.communes, snapshot.regions)
    report = _import_report(current, products, [row["id"] for row in incoming])
    if report["added"] or report["updated"]:
        stamp = {"imported_at": datetime.now(UTC).isoformat(timespec="seconds")}
        store.write(_with_products(snapshot, products, stamp))
    return report


def check_product_file(path: Path, snapshot: Snapshot) -> tuple[list[dict], list[Problem]]:
    """The typed rows of a product file and every problem in it, checked against the
    store's own communes and regions (the rows with an error are left out)."""
    text_rows, problems = read_products(path)
    problems += validate_products(
        text_rows, communes=snapshot.communes, regions=list(snapshot.regions["id"])
    )
    wrong = {p.row for p in problems if p.severity == ERROR}
    return [typed_row(row) for row in text_rows if row.get(ROW_KEY) not in wrong], problems


def catalog_snapshot(snapshot: Snapshot, catalog: Catalog, meta: Mapping[str, str]) -> Snapshot:
    """``snapshot`` with its products replaced by every row of ``catalog``, placed on its
    communes and regions; ValidationError when a row cannot be placed."""
    rows = [dict(row) for row in catalog.values()]
    products = place_products(rows, snapshot.communes, snapshot.regions)
    return _with_products(snapshot, products, meta)


def compare_catalogs(before: Catalog, after: Catalog, file_ids: list[str]) -> dict[str, Any]:
    """What replacing ``before`` with ``after`` changes: the ids ``added``, ``updated``
    (with each changed field as ``[before, after]`` under ``changes``) and ``removed``,
    and how many of ``file_ids`` are ``unchanged``."""
    report: dict[str, Any] = {"added": [], "updated": [], "removed": [], "unchanged": 0}
    changes: dict[str, dict[str, list[Any]]] = {}
    for product_id in dict.fromkeys([*before, *after]):
        old, new = before.get(product_id), after.get(product_id)
        if old is None:
            report["added"].append(product_id)
        elif new is None:
            report["removed"].append(product_id)
        elif fields := _changed_fields(old, new):
            report["updated"].append(product_id)
            changes[product_id] = fields
        elif product_id in file_ids:
            report["unchanged"] += 1
    return {**report, "changes": changes}


def _changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    empty = (None, "", [])
    return {
        name: [old.get(name), new.get(name)]
        for name in dict.fromkeys([*old, *new])
        if old.get(name) != new.get(name)
        and not (old.get(name) in empty and new.get(name) in empty)
    }


def _with_products(
    snapshot: Snapshot, products: gpd.GeoDataFrame, meta: Mapping[str, str]
) -> Snapshot:
    facts = {
        **snapshot.meta,
        "product_count": str(len(products)),
        "data_vintage": data_vintage(products),
        **meta,
    }
    return Snapshot(snapshot.communes, snapshot.regions, products, facts)


def _catalog_rows(products: gpd.GeoDataFrame) -> list[dict]:
    """Stored products back as catalog rows (the columns of the exchange format)."""
    frame = products.drop(columns=["geometry", "commune_name", "location_quality"], errors="ignore")
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")


def _import_report(
    before: gpd.GeoDataFrame, after: gpd.GeoDataFrame, ids: list[str]
) -> dict[str, list[str]]:
    old = {r["id"]: r for r in _visible(before)}
    new = {r["id"]: r for r in _visible(after)}
    report: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": []}
    for product_id in dict.fromkeys(ids):
        key = (
            "added"
            if product_id not in old
            else ("unchanged" if old[product_id] == new[product_id] else "updated")
        )
        report[key].append(product_id)
    return report


def _visible(products: gpd.GeoDataFrame) -> list[dict]:
    frame = products.assign(geometry_wkt=products.geometry.to_wkt(rounding_precision=7))
    frame = frame.drop(columns="geometry")
    return [
        {k: json_value(v) for k, v in row.items() if json_value(v) not in (None, "", [])}
        for row in frame.to_dict("records")
    ]
