"""Editorial records: who may change the catalog, and what each of them did.

Owns the persistent records kept apart from the rebuildable store, which no ``build``,
``import``, ``fetch`` or restart touches: staff accounts and their roles
(:mod:`~brandmap.editorial.accounts`, :mod:`~brandmap.editorial.roles`,
:mod:`~brandmap.editorial.passwords`), login throttling
(:mod:`~brandmap.editorial.throttle`), API tokens (:mod:`~brandmap.editorial.tokens`) and
the audit trail (:mod:`~brandmap.editorial.trail`). One interface
(:mod:`~brandmap.editorial.records`), two backends: an embedded SQLite file under the var
dir (:mod:`~brandmap.editorial.embedded`), or a schema of its own beside a PostGIS store
(:mod:`~brandmap.editorial.postgres`).

May import the foundations, :mod:`brandmap.geo`, :mod:`brandmap.catalog`,
:mod:`brandmap.store` and :mod:`brandmap.build`; the service and cli layers use it.
"""

from __future__ import annotations

from brandmap import settings
from brandmap.editorial.records import Records

__all__ = ["EMBEDDED_FILE", "Records", "open_records"]

EMBEDDED_FILE = "editorial.sqlite"


def open_records(store_location: str | None = None) -> Records:
    """The editorial records that go with a store: a PostgreSQL schema beside a
    ``postgresql://`` store, else ``editorial.sqlite`` in the var dir. Opening applies any
    missing migrations."""
    location = store_location or settings.default_store()
    if location.startswith(("postgresql://", "postgres://")):
        from brandmap.editorial.postgres import PostgresRecords

        return PostgresRecords(location)
    from brandmap.editorial.embedded import EmbeddedRecords

    return EmbeddedRecords(settings.var_dir() / EMBEDDED_FILE)
