"""Editorial records in one SQLite file: the default, with nothing to install or run.

The file (``var/editorial.sqlite``) is opened in WAL mode, so readers never block the one
writer, and every transaction starts with ``BEGIN IMMEDIATE``: writers from several
gunicorn workers queue (up to ``busy_timeout``) instead of failing half-way. A connection
lives for one transaction only, so a worker forked after the records were opened never
shares one. ``synchronous=FULL`` makes a committed change survive a kill -9 and a power cut.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from brandmap.editorial.records import DuplicateRecord, Row, migrate
from brandmap.errors import StoreError

__all__ = ["EmbeddedRecords"]

_ID_COLUMN = "INTEGER PRIMARY KEY AUTOINCREMENT"


class _SQLiteTransaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[Row]:
        cursor = self._conn.execute(statement, tuple(params))
        return [dict(row) for row in cursor.fetchall()]


class EmbeddedRecords:
    """Editorial records in the SQLite file at ``path`` (created, and migrated, on open)."""

    def __init__(self, path: str | Path, busy_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self._busy_timeout = busy_timeout
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._connect()
            conn.execute("PRAGMA journal_mode=WAL")  # kept in the file from now on
            conn.close()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the editorial records {self.location}: {exc}") from None
        with self.transaction() as tx:
            migrate(tx, _ID_COLUMN, self.location)

    def __repr__(self) -> str:
        return f"EmbeddedRecords({self.location!r})"

    @contextmanager
    def transaction(self) -> Iterator[_SQLiteTransaction]:
        try:
            conn = self._connect()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the editorial records {self.location}: {exc}") from None
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SQLiteTransaction(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" not in str(exc):
                raise
            raise DuplicateRecord(str(exc)) from None
        except sqlite3.Error as exc:
            raise StoreError(f"the editorial records {self.location} failed: {exc}") from None
        finally:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA synchronous=FULL")
        return conn
