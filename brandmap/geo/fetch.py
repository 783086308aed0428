"""Fetching the official 2025 commune polygons from their pinned public source.

Every file is listed in a manifest with its size and sha256 (``data/geo/boundaries_manifest.tsv``),
so a download is the pinned repository commit or nothing: any missing, changed or unreadable
file fails the whole fetch, and nothing outside a temporary folder is touched.
"""

from __future__ import annotations

import hashlib
import http.client
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from brandmap import resources, settings
from brandmap.errors import FetchError
from brandmap.geo.boundaries import commune_codes, communes_layer, normalise_code

__all__ = ["ManifestEntry", "fetch_boundaries", "read_manifest"]

_FETCH_TIMEOUT_S = 60.0
_FETCH_WORKERS = 8


@dataclass(frozen=True)
class ManifestEntry:
    """One pinned boundary file: its commune, size, checksum and repository path."""

    code: str
    bytes: int
    sha256: str
    path: str


def manifest_path() -> Path:
    return resources.data_dir() / "geo" / "boundaries_manifest.tsv"


def read_manifest(path: Path | None = None) -> tuple[ManifestEntry, ...]:
    """The pinned files, as listed in the manifest (``#`` lines are comments)."""
    lines = (path or manifest_path()).read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    header, body = rows[0], rows[1:]
    if header != ["code", "bytes", "sha256", "path"]:
        raise FetchError(f"boundary manifest has an unexpected header: {header}")
    return tuple(ManifestEntry(code, int(size), digest, rel) for code, size, digest, rel in body)


def _download(base_url: str, entry: ManifestEntry, folder: Path, timeout: float) -> Path:
    """Download one file, verify size and sha256, write it into ``folder``."""
    url = urllib.parse.urljoin(base_url, entry.path)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            payload = response.read(entry.bytes + 1)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise FetchError(f"could not download {entry.path}: {reason}") from exc
    digest = hashlib.sha256(payload).hexdigest()
    if len(payload) != entry.bytes or digest != entry.sha256:
        raise FetchError(
            f"checksum mismatch for {entry.path}: expected sha256 {entry.sha256} "
            f"({entry.bytes} bytes), got {digest} ({len(payload)} bytes)"
        )
    target = folder / Path(entry.path).name
    target.write_bytes(payload)
    return target


def _read_fetched(entry: ManifestEntry, path: Path) -> BaseGeometry:
    """The one commune polygon of a verified file."""
    frame = pyogrio.read_dataframe(path)
    codes = {normalise_code(v) for v in frame.get("code", [])}
    if len(frame) != 1 or codes != {entry.code}:
        raise FetchError(f"{entry.path} does not hold exactly commune {entry.code}")
    return shapely.make_valid(frame.geometry.iloc[0])


def fetch_boundaries(
    base_url: str | None = None, *, timeout: float = _FETCH_TIMEOUT_S
) -> gpd.GeoDataFrame:
    """Download the pinned official 2025 commune polygons and return the communes layer.

    ``base_url`` replaces the pinned repository commit URL (``file://`` works too). Every
    file is checked against the manifest; any failure raises :class:`FetchError` naming the
    file, and nothing outside a temporary folder is touched.
    """
    base = base_url or settings.get("boundaries_url")
    base = base if base.endswith("/") else base + "/"
    entries = read_manifest()
    with tempfile.TemporaryDirectory(prefix="brandmap-fetch-") as tmp:
        folder = Path(tmp)
        with ThreadPoolExecutor(max_workers=_FETCH_WORKERS) as pool:
            paths = list(pool.map(lambda e: _download(base, e, folder, timeout), entries))
        geometries = {e.code: _read_fetched(e, p) for e, p in zip(entries, paths, strict=True)}
    missing = sorted(commune_codes() - set(geometries))
    if missing:
        raise FetchError(f"the manifest lacks communes {', '.join(missing)}")
    return communes_layer(geometries, quality="official")
