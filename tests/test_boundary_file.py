"""Reading a provincial GIS boundary file: any format and CRS, flaws reported or refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

from brandmap.errors import BoundaryError
from brandmap.geo import crs
from brandmap.geo.boundaries import AREA_CRS, as_multipolygon
from brandmap.geo.boundary_file import read_boundary_file


@pytest.fixture(scope="session")
def small(fetched: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The fetched layer simplified as a coverage (no gaps or overlaps), for fast file tests."""
    simple = fetched.copy()
    simple["geometry"] = shapely.coverage_simplify(fetched.geometry.to_numpy(), 0.0005)
    simple["geometry"] = simple.geometry.map(as_multipolygon)
    simple["area_km2"] = simple.to_crs(AREA_CRS).area / 1e6
    return simple


def _export(layer: gpd.GeoDataFrame, **columns) -> gpd.GeoDataFrame:
    """A provincial-GIS-like file: its own field names, no names from the register."""
    frame = gpd.GeoDataFrame(columns, geometry=layer.geometry.to_numpy(), crs=layer.crs)
    return frame


def _assert_round_trip(layer: gpd.GeoDataFrame, source: gpd.GeoDataFrame) -> None:
    assert list(layer["code"]) == list(source["code"])
    ratio = layer["area_km2"].to_numpy() / source["area_km2"].to_numpy()
    assert abs(ratio - 1).max() < 0.005
    assert (layer["geometry_quality"] == "official").all()
    assert layer.crs.to_epsg() == 4326


@pytest.mark.reference
def test_import_geojson_with_integer_codes(small: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = tmp_path / "communes.geojson"
    _export(small, ma_xa=small["code"].astype(int), ten=small["name"].str.upper()).to_file(path)
    layer, report = read_boundary_file(path)
    _assert_round_trip(layer, small)
    assert report.code_field == "ma_xa"
    assert report.ok, report.problems()


@pytest.mark.reference
def test_import_vn2000_geopackage(small: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = tmp_path / "ranh_gioi_xa.gpkg"
    vn2000 = crs.to_crs(_export(small, MaXa=small["code"]), "EPSG:9209")
    assert vn2000.total_bounds[0] > 400_000  # metres, really projected
    vn2000.to_file(path, layer="xa_2025")
    layer, report = read_boundary_file(path)
    _assert_round_trip(layer, small)
    assert report.source_crs == "EPSG:9209"
    shift = layer.to_crs(AREA_CRS).centroid.distance(small.to_crs(AREA_CRS).centroid)
    assert shift.max() < 0.01  # metres: the pinned transformation round-trips


@pytest.mark.reference
def test_import_zipped_shapefile_in_utm(small: gpd.GeoDataFrame, tmp_path: Path) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    _export(small, code=small["code"]).to_crs(AREA_CRS).to_file(folder / "xa.shp")
    archive = tmp_path / "xa.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
    layer, _ = read_boundary_file(archive, code_field="code")
    _assert_round_trip(layer, small)


@pytest.mark.reference
def test_report_lists_repairs_and_oddities(small: gpd.GeoDataFrame, tmp_path: Path) -> None:
    frame = _export(small, code=small["code"])
    first, second = frame.index[:2]
    a = frame.geometry[first]
    # a self-intersecting "bow tie" added to the first commune
    x0, y0, x1, y1 = a.bounds
    bowtie = Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    frame.loc[first, "geometry"] = MultiPolygon([*a.geoms, bowtie])
    # the second commune split in two rows, one of them overlapping its neighbour
    extra = frame.iloc[[1]].copy()
    extra["geometry"] = [frame.geometry[second].buffer(0.01)]
    unknown = frame.iloc[[2]].copy()
    unknown["code"] = "99999"
    line = frame.iloc[[3]].copy()
    line["geometry"] = [line.geometry.iloc[0].boundary]
    frame = pd.concat([frame, extra, unknown, line], ignore_index=True)
    path = tmp_path / "messy.gpkg"
    frame.to_file(path)
    layer, report = read_boundary_file(path)
    assert len(layer) == 124 and layer.geometry.is_valid.all()
    code1, code2, code4 = small["code"].iloc[0], small["code"].iloc[1], small["code"].iloc[3]
    assert report.repaired_codes == (code1,)
    assert report.duplicate_codes == (code2,)  # the line is dropped, not merged
    assert report.unknown_codes == ("99999",)
    assert report.non_polygon_codes == (code4,)
    assert any(code2 in pair[:2] and pair[2] > 0.01 for pair in report.overlaps)
    assert not report.ok and len(report.problems()) >= 5
    assert report.lines()[0].startswith("messy.gpkg: 127 features, code field 'code'")
    assert all(line.startswith("warning: ") for line in report.lines()[1:])


@pytest.mark.reference
@pytest.mark.reference
@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_code_field", "no field holds 2025 commune codes"),
        ("three_communes", "covers 3 of the 124 communes"),
        ("no_crs", "no coordinate reference system"),
        ("unknown_crs", "unknown coordinate reference system"),
        ("wrong_crs", "do not fall in Tỉnh Vĩnh Long"),
        ("corrupt", "cannot read"),
        ("empty", "no features"),
        ("absent", "does not exist"),
        ("bad_code_field", "no field 'nope'"),
    ],
)
def test_unusable_files(case: str, message: str, small, tmp_path: Path) -> None:
    kwargs = {}
    frame = _export(small, code=small["code"], ten=small["name"])
    path = tmp_path / "bad.gpkg"
    if case == "no_code_field":
        frame.drop(columns="code").to_file(path)
    elif case == "three_communes":
        frame.head(3).to_file(path)
    elif case in ("no_crs", "unknown_crs"):
        path = tmp_path / "bad.shp"
        frame.to_crs(AREA_CRS).to_file(path)
        prj = path.with_suffix(".prj")
        if case == "no_crs":
            prj.unlink()
        else:
            prj.write_text('LOCAL_CS["Unknown",UNIT["metre",1]]')
    elif case == "wrong_crs":
        frame.to_crs(AREA_CRS).set_crs(4326, allow_override=True).to_file(path)
    elif case == "corrupt":
        frame.head(5).to_file(path)
        data = path.read_bytes()
        path.write_bytes(data[:100] + b"\0" * 64 + data[164:2000])
    elif case == "empty":
        frame.head(0).to_file(path)
    elif case == "bad_code_field":
        frame.to_file(path)
        kwargs["code_field"] = "nope"
    with pytest.raises(BoundaryError, match=message) as info:
        read_boundary_file(path, **kwargs)
    assert "\n" not in str(info.value)


def test_truncated_geojson_is_a_boundary_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": ')
    with pytest.raises(BoundaryError, match=r"cannot read cut\.geojson"):
        read_boundary_file(path)


@pytest.mark.reference
def test_incomplete_layer_can_be_inspected(small: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = tmp_path / "part.geojson"
    _export(small.head(3), code=small["code"].head(3)).to_file(path)
    layer, report = read_boundary_file(path, require_complete=False)
    assert len(layer) == 3 and len(report.missing_codes) == 121
