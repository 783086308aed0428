"""The store: where a built snapshot of every layer lives between ``build`` and ``serve``.

Owns the snapshot record and its interface (:mod:`~brandmap.store.snapshot`), the embedded
GeoPackage backend, the default (:mod:`~brandmap.store.geopackage`), and the PostGIS backend
(:mod:`~brandmap.store.postgis`, with its layout :mod:`~brandmap.store.postgis_layout`,
writer :mod:`~brandmap.store.postgis_write` and reader :mod:`~brandmap.store.postgis_read`);
both answer the same calls and give back the same Python shapes, so callers never change.
May import the package's foundations (``errors``, ``settings``, ``text``) and nothing above
them.
"""

from __future__ import annotations

import os

from brandmap.store.geopackage import GeoPackageStore
from brandmap.store.snapshot import LAYERS, LIST_COLUMNS, Snapshot, Store

__all__ = ["LAYERS", "LIST_COLUMNS", "GeoPackageStore", "Snapshot", "Store", "open_store"]


def open_store(location: str | os.PathLike[str]) -> Store:
    """The backend for a location: ``postgresql://…`` or a GeoPackage path."""
    text = str(location)
    if text.startswith(("postgresql://", "postgres://")):
        from brandmap.store.postgis import PostGISStore

        return PostGISStore(text)
    return GeoPackageStore(text)
