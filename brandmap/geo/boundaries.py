"""The communes layer: one schema for the 2025 commune polygons, wherever they came from.

The offline build ships approximate polygons (:mod:`brandmap.geo.approx`); users replace
them with the official shapes fetched from their pinned public source
(:mod:`brandmap.geo.fetch`) or with a file the provincial GIS hands over
(:mod:`brandmap.geo.boundary_file`). All of them return the layer built by
:func:`communes_layer`, so the rest of the pipeline never knows where polygons came from.
Names, kinds and former provinces always come from the commune register
(:mod:`brandmap.geo.register`), never from the boundary files. Real boundaries, once
fetched or imported, are kept in one GeoPackage (:func:`save_real_boundaries`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from brandmap import settings
from brandmap.errors import BoundaryError
from brandmap.geo import register

__all__ = [
    "AREA_CRS",
    "LAYER_COLUMNS",
    "as_multipolygon",
    "commune_codes",
    "communes_layer",
    "load_real_boundaries",
    "normalise_code",
    "save_real_boundaries",
]

#: Columns of the communes layer, in order.
LAYER_COLUMNS = ("code", "name", "kind", "area_km2", "geometry_quality", "former_province")
#: Areas are measured in UTM zone 48N, the projected CRS covering the whole province.
AREA_CRS = "EPSG:32648"
#: Layer name used inside the saved GeoPackage.
GPKG_LAYER = "communes"


def _register() -> dict[str, register.Commune]:
    """The 2025 communes by code, from the one commune register."""
    return {c.code: c for c in register.communes()}


def commune_codes() -> set[str]:
    """The 2025 commune codes of the province: what a complete layer covers."""
    return set(_register())


def as_multipolygon(geom: BaseGeometry) -> MultiPolygon:
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
    by_code = _register()
    codes = [code for code in by_code if code in geometries]
    geoms = gpd.GeoSeries([as_multipolygon(geometries[c]) for c in codes], crs="EPSG:4326")
    area = geoms.to_crs(AREA_CRS).area / 1e6
    return gpd.GeoDataFrame(
        {
            "code": codes,
            "name": [by_code[c].name for c in codes],
            "kind": [by_code[c].kind for c in codes],
            "area_km2": np.round(area.to_numpy(), 3),
            "geometry_quality": quality,
            "former_province": [", ".join(by_code[c].former_provinces) for c in codes],
        },
        geometry=geoms,
        crs="EPSG:4326",
    )


def normalise_code(value: object) -> str | None:
    """A 5-digit commune code from an int, float or zero-padded string, else None.

    >>> normalise_code(28756), normalise_code("028756"), normalise_code(29659.0)
    ('28756', '28756', '29659')
    >>> normalise_code("Vĩnh Long") is None
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
    frame.geometry = frame.geometry.map(as_multipolygon)
    return frame[[*LAYER_COLUMNS, "geometry"]]
