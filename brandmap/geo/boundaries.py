"""Real 2025 commune boundaries: fetch them from their pinned public source, or import a file.

The offline build ships approximate polygons (:mod:`brandmap.geo.approx`). Users who can reach
the pinned public repository replace them with the official shapes by
:func:`fetch_boundaries`; a provincial GIS can hand over its own file, read by
:func:`read_boundary_file`. Both return the communes layer in one schema (see
:func:`communes_layer`) so the rest of the pipeline never knows where polygons came from.
Names, kinds and former provinces always come from the commune register
(:mod:`brandmap.geo.register`), never from the boundary files.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError, ProjError
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from brandmap import settings
from brandmap.errors import BoundaryError, FetchError, ValidationError
from brandmap.geo import crs as crs_pinning
from brandmap.geo import register

__all__ = [
    "AREA_CRS",
    "LAYER_COLUMNS",
    "OVERLAP_TOLERANCE_KM2",
    "BoundaryReport",
    "ManifestEntry",
    "communes_layer",
    "fetch_boundaries",
    "load_real_boundaries",
    "read_boundary_file",
    "read_manifest",
    "save_real_boundaries",
]

#: Columns of the communes layer, in order.
LAYER_COLUMNS = ("code", "name", "kind", "area_km2", "geometry_quality", "former_province")
#: Areas are measured in UTM zone 48N, the projected CRS covering the whole province.
AREA_CRS = "EPSG:32648"
#: Overlaps between two communes smaller than this are digitising noise, not a problem.
OVERLAP_TOLERANCE_KM2 = 0.01
#: Layer name used inside the saved GeoPackage.
GPKG_LAYER = "communes"
#: Generous box around the province: coordinates outside mean a wrong or missing CRS.
_PROVINCE_BOX = (105.0, 9.0, 107.5, 11.0)
_FETCH_TIMEOUT_S = 60.0
#: What GDAL raises for corrupt, truncated or unsupported files.
_READ_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
    OSError,
    ValueError,
)
_FETCH_WORKERS = 8


# --------------------------------------------------------------------------- layer schema


def _register() -> dict[str, object]:
    """The 2025 communes by code, from the one commune register."""
    return {c.code: c for c in register.communes()}


def _as_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """Keep only the polygonal parts, always as a MultiPolygon."""
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    parts = [
        p
        for g in getattr(geom, "geoms", [])
        for p in (g.geoms if isinstance(g, MultiPolygon) else [g])
        if isinstance(p, Polygon) and not p.is_empty
    ]
    return MultiPolygon(parts)


def communes_layer(geometries: Mapping[str, BaseGeometry], quality: str) -> gpd.GeoDataFrame:
    """Build the communes layer from polygons keyed by 2025 commune code.

    Rows follow the register order; ``area_km2`` is measured in UTM 48N.
    """
    register = _register()
    codes = [code for code in register if code in geometries]
    geoms = gpd.GeoSeries([_as_multipolygon(geometries[c]) for c in codes], crs="EPSG:4326")
    area = geoms.to_crs(AREA_CRS).area / 1e6
    return gpd.GeoDataFrame(
        {
            "code": codes,
            "name": [register[c].name for c in codes],
            "kind": [register[c].kind for c in codes],
            "area_km2": np.round(area.to_numpy(), 3),
            "geometry_quality": quality,
            "former_province": [", ".join(register[c].former_provinces) for c in codes],
        },
        geometry=geoms,
        crs="EPSG:4326",
    )


# --------------------------------------------------------------------------- fetch


@dataclass(frozen=True)
class ManifestEntry:
    """One pinned boundary file: its commune, size, checksum and repository path."""

    code: str
    bytes: int
    sha256: str
    path: str


def manifest_path() -> Path:
    return settings.data_dir() / "geo" / "boundaries_manifest.tsv"


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
    codes = {_normalise_code(v) for v in frame.get("code", [])}
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
    missing = sorted(set(_register()) - set(geometries))
    if missing:
        raise FetchError(f"the manifest lacks communes {', '.join(missing)}")
    return communes_layer(geometries, quality="official")


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class BoundaryReport:
    """What :func:`read_boundary_file` found and fixed; every item is a warning, not fatal."""

    source: str
    feature_count: int
    code_field: str
    source_crs: str
    missing_codes: tuple[str, ...] = ()
    unknown_codes: tuple[str, ...] = ()
    duplicate_codes: tuple[str, ...] = ()
    repaired_codes: tuple[str, ...] = ()
    non_polygon_codes: tuple[str, ...] = ()
    overlaps: tuple[tuple[str, str, float], ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the file needed no repair and has nothing to warn about."""
        return not self.problems()

    def lines(self) -> list[str]:
        """What the command line prints: one summary line, then one line per problem."""
        summary = (
            f"{self.source}: {self.feature_count} features, code field {self.code_field!r}, "
            f"read as {self.source_crs}"
        )
        return [summary, *(f"warning: {p}" for p in self.problems())]

    def problems(self) -> list[str]:
        """One English sentence per kind of problem, for the command line."""
        out = []
        if self.missing_codes:
            out.append(f"missing communes: {', '.join(self.missing_codes)}")
        if self.unknown_codes:
            out.append(f"ignored features with unknown codes: {', '.join(self.unknown_codes)}")
        if self.duplicate_codes:
            out.append(f"merged duplicate codes: {', '.join(self.duplicate_codes)}")
        if self.repaired_codes:
            out.append(f"repaired invalid geometry: {', '.join(self.repaired_codes)}")
        if self.non_polygon_codes:
            out.append(f"ignored non-polygon geometry: {', '.join(self.non_polygon_codes)}")
        for a, b, km2 in self.overlaps:
            out.append(f"communes {a} and {b} overlap by {km2:.3f} km²")
        return out


def _normalise_code(value: object) -> str | None:
    """A 5-digit commune code from an int, float or zero-padded string, else None.

    >>> _normalise_code(28756), _normalise_code("028756"), _normalise_code(29659.0)
    ('28756', '28756', '29659')
    >>> _normalise_code("Vĩnh Long") is None
    True
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float | np.floating):
        if not np.isfinite(value) or value != int(value):
            return None
        value = int(value)
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        return None
    number = int(text)
    return f"{number:05d}" if 0 < number < 100000 else None


def _detect_code_field(frame: pd.DataFrame, known: set[str]) -> str:
    """The attribute whose values are most often 2025 commune codes of the province.

    On a tie a field named like a code ("code", "ma_xa", "MaXa") wins over e.g. an "id".
    """
    fields = [c for c in frame.columns if c != frame.geometry.name]

    def score(column: str) -> tuple[int, bool]:
        hits = sum(_normalise_code(v) in known for v in frame[column])
        name = column.lower()
        return hits, "code" in name or name.startswith("ma")

    best = max(fields, key=score, default=None)
    if best is None or score(best)[0] * 2 < len(frame):
        raise BoundaryError(
            "no field holds 2025 commune codes (5-digit codes of Tỉnh Vĩnh Long); "
            f"fields found: {', '.join(fields) or 'none'}. Name the field with --code-field."
        )
    return best


def _open(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    """Read one layer of any OGR-readable file, turning GDAL failures into BoundaryError."""
    source = str(path)  # pyogrio opens zipped Shapefiles directly
    try:
        if layer is None:
            layers = [row for row in pyogrio.list_layers(source) if row[1] is not None]
            polygonal = [name for name, kind in layers if "polygon" in str(kind).lower()]
            if len(polygonal) > 1:
                raise BoundaryError(
                    f"{path.name} has several polygon layers ({', '.join(polygonal)}); "
                    "choose one with --layer"
                )
            layer = polygonal[0] if polygonal else None
        return pyogrio.read_dataframe(source, layer=layer)
    except _READ_ERRORS as exc:
        raise BoundaryError(f"cannot read {path.name} as a boundary file: {exc}") from exc


def _source_crs(frame: gpd.GeoDataFrame, name: str) -> CRS:
    if frame.crs is None:
        raise BoundaryError(
            f"{name} has no coordinate reference system (for a Shapefile, add its .prj)"
        )
    try:
        crs = CRS.from_user_input(frame.crs)
        ok = crs.is_geographic or crs.is_projected
    except CRSError:
        ok = False
    if not ok:
        raise BoundaryError(f"{name} uses an unknown coordinate reference system: {frame.crs}")
    return crs


def _to_wgs84(frame: gpd.GeoDataFrame, crs: CRS, name: str) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326; VN-2000 goes through the pinned official transformation."""
    try:
        out = _reproject(frame, crs)
    except (ValidationError, ProjError, ValueError) as exc:
        raise BoundaryError(f"{name}: cannot transform {crs.name} to WGS 84: {exc}") from exc
    minx, miny, maxx, maxy = out.total_bounds
    box = _PROVINCE_BOX
    if not (box[0] <= minx and maxx <= box[2] and box[1] <= miny and maxy <= box[3]):
        raise BoundaryError(
            f"{name}: coordinates do not fall in Tỉnh Vĩnh Long once read as {crs.name}; "
            "the file's coordinate reference system is probably wrong"
        )
    return out


def _reproject(frame: gpd.GeoDataFrame, crs: CRS) -> gpd.GeoDataFrame:
    """EPSG:4326 through the pinned transformations (VN-2000 always via EPSG:6960)."""
    return crs_pinning.from_crs(frame.set_crs(crs, allow_override=True))


def _polygonal(geoms: gpd.GeoSeries, codes: pd.Series) -> tuple[list, set[str], set[str]]:
    """Repair invalid shapes; return the polygonal geometry, repaired and non-polygon codes."""
    repaired, non_polygon, out = set(), set(), []
    for geom, code in zip(geoms, codes, strict=True):
        if geom is None or geom.is_empty:
            non_polygon.add(code)
            out.append(None)
            continue
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
            repaired.add(code)
        poly = _as_multipolygon(geom)
        if poly.is_empty:
            non_polygon.add(code)
            out.append(None)
        else:
            out.append(poly)
    return out, repaired, non_polygon


def _overlaps(geometries: Mapping[str, BaseGeometry]) -> tuple[tuple[str, str, float], ...]:
    """Pairs of communes whose shared area exceeds :data:`OVERLAP_TOLERANCE_KM2`."""
    codes = list(geometries)
    series = gpd.GeoSeries([geometries[c] for c in codes], crs="EPSG:4326").to_crs(AREA_CRS)
    left, right = series.sindex.query(series, predicate="intersects")
    pairs = [(i, j) for i, j in zip(left, right, strict=True) if i < j]
    if not pairs:
        return ()
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    areas = shapely.area(shapely.intersection(series.values[a], series.values[b])) / 1e6
    return tuple(
        (codes[i], codes[j], round(float(km2), 4))
        for i, j, km2 in zip(a, b, areas, strict=True)
        if km2 > OVERLAP_TOLERANCE_KM2
    )


def _load_frame(
    path: Path, layer: str | None, code_field: str | None, known: set[str]
) -> tuple[gpd.GeoDataFrame, str, CRS]:
    """Open the file, find its code field and bring it to EPSG:4326, or fail clearly."""
    if not path.exists():
        raise BoundaryError(f"boundary file {path} does not exist")
    frame = _open(path, layer)
    if frame.empty:
        raise BoundaryError(f"{path.name} has no features")
    crs = _source_crs(frame, path.name)
    if code_field is None:
        code_field = _detect_code_field(frame, known)
    elif code_field not in frame.columns:
        raise BoundaryError(f"{path.name} has no field {code_field!r}")
    return _to_wgs84(frame, crs, path.name), code_field, crs


def _merge_by_code(
    codes: Iterable[str | None], geoms: Iterable[BaseGeometry | None], known: set[str]
) -> tuple[dict[str, BaseGeometry], tuple[str, ...]]:
    """One geometry per known code (rows sharing a code are unioned) and the shared codes."""
    parts: dict[str, list[BaseGeometry]] = {}
    for code, geom in zip(codes, geoms, strict=True):
        if code in known and geom is not None:
            parts.setdefault(code, []).append(geom)
    merged = {c: shapely.union_all(g) if len(g) > 1 else g[0] for c, g in parts.items()}
    return merged, tuple(sorted(c for c, g in parts.items() if len(g) > 1))


def read_boundary_file(
    path: str | Path,
    layer: str | None = None,
    code_field: str | None = None,
    *,
    require_complete: bool = True,
) -> tuple[gpd.GeoDataFrame, BoundaryReport]:
    """Read a provincial boundary file as the communes layer, with a report of its flaws.

    Any OGR-readable file (GeoJSON, GeoPackage, zipped or plain Shapefile) in any CRS
    (VN-2000 included) is accepted. Repairs are reported, not silent; input that cannot be
    the 2025 layer (unreadable, no CRS, no code field, communes missing) raises
    :class:`BoundaryError` with one clear message. ``require_complete=False`` lets a caller
    inspect a partial file: missing communes are then only reported.
    """
    path = Path(path)
    known = set(_register())
    frame, code_field, crs = _load_frame(path, layer, code_field, known)
    values = frame[code_field]
    codes = values.map(_normalise_code)
    geoms, repaired, non_polygon = _polygonal(frame.geometry, codes)
    geometries, duplicates = _merge_by_code(codes, geoms, known)
    missing = sorted(known - set(geometries))
    if missing and require_complete:
        raise BoundaryError(_missing_message(path.name, missing, len(known)))
    unknown = {
        "(empty)" if pd.isna(v) else str(v)
        for v, c in zip(values, codes, strict=True)
        if c not in known
    }
    report = BoundaryReport(
        source=path.name,
        feature_count=len(frame),
        code_field=code_field,
        source_crs=crs.to_string(),
        missing_codes=tuple(missing),
        unknown_codes=tuple(sorted(unknown)),
        duplicate_codes=duplicates,
        repaired_codes=_sorted_known(repaired, known),
        non_polygon_codes=_sorted_known(non_polygon, known),
        overlaps=_overlaps(geometries),
    )
    return communes_layer(geometries, quality="official"), report


def _sorted_known(codes: Iterable[str | None], known: set[str]) -> tuple[str, ...]:
    return tuple(sorted(c for c in codes if c in known))


def _missing_message(name: str, missing: list[str], total: int) -> str:
    shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
    return (
        f"{name} covers {total - len(missing)} of the {total} communes of Tỉnh Vĩnh Long; "
        f"the layer must cover all of them (missing: {shown})"
    )


# --------------------------------------------------------------------------- keep


def save_real_boundaries(gdf: gpd.GeoDataFrame, path: str | Path | None = None) -> Path:
    """Write the real boundaries atomically: a reader sees the old file or the new one."""
    target = Path(path) if path else settings.real_boundaries_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".gpkg", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        gdf.to_file(tmp, driver="GPKG", layer=GPKG_LAYER)
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
    return target


def load_real_boundaries(path: str | Path | None = None) -> gpd.GeoDataFrame | None:
    """The saved real boundaries, or None when none were fetched or imported yet."""
    source = Path(path) if path else settings.real_boundaries_path()
    if not source.is_file():
        return None
    try:
        frame = pyogrio.read_dataframe(source, layer=GPKG_LAYER)
    except Exception as exc:
        raise BoundaryError(
            f"saved real boundaries {source.name} are unreadable ({exc}); fetch them again"
        ) from exc
    frame["code"] = frame["code"].astype(str)
    frame.geometry = frame.geometry.map(_as_multipolygon)
    return frame[[*LAYER_COLUMNS, "geometry"]]
