"""Which layers the OGC API publishes, and the per-snapshot state it keeps about them.

A :class:`CollectionSpec` says which frame of the dataset a collection serves, which column
names its features, which properties it shows and which of them filter it.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from brandmap.present.dataset import (
    COMMUNE_PROPERTIES,
    PRODUCT_PROPERTIES,
    REGION_PROPERTIES,
    Dataset,
)
from brandmap.query.filters import FILTER_PARAMS
from brandmap.service.api import ApiResponse, error_response

__all__ = [
    "COLLECTIONS",
    "SERVICE_DESCRIPTION",
    "SERVICE_TITLE",
    "CollectionSpec",
    "frame_of",
    "snapshot_cache",
    "unknown_collection",
]

SERVICE_TITLE = "Bản đồ thương hiệu Vĩnh Long — Vĩnh Long brand map"
SERVICE_DESCRIPTION = (
    "OCOP products, geographical indications and other local brands of Vĩnh Long province "
    "(2025 boundaries), their 2025 communes and value-chain regions, as OGC API – Features."
)


@dataclass(frozen=True)
class CollectionSpec:
    """One published layer: which frame, which id column, which property filters."""

    id: str
    title: str
    description: str
    id_column: str
    properties: tuple[str, ...]
    filters: tuple[str, ...]
    geometry: str
    temporal: str | None = None  # the property ``datetime`` filters on


_PRODUCT_FILTERS = tuple(p for p in FILTER_PARAMS if p != "bbox")
COLLECTIONS: dict[str, CollectionSpec] = {
    spec.id: spec
    for spec in (
        CollectionSpec(
            "products",
            "Sản phẩm — Products",
            "OCOP products, geographical indications, collective and certification marks, "
            "one point each (exact, or a stable point in the commune or region it belongs to).",
            "id",
            PRODUCT_PROPERTIES,
            _PRODUCT_FILTERS,
            "Point",
            "source_date",
        ),
        CollectionSpec(
            "communes",
            "Xã, phường (2025) — Communes",
            "The 2025 communes and wards of Vĩnh Long with product counts; "
            "geometry_quality says whether a shape is official or approximate.",
            "code",
            COMMUNE_PROPERTIES,
            ("kind", "geometry_quality"),
            "MultiPolygon",
        ),
        CollectionSpec(
            "regions",
            "Vùng chuỗi giá trị — Value-chain regions",
            "Groups of communes that share a brand or raw-material zone, "
            "dissolved from the commune layer.",
            "id",
            REGION_PROPERTIES,
            ("value_chain",),
            "MultiPolygon",
        ),
    )
}


def unknown_collection(collection_id: str) -> ApiResponse:
    return error_response(
        404,
        "not_found",
        f"no collection {collection_id[:100]!r}; collections are {', '.join(COLLECTIONS)}",
    )


def frame_of(dataset: Dataset, collection_id: str) -> gpd.GeoDataFrame:
    """The dataset's frame behind a collection."""
    if collection_id == "products":
        return dataset.products
    return dataset.communes if collection_id == "communes" else dataset.regions


def snapshot_cache(dataset: Dataset) -> dict:
    """Per-snapshot cache, dropped with the dataset when a new snapshot is loaded."""
    return dataset.__dict__.setdefault("_ogc_cache", {})
