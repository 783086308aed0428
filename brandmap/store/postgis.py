"""The PostGIS store: the same snapshot as the GeoPackage store, in a PostgreSQL database.

A server store lets the provincial GIS open the layers directly (QGIS, ArcGIS) and lets several
web workers share one copy. It answers the same three calls as
:class:`brandmap.store.GeoPackageStore` and gives back the same Python shapes: GeoDataFrames in
EPSG:4326, list columns as Python lists, ``meta`` as a dict.

Layout (``brandmap`` is the default namespace):

- every write loads a new *generation*: a schema ``brandmap_g<N>`` holding the tables
  ``communes``, ``regions``, ``products`` (geometry in column ``geometry``, SRID 4326, GIST
  indexed; ``fid`` keeps the row order) and ``meta`` (key, JSON value);
- the table ``brandmap.generation`` names the ``current`` and the ``previous`` generation, and
  the views ``brandmap.communes``, ``brandmap.geo.regions``, ``brandmap.products`` always show the
  current one, so GIS users have stable names to open.

A write builds the new generation and moves the pointer in one transaction, so a reader sees
the old snapshot or the new one, never half of one. The previous generation is kept as a backup
(:meth:`PostGISStore.read_previous`); to roll back by hand, swap ``current`` and ``previous`` in
``brandmap.generation`` and recreate the views. Older generations are dropped after the switch.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import psycopg.conninfo
import shapely
from psycopg import sql
from psycopg.types.json import Jsonb

from brandmap.errors import StoreError
from brandmap.store.snapshot import LAYERS, LIST_COLUMNS, Snapshot

__all__ = ["PostGISStore", "redact_url"]

_SRID = 4326
_GEOMETRY = "geometry"
_ROW_ORDER = "fid"
_NAMESPACE = re.compile(r"[a-z_][a-z0-9_]{0,39}")
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

_Conn = psycopg.Connection[Any]
# What a reader meets when it loses the race against the clean-up of an old generation.
_RETRYABLE = (
    psycopg.errors.UndefinedTable,
    psycopg.errors.InvalidSchemaName,
    psycopg.errors.DeadlockDetected,
)


def redact_url(url: str) -> str:
    """The connection URL with its password hidden, safe to print or log.

    >>> redact_url("postgresql://gis:s3cret@127.0.0.1:5432/brandmap")
    'postgresql://gis:***@127.0.0.1:5432/brandmap'
    >>> redact_url("postgresql://gis@/brandmap?host=/run/postgresql&password=s3cret")
    'postgresql://gis@/brandmap?host=%2Frun%2Fpostgresql&password=%2A%2A%2A'
    """
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostinfo = netloc.rpartition("@")
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{hostinfo}"
    query = parts.query
    if "password" in query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, "***" if k == "password" else v) for k, v in pairs])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


class PostGISStore:
    """Snapshots in a PostgreSQL/PostGIS database, switched atomically on every write.

    ``url`` is a libpq URL: ``postgresql://user:password@host:port/db`` or, over a local
    socket, ``postgresql://user@/db?host=/socket/dir``. Nothing connects until the first call.
    ``namespace`` names the control schema and prefixes the generation schemas, so several
    stores can share one database.
    """

    def __init__(
        self,
        url: str,
        namespace: str = "brandmap",
        connect_timeout: int = 10,
        version_ttl: float = 1.0,
    ) -> None:
        if not _NAMESPACE.fullmatch(namespace):
            raise StoreError(f"the store namespace {namespace!r} is not a plain lower-case name")
        self.location = redact_url(url)
        try:
            self._secret = psycopg.conninfo.conninfo_to_dict(url).get("password") or ""
        except psycopg.ProgrammingError:
            raise StoreError(f"not a valid PostgreSQL URL: {self.location}") from None
        self._url = url
        self._connect_timeout = connect_timeout
        self.namespace = namespace
        self._version_ttl = version_ttl
        self._version: str | None = None
        self._version_checked = -float("inf")

    def __repr__(self) -> str:
        return f"PostGISStore({self.location!r}, namespace={self.namespace!r})"

    def exists(self) -> bool:
        """Whether a snapshot has been written (``False`` on an empty database)."""
        with self._connect() as conn:
            return _current(conn, self.namespace) is not None

    def version(self) -> str | None:
        """Changes whenever a snapshot is written; ``None`` when there is none or no server.

        The web service asks on every request, so the answer is kept for ``version_ttl``
        seconds: a new snapshot is served at most that long after it is written. With no
        server the answer is ``None``, so the service keeps its last good snapshot and the
        next :meth:`read` reports the problem.
        """
        now = time.monotonic()
        if now - self._version_checked < self._version_ttl:
            return self._version
        try:
            with self._connect() as conn:
                self._version = _version(conn, self.namespace)
        except (StoreError, psycopg.Error):
            self._version = None
        self._version_checked = time.monotonic()
        return self._version

    def read(self) -> Snapshot:
        """The current snapshot; :class:`StoreError` when there is none or no server."""
        return self._read_generation("current")

    def read_previous(self) -> Snapshot:
        """The snapshot the last write replaced (the backup kept for a manual roll back)."""
        return self._read_generation("previous")

    def write(self, snapshot: Snapshot) -> None:
        """Load ``snapshot`` as a new generation and make it current, all in one transaction."""
        with self._connect() as conn:
            try:
                with conn.transaction():
                    _prepare(conn, self.namespace)
                    schema = _new_generation(conn, self.namespace)
                    for name in LAYERS:
                        _load_layer(conn, schema, name, snapshot.layer(name))
                    _load_meta(conn, schema, snapshot.meta)
                    _switch(conn, self.namespace, schema)
            except psycopg.Error as exc:
                raise StoreError(
                    f"writing the store {self.location} failed: {self._say(exc)}"
                ) from None
            _drop_old_generations(conn, self.namespace)
        self._version_checked = -float("inf")

    def drop(self) -> None:
        """Remove this store from the database: every generation and the control schema
        (a throwaway store's clean-up; a province keeps its data)."""
        with self._connect() as conn:
            for schema in [self.namespace, *_generation_schemas(conn, self.namespace)]:
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(_ident(schema)))
        self._version_checked = -float("inf")

    def _read_generation(self, which: str) -> Snapshot:
        with self._connect() as conn:
            # A generation is dropped only two writes after it stopped being current, so a
            # retry after losing that race finds the new pointer.
            for _attempt in range(3):
                try:
                    with conn.transaction():
                        schema = _pointer(conn, self.namespace, which)
                        if schema is None:
                            raise StoreError(self._missing(which))
                        _lock_generation(conn, schema)
                        layers = {name: _read_layer(conn, schema, name) for name in LAYERS}
                        return Snapshot(**layers, meta=_read_meta(conn, schema))
                except _RETRYABLE:
                    continue
                except psycopg.Error as exc:
                    raise StoreError(
                        f"the store {self.location} is unreadable: {self._say(exc)}"
                    ) from None
        raise StoreError(f"the store {self.location} kept changing while being read; try again")

    def _missing(self, which: str) -> str:
        if which == "previous":
            return f"the store {self.location} keeps no previous snapshot yet"
        return f"no store in {self.location}: run `brandmap build --store <url>` first"

    @contextmanager
    def _connect(self) -> Iterator[_Conn]:
        options = {"application_name": "brandmap"}
        if "connect_timeout" not in self._url:
            options["connect_timeout"] = str(self._connect_timeout)
        try:
            conn = psycopg.connect(self._url, autocommit=True, **options)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to the store {self.location}: {self._say(exc)}"
            ) from None
        try:
            yield conn
        finally:
            conn.close()

    def _say(self, exc: BaseException) -> str:
        """The server's message, first line only, with the password removed if it appears."""
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return text.replace(self._secret, "***") if len(self._secret) >= 3 else text


# --- the control schema and generations -------------------------------------------------------


def _ident(*names: str) -> sql.Identifier:
    return sql.Identifier(*names)


def _current(conn: _Conn, namespace: str) -> str | None:
    return _pointer(conn, namespace, "current")


def _pointer(conn: _Conn, namespace: str, which: str) -> str | None:
    """The schema of the ``current`` or ``previous`` generation, ``None`` if there is none."""
    table = f"{namespace}.generation"
    if conn.execute("SELECT to_regclass(%s)", [_quoted(table)]).fetchone()[0] is None:
        return None
    row = conn.execute(
        sql.SQL("SELECT {} FROM {}").format(_ident(which), _ident(namespace, "generation"))
    ).fetchone()
    return row[0] if row else None


def _version(conn: _Conn, namespace: str) -> str | None:
    """The current generation and when it was written: unique even if the store is recreated."""
    if _pointer(conn, namespace, "current") is None:
        return None
    query = sql.SQL("SELECT current, written_at FROM {}").format(_ident(namespace, "generation"))
    current, written_at = conn.execute(query).fetchone()
    return f"{current}@{written_at.isoformat()}"


def _quoted(dotted: str) -> str:
    return ".".join(f'"{part}"' for part in dotted.split("."))


def _prepare(conn: _Conn, namespace: str) -> None:
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
    ns = _ident(namespace)
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(ns))
    conn.execute(
        sql.SQL("CREATE SEQUENCE IF NOT EXISTS {}").format(_ident(namespace, "generation_seq"))
    )
    conn.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (one boolean PRIMARY KEY DEFAULT true CHECK (one),"
            " current text NOT NULL, previous text, written_at timestamptz NOT NULL DEFAULT now())"
        ).format(_ident(namespace, "generation"))
    )


def _new_generation(conn: _Conn, namespace: str) -> str:
    number = conn.execute(
        "SELECT nextval(%s)", [_quoted(f"{namespace}.generation_seq")]
    ).fetchone()[0]
    schema = f"{namespace}_g{number}"
    conn.execute(sql.SQL("CREATE SCHEMA {}").format(_ident(schema)))
    return schema


def _switch(conn: _Conn, namespace: str, schema: str) -> None:
    """Point ``current`` at the new generation and the views at its tables."""
    conn.execute(
        sql.SQL(
            "INSERT INTO {table} (one, current) VALUES (true, %s) ON CONFLICT (one) DO UPDATE"
            " SET previous = {table}.current, current = EXCLUDED.current, written_at = now()"
        ).format(table=_ident(namespace, "generation")),
        [schema],
    )
    conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(_SWITCH_LOCK_TIMEOUT)))
    for name in (*LAYERS, "meta"):
        _point_view(conn, namespace, schema, name)


def _point_view(conn: _Conn, namespace: str, schema: str, name: str) -> None:
    """Point the public view of a layer at the new generation's table.

    GIS users build their own views on the public ones, and PostgreSQL refuses to drop a view
    others depend on. It does replace one in place while the columns it shows keep their
    names, order and types, new ones following: so the view keeps its own column order and
    shows a layer's new columns at the end. A column that disappears or changes type needs
    the view recreated; with users' views on it the write fails clearly and changes nothing.
    """
    view, table = _ident(namespace, name), _ident(schema, name)
    shown = _view_columns(conn, namespace, name)
    columns = _table_columns(conn, schema, name)
    if set(shown) <= set(columns):
        order = [*shown, *(c for c in columns if c not in shown)]
        select = sql.SQL(", ").join(_ident(column) for column, _ in order)
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


def _view_columns(conn: _Conn, namespace: str, name: str) -> list[tuple[str, str]]:
    """The columns a public view shows now (none before the first write)."""
    if conn.execute("SELECT to_regclass(%s)", [_quoted(f"{namespace}.{name}")]).fetchone()[0]:
        return _table_columns(conn, namespace, name)
    return []


def _drop_old_generations(conn: _Conn, namespace: str) -> None:
    """Drop generations older than the backup; one still being read is left for the next write."""
    keep = conn.execute(
        sql.SQL("SELECT current, previous FROM {}").format(_ident(namespace, "generation"))
    ).fetchone()
    for schema in _generation_schemas(conn, namespace):
        if schema in keep:
            continue
        try:
            with conn.transaction():
                timeout = sql.Literal(_CLEANUP_LOCK_TIMEOUT)
                conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(timeout))
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(_ident(schema)))
        except psycopg.Error:
            continue  # still being read, or already gone: the next write tries again


def _generation_schemas(conn: _Conn, namespace: str) -> list[str]:
    rows = conn.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname ~ %s", [f"^{namespace}_g[0-9]+$"]
    ).fetchall()
    return [schema for (schema,) in rows]


def _lock_generation(conn: _Conn, schema: str) -> None:
    """Hold the generation's tables for this transaction so a concurrent clean-up waits."""
    tables = sql.SQL(", ").join(_ident(schema, name) for name in (*LAYERS, "meta"))
    conn.execute(sql.SQL("LOCK TABLE {} IN ACCESS SHARE MODE").format(tables))


# --- layers ---------------------------------------------------------------------------------


def _load_layer(conn: _Conn, schema: str, name: str, frame: gpd.GeoDataFrame) -> None:
    """Create one layer table, COPY its rows (geometry as EWKB), then index it."""
    if frame.crs is not None and frame.crs.to_epsg() != _SRID:
        raise StoreError(f"the {name} layer is in {frame.crs}, not EPSG:{_SRID}")
    attributes = [c for c in frame.columns if c != frame.geometry.name]
    if _ROW_ORDER in attributes or _GEOMETRY in attributes:
        raise StoreError(
            f"the {name} layer uses a reserved column name ({_ROW_ORDER} or {_GEOMETRY})"
        )
    types = {c: _column_type(frame[c], c in LIST_COLUMNS.get(name, ())) for c in attributes}
    table = _ident(schema, name)
    columns = [sql.SQL("{} bigint PRIMARY KEY").format(_ident(_ROW_ORDER))]
    columns += [sql.SQL("{} {}").format(_ident(c), sql.SQL(types[c])) for c in attributes]
    columns.append(
        sql.SQL("{} geometry(Geometry, {})").format(_ident(_GEOMETRY), sql.Literal(_SRID))
    )
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(table, sql.SQL(", ").join(columns)))
    names = sql.SQL(", ").join(_ident(c) for c in [_ROW_ORDER, *attributes, _GEOMETRY])
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
    geometry = shapely.set_srid(np.asarray(frame.geometry.values, dtype=object), _SRID)
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


def _index_layer(conn: _Conn, schema: str, name: str, attributes: Sequence[str]) -> None:
    table = _ident(schema, name)
    conn.execute(sql.SQL("CREATE INDEX ON {} USING gist ({})").format(table, _ident(_GEOMETRY)))
    for column in _INDEXED.get(name, ()):
        if column in attributes:
            conn.execute(sql.SQL("CREATE INDEX ON {} ({})").format(table, _ident(column)))
    conn.execute(sql.SQL("ANALYZE {}").format(table))


def _read_layer(conn: _Conn, schema: str, name: str) -> gpd.GeoDataFrame:
    columns = _table_columns(conn, schema, name)
    attributes = [c for c, _ in columns if c not in (_ROW_ORDER, _GEOMETRY)]
    select = [_ident(c) for c in attributes]
    select.append(sql.SQL("ST_AsBinary({})").format(_ident(_GEOMETRY)))
    query = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
        sql.SQL(", ").join(select), _ident(schema, name), _ident(_ROW_ORDER)
    )
    rows = conn.cursor(binary=True).execute(query).fetchall()
    data = list(zip(*rows, strict=True)) if rows else [() for _ in range(len(attributes) + 1)]
    types = dict(columns)
    frame = pd.DataFrame(
        {c: _column(list(v), types[c]) for c, v in zip(attributes, data, strict=False)}
    )
    wkb = np.asarray(data[-1], dtype=object)
    geometry = gpd.GeoSeries(shapely.from_wkb(wkb), crs=_SRID, index=frame.index)
    return gpd.GeoDataFrame(frame, geometry=geometry.rename(_GEOMETRY), crs=_SRID)


def _column(values: list[Any], pg_type: str) -> pd.Series:
    """Values as the GeoPackage store would return them: lists never null, usual dtypes."""
    if pg_type == "text[]":
        return pd.Series([list(v) if v is not None else [] for v in values], dtype=object)
    if not values:
        empty = {"bigint": "int64", "double precision": "float64", "boolean": "bool"}
        return pd.Series([], dtype=empty.get(pg_type, object))
    return pd.Series(values)


def _table_columns(conn: _Conn, schema: str, name: str) -> list[tuple[str, str]]:
    return conn.execute(
        "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute"
        " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [_quoted(f"{schema}.{name}")],
    ).fetchall()


def _load_meta(conn: _Conn, schema: str, meta: dict[str, Any]) -> None:
    table = _ident(schema, "meta")
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


def _read_meta(conn: _Conn, schema: str) -> dict[str, Any]:
    rows = conn.execute(
        sql.SQL("SELECT key, value FROM {} ORDER BY position").format(_ident(schema, "meta"))
    )
    return dict(rows.fetchall())
