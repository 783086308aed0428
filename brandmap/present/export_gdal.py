"""The export formats GDAL writes: GeoPackage, and Shapefile zipped with its field names.

* GeoPackage — layer description (``gpkg_contents``) and layer metadata (``gpkg_metadata``).
* Shapefile — a ``.zip`` with ``.shp .shx .dbf .prj .cpg`` (UTF-8) and ``README.txt`` that
  states attribution, vintage and the field-name mapping (:data:`SHP_FIELD_NAMES`).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio

from brandmap.geo.crs import EPSG_6960
from brandmap.present.export_columns import (
    ExportContext,
    all_points,
    flat_columns,
    geometry_type,
    properties,
)

__all__ = ["SHP_FIELD_NAMES", "write_gpkg", "write_shp"]

#: Shapefile (dBASE) field names are at most 10 characters. Columns longer than that are
#: renamed as follows; any other long column is cut to 10 characters (made unique with a
#: digit). The same table is written into the README.txt of every Shapefile download.
SHP_FIELD_NAMES: dict[str, str] = {
    "brand_types": "brandtypes",
    "ocop_decision": "ocop_dec",
    "ocop_decision_date": "ocop_dec_d",
    "ocop_valid_until": "ocop_until",
    "ocop_status": "ocop_stat",
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


def write_gpkg(frame: gpd.GeoDataFrame, context: ExportContext) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{context.stem}.gpkg"
        pyogrio.write_dataframe(
            flat_columns(frame),
            path,
            layer=context.layer,
            driver="GPKG",
            geometry_type=geometry_type(frame, context.layer),
            promote_to_multi=not all_points(frame),
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


def _shp_readme(context: ExportContext, renamed: dict[str, str]) -> str:
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


def write_shp(frame: gpd.GeoDataFrame, context: ExportContext) -> bytes:
    flat = flat_columns(frame)
    renamed = _shp_names(properties(flat))
    flat = flat.rename(columns=renamed)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{context.stem}.shp"
        pyogrio.write_dataframe(
            flat,
            path,
            driver="ESRI Shapefile",
            encoding="UTF-8",
            geometry_type=geometry_type(frame, context.layer),
            promote_to_multi=not all_points(frame),
        )
        cpg = path.with_suffix(".cpg")
        if not cpg.exists():
            cpg.write_text("UTF-8", encoding="ascii")
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                archive.write(path.with_suffix(suffix), f"{context.stem}{suffix}")
            archive.writestr("README.txt", _shp_readme(context, renamed))
    return buffer.getvalue()
