"""Product rows and files shared by the tests of the catalog modules."""

from __future__ import annotations

import csv
from pathlib import Path

from brandmap.catalog.problems import Problem

__all__ = ["GOOD_PRODUCT", "REGION_IDS", "problem_places", "write_product_csv"]

#: Regions of ``data/geo/regions.csv`` that product rows in tests may name.
REGION_IDS = ["coconut-toan-tinh", "fruit-sau-rieng-cai-mon"]

#: A product row that breaks no rule of the exchange format.
GOOD_PRODUCT = {
    "id": "khoai-lang-tim-say",
    "name_vi": "Khoai lang tím sấy",
    "category": "thuc_pham",
    "brand_types": "ocop",
    "ocop_stars": "5",
    "address_published": "huyện Bình Tân, tỉnh Vĩnh Long",
    "source_url": "https://example.org/ocop",
}


def write_product_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    """A product file as a spreadsheet saves it: the union of the rows' keys as header."""
    header = list(dict.fromkeys(k for row in rows for k in row))
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def problem_places(problems: list[Problem]) -> set[tuple[int | None, str | None, str]]:
    """(row, column, code) of each problem: where it is shown and what it says."""
    return {(p.row, p.column, p.code) for p in problems}
