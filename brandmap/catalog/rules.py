"""The rules of the exchange format, cell by cell and row by row, and what a valid cell means.

Each column's kind (:mod:`~brandmap.catalog.schema`) says which rule its cells follow: ids are
slugs, categories and choices come from fixed lists, commune codes are among the 124
communes of 2025, regions are in ``data/geo/regions.csv``, coordinates lie in the province
and near their declared commune, text never starts like a spreadsheet formula. A broken rule
becomes a :class:`~brandmap.catalog.problems.Problem` at its row and column;
:func:`typed_value` gives the Python value of a cell that passed.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import Any

from brandmap import resources
from brandmap.catalog.cells import GEOMETRY_KEY, ROW_KEY, cell_text
from brandmap.catalog.problems import Problem
from brandmap.catalog.schema import (
    COLUMNS,
    FIELDS_BY_NAME,
    PROVINCE_BBOX,
    FieldError,
    parse_brand_types,
    parse_category,
    parse_choice,
    parse_stars,
    parse_year,
)

__all__ = ["parse_number", "region_ids", "typed_value", "validate_products"]

#: A declared commune farther than this from the given coordinates is an error.
MAX_COMMUNE_DISTANCE_M = 5_000.0
UTM_48N = 32648  # metres for distances in the province

_FIELD_CODES = {
    "category": "bad_category",
    "producer_kind": "bad_producer_kind",
    "value_chain": "bad_value_chain",
    "brand_types": "bad_brand_type",
}

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_COMMUNE = re.compile(r"[0-9]{5}")
_ISO_DATE = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?")
_PHONE = re.compile(r"\+?[0-9][0-9 ().\-/]*")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def validate_products(
    rows: list[dict[str, Any]], communes: Any = None, regions: Any = None
) -> list[Problem]:
    """Every rule of the exchange format, row by row, plus duplicate ids.

    ``communes``: None (the 2025 register), a collection of codes, or a GeoDataFrame with
    ``code`` and polygons (then coordinates farther than 5 km from their declared commune
    are reported too). ``regions``: None (``data/geo/regions.csv``) or region ids.
    """
    codes = _commune_codes(communes)
    region_set = set(region_ids() if regions is None else _ids(regions))
    shapes = _commune_shapes(communes)
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    for index, row in enumerate(rows):
        number = int(row.get(ROW_KEY) or index + 2)
        problems += _row_problems(row, number, codes, region_set, shapes)
        row_id = cell_text(row.get("id"))
        if row_id and row_id in first_row:
            problems.append(
                Problem.of("duplicate_id", number, "id", value=row_id, first=first_row[row_id])
            )
        first_row.setdefault(row_id, number)
    return problems


def _row_problems(
    row: dict[str, Any], number: int, codes: set[str], regions: set[str], shapes: Any
) -> list[Problem]:
    problems: list[Problem] = []
    if row.get(GEOMETRY_KEY):
        problems.append(Problem.of("bad_geometry", number, "geometry", kind=row[GEOMETRY_KEY]))
    for name in COLUMNS:
        if name not in row:
            continue  # a missing column is reported once, for the header
        value = cell_text(row.get(name))
        if not value:
            if FIELDS_BY_NAME[name].required:
                problems.append(Problem.of("empty_required", number, name))
            continue
        problem = _cell_problem(name, value, codes, regions)
        if problem is not None:
            problems.append(Problem.of(problem.code, number, name, **problem.details))
    problems += _placement_problems(row, number, shapes)
    return problems


def _cell_problem(name: str, value: str, codes: set[str], regions: set[str]) -> FieldError | None:
    """The rule broken by one non-empty cell, or None."""
    try:
        _check_cell(FIELDS_BY_NAME[name].kind, name, value, codes, regions)
    except FieldError as exc:
        return exc
    return None


def _check_cell(kind: str, name: str, value: str, codes: set[str], regions: set[str]) -> None:
    if kind in ("text", "phone"):
        _check_formula(value, kind)
    elif kind == "slug" and not _SLUG.fullmatch(value):
        raise FieldError("bad_slug", value=value)
    elif kind == "enum" and name == "category":
        parse_category(value)
    elif kind == "enum":
        parse_choice(value, FIELDS_BY_NAME[name].allowed, _FIELD_CODES[name])
    elif kind == "enum_list":
        parse_brand_types(value)
    elif kind == "stars":
        parse_stars(value)
    elif kind == "year":
        parse_year(value)
    elif kind == "commune":
        _check_commune(value, codes)
    elif kind in ("lon", "lat"):
        parse_number(value)
    elif kind == "region" and value not in regions:
        raise FieldError("unknown_region", value=value)
    elif kind == "url" and not re.fullmatch(r"https?://[^\s/]+\S*", value, re.IGNORECASE):
        raise FieldError("bad_url", value=value)
    elif kind == "date" and not _ISO_DATE.fullmatch(value):
        raise FieldError("bad_date", value=value)


def _check_formula(value: str, kind: str) -> None:
    """Text a spreadsheet would run as a formula (CSV injection); phone numbers are fine."""
    if not value.startswith(_FORMULA_START):
        return
    if kind == "phone" and _PHONE.fullmatch(value):
        return
    raise FieldError("formula", char=value[0].replace("\t", "TAB").replace("\r", "CR"))


def _check_commune(value: str, codes: set[str]) -> None:
    if not _COMMUNE.fullmatch(value):
        raise FieldError("bad_commune_code", value=value)
    if codes and value not in codes:
        raise FieldError("unknown_commune", value=value)


def parse_number(value: str) -> float:
    """A finite decimal number; a decimal comma is accepted ("105,97").

    >>> parse_number("105,97")
    105.97
    """
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise FieldError("bad_number", value=value) from None
    if not math.isfinite(number):
        raise FieldError("bad_number", value=value)
    return number


def _placement_problems(row: dict[str, Any], number: int, shapes: Any) -> list[Problem]:
    lon, lat = cell_text(row.get("lon")), cell_text(row.get("lat"))
    if bool(lon) != bool(lat):
        return [Problem.of("lon_lat_pair", number, "lat" if lon else "lon")]
    placed = any(cell_text(row.get(k)) for k in ("commune_code", "address_published", "region"))
    if not lon:
        return [] if placed else [Problem.of("no_placement", number, None)]
    try:
        x, y = parse_number(lon), parse_number(lat)
    except FieldError:
        return []  # already reported as a bad number
    min_x, min_y, max_x, max_y = PROVINCE_BBOX
    if not (min_x <= x <= max_x and min_y <= y <= max_y):
        return [Problem.of("outside_province", number, "lon", lon=lon, lat=lat)]
    return _distance_problems(x, y, cell_text(row.get("commune_code")), number, shapes)


def _distance_problems(x: float, y: float, code: str, number: int, shapes: Any) -> list[Problem]:
    """Coordinates more than 5 km from their declared commune (UTM 48N metres)."""
    if shapes is None or not code or code not in shapes.index:
        return []
    from pyproj import Transformer
    from shapely import Point

    east, north = Transformer.from_crs(4326, UTM_48N, always_xy=True).transform(x, y)
    metres = shapes[code].distance(Point(east, north))
    if metres <= MAX_COMMUNE_DISTANCE_M:
        return []
    return [
        Problem.of(
            "far_from_commune", number, "commune_code", commune=code, km=f"{metres / 1000:.1f}"
        )
    ]


def _ids(values: Any) -> list[str]:
    """Ids from a list of ids, a list of records/dicts, or a (Geo)DataFrame."""
    if hasattr(values, "columns") and "id" in values.columns:
        return [str(v) for v in values["id"]]
    return [
        str(getattr(v, "id", None) or (v.get("id") if isinstance(v, dict) else v)) for v in values
    ]


def _commune_codes(communes: Any) -> set[str]:
    if communes is None:
        return _register_codes()
    if hasattr(communes, "columns") and "code" in communes.columns:
        return {str(c) for c in communes["code"]}
    return {
        str(getattr(c, "code", None) or (c.get("code") if isinstance(c, dict) else c))
        for c in communes
    }


def _commune_shapes(communes: Any) -> Any:
    """code -> polygon when given a commune layer with geometry, else None."""
    if communes is None or not hasattr(communes, "geometry") or "code" not in communes.columns:
        return None
    return communes.to_crs(UTM_48N).set_index(communes["code"].astype(str)).geometry


def _register_codes() -> set[str]:
    """The 124 codes of the 2025 register (empty if the register cannot be loaded)."""
    try:
        from brandmap.geo import register

        return _commune_codes(register.communes())
    except ImportError:  # the register module is optional for reading files
        return _vietnamadminunits_codes()


def _vietnamadminunits_codes() -> set[str]:
    """Ward codes of province 86 from the vietnamadminunits dataset (same source as admin)."""
    import sqlite3
    from importlib.resources import files

    database = files("vietnamadminunits") / "data" / "dataset.db"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        query = "SELECT wardCode FROM admin_units WHERE provinceCode = '86'"
        return {str(code) for (code,) in connection.execute(query)}


def region_ids(path: str | Path | None = None) -> list[str]:
    """Region ids defined in ``data/geo/regions.csv`` (empty when it does not exist)."""
    path = Path(path) if path else resources.data_dir() / "geo" / "regions.csv"
    if not path.is_file():
        return []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [row["id"].strip() for row in csv.DictReader(handle) if row.get("id")]


def typed_value(name: str, value: str) -> Any:
    """The Python value of a valid, non-empty cell: a category code, ints for stars and
    year, floats for lon/lat, a list of brand types; other text as written."""
    kind = FIELDS_BY_NAME[name].kind
    if name == "category":
        return parse_category(value)
    if kind == "enum":
        return parse_choice(value, FIELDS_BY_NAME[name].allowed, _FIELD_CODES[name])
    if kind == "enum_list":
        return parse_brand_types(value)
    if kind == "stars":
        return parse_stars(value)
    if kind == "year":
        return parse_year(value)
    if kind in ("lon", "lat"):
        return parse_number(value)
    return value
