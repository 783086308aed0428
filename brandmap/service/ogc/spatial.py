"""Where: the ``bbox``, ``bbox-crs`` and ``crs`` parameters, and features sent in a CRS.

Part 2 "CRS by reference" for CRS84 (the default and the storage CRS), EPSG:4326 (latitude
first, as EPSG defines it), EPSG:9209 and EPSG:9210 (VN-2000 through the pinned EPSG:6960
transformation).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from brandmap.errors import QueryError
from brandmap.geo import crs as crs_mod
from brandmap.present.dataset import Dataset
from brandmap.present.geojson import feature_bytes
from brandmap.service.ogc.layers import CollectionSpec, frame_of, snapshot_cache

__all__ = ["WHOLE_LAYER_ROWS", "bbox_match", "features_at", "parse_bbox", "parse_crs_param"]

#: Layers up to this size are serialized whole on first use of a CRS; larger ones page by page.
WHOLE_LAYER_ROWS = 5_000


def parse_crs_param(text: str | None, param: str) -> crs_mod.SupportedCrs:
    """The CRS named by parameter ``param`` (CRS84 when absent); the 400 names the parameter."""
    if text is None:
        return crs_mod.CRS84
    try:
        return crs_mod.parse_crs(text)
    except QueryError as exc:
        raise QueryError(f"{param}: {exc}", param) from None


def parse_bbox(text: str, bbox_crs: crs_mod.SupportedCrs) -> tuple[float, float, float, float]:
    """``bbox`` in the axis order of ``bbox_crs``, returned x first (lon/lat or east/north).

    Four numbers, or six with heights (ignored). In EPSG:4326 the order is
    minLat,minLon,maxLat,maxLon.

    >>> parse_bbox("10,106,10.5,106.5", crs_mod.EPSG_4326)
    (106.0, 10.0, 106.5, 10.5)
    """
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise QueryError("bbox must be 4 numbers (or 6 with heights) separated by commas", "bbox")
    numbers = [_finite(p) for p in parts]
    if len(numbers) == 6:  # heights are ignored: every feature here is 2D
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    x1, y1, x2, y2 = numbers
    if bbox_crs.lat_first:
        x1, y1, x2, y2 = y1, x1, y2, x2
    if y1 > y2:
        raise QueryError("bbox: the lower corner is above the upper corner", "bbox")
    if bbox_crs.projected:
        if x1 > x2:
            raise QueryError("bbox: the lower corner is right of the upper corner", "bbox")
    elif not (-180 <= x1 <= 180 and -180 <= x2 <= 180 and -90 <= y1 <= 90 and -90 <= y2 <= 90):
        raise QueryError("bbox: longitudes must lie in -180..180 and latitudes in -90..90", "bbox")
    return x1, y1, x2, y2


def _finite(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise QueryError(f"bbox: {text.strip()[:50]!r} is not a number", "bbox") from None
    if not np.isfinite(number):
        raise QueryError("bbox: numbers must be finite", "bbox")
    return number


def bbox_match(
    frame: gpd.GeoDataFrame, box: tuple[float, float, float, float], bbox_crs: crs_mod.SupportedCrs
) -> np.ndarray:
    """Positions of the features that intersect ``box`` (x-first, in ``bbox_crs``)."""
    if len(frame) == 0:
        return np.array([], dtype=int)
    if not bbox_crs.projected:
        x1, y1, x2, y2 = box
        boxes = [box] if x1 <= x2 else [(x1, y1, 180.0, y2), (-180.0, y1, x2, y2)]  # antimeridian
        hits = [frame.sindex.query(shapely.box(*b), predicate="intersects") for b in boxes]
        return np.unique(np.concatenate(hits))
    enclosing = crs_mod.transform_bbox(box, bbox_crs, crs_mod.CRS84)
    candidates = np.unique(frame.sindex.query(shapely.box(*enclosing), predicate="intersects"))
    if len(candidates) == 0:
        return candidates
    projected = crs_mod.to_crs(frame.iloc[candidates], bbox_crs)
    return candidates[projected.intersects(shapely.box(*box)).to_numpy()]


def features_at(
    dataset: Dataset, spec: CollectionSpec, target: crs_mod.SupportedCrs, positions: np.ndarray
) -> list[bytes]:
    """Serialized features at ``positions``, in ``target``.

    Products in CRS84 are serialized once per snapshot (by the dataset); other CRSs are
    cached whole for small layers, and for large ones only the requested page is projected,
    so the first request in a new CRS costs a page, not the whole layer.
    """
    if spec.id == "products" and target == crs_mod.CRS84:
        strings = dataset.product_features
        return [strings[i] for i in positions]
    key = ("features", spec.id, target.code)
    cache = snapshot_cache(dataset)
    frame = frame_of(dataset, spec.id)
    if key not in cache and len(frame) > WHOLE_LAYER_ROWS:
        return _serialize(frame.iloc[positions], spec, target)
    if key not in cache:
        cache[key] = _serialize(frame, spec, target)
    return [cache[key][i] for i in positions]


def _serialize(frame: gpd.GeoDataFrame, spec: CollectionSpec, target: crs_mod.SupportedCrs):
    frame = _in_crs(frame, target)
    present = [p for p in spec.properties if p in frame]
    return feature_bytes(frame, present, spec.id_column)


def _in_crs(frame: gpd.GeoDataFrame, target: crs_mod.SupportedCrs) -> gpd.GeoDataFrame:
    """The frame's geometries in ``target``, in that CRS's own axis order."""
    if target.projected or not target.is_wgs84:
        frame = crs_mod.to_crs(frame, target)
    if target.lat_first:
        frame = frame.copy()
        swapped = shapely.transform(np.asarray(frame.geometry.array), lambda xy: xy[:, ::-1])
        frame[frame.geometry.name] = gpd.GeoSeries(swapped, index=frame.index)
    return frame
