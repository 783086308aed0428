"""The PostGIS store: the same snapshot as the GeoPackage store, in a PostgreSQL database.

A server store lets the provincial GIS open the layers directly (QGIS, ArcGIS) and lets several
web workers share one copy. It answers the same three calls as
:class:`brandmap.store.GeoPackageStore` and gives back the same Python shapes: GeoDataFrames in
EPSG:4326, list columns as Python lists, ``meta`` as a dict.

This module owns the connection: the URL (never printed with its password), timeouts and
turning server errors into :class:`StoreError`. Where things live in the database is
:mod:`brandmap.store.postgis_layout`; writing is :mod:`brandmap.store.postgis_write`, reading
:mod:`brandmap.store.postgis_read`.

A write builds the new generation and moves the pointer in one transaction, so a reader sees
the old snapshot or the new one, never half of one. The previous generation is kept as a backup
(:meth:`PostGISStore.read_previous`); to roll back by hand, swap ``current`` and ``previous`` in
``brandmap.generation`` and recreate the views. Older generations are dropped after the switch.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import psycopg.conninfo
from psycopg import sql

from brandmap.errors import StoreError
from brandmap.redaction import redact
from brandmap.store.postgis_layout import Conn, generation_schemas, ident, pointer, version
from brandmap.store.postgis_read import read_generation
from brandmap.store.postgis_write import drop_old_generations, load_generation
from brandmap.store.snapshot import Snapshot

__all__ = ["PostGISStore"]

_NAMESPACE = re.compile(r"[a-z_][a-z0-9_]{0,39}")

# What a reader meets when it loses the race against the clean-up of an old generation.
_RETRYABLE = (
    psycopg.errors.UndefinedTable,
    psycopg.errors.InvalidSchemaName,
    psycopg.errors.DeadlockDetected,
)


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
        self.location = redact(url)
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
            return pointer(conn, self.namespace, "current") is not None

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
                self._version = version(conn, self.namespace)
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
                    load_generation(conn, self.namespace, snapshot)
            except psycopg.Error as exc:
                raise StoreError(
                    f"writing the store {self.location} failed: {self._say(exc)}"
                ) from None
            drop_old_generations(conn, self.namespace)
        self._version_checked = -float("inf")

    def drop(self) -> None:
        """Remove this store from the database: every generation and the control schema
        (a throwaway store's clean-up; a province keeps its data)."""
        with self._connect() as conn:
            for schema in [self.namespace, *generation_schemas(conn, self.namespace)]:
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(ident(schema)))
        self._version_checked = -float("inf")

    def _read_generation(self, which: str) -> Snapshot:
        with self._connect() as conn:
            # A generation is dropped only two writes after it stopped being current, so a
            # retry after losing that race finds the new pointer.
            for _attempt in range(3):
                try:
                    with conn.transaction():
                        schema = pointer(conn, self.namespace, which)
                        if schema is None:
                            raise StoreError(self._missing(which))
                        return read_generation(conn, schema)
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
    def _connect(self) -> Iterator[Conn]:
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
