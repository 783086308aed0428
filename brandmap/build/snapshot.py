"""Build a snapshot from the repository data: communes, regions and placed products.

The commune layer is the real 2025 boundaries when they have been fetched or imported,
and otherwise the approximate polygons (flagged ``geometry_quality = approximate``).
Products are placed on the map by their coordinates, else by their commune (a stable point
inside it), else by their value-chain region.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from brandmap import settings
from brandmap.catalog.reading import load_catalog
from brandmap.catalog.resolve import resolve
from brandmap.errors import ValidationError
from brandmap.geo import register
from brandmap.geo.approx import approximate_communes
from brandmap.geo.boundaries import load_real_boundaries
from brandmap.geo.regions import dissolve_regions, read_regions
from brandmap.store import Snapshot, Store
from brandmap.text import fold
from brandmap.values import json_value

__all__ = ["build_snapshot", "build_store", "commune_layer", "place_products"]

APPROXIMATE, OFFICIAL = "approximate", "official"


def commune_layer() -> gpd.GeoDataFrame:
    """Real boundaries if loaded, else the approximation, ordered by code."""
    real = load_real_boundaries(settings.real_boundaries_path())
    layer = real if real is not None else approximate_communes()
    return layer.sort_values("code").reset_index(drop=True)


def build_snapshot(
    data_dir: Path | None = None, communes: gpd.GeoDataFrame | None = None
) -> Snapshot:
    """Load and check everything in ``data/``; raise ValidationError on any problem."""
    data_dir = Path(data_dir or settings.data_dir())
    communes = commune_layer() if communes is None else communes
    regions = dissolve_regions(
        read_regions(data_dir / "geo" / "regions.csv", set(communes["code"])), communes
    )
    products = place_products(
        load_catalog(data_dir / "products" / "products.csv"), communes, regions
    )
    quality = APPROXIMATE if (communes["geometry_quality"] == APPROXIMATE).any() else OFFICIAL
    meta = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "geometry_quality": quality,
        "data_vintage": _data_vintage(products),
        "product_count": str(len(products)),
    }
    return Snapshot(communes=communes, regions=regions, products=products, meta=meta)


def build_store(store: Store, data_dir: Path | None = None) -> Snapshot:
    """Validate ``data/`` and replace the store atomically (nothing written on failure)."""
    snapshot = build_snapshot(data_dir)
    store.write(snapshot)
    return snapshot


def place_products(
    rows: list[dict], communes: gpd.GeoDataFrame, regions: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Give every product a commune (when it has a place) and a point.

    Order of trust: given coordinates (``exact``); the commune's stable inner point
    (``commune``), the commune coming from ``commune_code`` or from resolving the published
    address; else an area (``region``): the brand's value-chain region, or the communes an
    address names only by its old district or province.
    """
    names = communes.set_index("code")["name"]
    shapes = communes.set_index("code").geometry
    region_shapes = regions.set_index("id").geometry if len(regions) else {}
    placed = []
    for row in rows:
        row = dict(row)
        point = _given_point(row)
        area = None
        if point is not None and not row.get("commune_code"):
            row["commune_code"] = _commune_at(point, communes)
        if not row.get("commune_code") and not row.get("region") and row.get("address_published"):
            row["commune_code"], area = _resolve_place(row["address_published"], shapes)
        code = row.get("commune_code") or None
        if point is not None:
            row["location_quality"] = "exact"
        elif code:
            point = stable_point_inside(shapes[code], row["id"])
            row["location_quality"] = "commune"
        elif row.get("region") or area is not None:
            area = region_shapes[row["region"]] if row.get("region") else area
            point = stable_point_inside(area, row["id"])
            row["location_quality"] = "region"
        else:
            raise ValidationError(f"product {row['id']!r} has no commune, coordinates or region")
        row["commune_code"] = code
        row["commune_name"] = names.get(code) if code else None
        row["geometry"] = point
        placed.append(row)
    return gpd.GeoDataFrame(pd.DataFrame(placed), geometry="geometry", crs=4326)


def _resolve_place(
    address: str, shapes: gpd.GeoSeries
) -> tuple[str | None, shapely.Geometry | None]:
    """A commune code for the address, else the area of its candidate communes.

    An address that names only an old district ("huyện Bình Tân") or a former province
    resolves to no single commune; the product is then placed within all the communes it
    can be in, and marked as placed by area.
    """
    resolution = resolve(address)
    if resolution.code:
        return resolution.code, None
    codes = [code for code, _ in resolution.candidates] or _former_province_codes(address)
    return None, (shapes.loc[codes].union_all() if codes else None)


def _former_province_codes(address: str) -> list[str]:
    folded = fold(address)
    for province in register.FORMER_PROVINCES:
        if fold(province) in folded:
            return [c.code for c in register.communes() if province in c.former_provinces]
    return []


def _given_point(row: dict) -> shapely.Point | None:
    lon, lat = row.get("lon"), row.get("lat")
    if lon is None or lat is None or pd.isna(lon) or pd.isna(lat):
        return None
    return shapely.Point(float(lon), float(lat))


def _commune_at(point: shapely.Point, communes: gpd.GeoDataFrame) -> str | None:
    hits = communes.sindex.query(point, predicate="intersects")
    return str(communes["code"].iloc[hits[0]]) if len(hits) else None


def stable_point_inside(polygon: shapely.Geometry, key: str) -> shapely.Point:
    """A point inside ``polygon`` that depends only on ``key``.

    Products placed by commune spread over it instead of stacking on one spot, and stay
    where they are from one build to the next.
    """
    seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    rng = np.random.default_rng(seed)
    min_x, min_y, max_x, max_y = polygon.bounds
    inner = _inner_area(polygon)
    for _ in range(200):
        candidate = shapely.Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if inner.contains(candidate):
            return candidate
    return polygon.representative_point()


_INNER_AREAS: dict[int, tuple[shapely.Geometry, shapely.Geometry]] = {}


def _inner_area(polygon: shapely.Geometry) -> shapely.Geometry:
    """The polygon less a ~200 m margin, so markers do not sit on a boundary line.

    Remembered per polygon object: a catalog places many products in the same commune.
    """
    cached = _INNER_AREAS.get(id(polygon))
    if cached is not None and cached[0] is polygon:
        return cached[1]
    inner = polygon.buffer(-0.002) if polygon.area > 1e-4 else polygon
    inner = inner if not inner.is_empty else polygon
    shapely.prepare(inner)
    if len(_INNER_AREAS) > 4096:
        _INNER_AREAS.clear()
    _INNER_AREAS[id(polygon)] = (polygon, inner)
    return inner


def _data_vintage(products: gpd.GeoDataFrame) -> str:
    dates = pd.to_datetime(products.get("source_date"), errors="coerce").dropna()
    return dates.max().date().isoformat() if len(dates) else ""


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
            "data_vintage": _data_vintage(products),
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
