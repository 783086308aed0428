"""Placing products on the map: a commune and a point for every product.

Order of trust: given coordinates; else the commune (from ``commune_code`` or the resolved
published address), at a stable point inside it; else an area (the value-chain region, or
the communes an old address can mean). Every product says how it was placed in
``location_quality`` (``exact``, ``commune``, ``region``).
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from brandmap.catalog.resolve import resolve
from brandmap.errors import ValidationError
from brandmap.geo import register
from brandmap.text import fold

__all__ = ["place_products", "stable_point_inside"]


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
