"""Importing a product file into a store: merged by id, all of it or nothing.

The report says which ids were ``added``, ``updated`` or ``unchanged``, where unchanged
means nothing a user would see differs, placement included.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd

from brandmap.build.placement import place_products
from brandmap.build.snapshot import data_vintage
from brandmap.catalog.product_file import load_catalog
from brandmap.store import Snapshot, Store
from brandmap.values import json_value

__all__ = ["import_products"]


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
        meta = {
            **snapshot.meta,
            "product_count": str(len(products)),
            "data_vintage": data_vintage(products),
            "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        store.write(Snapshot(snapshot.communes, snapshot.regions, products, meta))
    return report


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
