"""Where a product is: the spatial filter parameters and the distances behind them.

Parses ``bbox``, ``polygon``, ``near`` and ``radius_km`` (WGS 84 longitude/latitude) into
checked tuples, refusing bad input with a :class:`QueryError` naming the parameter, and
gives the product index its spatial tests: great-circle distance, a box around a circle,
points in a box.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

from brandmap.errors import QueryError

__all__ = [
    "DEFAULT_RADIUS_KM",
    "EARTH_RADIUS_KM",
    "MAX_POLYGON_CORNERS",
    "haversine_km",
    "in_bbox",
    "near_box",
    "parse_bbox",
    "parse_near",
    "parse_number",
    "parse_polygon",
    "parse_radius",
]

MAX_POLYGON_CORNERS = 500  # a hand-drawn area; also keeps the URL under 8 KB
EARTH_RADIUS_KM = 6371.0088
DEFAULT_RADIUS_KM = 5.0


def parse_number(name: str, text: str) -> float:
    """A finite number; NaN and infinity would pass every comparison test silently."""
    try:
        number = float(text)
    except ValueError:
        raise QueryError(f"{name} must be a number, got {text[:50]!r}", name) from None
    if not math.isfinite(number):
        raise QueryError(f"{name} must be a finite number", name)
    return number


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``minLon,minLat,maxLon,maxLat`` in WGS 84; a box crossing the antimeridian is refused."""
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise QueryError("bbox must be minLon,minLat,maxLon,maxLat", "bbox")
    min_lon, min_lat, max_lon, max_lat = (parse_number("bbox", p) for p in parts)
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise QueryError(
            "bbox must be minLon,minLat,maxLon,maxLat within -180..180, -90..90", "bbox"
        )
    return min_lon, min_lat, max_lon, max_lat


def parse_polygon(text: str | None) -> tuple[tuple[float, float], ...] | None:
    """An area drawn on the map: ``lon,lat,lon,lat,…`` (WGS 84), at least three corners;
    the ring is closed if it is not. A ring that crosses itself is refused, not repaired
    (the repair could keep another area than the one meant).

    >>> parse_polygon("105.9,10.0,106.1,10.0,106.0,10.2")
    ((105.9, 10.0), (106.1, 10.0), (106.0, 10.2), (105.9, 10.0))
    """
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) % 2 or not 6 <= len(parts) <= 2 * MAX_POLYGON_CORNERS:
        raise QueryError(
            f"polygon must be lon,lat pairs: 3 to {MAX_POLYGON_CORNERS} corners", "polygon"
        )
    numbers = [parse_number("polygon", p) for p in parts]
    ring = list(zip(numbers[0::2], numbers[1::2], strict=True))
    if not all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring):
        raise QueryError("polygon corners must be lon,lat within -180..180, -90..90", "polygon")
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    shape = shapely.Polygon(ring)
    if shape.area == 0 or not shape.is_valid:
        raise QueryError("polygon must enclose an area without crossing itself", "polygon")
    return tuple(ring)


def parse_near(text: str | None) -> tuple[float, float] | None:
    """``lat,lon``: latitude first, as people read a place off a map or a phone."""
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 2:
        raise QueryError("near must be lat,lon", "near")
    lat, lon = (parse_number("near", p) for p in parts)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise QueryError("near must be lat,lon with lat in -90..90 and lon in -180..180", "near")
    return lat, lon


def parse_radius(text: str | None, near: tuple[float, float] | None) -> float | None:
    """Kilometres around ``near`` (5 by default); meaningless, so refused, without it."""
    if text is None:
        return DEFAULT_RADIUS_KM if near else None
    if near is None:
        raise QueryError("radius_km needs near=lat,lon", "radius_km")
    radius = parse_number("radius_km", text)
    if not 0 < radius <= 500:
        raise QueryError("radius_km must be greater than 0 and at most 500", "radius_km")
    return radius


def near_box(near: tuple[float, float], radius_km: float) -> tuple[float, float, float, float]:
    """A lon/lat box that surely holds the circle of ``radius_km`` around ``near``."""
    lat, lon = near
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM) * 1.01
    dlon = dlat / max(math.cos(math.radians(min(abs(lat) + dlat, 89.9))), 1e-6)
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def in_bbox(
    lon: np.ndarray, lat: np.ndarray, bbox: tuple[float, float, float, float]
) -> np.ndarray:
    min_lon, min_lat, max_lon, max_lat = bbox
    return (lon >= min_lon) & (lon <= max_lon) & (lat >= min_lat) & (lat <= max_lat)


def haversine_km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """Great-circle distance in km from (lat0, lon0) to every (lat, lon).

    >>> round(float(haversine_km(np.array([10.0]), np.array([106.0]), 10.0, 106.01)[0]), 3)
    1.095
    """
    lat1, lon1, lat2, lon2 = map(np.radians, (lat, lon, lat0, lon0))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))
