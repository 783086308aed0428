"""The GeoPackage store: round trip, atomic replacement, clear errors."""

from __future__ import annotations

import pytest
from builders import tiny_snapshot

from brandmap.errors import StoreError
from brandmap.store import GeoPackageStore, open_store


def test_round_trip_keeps_text_lists_and_meta(tmp_path):
    store = GeoPackageStore(tmp_path / "s.gpkg")
    store.write(tiny_snapshot())
    back = store.read()
    assert back.products.loc[0, "name_vi"] == "Kẹo dừa Bến Tre"
    assert back.products.loc[0, "brand_types"] == ["ocop", "gi"]
    assert back.regions.loc[0, "commune_codes"] == ["29659", "28756"]
    assert back.meta == {"geometry_quality": "approximate"}
    assert back.communes.crs.to_epsg() == 4326


def test_failed_write_leaves_previous_store_readable(tmp_path, monkeypatch):
    store = GeoPackageStore(tmp_path / "s.gpkg")
    store.write(tiny_snapshot("first"))
    before = store.path.read_bytes()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("brandmap.store.geopackage._write_meta", explode)
    with pytest.raises(RuntimeError):
        store.write(tiny_snapshot("second"))
    assert store.path.read_bytes() == before
    assert store.read().products.loc[0, "name_vi"] == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".s.lock", "s.gpkg"]


def test_replacing_keeps_a_backup(tmp_path):
    store = GeoPackageStore(tmp_path / "s.gpkg")
    store.write(tiny_snapshot("first"))
    store.write(tiny_snapshot("second"))
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
