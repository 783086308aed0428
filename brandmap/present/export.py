"""Export files for the provincial GIS: GeoJSON, GeoPackage, Shapefile (zipped), CSV, KML.

One entry point, :func:`export_layer`, turns a layer (a GeoDataFrame in EPSG:4326) into the
bytes of a download with a safe, descriptive file name. VN-2000 output goes through the
pinned EPSG:6960 transformation of :mod:`brandmap.geo.crs`; GeoJSON (RFC 7946) and KML are
WGS 84 by definition and refuse any other CRS.

What each format carries besides the features:

* GeoJSON — top-level foreign members ``name``, ``attribution``, ``vintage``; no ``crs``.
* GeoPackage — layer description (``gpkg_contents``) and layer metadata (``gpkg_metadata``).
* Shapefile — a ``.zip`` with ``.shp .shx .dbf .prj .cpg`` (UTF-8) and ``README.txt`` that
  states attribution, vintage and the field-name mapping (:data:`SHP_FIELD_NAMES`).
* CSV — UTF-8 with BOM, so spreadsheet programs read Vietnamese correctly; points as
  ``lon``/``lat`` (WGS 84) or ``x``/``y`` (VN-2000), other geometries as a ``wkt`` column.
  No metadata: CSV has no place for it.
* KML — attribution and vintage in the Document ``<description>``.

Lists (``brand_types``, ``commune_codes``) are joined with ``;`` in every format but GeoJSON,
as in the product exchange format.
"""

from __future__ import annotations

import html
import io
import re
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from brandmap.errors import QueryError
from brandmap.geo.crs import EPSG_6960, SupportedCrs, parse_crs, to_crs
from brandmap.present.geojson import collection_bytes, feature_bytes
from brandmap.values import json_value

__all__ = [
    "EXPORT_FORMATS",
    "EXPORT_LAYERS",
    "MEDIA_TYPES",
    "SHP_FIELD_NAMES",
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

#: Shapefile (dBASE) field names are at most 10 characters. Columns longer than that are
#: renamed as follows; any other long column is cut to 10 characters (made unique with a
#: digit). The same table is written into the README.txt of every Shapefile download.
SHP_FIELD_NAMES: dict[str, str] = {
    "brand_types": "brandtypes",
    "producer_kind": "prod_kind",
    "address_published": "address",
    "commune_code": "comm_code",
    "value_chain": "valuechain",
    "description_vi": "desc_vi",
    "description_en": "desc_en",
    "source_date": "src_date",
    "location_quality": "loc_qual",
    "geometry_quality": "geom_qual",
    "former_province": "former_prv",
    "product_count": "prod_count",
    "commune_codes": "comm_codes",
}

_DEFAULT_ATTRIBUTION = (
    "brandmap — digital brand map of Vĩnh Long province; sources: source_url of each product, "
    "boundary sources and licences in the data's SOURCES.md"
)
_LON_LAT_DECIMALS = 7  # about 1 cm
_METRE_DECIMALS = 3
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class ExportResult:
    """A finished download: what to call it, how to label it, its bytes."""

    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class _Context:
    layer: str
    crs: SupportedCrs
    stem: str
    attribution: str
    vintage: str


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
    context = _Context(
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


# --- shared column preparation --------------------------------------------------------------


def _is_list(value: Any) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def _whole_numbers(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Float columns holding only whole numbers (stars, years with gaps) become integers."""
    out = frame.copy()
    for column in _properties(out):
        series = out[column]
        if pd.api.types.is_float_dtype(series):
            values = series.dropna()
            if len(values) and bool(np.all(np.mod(values, 1) == 0)):
                out[column] = series.astype("Int64")
    return out


def _flat_columns(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Whole numbers as integers and lists joined with ';', for formats without lists."""
    out = _whole_numbers(frame)
    for column in _properties(out):
        series = out[column]
        if series.dtype == object and series.map(_is_list).any():
            out[column] = series.map(lambda v: ";".join(map(str, v)) if _is_list(v) else v)
    return out


def _properties(frame: gpd.GeoDataFrame) -> list[str]:
    return [c for c in frame.columns if c != frame.geometry.name]


def _all_points(frame: gpd.GeoDataFrame) -> bool:
    present = frame.geometry.dropna()
    present = present[~present.is_empty]
    return bool((present.geom_type == "Point").all())


def _geometry_type(frame: gpd.GeoDataFrame, layer: str) -> str | None:
    """Declared type for GDAL when the frame has no geometry to infer it from."""
    if frame.geometry.notna().any():
        return None
    return "Point" if layer == "products" else "MultiPolygon"


# --- GeoJSON ----------------------------------------------------------------------------------


def _geojson(frame: gpd.GeoDataFrame, context: _Context) -> bytes:
    """RFC 7946 FeatureCollection: lon/lat, counter-clockwise exterior rings, no ``crs``."""
    frame = _whole_numbers(frame)
    features = feature_bytes(frame, _properties(frame), None, decimals=_LON_LAT_DECIMALS)
    return collection_bytes(
        features, name=context.layer, attribution=context.attribution, vintage=context.vintage
    )


# --- GeoPackage and Shapefile (written by GDAL) ----------------------------------------------


def _gpkg(frame: gpd.GeoDataFrame, context: _Context) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{context.stem}.gpkg"
        pyogrio.write_dataframe(
            _flat_columns(frame),
            path,
            layer=context.layer,
            driver="GPKG",
            geometry_type=_geometry_type(frame, context.layer),
            promote_to_multi=not _all_points(frame),
            dataset_options={"VERSION": "1.2"},  # readable by older QGIS/GDAL as well
            layer_options={
                "IDENTIFIER": f"brandmap {context.layer}",
                "DESCRIPTION": f"{context.attribution}. Vintage: {context.vintage}",
            },
            layer_metadata={"attribution": context.attribution, "vintage": context.vintage},
        )
        return path.read_bytes()


def _shp_names(columns: list[str]) -> dict[str, str]:
    """Column → dBASE field name (≤ 10 characters, unique, case-insensitively)."""
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        name = SHP_FIELD_NAMES.get(column, column)[:10]
        suffix = 1
        while name.lower() in taken:
            name = f"{name[: 10 - len(str(suffix))]}{suffix}"
            suffix += 1
        taken.add(name.lower())
        renamed[column] = name
    return renamed


def _shp_readme(context: _Context, renamed: dict[str, str]) -> str:
    lines = [
        f"brandmap — {context.layer} ({context.crs.code}: {context.crs.label})",
        f"Attribution: {context.attribution}",
        f"Vintage: {context.vintage}",
        "Encoding: UTF-8 (see the .cpg file). Lists are joined with ';'.",
        "Text longer than 254 bytes is cut by the dBASE format; use gpkg for full text.",
    ]
    if context.crs.datum == "VN-2000":
        lines.append(
            "VN-2000 <-> WGS 84: use EPSG:6960 (Decision 05/2007/QĐ-BTNMT), as this file did: "
            f"{EPSG_6960.proj_step()}"
        )
    lines += [
        "",
        "Field names (dBASE allows 10 characters):",
    ]
    lines += [f"  {field:<10} = {column}" for column, field in renamed.items() if field != column]
    return "\n".join(lines) + "\n"


def _shp(frame: gpd.GeoDataFrame, context: _Context) -> bytes:
    flat = _flat_columns(frame)
    renamed = _shp_names(_properties(flat))
    flat = flat.rename(columns=renamed)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{context.stem}.shp"
        pyogrio.write_dataframe(
            flat,
            path,
            driver="ESRI Shapefile",
            encoding="UTF-8",
            geometry_type=_geometry_type(frame, context.layer),
            promote_to_multi=not _all_points(frame),
        )
        cpg = path.with_suffix(".cpg")
        if not cpg.exists():
            cpg.write_text("UTF-8", encoding="ascii")
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                archive.write(path.with_suffix(suffix), f"{context.stem}{suffix}")
            archive.writestr("README.txt", _shp_readme(context, renamed))
    return buffer.getvalue()


# --- CSV ----------------------------------------------------------------------------------


def _neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv(frame: gpd.GeoDataFrame, context: _Context) -> bytes:
    """UTF-8 with BOM; coordinates as lon/lat or x/y for points, else a ``wkt`` column."""
    flat = _flat_columns(frame)
    geometry = flat.geometry
    table = pd.DataFrame(flat.drop(columns=[geometry.name]))
    for column in table.columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].map(_neutralise)
    x_name, y_name = ("x", "y") if context.crs.projected else ("lon", "lat")
    decimals = _METRE_DECIMALS if context.crs.projected else _LON_LAT_DECIMALS
    table = table.drop(columns=[c for c in ("lon", "lat", "x", "y", "wkt") if c in table])
    present = geometry.notna() & ~geometry.is_empty
    if _all_points(flat):
        table[x_name] = np.where(present, geometry.x, np.nan).round(decimals)
        table[y_name] = np.where(present, geometry.y, np.nan).round(decimals)
    else:
        table["wkt"] = [
            shapely.to_wkt(g, rounding_precision=decimals, trim=True) if ok else ""
            for g, ok in zip(geometry, present, strict=True)
        ]
    text = table.to_csv(index=False, lineterminator="\r\n", float_format=f"%.{decimals}f")
    return text.encode("utf-8-sig")


# --- KML ----------------------------------------------------------------------------------


def _xml_text(value: Any) -> str:
    """Text XML 1.0 can carry (control characters dropped); escaping is ElementTree's."""
    return _XML_INVALID.sub("", str(value))


def _kml_coordinates(parent: ET.Element, coords: Any) -> None:
    text = " ".join(f"{x:.{_LON_LAT_DECIMALS}f},{y:.{_LON_LAT_DECIMALS}f}" for x, y, *_ in coords)
    ET.SubElement(parent, "coordinates").text = text


def _kml_geometry(geometry: shapely.Geometry) -> ET.Element:
    kind = geometry.geom_type
    if kind.startswith("Multi") or kind == "GeometryCollection":
        element = ET.Element("MultiGeometry")
        element.extend(_kml_geometry(part) for part in geometry.geoms)
    elif kind == "Point":
        element = ET.Element("Point")
        _kml_coordinates(element, geometry.coords)
    elif kind == "LineString":
        element = ET.Element("LineString")
        _kml_coordinates(element, geometry.coords)
    else:  # Polygon, outer ring counter-clockwise as KML asks
        geometry = shapely.orient_polygons(geometry, exterior_cw=False)
        element = ET.Element("Polygon")
        rings = [("outerBoundaryIs", geometry.exterior)]
        rings += [("innerBoundaryIs", ring) for ring in geometry.interiors]
        for tag, ring in rings:
            linear = ET.SubElement(ET.SubElement(element, tag), "LinearRing")
            _kml_coordinates(linear, ring.coords)
    return element


def _kml_name_column(names: list[str]) -> str | None:
    return next((c for c in ("name_vi", "name", "id", "code") if c in names), None)


def _kml_description(record: dict[str, Any], skip: str | None) -> str:
    """HTML (KML viewers render it) with every value escaped, so data stays text."""
    rows = [
        f"<b>{html.escape(key, quote=False)}</b>: {html.escape(str(value), quote=False)}"
        for key, value in record.items()
        if key != skip and value not in (None, "")
    ]
    return "<br>".join(rows)


def _kml_type(series: pd.Series) -> str:
    if pd.api.types.is_integer_dtype(series):
        return "int"
    return "double" if pd.api.types.is_float_dtype(series) else "string"


def _kml(frame: gpd.GeoDataFrame, context: _Context) -> bytes:
    flat = _flat_columns(frame)
    names = _properties(flat)
    name_column = _kml_name_column(names)
    root = ET.Element("kml", xmlns="http://www.opengis.net/kml/2.2")
    document = ET.SubElement(root, "Document", id="brandmap")
    ET.SubElement(document, "name").text = f"brandmap: {context.layer}"
    about = f"{context.attribution}. Vintage: {context.vintage}"
    ET.SubElement(document, "description").text = _xml_text(html.escape(about, quote=False))
    schema = ET.SubElement(document, "Schema", name=context.layer, id=f"{context.layer}_schema")
    for column in names:
        ET.SubElement(schema, "SimpleField", name=column, type=_kml_type(flat[column]))
    folder = ET.SubElement(document, "Folder")
    ET.SubElement(folder, "name").text = context.layer
    for row, geometry in zip(flat[names].itertuples(index=False), flat.geometry, strict=True):
        record = {n: json_value(v) for n, v in zip(names, row, strict=True)}
        placemark = ET.SubElement(folder, "Placemark")
        if name_column and record[name_column] is not None:
            ET.SubElement(placemark, "name").text = _xml_text(record[name_column])
        ET.SubElement(placemark, "description").text = _xml_text(
            _kml_description(record, name_column)
        )
        data = ET.SubElement(
            ET.SubElement(placemark, "ExtendedData"),
            "SchemaData",
            schemaUrl=f"#{context.layer}_schema",
        )
        for key, value in record.items():
            if value is not None:
                ET.SubElement(data, "SimpleData", name=key).text = _xml_text(value)
        if geometry is not None and not geometry.is_empty:
            placemark.append(_kml_geometry(geometry))
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


_WRITERS: dict[str, Callable[[gpd.GeoDataFrame, _Context], bytes]] = {
    "geojson": _geojson,
    "gpkg": _gpkg,
    "shp": _shp,
    "csv": _csv,
    "kml": _kml,
}
