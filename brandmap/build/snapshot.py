"""Build a snapshot from the repository data: communes, regions and placed products.

The commune layer is the real 2025 boundaries when they have been fetched or imported,
and otherwise the approximate polygons (flagged ``geometry_quality = approximate``).
Products are placed on the map by :mod:`brandmap.build.placement`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from brandmap import resources, settings
from brandmap.build.placement import place_products
from brandmap.catalog.product_file import load_catalog
from brandmap.geo.approx import approximate_communes
from brandmap.geo.boundaries import load_real_boundaries
from brandmap.geo.regions import dissolve_regions, read_regions
from brandmap.store import Snapshot, Store

__all__ = ["build_snapshot", "build_store", "commune_layer", "data_vintage", "seed_catalog"]

APPROXIMATE, OFFICIAL = "approximate", "official"


def commune_layer() -> gpd.GeoDataFrame:
    """Real boundaries if loaded, else the approximation, ordered by code."""
    real = load_real_boundaries(settings.real_boundaries_path())
    layer = real if real is not None else approximate_communes()
    return layer.sort_values("code").reset_index(drop=True)


def seed_catalog(data_dir: Path | None = None) -> list[dict]:
    """The checked rows of ``data/products/products.csv``: the catalog until one is
    published (after that, the latest release is the catalog and this file only seeded it)."""
    return load_catalog(Path(data_dir or resources.data_dir()) / "products" / "products.csv")


def build_snapshot(
    data_dir: Path | None = None,
    communes: gpd.GeoDataFrame | None = None,
    catalog: list[dict] | None = None,
) -> Snapshot:
    """Load and check everything in ``data/``; raise ValidationError on any problem.

    ``catalog``: the product rows to place (the latest release), else the seed file's.
    """
    data_dir = Path(data_dir or resources.data_dir())
    communes = commune_layer() if communes is None else communes
    regions = dissolve_regions(
        read_regions(data_dir / "geo" / "regions.csv", set(communes["code"])), communes
    )
    rows = seed_catalog(data_dir) if catalog is None else catalog
    products = place_products(rows, communes, regions)
    quality = APPROXIMATE if (communes["geometry_quality"] == APPROXIMATE).any() else OFFICIAL
    meta = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "geometry_quality": quality,
        "data_vintage": data_vintage(products),
        "product_count": str(len(products)),
    }
    return Snapshot(communes=communes, regions=regions, products=products, meta=meta)


def build_store(
    store: Store, data_dir: Path | None = None, catalog: list[dict] | None = None
) -> Snapshot:
    """Validate ``data/`` and replace the store atomically (nothing written on failure)."""
    snapshot = build_snapshot(data_dir, catalog=catalog)
    store.write(snapshot)
    return snapshot


def data_vintage(products: gpd.GeoDataFrame) -> str:
    """The newest ``source_date`` of the products (ISO date), empty when none is known."""
    dates = pd.to_datetime(products.get("source_date"), errors="coerce").dropna()
    return dates.max().date().isoformat() if len(dates) else ""
