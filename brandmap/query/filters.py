"""Product queries: request parameters → a checked filter → matching rows.

No HTTP here: the web layer hands in a mapping of parameter name → list of values, and
gets back row positions or a :class:`QueryError` naming the bad parameter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from brandmap.catalog.schema import BRAND_TYPES, CATEGORIES, VALUE_CHAINS
from brandmap.errors import QueryError
from brandmap.text import fold

__all__ = [
    "FILTER_PARAMS",
    "WHOLE_NUMBER",
    "Page",
    "ProductFilter",
    "ProductIndex",
    "lenient_filter",
    "parse_filter",
    "parse_page",
]

FILTER_PARAMS = (
    "commune",
    "region",
    "category",
    "brand_type",
    "value_chain",
    "min_stars",
    "q",
    "bbox",
    "polygon",
    "near",
    "radius_km",
)
PAGE_PARAMS = ("limit", "offset")
MAX_LIMIT = 10_000
MAX_TEXT = 200
MAX_POLYGON_CORNERS = 500  # a hand-drawn area; also keeps the URL under 8 KB
EARTH_RADIUS_KM = 6371.0088
DEFAULT_RADIUS_KM = 5.0
# ASCII digits only (str.isdigit also accepts "²" and "٣", which int() refuses).
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,12}")


@dataclass(frozen=True)
class ProductFilter:
    """Every product filter; empty fields do not filter."""

    communes: tuple[str, ...] = ()
    region: str | None = None
    category: str | None = None
    brand_types: tuple[str, ...] = ()
    value_chain: str | None = None
    min_stars: int | None = None
    q: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    polygon: tuple[tuple[float, float], ...] | None = None  # closed ring of (lon, lat)
    near: tuple[float, float] | None = None  # (lat, lon)
    radius_km: float | None = None


@dataclass(frozen=True)
class Page:
    limit: int = 100
    offset: int = 0


Params = Mapping[str, Sequence[str]]


def parse_filter(
    params: Params, communes: set[str], regions: set[str], extra: Sequence[str] = ()
) -> ProductFilter:
    """Check every filter parameter; unknown parameters are refused, not ignored.

    ``extra`` names parameters the caller handles itself (``limit``, ``lang``, ...).
    """
    unknown = sorted(set(params) - set(FILTER_PARAMS) - set(extra))
    if unknown:
        raise QueryError(f"unknown parameter(s): {', '.join(unknown)}", unknown[0])
    for name, values in params.items():
        if name != "commune" and name != "brand_type" and len(values) > 1:
            raise QueryError(f"parameter {name!r} may be given only once", name)
    one = {name: values[0] for name, values in params.items() if values}
    near = _parse_near(one.get("near"))
    return ProductFilter(
        communes=_parse_codes(params.get("commune", ()), communes),
        region=_parse_choice("region", one.get("region"), regions),
        category=_parse_choice("category", one.get("category"), CATEGORIES),
        brand_types=tuple(
            _parse_choice("brand_type", v, BRAND_TYPES) for v in params.get("brand_type", ())
        ),
        value_chain=_parse_choice("value_chain", one.get("value_chain"), VALUE_CHAINS),
        min_stars=_parse_int("min_stars", one.get("min_stars"), 3, 5),
        q=_parse_text(one.get("q")),
        bbox=_parse_bbox(one.get("bbox")),
        polygon=_parse_polygon(one.get("polygon")),
        near=near,
        radius_km=_parse_radius(one.get("radius_km"), near),
    )


def lenient_filter(params: Params, communes: set[str], regions: set[str]) -> ProductFilter:
    """The filters of a shared map link, where a parameter the API would refuse is dropped.

    An old or hand-edited link still opens the map, with what can be understood of it.

    >>> lenient_filter({"min_stars": ["9"], "q": ["buoi"]}, set(), set())
    ProductFilter(communes=(), region=None, category=None, brand_types=(), value_chain=None, \
min_stars=None, q='buoi', bbox=None, polygon=None, near=None, radius_km=None)
    """
    kept: dict[str, Sequence[str]] = {}
    for name in FILTER_PARAMS:
        if not params.get(name):
            continue
        trial = {**kept, name: params[name]}
        try:
            parse_filter(trial, communes, regions)
        except QueryError:
            continue
        kept = trial
    return parse_filter(kept, communes, regions)


def parse_page(params: Params, default_limit: int = 100) -> Page:
    limit = _parse_int("limit", _first(params, "limit"), 1, MAX_LIMIT)
    offset = _parse_int("offset", _first(params, "offset"), 0, 10**9)
    return Page(limit=default_limit if limit is None else limit, offset=offset or 0)


def _first(params: Params, name: str) -> str | None:
    values = params.get(name) or ()
    if len(values) > 1:
        raise QueryError(f"parameter {name!r} may be given only once", name)
    return values[0] if values else None


def _parse_codes(values: Sequence[str], known: set[str]) -> tuple[str, ...]:
    codes = tuple(code.strip() for value in values for code in value.split(",") if code.strip())
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise QueryError(f"unknown 2025 commune code(s): {', '.join(unknown[:5])}", "commune")
    return codes


def _parse_choice(name: str, value: str | None, allowed: Sequence[str] | set[str]) -> str | None:
    if value is None or value == "":
        return None
    if value not in allowed:
        shown = ", ".join(sorted(allowed)[:20])
        raise QueryError(f"unknown {name} {value[:50]!r}; expected one of: {shown}", name)
    return value


def _parse_number(name: str, text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise QueryError(f"{name} must be a number, got {text[:50]!r}", name) from None
    if not math.isfinite(number):
        raise QueryError(f"{name} must be a finite number", name)
    return number


def _parse_int(name: str, text: str | None, low: int, high: int) -> int | None:
    if text is None or text == "":
        return None
    if not WHOLE_NUMBER.fullmatch(text.strip()):
        raise QueryError(f"{name} must be a whole number, got {text[:50]!r}", name)
    number = int(text)
    if not low <= number <= high:
        raise QueryError(f"{name} must be between {low} and {high}, got {number}", name)
    return number


def _parse_text(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    if len(text) > MAX_TEXT:
        raise QueryError(f"q is longer than {MAX_TEXT} characters", "q")
    return fold(text)


def _parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise QueryError("bbox must be minLon,minLat,maxLon,maxLat", "bbox")
    min_lon, min_lat, max_lon, max_lat = (_parse_number("bbox", p) for p in parts)
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise QueryError(
            "bbox must be minLon,minLat,maxLon,maxLat within -180..180, -90..90", "bbox"
        )
    return min_lon, min_lat, max_lon, max_lat


def _parse_polygon(text: str | None) -> tuple[tuple[float, float], ...] | None:
    """An area drawn on the map: ``lon,lat,lon,lat,…`` (WGS 84), at least three corners;
    the ring is closed if it is not. A ring that crosses itself is refused, not repaired
    (the repair could keep another area than the one meant).

    >>> _parse_polygon("105.9,10.0,106.1,10.0,106.0,10.2")
    ((105.9, 10.0), (106.1, 10.0), (106.0, 10.2), (105.9, 10.0))
    """
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) % 2 or not 6 <= len(parts) <= 2 * MAX_POLYGON_CORNERS:
        raise QueryError(
            f"polygon must be lon,lat pairs: 3 to {MAX_POLYGON_CORNERS} corners", "polygon"
        )
    numbers = [_parse_number("polygon", p) for p in parts]
    ring = list(zip(numbers[0::2], numbers[1::2], strict=True))
    if not all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring):
        raise QueryError("polygon corners must be lon,lat within -180..180, -90..90", "polygon")
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    shape = shapely.Polygon(ring)
    if shape.area == 0 or not shape.is_valid:
        raise QueryError("polygon must enclose an area without crossing itself", "polygon")
    return tuple(ring)


def _parse_near(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 2:
        raise QueryError("near must be lat,lon", "near")
    lat, lon = (_parse_number("near", p) for p in parts)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise QueryError("near must be lat,lon with lat in -90..90 and lon in -180..180", "near")
    return lat, lon


def _parse_radius(text: str | None, near: tuple[float, float] | None) -> float | None:
    if text is None:
        return DEFAULT_RADIUS_KM if near else None
    if near is None:
        raise QueryError("radius_km needs near=lat,lon", "radius_km")
    radius = _parse_number("radius_km", text)
    if not 0 < radius <= 500:
        raise QueryError("radius_km must be greater than 0 and at most 500", "radius_km")
    return radius


class ProductIndex:
    """Column arrays of a product layer with a spatial index, for fast filtering.

    Selective filters (bbox, near, commune) first pick candidate rows from an index: the
    products sorted by longitude, so a box is a binary search for its slab of longitudes,
    then a test of latitudes in that slab only. Their cost follows the size of the answer
    more than the catalog. The other filters then narrow the candidates, text last.
    Enumerated columns are held as integer codes, so their tests are array compares.

    ``region_communes`` maps a region id to its commune codes: a region filter matches the
    products linked to the region and the products placed in its communes.
    """

    def __init__(self, products: gpd.GeoDataFrame, region_communes: Mapping[str, Sequence[str]]):
        self.products = products.reset_index(drop=True)
        self.region_communes = {k: set(v) for k, v in region_communes.items()}
        p = self.products
        self._commune = _Codes(p["commune_code"])
        self._region = _Codes(p["region"])
        self._category = _Codes(p["category"])
        self._value_chain = _Codes(p["value_chain"])
        self._stars = pd.to_numeric(p["ocop_stars"], errors="coerce").fillna(0).to_numpy()
        self._brand_bits = _brand_bit_column(p["brand_types"])
        self._text = np.array(_search_texts(p), dtype=object)
        self._lon = p.geometry.x.to_numpy() if len(p) else np.array([])
        self._lat = p.geometry.y.to_numpy() if len(p) else np.array([])
        self._by_lon = np.argsort(self._lon, kind="stable")
        self._sorted_lon = self._lon[self._by_lon]
        self._lat_by_lon = self._lat[self._by_lon]

    def match_region(self, region_id: str) -> np.ndarray:
        return self.match(ProductFilter(region=region_id))

    def match(self, f: ProductFilter) -> np.ndarray:
        """Row positions of the products that pass every filter, in catalog order."""
        rows, ordered = self._candidates(f)
        for test in self._tests(f):
            if len(rows) == 0:
                break
            rows = rows[test(rows)]
        return rows if ordered else np.sort(rows)

    def page(self, f: ProductFilter, offset: int, limit: int) -> tuple[np.ndarray, int]:
        """Rows ``offset`` to ``offset + limit`` of :meth:`match`, and how many match in all.

        A box alone (the map's and GIS clients' usual question) is counted in the longitude
        index without listing its rows, and the page is then found by scanning the catalog
        in order, or by sorting the box's rows when it holds few: the cost follows the page
        and the slab, not the catalog.
        """
        if f == ProductFilter():
            total = len(self._lon)
            return np.arange(min(offset, total), min(offset + limit, total)), total
        if f.bbox is None or f != ProductFilter(bbox=f.bbox):
            rows = self.match(f)
            return rows[offset : offset + limit], len(rows)
        start, stop, inside = self._slab(f.bbox)
        total = int(np.count_nonzero(inside))
        wanted = min(offset + limit, total)
        if wanted <= offset:
            return np.array([], dtype=np.int64), total
        scanned = wanted * len(self._lon) / total  # rows read by an in-order scan, expected
        if scanned < SCAN_OVER_SORT * total:
            rows = self._scan_box(f.bbox, wanted)
        else:
            rows = np.sort(self._by_lon[start:stop][inside])[:wanted]
        return rows[offset:wanted], total

    def _tests(self, f: ProductFilter):
        """Row tests for the filters that were given, cheapest first, text search last."""
        if f.region:
            region = self._region.code(f.region)
            communes = self._commune.table(self.region_communes.get(f.region, ()))
            yield lambda r: (self._region.codes[r] == region) | communes[self._commune.codes[r]]
        if f.category:
            category = self._category.code(f.category)
            yield lambda r: self._category.codes[r] == category
        if f.value_chain:
            value_chain = self._value_chain.code(f.value_chain)
            yield lambda r: self._value_chain.codes[r] == value_chain
        if f.brand_types:
            yield lambda r: (self._brand_bits[r] & _brand_bits(f.brand_types)) != 0
        if f.min_stars:
            yield lambda r: self._stars[r] >= f.min_stars
        if f.bbox:
            yield lambda r: _in_bbox(self._lon[r], self._lat[r], f.bbox)
        if f.polygon:
            area = shapely.Polygon(f.polygon)
            shapely.prepare(area)  # many points against one shape
            yield lambda r: shapely.intersects_xy(area, self._lon[r], self._lat[r])
        if f.near:
            radius = f.radius_km or DEFAULT_RADIUS_KM
            yield lambda r: haversine_km(self._lat[r], self._lon[r], *f.near) <= radius
        if f.q:
            yield lambda r: np.fromiter((f.q in t for t in self._text[r]), bool, len(r))

    def _candidates(self, f: ProductFilter) -> tuple[np.ndarray, bool]:
        """Row positions that may match, from the indexes or every row, and whether they
        are in catalog order (rows of a single box are in longitude order)."""
        boxes = [f.bbox] if f.bbox else []
        if f.polygon:
            boxes.append(tuple(shapely.Polygon(f.polygon).bounds))
        if f.near:
            boxes.append(_near_box(f.near, f.radius_km or DEFAULT_RADIUS_KM))
        rows = None
        for box in boxes:
            start, stop, inside = self._slab(box)
            rows = _narrow(rows, self._by_lon[start:stop][inside])
        if rows is not None and len(boxes) == 1 and not (f.communes or f.region):
            return rows, False
        if f.communes:
            rows = _narrow(rows, self._commune.rows(f.communes))
        if f.region:
            in_region = np.zeros(len(self.products), dtype=bool)
            in_region[self._commune.rows(self.region_communes.get(f.region, ()))] = True
            in_region[self._region.rows([f.region])] = True
            rows = _narrow(rows, np.flatnonzero(in_region))
        return (np.arange(len(self.products)) if rows is None else rows), True

    def _slab(self, box: tuple[float, float, float, float]) -> tuple[int, int, np.ndarray]:
        """The slab of the longitude index a lon/lat box spans, and which of its rows are
        inside the box: ``self._by_lon[start:stop][inside]``."""
        min_lon, min_lat, max_lon, max_lat = box
        start = int(np.searchsorted(self._sorted_lon, min_lon, side="left"))
        stop = int(np.searchsorted(self._sorted_lon, max_lon, side="right"))
        lat = self._lat_by_lon[start:stop]
        return start, stop, (lat >= min_lat) & (lat <= max_lat)

    def _scan_box(self, box: tuple[float, float, float, float], wanted: int) -> np.ndarray:
        """The first ``wanted`` rows inside ``box`` in catalog order, reading the catalog in
        growing chunks until they are found."""
        found: list[np.ndarray] = []
        count, start, size = 0, 0, SCAN_CHUNK
        while count < wanted and start < len(self._lon):
            stop = start + size
            inside = _in_bbox(self._lon[start:stop], self._lat[start:stop], box)
            rows = np.flatnonzero(inside) + start
            found.append(rows)
            count += len(rows)
            start, size = stop, size * 2
        return np.concatenate(found)[:wanted] if found else np.array([], dtype=np.int64)


# An in-order scan reads rows sequentially and tests four numbers per row; sorting the
# box's rows costs a random gather and a sort per row found. Scan while it reads fewer
# than this many rows per row found.
SCAN_OVER_SORT = 4
SCAN_CHUNK = 4096


class _Codes:
    """An enumerated column as integer codes (0 for empty), and the rows of each value."""

    def __init__(self, column: pd.Series) -> None:
        codes, uniques = pd.factorize(column.fillna(""))
        self.values = {str(value): i for i, value in enumerate(uniques)}
        self.codes = codes.astype(np.int32)
        self._rows = pd.Series(np.arange(len(codes))).groupby(codes).indices

    def code(self, value: str) -> int:
        """The code of ``value``; -1 (matching no row) for a value not in the column."""
        return self.values.get(value, -1)

    def table(self, values) -> np.ndarray:
        """A lookup by code: True for the codes of ``values``."""
        table = np.zeros(len(self.values) + 1, dtype=bool)
        for value in values:
            if value in self.values:
                table[self.values[value]] = True
        return table

    def rows(self, values) -> np.ndarray:
        """Sorted rows holding any of ``values``."""
        codes = {self.values[v] for v in values if v in self.values}
        parts = [self._rows[c] for c in codes if c in self._rows]
        if len(parts) == 1:
            return parts[0]
        return np.sort(np.concatenate(parts)) if parts else np.array([], dtype=np.int64)


def _narrow(rows: np.ndarray | None, allowed: np.ndarray) -> np.ndarray:
    return allowed if rows is None else np.intersect1d(rows, allowed, assume_unique=True)


def _brand_bit_column(column: pd.Series) -> np.ndarray:
    """The brand types of each row as bits, computed once per distinct list."""
    known: dict[tuple, int] = {}
    bits = []
    for brand_types in column:
        key = tuple(brand_types) if isinstance(brand_types, list | tuple) else ()
        if key not in known:
            known[key] = _brand_bits(key)
        bits.append(known[key])
    return np.array(bits, dtype=np.int64)


def _brand_bits(brand_types) -> int:
    return sum(1 << BRAND_TYPES.index(b) for b in brand_types if b in BRAND_TYPES)


def _near_box(near: tuple[float, float], radius_km: float) -> tuple[float, float, float, float]:
    """A lon/lat box that surely holds the circle of ``radius_km`` around ``near``."""
    lat, lon = near
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM) * 1.01
    dlon = dlat / max(math.cos(math.radians(min(abs(lat) + dlat, 89.9))), 1e-6)
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def _search_texts(products: pd.DataFrame) -> list[str]:
    columns = [
        c
        for c in ("name_vi", "name_en", "producer", "commune_name", "address_published")
        if c in products
    ]
    values = [_folded(products[c]) for c in columns]
    return [" ".join(" | ".join(parts).split()) for parts in zip(*values, strict=True)]


def _folded(column: pd.Series) -> list[str]:
    """Folded text of each cell, folding each distinct value once (communes, producers
    and addresses repeat across a catalog)."""
    codes, uniques = pd.factorize(column.fillna("").astype(str))
    folded = np.array([fold(value) for value in uniques] + [""], dtype=object)
    return folded[codes].tolist()


def _in_bbox(
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
