"""Export files open in GDAL with the right features, CRS and Vietnamese text."""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Point, box

from brandmap.errors import QueryError
from brandmap.geo import crs
from brandmap.present.export import (
    EXPORT_FORMATS,
    EXPORT_LAYERS,
    MEDIA_TYPES,
    ExportResult,
    export_layer,
)
from brandmap.present.export_gdal import SHP_FIELD_NAMES

DAY = date(2026, 7, 1)
META = {"attribution": "Sở Công Thương Vĩnh Long & brandmap", "vintage": "2026-06"}
HTML_NAME = '<script>alert("x")</script> Bánh tét & ]]> Trà Cuôn'
PROJECTED = ("EPSG:9209", "EPSG:9210")
FLAT_WITH_CRS = ("gpkg", "shp", "csv")

needs_ogrinfo = pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL ogrinfo absent")


def products() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["buoi-da-xanh-mo-cay", "keo-dua", "banh-tet"],
            "name_vi": ["Bưởi da xanh Mỏ Cày", "Kẹo dừa", HTML_NAME],
            "brand_types": [["gi", "collective_mark"], ["ocop"], ["ocop", "specialty"]],
            "ocop_stars": [np.nan, 4.0, 3.0],
            "address_published": ["Thị trấn Mỏ Cày, huyện Mỏ Cày Nam, tỉnh Bến Tre", "", None],
            "phone": ['=HYPERLINK("http://x")', "+84 275 3822 123", "0294 3855 555"],
            "description_vi": ["@SUM(A1)", "-2+3", "Đặc sản Trà Vinh"],
        },
        geometry=[Point(106.3317, 10.1347), Point(106.3759, 10.2415), Point(106.3453, 9.9347)],
        crs="EPSG:4326",
    )


def communes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": ["29659", "29662"],
            "name": ["Xã Trung Thành", "Phường Long Châu"],
            "kind": ["xã", "phường"],
            "area_km2": [12.5, 7.25],
            "geometry_quality": ["approximate", "approximate"],
        },
        geometry=[
            box(105.95, 10.20, 106.00, 10.25),
            MultiPolygon([box(106.00, 10.20, 106.05, 10.25), box(106.06, 10.20, 106.07, 10.21)]),
        ],
        crs="EPSG:4326",
    )


def export(frame, fmt, crs_code="EPSG:4326", layer="products", tmp_path=None) -> ExportResult:
    result = export_layer(frame, fmt, crs_code, layer_name=layer, meta=META, today=DAY)
    if tmp_path is not None:
        (tmp_path / result.filename).write_bytes(result.content)
    return result


def combos():
    for fmt in EXPORT_FORMATS:
        wgs84 = ("EPSG:4326", "OGC:CRS84")
        for crs_code in (*wgs84, *PROJECTED) if fmt in FLAT_WITH_CRS else wgs84:
            yield fmt, crs_code


def ogrinfo(path: Path) -> str:
    done = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr  # e.g. a GeoPackage version too new
    return done.stdout


def read_back(path: Path) -> gpd.GeoDataFrame | pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return pyogrio.read_dataframe(path)


# --- every format in GDAL -------------------------------------------------------------------


@needs_ogrinfo
@pytest.mark.parametrize(("fmt", "crs_code"), list(combos()))
@pytest.mark.parametrize("layer", ["products", "communes"])
def test_every_format_opens_in_ogrinfo(tmp_path, fmt, crs_code, layer) -> None:
    frame = products() if layer == "products" else communes()
    result = export(frame, fmt, crs_code, layer, tmp_path)
    info = ogrinfo(tmp_path / result.filename)
    assert f"Feature Count: {len(frame)}" in info
    if fmt in ("gpkg", "shp"):
        epsg = crs.parse_crs(crs_code).epsg
        wkt = info.split("Layer SRS WKT:")[1].split("Data axis")[0]
        if epsg is None:
            assert "CRS84" in wkt, info
        else:
            assert re.search(rf'ID\["EPSG",{epsg}\]\]\s*$', wkt), info
        polygon = "Polygon" if fmt == "shp" else "Multi Polygon"  # dBASE has no multi type
        expected_type = "Point" if layer == "products" else polygon
        assert f"Geometry: {expected_type}" in info


@pytest.mark.parametrize(("fmt", "crs_code"), list(combos()))
def test_vietnamese_and_html_text_read_back_intact(tmp_path, fmt, crs_code) -> None:
    result = export(products(), fmt, crs_code, tmp_path=tmp_path)
    back = read_back(tmp_path / result.filename)
    name_column = "Name" if fmt == "kml" else "name_vi"
    assert list(back[name_column]) == list(products()["name_vi"])
    address_column = "address" if fmt == "shp" else "address_published"
    assert back[address_column].iloc[0] == "Thị trấn Mỏ Cày, huyện Mỏ Cày Nam, tỉnh Bến Tre"


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "csv", "kml"])
def test_lists_are_joined_with_semicolons_in_flat_formats(tmp_path, fmt) -> None:
    result = export(products(), fmt, tmp_path=tmp_path)
    back = read_back(tmp_path / result.filename)
    column = "brandtypes" if fmt == "shp" else "brand_types"
    assert list(back[column]) == ["gi;collective_mark", "ocop", "ocop;specialty"]


# --- VN-2000 --------------------------------------------------------------------------------


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (a[0] - b[0]) * 111320 * math.cos(math.radians(a[1]))
    return math.hypot(dx, (a[1] - b[1]) * 110574)


@pytest.mark.parametrize("crs_code", PROJECTED)
@pytest.mark.parametrize("fmt", ["gpkg", "shp"])
def test_vn2000_files_round_trip_to_wgs84_within_a_centimetre(tmp_path, fmt, crs_code) -> None:
    for frame, layer in ((products(), "products"), (communes(), "communes")):
        result = export(frame, fmt, crs_code, layer, tmp_path)
        back = crs.from_crs(pyogrio.read_dataframe(tmp_path / result.filename))
        assert back.crs.to_epsg() == 4326
        for original, returned in zip(frame.geometry, back.geometry, strict=True):
            # Shapefile stores rings clockwise: compare normalized vertex sequences.
            before = shapely.get_coordinates(shapely.normalize(original))
            after = shapely.get_coordinates(shapely.normalize(returned))
            assert len(before) == len(after)
            for a, b in zip(before, after, strict=True):
                assert _metres(tuple(a), tuple(b)) < 0.01


@pytest.mark.parametrize("crs_code", PROJECTED)
def test_vn2000_csv_has_x_y_that_round_trip_within_a_centimetre(crs_code) -> None:
    table = pd.read_csv(
        io.BytesIO(export(products(), "csv", crs_code).content), encoding="utf-8-sig"
    )
    assert "x" in table and "y" in table and "lon" not in table
    lon, lat = crs.transformer(crs_code, "EPSG:4326").transform(table["x"], table["y"])
    for point, a, b in zip(products().geometry, lon, lat, strict=True):
        assert _metres((point.x, point.y), (a, b)) < 0.01


def test_vn2000_uses_the_pinned_transformation_not_pyproj_default(tmp_path) -> None:
    result = export(products(), "gpkg", "EPSG:9209", tmp_path=tmp_path)
    written = pyogrio.read_dataframe(tmp_path / result.filename).geometry.iloc[0]
    pinned = crs.transformer("EPSG:4326", "EPSG:9209").transform(106.3317, 10.1347)
    assert math.dist((written.x, written.y), pinned) < 0.001


def test_wgs84_only_formats_refuse_vn2000() -> None:
    for fmt in ("geojson", "kml"):
        with pytest.raises(QueryError, match="WGS 84") as info:
            export_layer(products(), fmt, "EPSG:9209")
        assert info.value.param == "crs"


# --- CSV ------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_and_lon_lat_columns() -> None:
    content = export(products(), "csv").content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [float(rows[0]["lon"]), float(rows[0]["lat"])] == [106.3317, 10.1347]
    assert rows[1]["ocop_stars"] == "4" and rows[0]["ocop_stars"] == ""


def test_csv_neutralises_formulas_but_not_numbers() -> None:
    frame = products()
    frame["ocop_year"] = [-1, 2024, 2025]  # a negative number stays a number
    rows = list(csv.DictReader(io.StringIO(export(frame, "csv").content.decode("utf-8-sig"))))
    assert rows[0]["phone"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["phone"] == "'+84 275 3822 123"
    assert rows[0]["description_vi"] == "'@SUM(A1)"
    assert rows[1]["description_vi"] == "'-2+3"
    assert rows[2]["description_vi"] == "Đặc sản Trà Vinh"
    assert rows[0]["ocop_year"] == "-1"
    assert rows[0]["lon"] == "106.3317000"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=5))
def test_csv_cells_never_start_a_formula(texts: list[str]) -> None:
    frame = gpd.GeoDataFrame(
        {"id": [f"p{i}" for i in range(len(texts))], "name_vi": texts},
        geometry=[Point(106.0, 10.0)] * len(texts),
        crs="EPSG:4326",
    )
    text = export(frame, "csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for original, row in zip(texts, rows, strict=True):
        cell = row["name_vi"]
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert cell in (original, "'" + original)


def test_csv_polygons_get_a_wkt_column_in_the_requested_crs() -> None:
    table = pd.read_csv(io.BytesIO(export(communes(), "csv", "EPSG:9209", "communes").content))
    assert "wkt" in table and "x" not in table and "lon" not in table
    shapes = [shapely.from_wkt(text) for text in table["wkt"]]
    assert [s.geom_type for s in shapes] == ["Polygon", "MultiPolygon"]
    minx, miny, _, _ = shapes[0].bounds
    assert 440000 < minx < 560000 and 1_100_000 < miny < 1_140_000


# --- Shapefile ------------------------------------------------------------------------------


def test_shapefile_zip_holds_the_five_parts_utf8_and_a_readme() -> None:
    result = export(products(), "shp", "EPSG:9209")
    assert result.filename == "brandmap_products_epsg9209_20260701.shp.zip"
    with zipfile.ZipFile(io.BytesIO(result.content)) as archive:
        names = set(archive.namelist())
        stem = "brandmap_products_epsg9209_20260701"
        assert names == {f"{stem}.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg")} | {
            "README.txt"
        }
        assert archive.read(f"{stem}.cpg").decode().strip().upper() in ("UTF-8", "UTF8")
        assert "Transverse_Mercator" in archive.read(f"{stem}.prj").decode()
        readme = archive.read("README.txt").decode("utf-8")
    assert META["attribution"] in readme and META["vintage"] in readme
    assert "brandtypes = brand_types" in readme and "EPSG:6960" in readme


def test_shapefile_field_names_fit_dbase_and_follow_the_mapping(tmp_path) -> None:
    assert all(len(v) <= 10 for v in SHP_FIELD_NAMES.values())
    assert len(set(SHP_FIELD_NAMES.values())) == len(SHP_FIELD_NAMES)
    frame = products()
    frame["location_quality"] = "exact"
    frame["description_extra_1"] = "a"  # unmapped long names are cut, and stay unique
    frame["description_extra_2"] = "b"
    result = export(frame, "shp", tmp_path=tmp_path)
    fields = list(pyogrio.read_info(tmp_path / result.filename)["fields"])
    assert all(len(f) <= 10 for f in fields)
    assert {"brandtypes", "address", "desc_vi", "loc_qual"} <= set(fields)
    assert len({f.lower() for f in fields}) == len(fields)


# --- GeoJSON --------------------------------------------------------------------------------


def test_geojson_is_rfc7946_lon_lat_without_crs_member() -> None:
    result = export(products(), "geojson")
    assert result.media_type == "application/geo+json"
    document = json.loads(result.content)
    assert "crs" not in document
    assert document["attribution"] == META["attribution"] and document["vintage"] == "2026-06"
    first = document["features"][0]
    assert first["geometry"]["coordinates"] == [106.3317, 10.1347]
    assert first["properties"]["brand_types"] == ["gi", "collective_mark"]
    assert document["features"][1]["properties"]["ocop_stars"] == 4
    assert first["properties"]["ocop_stars"] is None


def test_geojson_polygons_are_counter_clockwise() -> None:
    clockwise = communes()
    clockwise.loc[0, "geometry"] = shapely.orient_polygons(
        clockwise.geometry.iloc[0], exterior_cw=True
    )
    document = json.loads(export(clockwise, "geojson", layer="communes").content)
    ring = document["features"][0]["geometry"]["coordinates"][0]
    assert shapely.LinearRing(ring).is_ccw


# --- KML ------------------------------------------------------------------------------------


def test_kml_is_well_formed_and_escapes_html_names() -> None:
    content = export(products(), "kml").content
    assert b"<script" not in content and b"]]>" not in content
    root = ET.fromstring(content)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    about = html.unescape(root.find("k:Document/k:description", ns).text)  # KML HTML
    assert META["attribution"] in about
    placemarks = root.findall(".//k:Placemark", ns)
    assert [p.find("k:name", ns).text for p in placemarks] == list(products()["name_vi"])
    description = placemarks[2].find("k:description", ns).text
    assert "&lt;" not in description  # the data holds no markup of its own here
    html_one = placemarks[0].find("k:description", ns).text
    assert '=HYPERLINK("http://x")' in html_one


def test_kml_description_shows_markup_in_data_as_text() -> None:
    frame = products()
    frame["description_vi"] = ["<img src=x onerror=alert(1)>", "a", "b"]
    root = ET.fromstring(export(frame, "kml").content)
    text = root.find(
        ".//{http://www.opengis.net/kml/2.2}Placemark/{http://www.opengis.net/kml/2.2}description"
    ).text
    assert "<img" not in text and "&lt;img" in text


# --- names, types, errors --------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "crs_code"), list(combos()))
def test_filenames_are_safe_and_descriptive(fmt, crs_code) -> None:
    result = export(communes(), fmt, crs_code, layer="communes")
    assert re.fullmatch(r"[a-z0-9_.-]+", result.filename)
    slug = crs.parse_crs(crs_code).slug
    assert result.filename.startswith(f"brandmap_communes_{slug}_20260701.")
    assert result.media_type == MEDIA_TYPES[fmt]


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"fmt": "xlsx"}, "format"),
        ({"fmt": "geojson", "layer_name": "roads"}, "layer"),
        ({"fmt": "gpkg", "crs": "EPSG:3405"}, "crs"),
    ],
)
def test_bad_requests_raise_query_errors(kwargs, param) -> None:
    with pytest.raises(QueryError) as info:
        export_layer(products(), **kwargs)
    assert info.value.param == param


def test_constants_for_the_http_and_cli_layers() -> None:
    assert EXPORT_FORMATS == ("geojson", "gpkg", "shp", "csv", "kml")
    assert EXPORT_LAYERS == ("products", "communes", "regions")
    assert set(MEDIA_TYPES) == set(EXPORT_FORMATS)


@needs_ogrinfo
def test_gpkg_carries_attribution_and_vintage(tmp_path) -> None:
    result = export(products(), "gpkg", "EPSG:9210", tmp_path=tmp_path)
    info = ogrinfo(tmp_path / result.filename)
    assert META["attribution"] in info and "vintage=2026-06" in info


@pytest.mark.parametrize(("fmt", "crs_code"), list(combos()))
def test_empty_layers_still_export(tmp_path, fmt, crs_code) -> None:
    empty = products().iloc[:0]
    result = export(empty, fmt, crs_code, tmp_path=tmp_path)
    if fmt != "csv":
        assert len(read_back(tmp_path / result.filename)) == 0


def test_input_frame_is_not_modified() -> None:
    frame = products()
    before = frame.copy()
    for fmt, crs_code in combos():
        export(frame, fmt, crs_code)
    pd.testing.assert_frame_equal(pd.DataFrame(frame), pd.DataFrame(before))
