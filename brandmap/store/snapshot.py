"""The snapshot record and the store interface every backend answers.

A snapshot is every layer of one build (communes, regions, products) plus facts about the
build; a store keeps the latest one between ``build`` and ``serve``. Backends live beside
this module (:mod:`brandmap.store.geopackage`, :mod:`brandmap.store.postgis`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import geopandas as gpd

from brandmap.errors import StoreError

__all__ = ["LAYERS", "LIST_COLUMNS", "Snapshot", "Store"]

LAYERS = ("communes", "regions", "products")


@dataclass
class Snapshot:
    """Every layer of one build, in EPSG:4326, plus facts about the build (``meta``)."""

    communes: gpd.GeoDataFrame
    regions: gpd.GeoDataFrame
    products: gpd.GeoDataFrame
    meta: dict[str, str] = field(default_factory=dict)

    def layer(self, name: str) -> gpd.GeoDataFrame:
        if name not in LAYERS:
            raise StoreError(f"unknown layer {name!r}; layers are {', '.join(LAYERS)}")
        return getattr(self, name)


class Store(Protocol):
    """What the rest of brandmap needs from a store backend."""

    location: str

    def exists(self) -> bool: ...

    def read(self) -> Snapshot: ...

    def version(self) -> str | None:
        """Changes whenever a new snapshot is written; None when there is none."""
        ...

    def write(self, snapshot: Snapshot) -> None: ...


# Columns holding lists, stored ';'-joined (GeoPackage has no list type).
LIST_COLUMNS = {"products": ("brand_types",), "regions": ("commune_codes",), "communes": ()}
