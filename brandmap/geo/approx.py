"""Approximate 2025 commune polygons, built offline from the commune register alone.

No openly licensed polygons of the 2025 communes exist, so ``make run`` draws approximate
ones until the real boundaries are fetched (:mod:`brandmap.geo.fetch`) or imported
(:mod:`brandmap.geo.boundary_file`). Each pre-merger commune and each 2025 commune has a
known centre; a Thiessen (Voronoi) cell around every centre goes to the 2025 commune that
took it over, the cells of one commune are dissolved, and everything is clipped to an openly
licensed province outline (:mod:`brandmap.geo.outline`). Using the 354 old centres as well
as the 124 new ones follows the real shape of each merger far better than Voronoi cells of
the new centres alone.

The result is deterministic, covers the outline without overlaps, gives every commune a
non-empty polygon, and is flagged ``geometry_quality="approximate"``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint
from shapely.geometry.base import BaseGeometry

from brandmap.errors import BoundaryError
from brandmap.geo import register
from brandmap.geo.boundaries import communes_layer
from brandmap.geo.outline import WORK_CRS, province_outline

__all__ = ["Seed", "approximate_communes", "seeds", "thiessen_partition"]

_TO_METRES = Transformer.from_crs("EPSG:4326", WORK_CRS, always_xy=True)
_TO_LONLAT = Transformer.from_crs(WORK_CRS, "EPSG:4326", always_xy=True)
#: Seeds closer than this (metres) are one seed: the first one listed keeps the cell.
_SAME_POINT_M = 1.0


@dataclass(frozen=True)
class Seed:
    """A known centre (lon, lat) and the 2025 commune its surroundings belong to."""

    lon: float
    lat: float
    code: str


def _metres(lon: Sequence[float], lat: Sequence[float]) -> np.ndarray:
    x, y = _TO_METRES.transform(np.asarray(lon), np.asarray(lat))
    return np.column_stack([x, y])


def seeds() -> list[Seed]:
    """The 2025 centres first, then every pre-merger centre labelled with its successor.

    A pre-merger unit split between several 2025 communes goes to the successor whose
    centre is nearest to it.
    """
    new = register.communes()
    centre = dict(
        zip((c.code for c in new), _metres([c.lon for c in new], [c.lat for c in new]), strict=True)
    )
    out = [Seed(c.lon, c.lat, c.code) for c in new]
    for unit in sorted(register.legacy_units(), key=lambda u: u.code):
        candidates = [code for code in unit.successors if code in centre]
        if not candidates:
            continue
        here = _metres([unit.lon], [unit.lat])[0]
        nearest = min(candidates, key=lambda code: float(np.sum((centre[code] - here) ** 2)))
        out.append(Seed(unit.lon, unit.lat, nearest))
    return out


def thiessen_partition(
    points: np.ndarray, labels: Sequence[str], outline: BaseGeometry
) -> dict[str, BaseGeometry]:
    """Voronoi cells of ``points`` dissolved by label and clipped to ``outline``.

    Points and outline share one planar CRS. A point repeating an earlier one is skipped.

    >>> square = shapely.box(0, 0, 20, 20)
    >>> corners = np.array([[5.0, 5], [15, 5], [5, 15], [15, 15]])
    >>> cells = thiessen_partition(corners, "aaab", square)
    >>> {label: round(cell.area) for label, cell in sorted(cells.items())}
    {'a': 300, 'b': 100}
    """
    keep: dict[tuple[int, int], int] = {}
    for i, (x, y) in enumerate(points):
        keep.setdefault((round(x / _SAME_POINT_M), round(y / _SAME_POINT_M)), i)
    index = sorted(keep.values())
    cells = shapely.voronoi_polygons(
        MultiPoint(points[index]), extend_to=outline.envelope.buffer(10_000), ordered=True
    )
    by_label: dict[str, list[BaseGeometry]] = defaultdict(list)
    for i, cell in zip(index, cells.geoms, strict=True):
        by_label[labels[i]].append(cell)
    return {
        label: shapely.intersection(shapely.coverage_union_all(parts), outline)
        for label, parts in by_label.items()
    }


def _to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    def apply(xy: np.ndarray) -> np.ndarray:
        lon, lat = _TO_LONLAT.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, apply)


def approximate_communes(package_dir: Path | None = None) -> gpd.GeoDataFrame:
    """The communes layer with approximate polygons (``geometry_quality="approximate"``).

    ``package_dir`` overrides where the Natural Earth package is looked for. The outline's
    origin is kept in ``attrs["outline_source"]``.
    """
    centres = seeds()
    points = _metres([s.lon for s in centres], [s.lat for s in centres])
    outline = province_outline([(s.lon, s.lat) for s in centres], package_dir)
    cells = thiessen_partition(points, [s.code for s in centres], outline.geometry)
    empty = sorted(code for code, geom in cells.items() if geom.is_empty)
    if empty or len(cells) != len(register.communes()):
        raise BoundaryError(f"approximate polygons left communes without area: {empty}")
    layer = communes_layer(
        {code: _to_lonlat(geom) for code, geom in cells.items()}, quality="approximate"
    )
    layer.attrs["outline_source"] = outline.source
    return layer
