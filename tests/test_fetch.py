"""Fetching the pinned official polygons: checksum-verified, all or nothing."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from brandmap.errors import FetchError
from brandmap.geo import register
from brandmap.geo.boundaries import LAYER_COLUMNS
from brandmap.geo.fetch import fetch_boundaries, read_manifest

CODES = sorted(c.code for c in register.communes())


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


# A failed fetch leaves the store and the saved boundaries alone: tests/test_cli.py runs the
# command that saves, `brandmap fetch boundaries`, against a corrupted and an incomplete mirror.


def test_unreachable_server_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match="could not download"):
        fetch_boundaries("http://127.0.0.1:9/", timeout=2)
