"""Fetching the pinned official polygons: checksum-verified, all or nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from brandmap.errors import FetchError
from brandmap.geo import register
from brandmap.geo.boundaries import LAYER_COLUMNS, save_real_boundaries
from brandmap.geo.fetch import fetch_boundaries, read_manifest

CODES = sorted(c.code for c in register.communes())


@pytest.fixture
def mirror_copy(upstream_mirror: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "mirror"
    shutil.copytree(upstream_mirror, copy)
    for path in copy.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return copy


def _ward_file(mirror: Path, code: str) -> Path:
    entry = next(e for e in read_manifest() if e.code == code)
    return mirror / entry.path


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


def _fetch_and_save(base: Path, target: Path) -> None:
    save_real_boundaries(fetch_boundaries(base.as_uri()), target)


@pytest.mark.reference
def test_checksum_mismatch_fails_and_saves_nothing(mirror_copy: Path, tmp_path: Path) -> None:
    victim = _ward_file(mirror_copy, "29659")
    data = bytearray(victim.read_bytes())
    data[200] = ord("9") if data[200] != ord("9") else ord("8")
    victim.write_bytes(bytes(data))
    target = tmp_path / "real.gpkg"
    target.write_bytes(b"previous boundaries")
    with pytest.raises(FetchError, match=f"checksum mismatch for .*{victim.name}"):
        _fetch_and_save(mirror_copy, target)
    assert target.read_bytes() == b"previous boundaries"


@pytest.mark.reference
def test_missing_file_fails_and_saves_nothing(mirror_copy: Path, tmp_path: Path) -> None:
    victim = _ward_file(mirror_copy, "28756")
    victim.unlink()
    target = tmp_path / "real.gpkg"
    with pytest.raises(FetchError, match=victim.name):
        _fetch_and_save(mirror_copy, target)
    assert not target.exists()


def test_unreachable_server_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match="could not download"):
        fetch_boundaries("http://127.0.0.1:9/", timeout=2)
