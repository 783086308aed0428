"""The coordinate reference systems brandmap serves, and the pinned VN-2000 ↔ WGS 84 step.

Data is stored in WGS 84 longitude/latitude. The provincial GIS works in VN-2000: the
former Vĩnh Long and Trà Vinh provinces in the 3° zone with central meridian 105°30′
(EPSG:9209, the default), the former Bến Tre in the 105°45′ zone (EPSG:9210).

Why the datum step is pinned: Vietnam's official VN-2000 ↔ WGS 84 parameters are those of
Decision 05/2007/QĐ-BTNMT, recorded by EPSG as operation 6960 ("VN-2000 to WGS 84 (2)").
Asked for a plain CRS-to-CRS transformation, PROJ picks EPSG:5194 ("VN-2000 to WGS 84 (1)",
an oil-industry set for the Mekong delta) for points in the province, which lands about
0.8 m away. Every transformation here is therefore an explicit PROJ pipeline built from the
EPSG:6960 parameters, never PROJ's own choice.

Axis order: every coordinate passed in or out of this module is x first — longitude, then
latitude for WGS 84; easting, then northing for VN-2000 — as in GeoJSON, GeoPackage and
Shapefile. EPSG:4326 itself lists latitude first; :attr:`SupportedCrs.lat_first` says so for
protocols (OGC API – Features Part 2) that must follow the authority's order.

>>> parse_crs("9209").code
'EPSG:9209'
>>> x, y = transformer("EPSG:4326", "EPSG:9209").transform(106.0, 10.25)
>>> round(x, 2), round(y, 2)
(554576.73, 1133548.1)
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer

from brandmap.errors import QueryError, ValidationError

__all__ = [
    "CRS84",
    "DEFAULT_VN2000",
    "EPSG_4326",
    "EPSG_6960",
    "EPSG_9209",
    "EPSG_9210",
    "SUPPORTED_CRS",
    "HelmertParams",
    "SupportedCrs",
    "from_crs",
    "parse_crs",
    "pipeline_definition",
    "to_crs",
    "transform_bbox",
    "transformer",
]

_OGC_CRS_BASE = "http://www.opengis.net/def/crs"


@dataclass(frozen=True)
class HelmertParams:
    """A 7-parameter Helmert transformation as EPSG records it (metres, arc-seconds, ppm)."""

    epsg: int
    name: str
    tx: float
    ty: float
    tz: float
    rx: float
    ry: float
    rz: float
    ds_ppm: float
    convention: str  # "coordinate_frame" (EPSG method 9607) or "position_vector" (9606)

    def proj_step(self) -> str:
        """The PROJ ``helmert`` step, source (VN-2000) to target (WGS 84)."""
        return (
            f"+proj=helmert +x={self.tx!r} +y={self.ty!r} +z={self.tz!r} "
            f"+rx={self.rx!r} +ry={self.ry!r} +rz={self.rz!r} +s={self.ds_ppm!r} "
            f"+convention={self.convention}"
        )


#: Decision 05/2007/QĐ-BTNMT as EPSG:6960, VN-2000 → WGS 84, Coordinate Frame rotation.
EPSG_6960 = HelmertParams(
    epsg=6960,
    name="VN-2000 to WGS 84 (2)",
    tx=-191.90441429,
    ty=-39.30318279,
    tz=-111.45032835,
    rx=-0.00928836,
    ry=0.01975479,
    rz=-0.00427372,
    ds_ppm=0.252906278,
    convention="coordinate_frame",
)


@dataclass(frozen=True)
class SupportedCrs:
    """One CRS users may ask for, in its canonical spelling.

    ``code`` is the short form used in file names and the CLI (``EPSG:9209``), ``uri`` the
    OGC form used by OGC API – Features. ``datum`` is ``"WGS 84"`` or ``"VN-2000"``;
    ``proj_step`` maps the CRS's x/y to geographic radians (longitude, latitude) on its datum.
    """

    code: str
    uri: str
    label: str
    axis_order: str
    lat_first: bool
    datum: str
    proj_step: str

    @property
    def epsg(self) -> int | None:
        """The EPSG code, or ``None`` for OGC:CRS84."""
        auth, _, number = self.code.partition(":")
        return int(number) if auth == "EPSG" else None

    @property
    def projected(self) -> bool:
        return "tmerc" in self.proj_step

    @property
    def is_wgs84(self) -> bool:
        return self.datum == "WGS 84"

    @property
    def slug(self) -> str:
        """Lower-case, file-name-safe form: ``epsg9209``, ``crs84``.

        >>> EPSG_9209.slug, CRS84.slug
        ('epsg9209', 'crs84')
        """
        return re.sub(r"[^a-z0-9]", "", self.code.lower().replace("ogc:", ""))

    def to_pyproj(self) -> CRS:
        return CRS.from_user_input(self.code)


_DEG_TO_RAD = "+proj=unitconvert +xy_in=deg +xy_out=rad"
_LONLAT_NOTE = (
    "x = longitude, y = latitude (degrees) in brandmap files and GeoJSON; "
    "the EPSG definition lists latitude first"
)

EPSG_4326 = SupportedCrs(
    code="EPSG:4326",
    uri=f"{_OGC_CRS_BASE}/EPSG/0/4326",
    label="WGS 84 (longitude, latitude)",
    axis_order=_LONLAT_NOTE,
    lat_first=True,
    datum="WGS 84",
    proj_step=_DEG_TO_RAD,
)
CRS84 = SupportedCrs(
    code="OGC:CRS84",
    uri=f"{_OGC_CRS_BASE}/OGC/1.3/CRS84",
    label="WGS 84 (CRS84: longitude, latitude)",
    axis_order="x = longitude, y = latitude (degrees), also in the definition",
    lat_first=False,
    datum="WGS 84",
    proj_step=_DEG_TO_RAD,
)
EPSG_9209 = SupportedCrs(
    code="EPSG:9209",
    uri=f"{_OGC_CRS_BASE}/EPSG/0/9209",
    label="VN-2000 / TM-3 105°30′ (former Vĩnh Long, Trà Vinh)",
    axis_order="x = easting, y = northing (metres)",
    lat_first=False,
    datum="VN-2000",
    proj_step="+inv +proj=tmerc +lat_0=0 +lon_0=105.5 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84",
)
EPSG_9210 = SupportedCrs(
    code="EPSG:9210",
    uri=f"{_OGC_CRS_BASE}/EPSG/0/9210",
    label="VN-2000 / TM-3 105°45′ (former Bến Tre)",
    axis_order="x = easting, y = northing (metres)",
    lat_first=False,
    datum="VN-2000",
    proj_step="+inv +proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84",
)

#: Every CRS brandmap accepts, in the order help texts list them.
SUPPORTED_CRS: tuple[SupportedCrs, ...] = (EPSG_4326, CRS84, EPSG_9209, EPSG_9210)
#: VN-2000 output when the user does not name a zone.
DEFAULT_VN2000 = EPSG_9209

_BY_EPSG = {c.epsg: c for c in SUPPORTED_CRS if c.epsg is not None}
_EPSG_PATTERNS = (
    re.compile(r"^(?:epsg:{1,2})?(\d+)$"),
    re.compile(r"^https?://www\.opengis\.net/def/crs/epsg/[^/]+/(\d+)$"),
    re.compile(r"^urn:ogc:def:crs:epsg:[^:]*:(\d+)$"),
)
_CRS84_PATTERN = re.compile(
    r"^(?:(?:ogc:)?crs84|https?://www\.opengis\.net/def/crs/ogc/1\.3/crs84"
    r"|urn:ogc:def:crs:ogc:1\.3:crs84)$"
)


def parse_crs(value: str | SupportedCrs) -> SupportedCrs:
    """The supported CRS named by user input: a code, a bare number, an OGC URI or URN.

    Raises :class:`~brandmap.errors.QueryError` (``param="crs"``) naming what is supported.

    >>> parse_crs("http://www.opengis.net/def/crs/EPSG/0/9210").label
    'VN-2000 / TM-3 105°45′ (former Bến Tre)'
    >>> parse_crs("[OGC:CRS84]").code
    'OGC:CRS84'
    >>> parse_crs("EPSG:3405")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    brandmap.errors.QueryError: unsupported CRS 'EPSG:3405'; supported: EPSG:4326, OGC:CRS84, ...
    """
    if isinstance(value, SupportedCrs):
        return value
    text = str(value).strip()
    key = text.lower().removeprefix("[").removesuffix("]")
    if _CRS84_PATTERN.match(key):
        return CRS84
    for pattern in _EPSG_PATTERNS:
        match = pattern.match(key)
        if match and int(match.group(1)) in _BY_EPSG:
            return _BY_EPSG[int(match.group(1))]
    supported = ", ".join(c.code for c in SUPPORTED_CRS)
    raise QueryError(
        f"unsupported CRS {text!r}; supported: {supported} "
        f"(codes, bare numbers or {_OGC_CRS_BASE}/... URIs)",
        param="crs",
    )


def _invert(step: str) -> str:
    """The inverse of one PROJ pipeline step (toggles ``+inv``)."""
    return step.removeprefix("+inv ") if step.startswith("+inv ") else f"+inv {step}"


def _datum_steps(src_datum: str, dst_datum: str) -> list[str]:
    """Steps between the two datums on geographic radians: EPSG:6960, or nothing."""
    if src_datum == dst_datum:
        return []
    helmert = EPSG_6960.proj_step()
    if src_datum == "WGS 84":
        helmert = _invert(helmert)
    return [
        "+proj=push +v_3",
        "+proj=cart +ellps=WGS84",
        helmert,
        "+inv +proj=cart +ellps=WGS84",
        "+proj=pop +v_3",
    ]


def _pipeline(src_step: str, src_datum: str, dst_step: str, dst_datum: str) -> str:
    steps = [src_step, *_datum_steps(src_datum, dst_datum), _invert(dst_step)]
    return "+proj=pipeline " + " ".join(f"+step {s}" for s in steps)


def pipeline_definition(src: str | SupportedCrs, dst: str | SupportedCrs) -> str:
    """The PROJ pipeline string used between two supported CRSs (x-first both sides).

    >>> "+x=-191.90441429" in pipeline_definition("EPSG:9209", "EPSG:4326")
    True
    """
    a, b = parse_crs(src), parse_crs(dst)
    return _pipeline(a.proj_step, a.datum, b.proj_step, b.datum)


@lru_cache(maxsize=32)
def _cached_transformer(definition: str) -> Transformer:
    return Transformer.from_pipeline(definition)


def transformer(src: str | SupportedCrs, dst: str | SupportedCrs) -> Transformer:
    """A cached, pinned transformer between two supported CRSs; x/y (lon/lat) order both ways."""
    return _cached_transformer(pipeline_definition(src, dst))


def _transform_geometries(
    gdf: gpd.GeoDataFrame, xy: Callable[[np.ndarray], np.ndarray], crs: CRS
) -> gpd.GeoDataFrame:
    geoms = shapely.transform(np.asarray(gdf.geometry.array), xy)
    out = gdf.copy()
    out[gdf.geometry.name] = gpd.GeoSeries(geoms, index=gdf.index, crs=crs)
    return out.set_crs(crs, allow_override=True)


def _xy_function(tr: Transformer) -> Callable[[np.ndarray], np.ndarray]:
    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return apply


def _require_wgs84(gdf: gpd.GeoDataFrame) -> None:
    """Pipeline frames are WGS 84 lon/lat; a frame without CRS is taken as such."""
    if gdf.crs is not None and not CRS.from_user_input(gdf.crs).equals(
        EPSG_4326.to_pyproj(), ignore_axis_order=True
    ):
        raise ValidationError(f"expected a GeoDataFrame in EPSG:4326, got {gdf.crs.name}")


def to_crs(gdf: gpd.GeoDataFrame, crs: str | SupportedCrs) -> gpd.GeoDataFrame:
    """Reproject a WGS 84 frame into a supported CRS with the pinned transformation.

    The copy's geometries are transformed coordinate by coordinate (``shapely.transform``)
    and its ``crs`` set to the target, so files written from it carry the right definition.
    """
    target = parse_crs(crs)
    _require_wgs84(gdf)
    if target.is_wgs84:  # same coordinates; only the label changes
        return gdf.set_crs(target.to_pyproj(), allow_override=True)
    xy = _xy_function(transformer(EPSG_4326, target))
    return _transform_geometries(gdf, xy, target.to_pyproj())


_NON_PROJECTION_KEYS = {"+towgs84", "+nadgrids", "+type", "+no_defs", "+wktext", "+units"}


def _vn2000_proj_step(source: CRS) -> str | None:
    """The to-geographic-radians step of any VN-2000-based CRS, or ``None`` if not VN-2000."""
    geodetic = source.geodetic_crs
    if geodetic is None:
        return None
    datum = re.sub(r"[^a-z0-9]", "", (geodetic.datum.name if geodetic.datum else "").lower())
    if "vietnam2000" not in datum and "vn2000" not in datum:
        return None
    if source.is_geographic:
        return _DEG_TO_RAD
    if not source.is_projected or any(a.unit_name != "metre" for a in source.axis_info):
        raise ValidationError(f"unsupported VN-2000 coordinate system: {source.name}")
    known = _BY_EPSG.get(source.to_epsg() or 0)
    if known is not None:
        return known.proj_step
    with warnings.catch_warnings():  # PROJ strings drop metadata; only the projection is used
        warnings.simplefilter("ignore", UserWarning)
        tokens = source.to_proj4().split()
    kept = [t for t in tokens if t.split("=")[0] not in _NON_PROJECTION_KEYS]
    return "+inv " + " ".join(kept)


def from_crs(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """An imported frame in EPSG:4326; VN-2000 data (any zone) goes through EPSG:6960.

    Any TOWGS84 clause the file's own CRS definition carries is ignored for VN-2000: the
    official parameters win. Other CRSs (e.g. UTM 48N on WGS 84) use PROJ's transformation.
    """
    if gdf.crs is None:
        raise ValidationError("the file declares no coordinate reference system")
    source = CRS.from_user_input(gdf.crs)
    if source.equals(EPSG_4326.to_pyproj(), ignore_axis_order=True):
        return gdf.set_crs(EPSG_4326.code, allow_override=True)
    step = _vn2000_proj_step(source)
    if step is None:
        return gdf.to_crs(EPSG_4326.code)
    definition = _pipeline(step, "VN-2000", EPSG_4326.proj_step, "WGS 84")
    xy = _xy_function(_cached_transformer(definition))
    return _transform_geometries(gdf, xy, EPSG_4326.to_pyproj())


def transform_bbox(
    bbox: Sequence[float],
    src: str | SupportedCrs,
    dst: str | SupportedCrs,
    densify: int = 21,
) -> tuple[float, float, float, float]:
    """The box ``(minx, miny, maxx, maxy)`` in ``dst`` that encloses ``bbox`` given in ``src``.

    Each edge is sampled at ``densify`` points, so curved edges stay inside the result.

    >>> box = transform_bbox((105.9, 10.2, 106.1, 10.3), "EPSG:4326", "EPSG:9209")
    >>> [round(v) for v in box]
    [543615, 1128003, 565542, 1139097]
    """
    minx, miny, maxx, maxy = (float(v) for v in bbox)
    if minx > maxx or miny > maxy:
        raise QueryError(f"bbox {tuple(bbox)} has min greater than max", param="bbox")
    t = np.linspace(0.0, 1.0, densify)
    along_x, along_y = minx + (maxx - minx) * t, miny + (maxy - miny) * t
    low_x, high_x = np.full(densify, minx), np.full(densify, maxx)
    low_y, high_y = np.full(densify, miny), np.full(densify, maxy)
    xs = np.concatenate([along_x, along_x, low_x, high_x])
    ys = np.concatenate([low_y, high_y, along_y, along_y])
    x, y = transformer(src, dst).transform(xs, ys)
    return float(np.min(x)), float(np.min(y)), float(np.max(x)), float(np.max(y))
