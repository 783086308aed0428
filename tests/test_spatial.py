"""Spatial filter helpers: distances, and the box the index searches around a circle."""

from __future__ import annotations

import math

import numpy as np
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
