"""Reading a boundary file the provincial GIS hands over, and saying what is wrong with it.

Any OGR-readable file (GeoJSON, GeoPackage, zipped or plain Shapefile) in any CRS, VN-2000
through the pinned official transformation included, becomes the communes layer
(:func:`brandmap.geo.boundaries.communes_layer`). What cannot be the 2025 layer (unreadable,
no CRS, no code field, communes missing) fails with one clear :class:`BoundaryError`;
what can be fixed (unknown or duplicate codes, invalid or non-polygon shapes, overlaps) is
fixed and listed in a :class:`BoundaryReport`, never silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
from shapely.geometry.base import BaseGeometry

from brandmap.errors import BoundaryError, ValidationError
from brandmap.geo import crs as crs_pinning
from brandmap.geo.boundaries import (
    AREA_CRS,
    as_multipolygon,
    commune_codes,
    communes_layer,
    normalise_code,
)

__all__ = ["OVERLAP_TOLERANCE_KM2", "BoundaryReport", "read_boundary_file"]

#: Overlaps between two communes smaller than this are digitising noise, not a problem.
OVERLAP_TOLERANCE_KM2 = 0.01
#: Generous box around the province: coordinates outside mean a wrong or missing CRS.
_PROVINCE_BOX = (105.0, 9.0, 107.5, 11.0)
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


def _detect_code_field(frame: pd.DataFrame, known: set[str]) -> str:
    """The attribute whose values are most often 2025 commune codes of the province.

    On a tie a field named like a code ("code", "ma_xa", "MaXa") wins over e.g. an "id".
    """
    fields = [c for c in frame.columns if c != frame.geometry.name]

    def score(column: str) -> tuple[int, bool]:
        hits = sum(normalise_code(v) in known for v in frame[column])
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
        poly = as_multipolygon(geom)
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
    known = commune_codes()
    frame, code_field, crs = _load_frame(path, layer, code_field, known)
    values = frame[code_field]
    codes = values.map(normalise_code)
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
