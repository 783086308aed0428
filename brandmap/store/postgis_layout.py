"""Where a PostGIS store keeps what, in the database: the names the writer and reader share.

Layout (``brandmap`` is the default namespace):

- every write loads a new *generation*: a schema ``brandmap_g<N>`` holding the tables
  ``communes``, ``regions``, ``products`` (geometry in column ``geometry``, SRID 4326, GIST
  indexed; ``fid`` keeps the row order) and ``meta`` (key, JSON value);
- the table ``brandmap.generation`` names the ``current`` and the ``previous`` generation, and
  the views ``brandmap.communes``, ``brandmap.regions``, ``brandmap.products`` always show the
  current one, so GIS users have stable names to open.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

__all__ = [
    "GEOMETRY",
    "ROW_ORDER",
    "SRID",
    "Conn",
    "generation_schemas",
    "ident",
    "pointer",
    "quoted",
    "version",
]

SRID = 4326
GEOMETRY = "geometry"
ROW_ORDER = "fid"

Conn = psycopg.Connection[Any]


def ident(*names: str) -> sql.Identifier:
    """A schema-qualified name, quoted by psycopg so any namespace is safe in SQL."""
    return sql.Identifier(*names)


def quoted(dotted: str) -> str:
    """``schema.table`` quoted for ``to_regclass`` and ``::regclass``, which take text."""
    return ".".join(f'"{part}"' for part in dotted.split("."))


def pointer(conn: Conn, namespace: str, which: str) -> str | None:
    """The schema of the ``current`` or ``previous`` generation, ``None`` if there is none."""
    table = f"{namespace}.generation"
    if conn.execute("SELECT to_regclass(%s)", [quoted(table)]).fetchone()[0] is None:
        return None
    row = conn.execute(
        sql.SQL("SELECT {} FROM {}").format(ident(which), ident(namespace, "generation"))
    ).fetchone()
    return row[0] if row else None


def version(conn: Conn, namespace: str) -> str | None:
    """The current generation and when it was written: unique even if the store is recreated."""
    if pointer(conn, namespace, "current") is None:
        return None
    query = sql.SQL("SELECT current, written_at FROM {}").format(ident(namespace, "generation"))
    current, written_at = conn.execute(query).fetchone()
    return f"{current}@{written_at.isoformat()}"


def generation_schemas(conn: Conn, namespace: str) -> list[str]:
    """Every generation schema of the store, current and backup included."""
    rows = conn.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname ~ %s", [f"^{namespace}_g[0-9]+$"]
    ).fetchall()
    return [schema for (schema,) in rows]


def table_columns(conn: Conn, schema: str, name: str) -> list[tuple[str, str]]:
    """A table's or view's columns with their types, in order."""
    return conn.execute(
        "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute"
        " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [quoted(f"{schema}.{name}")],
    ).fetchall()
