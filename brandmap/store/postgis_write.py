"""Writing a PostGIS store: load a snapshot as a new generation, then switch to it.

:func:`load_generation` runs inside the caller's transaction: it creates the generation's
tables, COPYs the rows, indexes them and moves the ``current`` pointer and the views that
GIS users open (QGIS, ArcGIS) to the new tables. Until the transaction commits, every
reader sees the old snapshot; if anything fails, nothing changed. Afterwards
:func:`drop_old_generations` removes generations older than the backup.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql
from psycopg.types.json import Jsonb

from brandmap.errors import StoreError
from brandmap.store.postgis_layout import (
    GEOMETRY,
    ROW_ORDER,
    SRID,
    Conn,
    generation_schemas,
    ident,
    quoted,
    table_columns,
)
from brandmap.store.snapshot import LAYERS, LIST_COLUMNS, Snapshot

__all__ = ["drop_old_generations", "load_generation", "load_layer"]

# Columns worth a btree index when a layer has them: ids, codes and the common filters.
_INDEXED = {
    "communes": ("code",),
    "regions": ("id",),
    "products": ("id", "commune_code", "region", "category", "value_chain"),
}
# How long the clean-up of old generations waits for a reader before leaving it to the next write.
_CLEANUP_LOCK_TIMEOUT = "2s"
# How long a write waits for GIS clients reading the views before it gives up (nothing changes).
_SWITCH_LOCK_TIMEOUT = "30s"


def load_generation(conn: Conn, namespace: str, snapshot: Snapshot) -> None:
    """Load ``snapshot`` as a new generation and make it current (inside a transaction)."""
    _prepare(conn, namespace)
    schema = _new_generation(conn, namespace)
    for name in LAYERS:
        load_layer(conn, schema, name, snapshot.layer(name))
    _load_meta(conn, schema, snapshot.meta)
    _switch(conn, namespace, schema)


def _prepare(conn: Conn, namespace: str) -> None:
    """Serialize writers, then create the control schema on first use."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"brandmap-store:{namespace}"])
    if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone() is None:
        try:
            with conn.transaction():
                conn.execute("CREATE EXTENSION postgis")
        except psycopg.Error as exc:
            raise StoreError(
                "the database has no PostGIS extension and this role cannot create it: "
                "ask an administrator to run CREATE EXTENSION postgis"
            ) from exc
    ns = ident(namespace)
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(ns))
    conn.execute(
        sql.SQL("CREATE SEQUENCE IF NOT EXISTS {}").format(ident(namespace, "generation_seq"))
    )
    conn.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (one boolean PRIMARY KEY DEFAULT true CHECK (one),"
            " current text NOT NULL, previous text, written_at timestamptz NOT NULL DEFAULT now())"
        ).format(ident(namespace, "generation"))
    )


def _new_generation(conn: Conn, namespace: str) -> str:
    sequence = quoted(f"{namespace}.generation_seq")
    number = conn.execute("SELECT nextval(%s)", [sequence]).fetchone()[0]
    schema = f"{namespace}_g{number}"
    conn.execute(sql.SQL("CREATE SCHEMA {}").format(ident(schema)))
    return schema


def _switch(conn: Conn, namespace: str, schema: str) -> None:
    """Point ``current`` at the new generation and the views at its tables."""
    conn.execute(
        sql.SQL(
            "INSERT INTO {table} (one, current) VALUES (true, %s) ON CONFLICT (one) DO UPDATE"
            " SET previous = {table}.current, current = EXCLUDED.current, written_at = now()"
        ).format(table=ident(namespace, "generation")),
        [schema],
    )
    conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(_SWITCH_LOCK_TIMEOUT)))
    for name in (*LAYERS, "meta"):
        _point_view(conn, namespace, schema, name)


def _point_view(conn: Conn, namespace: str, schema: str, name: str) -> None:
    """Point the public view of a layer at the new generation's table.

    GIS users build their own views on the public ones, and PostgreSQL refuses to drop a view
    others depend on. It does replace one in place while the columns it shows keep their
    names, order and types, new ones following: so the view keeps its own column order and
    shows a layer's new columns at the end. A column that disappears or changes type needs
    the view recreated; with users' views on it the write fails clearly and changes nothing.
    """
    view, table = ident(namespace, name), ident(schema, name)
    shown = _view_columns(conn, namespace, name)
    columns = table_columns(conn, schema, name)
    if set(shown) <= set(columns):
        order = [*shown, *(c for c in columns if c not in shown)]
        select = sql.SQL(", ").join(ident(column) for column, _ in order)
        conn.execute(
            sql.SQL("CREATE OR REPLACE VIEW {} AS SELECT {} FROM {}").format(view, select, table)
        )
        return
    try:
        with conn.transaction():
            conn.execute(sql.SQL("DROP VIEW {}").format(view))
            conn.execute(sql.SQL("CREATE VIEW {} AS SELECT * FROM {}").format(view, table))
    except psycopg.errors.DependentObjectsStillExist as exc:
        changed = ", ".join(sorted(column for column, _ in set(shown) - set(columns)))
        raise StoreError(
            f"the {name} layer's columns {changed} disappear or change type, and views depend "
            f"on {namespace}.{name} ({exc.diag.message_detail or 'see pg_depend'}): "
            "drop or adapt those views, then write again; the store is unchanged"
        ) from None


def _view_columns(conn: Conn, namespace: str, name: str) -> list[tuple[str, str]]:
    """The columns a public view shows now (none before the first write)."""
    if conn.execute("SELECT to_regclass(%s)", [quoted(f"{namespace}.{name}")]).fetchone()[0]:
        return table_columns(conn, namespace, name)
    return []


def drop_old_generations(conn: Conn, namespace: str) -> None:
    """Drop generations older than the backup; one still being read is left for the next write."""
    keep = conn.execute(
        sql.SQL("SELECT current, previous FROM {}").format(ident(namespace, "generation"))
    ).fetchone()
    for schema in generation_schemas(conn, namespace):
        if schema in keep:
            continue
        try:
            with conn.transaction():
                timeout = sql.Literal(_CLEANUP_LOCK_TIMEOUT)
                conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(timeout))
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(ident(schema)))
        except psycopg.Error:
            continue  # still being read, or already gone: the next write tries again


def load_layer(conn: Conn, schema: str, name: str, frame: gpd.GeoDataFrame) -> None:
    """Create one layer table, COPY its rows (geometry as EWKB), then index it."""
    if frame.crs is not None and frame.crs.to_epsg() != SRID:
        raise StoreError(f"the {name} layer is in {frame.crs}, not EPSG:{SRID}")
    attributes = [c for c in frame.columns if c != frame.geometry.name]
    if ROW_ORDER in attributes or GEOMETRY in attributes:
        raise StoreError(
            f"the {name} layer uses a reserved column name ({ROW_ORDER} or {GEOMETRY})"
        )
    types = {c: _column_type(frame[c], c in LIST_COLUMNS.get(name, ())) for c in attributes}
    table = ident(schema, name)
    columns = [sql.SQL("{} bigint PRIMARY KEY").format(ident(ROW_ORDER))]
    columns += [sql.SQL("{} {}").format(ident(c), sql.SQL(types[c])) for c in attributes]
    columns.append(sql.SQL("{} geometry(Geometry, {})").format(ident(GEOMETRY), sql.Literal(SRID)))
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(table, sql.SQL(", ").join(columns)))
    names = sql.SQL(", ").join(ident(c) for c in [ROW_ORDER, *attributes, GEOMETRY])
    with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, names)) as copy:
        copy.set_types(["int8", *[types[c] for c in attributes], "text"])
        for row in _rows(frame, attributes, types):
            copy.write_row(row)
    _index_layer(conn, schema, name, attributes)


def _column_type(series: pd.Series, is_list: bool) -> str:
    """The PostgreSQL type for a column, chosen so it reads back as the same Python values."""
    if is_list:
        return "text[]"
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        return "int8"
    if pd.api.types.is_float_dtype(series):
        return "float8"
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return "timestamptz"
    if pd.api.types.is_datetime64_dtype(series):
        return "timestamp"
    if not pd.api.types.is_object_dtype(series):
        return "text"
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind == "mixed" and any(isinstance(v, list | tuple) for v in series):
        return "text[]"
    return {
        "integer": "int8",
        "floating": "float8",
        "mixed-integer-float": "float8",
        "boolean": "bool",
        "date": "date",
        "datetime": "timestamptz",
    }.get(kind, "text")


def _rows(
    frame: gpd.GeoDataFrame, attributes: Sequence[str], types: dict[str, str]
) -> Iterator[tuple]:
    """Rows of plain Python values (None for missing) ready for COPY."""
    columns = [range(1, len(frame) + 1)]
    for column in attributes:
        columns.append(_plain_values(frame[column], types[column]))
    geometry = shapely.set_srid(np.asarray(frame.geometry.values, dtype=object), SRID)
    columns.append(
        shapely.to_wkb(geometry, hex=True, include_srid=True, output_dimension=2).tolist()
    )
    return zip(*columns, strict=True)


def _plain_values(series: pd.Series, pg_type: str) -> list[Any]:
    if pg_type == "text[]":
        return [
            [str(v) for v in value] if isinstance(value, list | tuple) else None for value in series
        ]
    values = series.astype(object).where(series.notna(), None).tolist()
    if pg_type == "text":
        return [v if v is None or isinstance(v, str) else str(v) for v in values]
    if pg_type == "int8":
        return [None if v is None else int(v) for v in values]
    if pg_type == "float8":
        return [None if v is None else float(v) for v in values]
    if pg_type == "bool":
        return [None if v is None else bool(v) for v in values]
    return [v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in values]


def _index_layer(conn: Conn, schema: str, name: str, attributes: Sequence[str]) -> None:
    table = ident(schema, name)
    conn.execute(sql.SQL("CREATE INDEX ON {} USING gist ({})").format(table, ident(GEOMETRY)))
    for column in _INDEXED.get(name, ()):
        if column in attributes:
            conn.execute(sql.SQL("CREATE INDEX ON {} ({})").format(table, ident(column)))
    conn.execute(sql.SQL("ANALYZE {}").format(table))


def _load_meta(conn: Conn, schema: str, meta: dict[str, Any]) -> None:
    table = ident(schema, "meta")
    conn.execute(
        sql.SQL(
            "CREATE TABLE {}  (position int NOT NULL, key text PRIMARY KEY, value jsonb NOT NULL)"
        ).format(table)
    )
    with conn.cursor() as cur:
        cur.executemany(
            sql.SQL("INSERT INTO {} VALUES (%s, %s, %s)").format(table),
            [(i, str(k), Jsonb(v)) for i, (k, v) in enumerate(meta.items())],
        )
