"""Export files for the provincial GIS: GeoJSON, GeoPackage, Shapefile (zipped), CSV, KML.

One entry point, :func:`export_layer`, turns a layer (a GeoDataFrame in EPSG:4326) into the
bytes of a download with a safe, descriptive file name. VN-2000 output goes through the
pinned EPSG:6960 transformation of :mod:`brandmap.geo.crs`; GeoJSON (RFC 7946) and KML are
WGS 84 by definition and refuse any other CRS.

Each format carries attribution and vintage wherever it has room. The writers live by how
the file is made: GeoPackage and zipped Shapefile by GDAL (:mod:`brandmap.present.export_gdal`),
GeoJSON, CSV and KML as text (:mod:`brandmap.present.export_text`), all from the same flat
columns (:mod:`brandmap.present.export_columns`). Lists (``brand_types``, ``commune_codes``)
are joined with ``;`` in every format but GeoJSON, as in the product exchange format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

import geopandas as gpd

from brandmap.errors import QueryError
from brandmap.geo.crs import SupportedCrs, parse_crs, to_crs
from brandmap.present.export_columns import ExportContext
from brandmap.present.export_gdal import write_gpkg, write_shp
from brandmap.present.export_text import write_csv, write_geojson, write_kml

__all__ = [
    "EXPORT_FORMATS",
    "EXPORT_LAYERS",
    "MEDIA_TYPES",
    "ExportResult",
    "export_filename",
    "export_layer",
]

EXPORT_FORMATS: tuple[str, ...] = ("geojson", "gpkg", "shp", "csv", "kml")
EXPORT_LAYERS: tuple[str, ...] = ("products", "communes", "regions")

MEDIA_TYPES: dict[str, str] = {
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "shp": "application/zip",
    "csv": "text/csv; charset=utf-8",
    "kml": "application/vnd.google-earth.kml+xml",
}
_EXTENSIONS = {"geojson": "geojson", "gpkg": "gpkg", "shp": "shp.zip", "csv": "csv", "kml": "kml"}
_WGS84_ONLY = ("geojson", "kml")
_DEFAULT_ATTRIBUTION = (
    "brandmap — digital brand map of Vĩnh Long province; sources: source_url of each product, "
    "boundary sources and licences in the data's SOURCES.md"
)


@dataclass(frozen=True)
class ExportResult:
    """A finished download: what to call it, how to label it, its bytes."""

    filename: str
    media_type: str
    content: bytes


def export_layer(
    gdf: gpd.GeoDataFrame,
    fmt: str,
    crs: str | SupportedCrs = "EPSG:4326",
    layer_name: str = "products",
    meta: Mapping[str, str] | None = None,
    *,
    today: date | None = None,
) -> ExportResult:
    """The layer ``gdf`` (EPSG:4326) as a file in format ``fmt`` and CRS ``crs``.

    ``meta`` may give ``attribution`` and ``vintage`` (when the data was current); they go
    into the file wherever the format has room. Unknown formats, layers or CRSs, and a
    VN-2000 CRS asked of GeoJSON or KML, raise :class:`~brandmap.errors.QueryError`.
    """
    fmt = _choice(fmt, EXPORT_FORMATS, "format")
    layer = _choice(layer_name, EXPORT_LAYERS, "layer")
    target = parse_crs(crs)
    if fmt in _WGS84_ONLY and not target.is_wgs84:
        raise QueryError(
            f"{fmt} files are always WGS 84 longitude/latitude; ask for EPSG:4326 "
            f"(or choose gpkg, shp or csv for {target.code})",
            param="crs",
        )
    day = today or datetime.now(UTC).date()
    meta = meta or {}
    filename = export_filename(layer, target, fmt, day)
    context = ExportContext(
        layer=layer,
        crs=target,
        stem=filename.split(".", 1)[0],
        attribution=str(meta.get("attribution") or _DEFAULT_ATTRIBUTION),
        vintage=str(meta.get("vintage") or f"not stated (exported {day.isoformat()})"),
    )
    content = _WRITERS[fmt](to_crs(gdf, target), context)
    return ExportResult(filename=filename, media_type=MEDIA_TYPES[fmt], content=content)


def export_filename(layer: str, crs: str | SupportedCrs, fmt: str, day: date) -> str:
    """``brandmap_<layer>_<crs>_<YYYYMMDD>.<ext>``, made of ``[a-z0-9_.-]`` only.

    >>> export_filename("Sản phẩm", "EPSG:9209", "shp", date(2026, 1, 31))
    'brandmap_san_pham_epsg9209_20260131.shp.zip'
    """
    folded = unicodedata.normalize("NFKD", layer.replace("đ", "d").replace("Đ", "D"))
    slug = re.sub(r"[^a-z0-9]+", "_", folded.encode("ascii", "ignore").decode().lower())
    slug = slug.strip("_") or "layer"
    return f"brandmap_{slug}_{parse_crs(crs).slug}_{day:%Y%m%d}.{_EXTENSIONS[fmt]}"


def _choice(value: str, allowed: tuple[str, ...], param: str) -> str:
    key = str(value).strip().lower()
    if key not in allowed:
        raise QueryError(f"unknown {param} {value!r}; choose one of {', '.join(allowed)}", param)
    return key


_WRITERS: dict[str, Callable[[gpd.GeoDataFrame, ExportContext], bytes]] = {
    "geojson": write_geojson,
    "gpkg": write_gpkg,
    "shp": write_shp,
    "csv": write_csv,
    "kml": write_kml,
}
