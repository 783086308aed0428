"""A product file handed in by a province officer: check it, or load it as typed rows.

The public face of reading product files (CSV, XLSX, GeoJSON) in the exchange format. What
comes back from a check is one :class:`~brandmap.catalog.problems.Problem` per thing wrong,
naming the row and column as the spreadsheet shows them, in Vietnamese or English.

Where each part lives: :mod:`~brandmap.catalog.rows` reads any file into text rows (with
the readers :mod:`~brandmap.catalog.csv_file`, :mod:`~brandmap.catalog.xlsx_file`,
:mod:`~brandmap.catalog.geojson_file`), :mod:`~brandmap.catalog.rules` checks them, and
:mod:`~brandmap.catalog.problems` words every problem once, in both languages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from brandmap.catalog.cells import cell_text
from brandmap.catalog.problems import ERROR, MESSAGES, Problem, has_errors
from brandmap.catalog.rows import read_products
from brandmap.catalog.rules import region_ids, typed_value, validate_products
from brandmap.catalog.schema import COLUMNS, LocationQuality
from brandmap.errors import ValidationError

__all__ = [
    "MESSAGES",
    "Problem",
    "has_errors",
    "load_catalog",
    "location_quality",
    "read_products",
    "region_ids",
    "typed_row",
    "validate_file",
    "validate_products",
]

SHOWN_ERRORS = 50  # a ValidationError lists this many problems, then counts the rest


def validate_file(
    path: str | Path, lang: str = "vi", communes: Any = None, regions: Any = None
) -> list[Problem]:
    """Read and check a product file; the problems, file-level ones first.

    ``lang`` is accepted for symmetry with the command line; every Problem carries both
    languages and :meth:`Problem.format` picks one.
    """
    del lang
    rows, problems = read_products(path)
    return problems + validate_products(rows, communes, regions)


def load_catalog(path: str | Path, communes: Any = None, regions: Any = None) -> list[dict]:
    """The typed, validated rows of a product file; ValidationError listing the errors.

    Warnings (unknown columns) do not stop loading.
    """
    rows, problems = read_products(path)
    problems += validate_products(rows, communes, regions)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        shown = "\n".join(p.format("en") for p in errors[:SHOWN_ERRORS])
        hidden = len(errors) - SHOWN_ERRORS
        more = f"\n… and {hidden} more" if hidden > 0 else ""
        raise ValidationError(f"{Path(path).name}: {len(errors)} problem(s)\n{shown}{more}")
    return [typed_row(row) for row in rows]


def typed_row(row: dict[str, Any]) -> dict[str, Any]:
    """A valid row with Python values: codes for categories, ints for stars and year,
    floats for lon/lat, a list of brand types, None for empty cells."""
    out: dict[str, Any] = {}
    for name in COLUMNS:
        value = cell_text(row.get(name))
        out[name] = typed_value(name, value) if value else None
    out["brand_types"] = out["brand_types"] or []
    out["location_quality"] = location_quality(row)
    return out


def location_quality(row: dict[str, Any]) -> str | None:
    """exact (lon/lat), commune (commune code), region (region only); None when only an
    address is given, until the build resolves it to a commune."""
    if cell_text(row.get("lon")) and cell_text(row.get("lat")):
        return LocationQuality.EXACT.value
    if cell_text(row.get("commune_code")):
        return LocationQuality.COMMUNE.value
    if cell_text(row.get("region")):
        return LocationQuality.REGION.value
    return None
