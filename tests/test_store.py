"""The GeoPackage store: round trip, atomic replacement, clear errors."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from brandmap.errors import StoreError
from brandmap.store import GeoPackageStore, Snapshot, open_store


def _snapshot(name: str = "Kẹo dừa Bến Tre") -> Snapshot:
    square = shapely.box(106.0, 10.0, 106.1, 10.1)
    communes = gpd.GeoDataFrame(
        {
            "code": ["29659"],
            "name": ["Xã Trung Thành"],
            "kind": ["xã"],
            "area_km2": [120.5],
            "geometry_quality": ["approximate"],
        },
        geometry=[shapely.MultiPolygon([square])],
        crs=4326,
    )
    regions = gpd.GeoDataFrame(
        {
            "id": ["coconut-ben-tre"],
            "name_vi": ["Dừa Bến Tre"],
            "commune_codes": [["29659", "28756"]],
        },
        geometry=[square],
        crs=4326,
    )
    products = gpd.GeoDataFrame(
        {"id": ["keo-dua"], "name_vi": [name], "brand_types": [["ocop", "gi"]], "ocop_stars": [4]},
        geometry=[shapely.Point(106.05, 10.05)],
        crs=4326,
    )
    return Snapshot(communes, regions, products, meta={"geometry_quality": "approximate"})


def test_round_trip_keeps_text_lists_and_meta(tmp_path):
    store = GeoPackageStore(tmp_path / "s.gpkg")
    store.write(_snapshot())
    back = store.read()
    assert back.products.loc[0, "name_vi"] == "Kẹo dừa Bến Tre"
    assert back.products.loc[0, "brand_types"] == ["ocop", "gi"]
    assert back.regions.loc[0, "commune_codes"] == ["29659", "28756"]
    assert back.meta == {"geometry_quality": "approximate"}
    assert back.communes.crs.to_epsg() == 4326


def test_failed_write_leaves_previous_store_readable(tmp_path, monkeypatch):
    store = GeoPackageStore(tmp_path / "s.gpkg")
    store.write(_snapshot("first"))
    before = store.path.read_bytes()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("brandmap.store._write_meta", explode)
    with pytest.raises(RuntimeError):
        store.write(_snapshot("second"))
    assert store.path.read_bytes() == before
    assert store.read().products.loc[0, "name_vi"] == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".s.lock", "s.gpkg"]


def test_replacing_keeps_a_backup(tmp_path):
    store = GeoPackageStore(tmp_path / "s.gpkg")
    store.write(_snapshot("first"))
    store.write(_snapshot("second"))
    assert GeoPackageStore(store.backup_path).read().products.loc[0, "name_vi"] == "first"


def test_missing_and_corrupt_stores_raise_store_error(tmp_path):
    with pytest.raises(StoreError, match="brandmap build"):
        GeoPackageStore(tmp_path / "none.gpkg").read()
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not a geopackage")
    with pytest.raises(StoreError, match="unreadable"):
        GeoPackageStore(junk).read()


def test_open_store_picks_backend_by_location(tmp_path):
    assert isinstance(open_store(tmp_path / "x.gpkg"), GeoPackageStore)
