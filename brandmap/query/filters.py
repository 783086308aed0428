"""Product filters: request parameters → a checked :class:`ProductFilter` and :class:`Page`.

No HTTP here: the web layer hands in a mapping of parameter name → list of values, and
gets back a filter or a :class:`QueryError` naming the bad parameter. The spatial
parameters are parsed by :mod:`brandmap.query.spatial`; the rows a filter matches come from
:class:`brandmap.query.index.ProductIndex`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from brandmap.catalog.certificates import CERTIFICATE_STATUSES
from brandmap.catalog.schema import BRAND_TYPES, CATEGORIES, VALUE_CHAINS
from brandmap.errors import QueryError
from brandmap.query.spatial import parse_bbox, parse_near, parse_polygon, parse_radius
from brandmap.text import fold

__all__ = [
    "FILTER_PARAMS",
    "WHOLE_NUMBER",
    "Page",
    "ProductFilter",
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
    "ocop_status",
    "q",
    "bbox",
    "polygon",
    "near",
    "radius_km",
)
#: Filters that may be repeated: a product matching any of the values passes.
REPEATABLE_PARAMS = ("commune", "brand_type", "ocop_status")
PAGE_PARAMS = ("limit", "offset")
MAX_LIMIT = 10_000
MAX_TEXT = 200
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
    ocop_statuses: tuple[str, ...] = ()  # certificate status on the day served
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
        if name not in REPEATABLE_PARAMS and len(values) > 1:
            raise QueryError(f"parameter {name!r} may be given only once", name)
    one = {name: values[0] for name, values in params.items() if values}
    near = parse_near(one.get("near"))
    return ProductFilter(
        communes=_parse_codes(params.get("commune", ()), communes),
        region=_parse_choice("region", one.get("region"), regions),
        category=_parse_choice("category", one.get("category"), CATEGORIES),
        brand_types=tuple(
            _parse_choice("brand_type", v, BRAND_TYPES) for v in params.get("brand_type", ())
        ),
        value_chain=_parse_choice("value_chain", one.get("value_chain"), VALUE_CHAINS),
        min_stars=_parse_int("min_stars", one.get("min_stars"), 3, 5),
        ocop_statuses=tuple(
            _parse_choice("ocop_status", v, CERTIFICATE_STATUSES)
            for v in params.get("ocop_status", ())
            if v
        ),
        q=_parse_text(one.get("q")),
        bbox=parse_bbox(one.get("bbox")),
        polygon=parse_polygon(one.get("polygon")),
        near=near,
        radius_km=parse_radius(one.get("radius_km"), near),
    )


def lenient_filter(params: Params, communes: set[str], regions: set[str]) -> ProductFilter:
    """The filters of a shared map link, where a parameter the API would refuse is dropped.

    An old or hand-edited link still opens the map, with what can be understood of it.

    >>> lenient_filter({"min_stars": ["9"], "q": ["buoi"]}, set(), set())
    ProductFilter(communes=(), region=None, category=None, brand_types=(), value_chain=None, \
min_stars=None, ocop_statuses=(), q='buoi', bbox=None, polygon=None, near=None, radius_km=None)
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
