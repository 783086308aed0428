"""The export formats brandmap writes as text itself: GeoJSON, CSV and KML.

* GeoJSON — RFC 7946; top-level foreign members ``name``, ``attribution``, ``vintage``;
  no ``crs``.
* CSV — UTF-8 with BOM, so spreadsheet programs read Vietnamese correctly; points as
  ``lon``/``lat`` (WGS 84) or ``x``/``y`` (VN-2000), other geometries as a ``wkt`` column.
  No metadata: CSV has no place for it. Cells a spreadsheet would run as formulas are
  neutralised.
* KML — attribution and vintage in the Document ``<description>``; every value escaped.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from brandmap.present.export_columns import (
    LON_LAT_DECIMALS,
    ExportContext,
    all_points,
    flat_columns,
    properties,
    whole_numbers,
)
from brandmap.present.geojson import collection_bytes, feature_bytes
from brandmap.values import json_value

__all__ = ["write_csv", "write_geojson", "write_kml"]

_METRE_DECIMALS = 3
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- GeoJSON ----------------------------------------------------------------------------------


def write_geojson(frame: gpd.GeoDataFrame, context: ExportContext) -> bytes:
    """RFC 7946 FeatureCollection: lon/lat, counter-clockwise exterior rings, no ``crs``."""
    frame = whole_numbers(frame)
    features = feature_bytes(frame, properties(frame), None, decimals=LON_LAT_DECIMALS)
    return collection_bytes(
        features, name=context.layer, attribution=context.attribution, vintage=context.vintage
    )


# --- CSV ----------------------------------------------------------------------------------


def _neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(frame: gpd.GeoDataFrame, context: ExportContext) -> bytes:
    """UTF-8 with BOM; coordinates as lon/lat or x/y for points, else a ``wkt`` column."""
    flat = flat_columns(frame)
    geometry = flat.geometry
    table = pd.DataFrame(flat.drop(columns=[geometry.name]))
    for column in table.columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].map(_neutralise)
    x_name, y_name = ("x", "y") if context.crs.projected else ("lon", "lat")
    decimals = _METRE_DECIMALS if context.crs.projected else LON_LAT_DECIMALS
    table = table.drop(columns=[c for c in ("lon", "lat", "x", "y", "wkt") if c in table])
    present = geometry.notna() & ~geometry.is_empty
    if all_points(flat):
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
    text = " ".join(f"{x:.{LON_LAT_DECIMALS}f},{y:.{LON_LAT_DECIMALS}f}" for x, y, *_ in coords)
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


def write_kml(frame: gpd.GeoDataFrame, context: ExportContext) -> bytes:
    flat = flat_columns(frame)
    names = properties(flat)
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
