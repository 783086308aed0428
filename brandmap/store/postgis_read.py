"""Reading a PostGIS store back: one generation as a snapshot of GeoDataFrames.

The frames come back in the shapes the GeoPackage store gives: EPSG:4326, rows in their
written order, list columns as Python lists (never null), the usual pandas dtypes, and
``meta`` as a dict in its written order.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from psycopg import sql

from brandmap.store.postgis_layout import GEOMETRY, ROW_ORDER, SRID, Conn, ident, table_columns
from brandmap.store.snapshot import LAYERS, Snapshot

__all__ = ["read_generation"]


def read_generation(conn: Conn, schema: str) -> Snapshot:
    """The snapshot in generation ``schema``, held against clean-up while it is read."""
    _lock_generation(conn, schema)
    layers = {name: _read_layer(conn, schema, name) for name in LAYERS}
    return Snapshot(**layers, meta=_read_meta(conn, schema))


def _lock_generation(conn: Conn, schema: str) -> None:
    """Hold the generation's tables for this transaction so a concurrent clean-up waits."""
    tables = sql.SQL(", ").join(ident(schema, name) for name in (*LAYERS, "meta"))
    conn.execute(sql.SQL("LOCK TABLE {} IN ACCESS SHARE MODE").format(tables))


def _read_layer(conn: Conn, schema: str, name: str) -> gpd.GeoDataFrame:
    columns = table_columns(conn, schema, name)
    attributes = [c for c, _ in columns if c not in (ROW_ORDER, GEOMETRY)]
    select = [ident(c) for c in attributes]
    select.append(sql.SQL("ST_AsBinary({})").format(ident(GEOMETRY)))
    query = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
        sql.SQL(", ").join(select), ident(schema, name), ident(ROW_ORDER)
    )
    rows = conn.cursor(binary=True).execute(query).fetchall()
    data = list(zip(*rows, strict=True)) if rows else [() for _ in range(len(attributes) + 1)]
    types = dict(columns)
    frame = pd.DataFrame(
        {c: _column(list(v), types[c]) for c, v in zip(attributes, data, strict=False)}
    )
    wkb = np.asarray(data[-1], dtype=object)
    geometry = gpd.GeoSeries(shapely.from_wkb(wkb), crs=SRID, index=frame.index)
    return gpd.GeoDataFrame(frame, geometry=geometry.rename(GEOMETRY), crs=SRID)


def _column(values: list[Any], pg_type: str) -> pd.Series:
    """Values as the GeoPackage store would return them: lists never null, usual dtypes."""
    if pg_type == "text[]":
        return pd.Series([list(v) if v is not None else [] for v in values], dtype=object)
    if not values:
        empty = {"bigint": "int64", "double precision": "float64", "boolean": "bool"}
        return pd.Series([], dtype=empty.get(pg_type, object))
    return pd.Series(values)


def _read_meta(conn: Conn, schema: str) -> dict[str, Any]:
    rows = conn.execute(
        sql.SQL("SELECT key, value FROM {} ORDER BY position").format(ident(schema, "meta"))
    )
    return dict(rows.fetchall())
