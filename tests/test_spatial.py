"""Spatial filter helpers: distances, and the box the index searches around a circle."""

from __future__ import annotations

import math

import numpy as np
import pyproj
import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandmap.query.spatial import haversine_km, in_bbox, near_box


def test_haversine_is_symmetric_and_zero_at_origin():
    assert haversine_km(np.array([10.0]), np.array([106.0]), 10.0, 106.0)[0] == 0
    there = haversine_km(np.array([9.6]), np.array([106.4]), 10.2, 105.9)[0]
    back = haversine_km(np.array([10.2]), np.array([105.9]), 9.6, 106.4)[0]
    assert there == back > 0


@given(
    lat=st.floats(-80, 80),
    lon=st.floats(-170, 170),
    radius_km=st.floats(0.1, 500),
    bearing=st.floats(0, 2 * math.pi),
    fraction=st.floats(0, 0.999),
)
def test_near_box_holds_every_point_of_the_circle(lat, lon, radius_km, bearing, fraction):
    """The index searches only this box for ``near``: a point in the circle outside it
    would be a product silently missing from the answer."""
    step = radius_km * fraction / 111.0  # degrees of latitude, roughly
    point_lat = lat + step * math.cos(bearing)
    point_lon = lon + step * math.sin(bearing) / math.cos(math.radians(point_lat))
    distance = haversine_km(np.array([point_lat]), np.array([point_lon]), lat, lon)[0]
    if distance <= radius_km:
        box = near_box((lat, lon), radius_km)
        assert in_bbox(np.array([point_lon]), np.array([point_lat]), box)[0]


# Distances are checked against pyproj's geodesics on the WGS 84 ellipsoid, an independent
# reference; the filter's sphere differs from it by under 0.6 % at these latitudes.
GEOD = pyproj.Geod(ellps="WGS84")
PLACES = {  # lat, lon of town centres
    "Vĩnh Long": (10.2537, 105.9722),
    "Bến Tre": (10.2433, 106.3756),
    "Trà Vinh": (9.9347, 106.3455),
    "Cần Thơ": (10.0452, 105.7469),
    "Hà Nội": (21.0278, 105.8342),
}


@pytest.mark.parametrize(
    "start, end", [("Vĩnh Long", "Bến Tre"), ("Vĩnh Long", "Trà Vinh"), ("Cần Thơ", "Hà Nội")]
)
def test_distances_between_towns_match_the_geodesic(start, end):
    (lat0, lon0), (lat, lon) = PLACES[start], PLACES[end]
    _, _, metres = GEOD.inv(lon0, lat0, lon, lat)
    km = haversine_km(np.array([lat]), np.array([lon]), lat0, lon0)[0]
    assert km == pytest.approx(metres / 1000, rel=0.006)


def test_a_quarter_meridian_on_the_mean_sphere():
    """Pole to equator is a quarter of the great circle of the IUGG mean radius, 6371.0088 km."""
    assert haversine_km(np.array([90.0]), np.array([0.0]), 0.0, 0.0)[0] == pytest.approx(
        6371.0088 * math.pi / 2
    )
