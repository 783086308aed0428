"""The embedded store: one GeoPackage file, replaced as a whole on every write.

Writes are atomic: a reader sees the previous snapshot or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import geopandas as gpd
import pyogrio

from brandmap.errors import StoreError
from brandmap.redaction import logger
from brandmap.store.snapshot import LAYERS, LIST_COLUMNS, Snapshot

__all__ = ["GeoPackageStore"]

log = logger("brandmap.store")

_META_TABLE = "brandmap_meta"


class GeoPackageStore:
    """A single GeoPackage file, replaced as a whole on every write.

    The new file is written next to the old one and swapped in with ``os.replace``; the
    previous file is kept as ``<name>.previous.gpkg`` so an unwanted import can be undone.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.location = str(self.path)

    @property
    def backup_path(self) -> Path:
        return self.path.with_name(f"{self.path.stem}.previous{self.path.suffix}")

    def exists(self) -> bool:
        return self.path.is_file()

    def version(self) -> str | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"

    def read(self) -> Snapshot:
        if not self.exists():
            raise StoreError(f"no store at {self.path.name}: run `brandmap build` first")
        try:
            layers = {name: _read_layer(self.path, name) for name in LAYERS}
            meta = _read_meta(self.path)
        except (
            pyogrio.errors.DataSourceError,
            pyogrio.errors.DataLayerError,
            sqlite3.Error,
        ) as exc:
            log.error("cannot read the store %s: %s", self.path, exc)
            raise StoreError(
                f"the store {self.path.name} is unreadable or incomplete ({type(exc).__name__})"
            ) from exc
        return Snapshot(**layers, meta=meta)

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(f".{self.path.stem}.lock")

    def write(self, snapshot: Snapshot) -> None:
        """Write a new snapshot beside the old one, then swap it in.

        Writers take an exclusive lock, so one build or import runs at a time and any
        temporary file found while holding it is a leftover of a killed write.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._remove_leftovers()
            self._write_locked(snapshot)

    def _write_locked(self, snapshot: Snapshot) -> None:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{self.path.stem}.", suffix=f".tmp{self.path.suffix}", dir=self.path.parent
        )
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            tmp.unlink()
            for name in LAYERS:
                _write_layer(tmp, name, snapshot.layer(name))
            _write_meta(tmp, snapshot.meta)
            _fsync(tmp)
            if self.exists():
                shutil.copy2(self.path, self.backup_path)
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _remove_leftovers(self) -> None:
        """Temporary files of writes that were killed (the caller holds the lock)."""
        for leftover in self.path.parent.glob(f".{self.path.stem}.*.tmp{self.path.suffix}*"):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _write_layer(path: Path, name: str, frame: gpd.GeoDataFrame) -> None:
    frame = _flatten_lists(frame)
    pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", promote_to_multi=False)


def _read_layer(path: Path, name: str) -> gpd.GeoDataFrame:
    frame = pyogrio.read_dataframe(path, layer=name)
    for column in LIST_COLUMNS.get(name, ()):
        frame[column] = frame[column].fillna("").map(lambda text: [v for v in text.split(";") if v])
    return frame


def _flatten_lists(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if column != frame.geometry.name and frame[column].map(lambda v: isinstance(v, list)).any():
            frame[column] = frame[column].map(lambda v: ";".join(v) if isinstance(v, list) else v)
    return frame


def _write_meta(path: Path, meta: dict[str, str]) -> None:
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE {_META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.executemany(
            f"INSERT INTO {_META_TABLE} VALUES (?, ?)",
            [(k, json.dumps(v, ensure_ascii=False)) for k, v in meta.items()],
        )
    db.close()


def _read_meta(path: Path) -> dict[str, str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {k: json.loads(v) for k, v in db.execute(f"SELECT key, value FROM {_META_TABLE}")}
    finally:
        db.close()


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
