"""Real boundaries: fetching the pinned files, importing files from a provincial GIS."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon

from brandmap.errors import BoundaryError, FetchError
from brandmap.geo import boundaries, crs, register
from brandmap.geo.boundaries import (
    AREA_CRS,
    LAYER_COLUMNS,
    fetch_boundaries,
    load_real_boundaries,
    read_boundary_file,
    read_manifest,
    save_real_boundaries,
)

CODES = sorted(c.code for c in register.communes())


@pytest.fixture(scope="session")
def fetched(upstream_mirror: Path) -> gpd.GeoDataFrame:
    return fetch_boundaries(upstream_mirror.as_uri())


@pytest.fixture(scope="session")
def small(fetched: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The fetched layer simplified as a coverage (no gaps or overlaps), for fast file tests."""
    simple = fetched.copy()
    simple["geometry"] = shapely.coverage_simplify(fetched.geometry.to_numpy(), 0.0005)
    simple["geometry"] = simple.geometry.map(boundaries._as_multipolygon)
    simple["area_km2"] = simple.to_crs(AREA_CRS).area / 1e6
    return simple


# ----------------------------------------------------------------------------- fetch


def test_manifest_lists_every_commune_once() -> None:
    entries = read_manifest()
    assert sorted(e.code for e in entries) == CODES
    assert all(len(e.sha256) == 64 and e.bytes > 0 for e in entries)


@pytest.mark.reference
def test_fetch_gives_the_official_layer(fetched: gpd.GeoDataFrame) -> None:
    assert list(fetched.columns) == [*LAYER_COLUMNS, "geometry"]
    assert sorted(fetched["code"]) == CODES
    assert fetched.crs.to_epsg() == 4326
    assert fetched.geometry.is_valid.all()
    assert (fetched.geom_type == "MultiPolygon").all()
    assert (fetched["geometry_quality"] == "official").all()
    assert fetched["area_km2"].sum() == pytest.approx(6088, rel=0.01)
    names = {c.code: c.name for c in register.communes()}
    assert all(names[c] == n for c, n in zip(fetched["code"], fetched["name"], strict=True))


@pytest.mark.reference
def test_register_centres_fall_in_their_polygons(fetched: gpd.GeoDataFrame) -> None:
    by_code = dict(zip(fetched["code"], fetched.geometry, strict=True))
    inside = sum(by_code[c.code].contains(shapely.Point(c.lon, c.lat)) for c in register.communes())
    assert inside == 124


@pytest.mark.reference
def test_save_and_load_round_trip(fetched: gpd.GeoDataFrame, tmp_path: Path) -> None:
    target = save_real_boundaries(fetched, tmp_path / "real.gpkg")
    assert [p.name for p in tmp_path.iterdir()] == ["real.gpkg"]
    loaded = load_real_boundaries(target)
    assert list(loaded["code"]) == list(fetched["code"])
    assert loaded.geometry.geom_equals_exact(fetched.geometry, tolerance=1e-9).all()


def test_load_returns_none_when_nothing_was_saved(tmp_path: Path) -> None:
    assert load_real_boundaries(tmp_path / "absent.gpkg") is None


@pytest.mark.reference
def test_saved_boundaries_default_to_var(monkeypatch, tmp_path, fetched) -> None:
    monkeypatch.setenv("BRANDMAP_VAR_DIR", str(tmp_path))
    assert save_real_boundaries(fetched.head(2)) == tmp_path / "boundaries_2025.gpkg"
    assert len(load_real_boundaries()) == 2


# A failed fetch leaves the store and the saved boundaries alone: tests/test_cli.py runs the
# command that saves, `brandmap fetch boundaries`, against a corrupted and an incomplete mirror.


def test_unreachable_server_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match="could not download"):
        fetch_boundaries("http://127.0.0.1:9/", timeout=2)


# ----------------------------------------------------------------------------- import


@given(st.integers(min_value=1, max_value=99999), st.integers(min_value=0, max_value=1))
def test_codes_are_read_from_ints_floats_and_padded_text(number: int, pad: int) -> None:
    expected = f"{number:05d}"
    assert boundaries._normalise_code(number) == expected
    assert boundaries._normalise_code(float(number)) == expected
    assert boundaries._normalise_code(" " + expected.zfill(5 + pad)) == expected


@given(st.text())
def test_code_parser_never_crashes(text: str) -> None:
    code = boundaries._normalise_code(text)
    assert code is None or (len(code) == 5 and code.isdigit())


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
