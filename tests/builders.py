"""Small data builders shared by several test files."""

from __future__ import annotations

import io

import geopandas as gpd
import shapely
from argon2 import PasswordHasher

from brandmap.store import Snapshot

__all__ = ["CHEAP_HASHER", "tiny_snapshot", "xlsx_bytes"]

# argon2id at its smallest parameters: the same code path as production, a thousandth the cost.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    """An Excel workbook with one sheet holding ``rows``, as the provinces publish them."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tiny_snapshot(name: str = "Kẹo dừa Bến Tre") -> Snapshot:
    """One commune, one region, one product: the least a store holds."""
    square = shapely.box(106.0, 10.0, 106.1, 10.1)
    communes = gpd.GeoDataFrame(
        {
            "code": ["29659"],
            "name": ["Xã Trung Thành"],
            "kind": ["xã"],
            "area_km2": [120.5],
            "geometry_quality": ["approximate"],
        },
        geometry=[shapely.MultiPolygon([square])],
        crs=4326,
    )
    regions = gpd.GeoDataFrame(
        {
            "id": ["coconut-ben-tre"],
            "name_vi": ["Dừa Bến Tre"],
            "value_chain": ["coconut"],
            "commune_codes": [["29659", "28756"]],
        },
        geometry=[square],
        crs=4326,
    )
    products = gpd.GeoDataFrame(
        {
            "id": ["keo-dua"],
            "name_vi": [name],
            "category": ["thuc_pham"],
            "brand_types": [["ocop", "gi"]],
            "ocop_stars": [4],
            "commune_code": ["29659"],
        },
        geometry=[shapely.Point(106.05, 10.05)],
        crs=4326,
    )
    return Snapshot(communes, regions, products, meta={"geometry_quality": "approximate"})
