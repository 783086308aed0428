"""Deterministic synthetic catalogs (10k–1M products) for benchmarks only.

Every synthetic product has an id starting with ``synthetic-`` and a name saying it is a
test record; they are written to their own store, never mixed with the real catalog.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from brandmap.catalog.schema import BRAND_TYPES, CATEGORIES, VALUE_CHAINS
from brandmap.store import Snapshot

__all__ = ["synthetic_products", "synthetic_snapshot"]

_WORDS = (
    "Bưởi",
    "Dừa",
    "Kẹo",
    "Gạo",
    "Thanh trà",
    "Khoai lang",
    "Mật ong",
    "Bánh tét",
    "Nem",
    "Tôm khô",
    "Gốm",
    "Chiếu",
    "Rượu",
    "Trà",
    "Mắm",
)


def synthetic_products(communes: gpd.GeoDataFrame, count: int, seed: int = 0) -> gpd.GeoDataFrame:
    """``count`` products spread over the communes, the same for the same seed."""
    rng = np.random.default_rng(seed)
    codes = communes["code"].to_numpy()
    which = rng.integers(0, len(codes), count)
    lon, lat = _points_inside(communes.geometry.to_numpy(), which, rng)
    stars = rng.choice(np.array([3, 4, 5, 0]), count, p=[0.55, 0.3, 0.03, 0.12])
    words = rng.choice(np.array(_WORDS), count)
    frame = pd.DataFrame(
        {
            "id": [f"synthetic-{i:07d}" for i in range(count)],
            "name_vi": [f"{w} thử nghiệm {i}" for i, w in enumerate(words)],
            "name_en": [f"Synthetic test product {i}" for i in range(count)],
            "category": rng.choice(np.array(CATEGORIES), count),
            "brand_types": [["ocop"] if s else [str(rng.choice(BRAND_TYPES))] for s in stars],
            "ocop_stars": pd.array(np.where(stars > 0, stars, None), dtype="Int64"),
            "producer": [f"Cơ sở thử nghiệm {i % 997}" for i in range(count)],
            "commune_code": codes[which],
            "value_chain": rng.choice(np.array(VALUE_CHAINS), count),
            "source_url": "https://example.invalid/synthetic",
            "location_quality": "exact",
        }
    )
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs=4326)


def _points_inside(polygons: np.ndarray, which: np.ndarray, rng: np.random.Generator):
    lon = np.empty(len(which))
    lat = np.empty(len(which))
    for index, polygon in enumerate(polygons):
        rows = np.flatnonzero(which == index)
        min_x, min_y, max_x, max_y = polygon.bounds
        shapely.prepare(polygon)
        while len(rows):
            x = rng.uniform(min_x, max_x, len(rows))
            y = rng.uniform(min_y, max_y, len(rows))
            inside = shapely.contains_xy(polygon, x, y)
            lon[rows[inside]], lat[rows[inside]] = x[inside], y[inside]
            rows = rows[~inside]
    return lon, lat


def synthetic_snapshot(base: Snapshot, count: int, seed: int = 0) -> Snapshot:
    """The real communes and regions of ``base`` with a synthetic product layer."""
    products = synthetic_products(base.communes, count, seed)
    meta = {**base.meta, "product_count": str(count), "synthetic": "true"}
    return Snapshot(base.communes, base.regions, products, meta)
