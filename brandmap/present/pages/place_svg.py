"""A small static map made on the server: the commune's outline and the product's point,
as SVG path data (numbers only, so no product text can reach it)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["PlaceDrawing", "place_drawing"]

WIDTH = 320.0
PADDING = 12.0


@dataclass(frozen=True)
class PlaceDrawing:
    """What the template draws: a viewBox, the outline's path and the point."""

    view_box: str
    outline: str
    x: float
    y: float


def place_drawing(outline: BaseGeometry | None, point: BaseGeometry | None) -> PlaceDrawing | None:
    """The commune outline with the point in it, scaled to :data:`WIDTH` (north up, the
    longitude shrunk by the cosine of the latitude so shapes keep their proportions).

    >>> square = shapely.box(106.0, 10.0, 106.1, 10.1)
    >>> drawing = place_drawing(square, shapely.Point(106.05, 10.05))
    >>> drawing.view_box, round(drawing.x), round(drawing.y)
    ('0 0 339 344', 170, 172)
    """
    if outline is None or outline.is_empty or point is None or point.is_empty:
        return None
    minx, miny, maxx, maxy = shapely.union(outline.envelope, point).bounds
    shrink = math.cos(math.radians((miny + maxy) / 2))
    span = max((maxx - minx) * shrink, maxy - miny) or 1e-6
    scale = WIDTH / span

    def at(lon: float, lat: float) -> tuple[float, float]:
        return PADDING + (lon - minx) * shrink * scale, PADDING + (maxy - lat) * scale

    simplified = shapely.simplify(outline, span / 400, preserve_topology=True)
    rings = [
        ring
        for polygon in shapely.get_parts(simplified)
        if polygon.geom_type == "Polygon"
        for ring in (polygon.exterior, *polygon.interiors)
    ]
    path = " ".join(_ring_path(ring.coords, at) for ring in rings)
    x, y = at(point.x, point.y)
    width, height = at(maxx, miny)
    return PlaceDrawing(f"0 0 {width + PADDING:.0f} {height + PADDING:.0f}", path, x, y)


def _ring_path(coords, at) -> str:
    points = [at(lon, lat) for lon, lat, *_ in coords]
    return "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in points) + " Z"
