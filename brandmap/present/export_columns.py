"""What every export writer starts from: the download's context and its columns made flat.

Most formats have no lists and no nullable integers: lists (``brand_types``,
``commune_codes``) are joined with ``;`` as in the product exchange format, and float
columns holding only whole numbers (stars, years with gaps) become integers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from brandmap.geo.crs import SupportedCrs

__all__ = [
    "LON_LAT_DECIMALS",
    "ExportContext",
    "all_points",
    "flat_columns",
    "geometry_type",
    "properties",
    "whole_numbers",
]

LON_LAT_DECIMALS = 7  # about 1 cm


@dataclass(frozen=True)
class ExportContext:
    """What a writer needs besides the features: layer, CRS, file stem and provenance."""

    layer: str
    crs: SupportedCrs
    stem: str
    attribution: str
    vintage: str


def _is_list(value: Any) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def whole_numbers(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Float columns holding only whole numbers (stars, years with gaps) become integers."""
    out = frame.copy()
    for column in properties(out):
        series = out[column]
        if pd.api.types.is_float_dtype(series):
            values = series.dropna()
            if len(values) and bool(np.all(np.mod(values, 1) == 0)):
                out[column] = series.astype("Int64")
    return out


def flat_columns(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Whole numbers as integers and lists joined with ';', for formats without lists."""
    out = whole_numbers(frame)
    for column in properties(out):
        series = out[column]
        if series.dtype == object and series.map(_is_list).any():
            out[column] = series.map(lambda v: ";".join(map(str, v)) if _is_list(v) else v)
    return out


def properties(frame: gpd.GeoDataFrame) -> list[str]:
    """The attribute columns, without the geometry."""
    return [c for c in frame.columns if c != frame.geometry.name]


def all_points(frame: gpd.GeoDataFrame) -> bool:
    """Whether every non-empty geometry is a Point (else polygons are written as Multi*)."""
    present = frame.geometry.dropna()
    present = present[~present.is_empty]
    return bool((present.geom_type == "Point").all())


def geometry_type(frame: gpd.GeoDataFrame, layer: str) -> str | None:
    """Declared type for GDAL when the frame has no geometry to infer it from."""
    if frame.geometry.notna().any():
        return None
    return "Point" if layer == "products" else "MultiPolygon"
