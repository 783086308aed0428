"""Which products match a filter, fast: a product layer held as column arrays and indexes.

See :class:`ProductIndex`: products sorted by longitude answer boxes, areas (``polygon``)
and circles (``near``) by binary search; enumerated columns are integer codes; text is
folded once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from brandmap.catalog.schema import BRAND_TYPES
from brandmap.query.filters import ProductFilter
from brandmap.query.search import NO_MATCH, TextSearch, search_columns
from brandmap.query.spatial import DEFAULT_RADIUS_KM, haversine_km, in_bbox, near_box

__all__ = ["ProductIndex"]


class ProductIndex:
    """Column arrays of a product layer with a spatial index, for fast filtering.

    Selective filters (bbox, near, commune) first pick candidate rows from an index: the
    products sorted by longitude, so a box is a binary search for its slab of longitudes,
    then a test of latitudes in that slab only. Their cost follows the size of the answer
    more than the catalog. The other filters then narrow the candidates, text last.
    Enumerated columns are held as integer codes, so their tests are array compares.

    ``region_communes`` maps a region id to its commune codes: a region filter matches the
    products linked to the region and the products placed in its communes.
    ``region_names`` and ``value_chain_labels`` (id → names in both languages) make
    regions and value chains findable by text (:mod:`brandmap.query.search`).
    """

    def __init__(
        self,
        products: gpd.GeoDataFrame,
        region_communes: Mapping[str, Sequence[str]],
        region_names: Mapping[str, str] | None = None,
        value_chain_labels: Mapping[str, str] | None = None,
    ):
        self.products = products.reset_index(drop=True)
        self.region_communes = {k: set(v) for k, v in region_communes.items()}
        p = self.products
        self._commune = _Codes(p["commune_code"])
        self._region = _Codes(p["region"])
        self._category = _Codes(p["category"])
        self._value_chain = _Codes(p["value_chain"])
        self._ocop_status = _Codes(p["ocop_status"])
        self._stars = pd.to_numeric(p["ocop_stars"], errors="coerce").fillna(0).to_numpy()
        self._brand_bits = _brand_bit_column(p["brand_types"])
        self.text = TextSearch(
            search_columns(p, region_names or {}, value_chain_labels or {}), len(p)
        )
        self._lon = p.geometry.x.to_numpy() if len(p) else np.array([])
        self._lat = p.geometry.y.to_numpy() if len(p) else np.array([])
        self._by_lon = np.argsort(self._lon, kind="stable")
        self._sorted_lon = self._lon[self._by_lon]
        self._lat_by_lon = self._lat[self._by_lon]

    def match_region(self, region_id: str) -> np.ndarray:
        return self.match(ProductFilter(region=region_id))

    def match(self, f: ProductFilter) -> np.ndarray:
        """Row positions of the products that pass every filter, in catalog order; with
        a text search, best matches first (ties in catalog order)."""
        rows, ordered = self._candidates(f)
        for test in self._tests(f):
            if len(rows) == 0:
                break
            rows = rows[test(rows)]
        rows = rows if ordered else np.sort(rows)
        if f.q:
            rows = rows[np.argsort(self.text.scores(f.q)[rows], kind="stable")]
        return rows

    def suggest(self, f: ProductFilter) -> list[str]:
        """Searches close to ``f.q`` that find products with the other filters kept."""
        if not f.q:
            return []
        return self.text.suggest(f.q, lambda q: len(self.match(replace(f, q=q))) > 0)

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
        if f.ocop_statuses:
            statuses = self._ocop_status.table(f.ocop_statuses)
            yield lambda r: statuses[self._ocop_status.codes[r]]
        if f.bbox:
            yield lambda r: in_bbox(self._lon[r], self._lat[r], f.bbox)
        if f.polygon:
            area = shapely.Polygon(f.polygon)
            shapely.prepare(area)  # many points against one shape
            yield lambda r: shapely.intersects_xy(area, self._lon[r], self._lat[r])
        if f.near:
            radius = f.radius_km or DEFAULT_RADIUS_KM
            yield lambda r: haversine_km(self._lat[r], self._lon[r], *f.near) <= radius
        if f.q:
            yield lambda r: self.text.scores(f.q)[r] != NO_MATCH

    def _candidates(self, f: ProductFilter) -> tuple[np.ndarray, bool]:
        """Row positions that may match, from the indexes or every row, and whether they
        are in catalog order (rows of a single box are in longitude order)."""
        boxes = [f.bbox] if f.bbox else []
        if f.polygon:
            boxes.append(tuple(shapely.Polygon(f.polygon).bounds))
        if f.near:
            boxes.append(near_box(f.near, f.radius_km or DEFAULT_RADIUS_KM))
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
            inside = in_bbox(self._lon[start:stop], self._lat[start:stop], box)
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
