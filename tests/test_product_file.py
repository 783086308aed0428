"""Checking and loading a product file: the real catalog, and how errors stop a load."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from product_rows import GOOD_PRODUCT, REGION_IDS, write_product_csv

from brandmap.catalog.problems import has_errors
from brandmap.catalog.product_file import load_catalog, validate_file
from brandmap.catalog.schema import CATEGORIES, COLUMNS
from brandmap.errors import ValidationError
from brandmap.resources import REPO_ROOT

PRODUCTS = REPO_ROOT / "data" / "products" / "products.csv"


def test_real_catalog_validates_clean():
    problems = validate_file(PRODUCTS)
    assert problems == [], "\n".join(p.format("en") for p in problems)


def test_real_catalog_loads_typed_rows():
    rows = load_catalog(PRODUCTS)
    assert len(rows) == 107
    assert len({r["id"] for r in rows}) == len(rows)
    by_id = {r["id"]: r for r in rows}
    durian = by_id["sau-rieng-cai-mon"]
    assert durian["gi_number"] == "00080" and durian["brand_types"] == ["gi"]
    assert durian["location_quality"] == "region"
    sokfarm = by_id["mat-hoa-dua-sokfarm-tieu-can"]
    assert sokfarm["ocop_stars"] == 5 and sokfarm["ocop_year"] == 2023
    assert sokfarm["commune_code"] == "29341" and sokfarm["location_quality"] == "commune"
    assert all(r["category"] in CATEGORIES for r in rows)
    assert all(r["ocop_stars"] in (None, 3, 4, 5) for r in rows)


def test_real_catalog_columns_are_the_exchange_format():
    with open(PRODUCTS, encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == list(COLUMNS)


@pytest.mark.reference
def test_every_reference_fact_is_carried_over(reference_dir: Path):
    """Names, stars, GI numbers and commune codes agree with the compiled facts."""
    with open(reference_dir / "products" / "known_products.csv", encoding="utf-8") as handle:
        known = list(csv.DictReader(handle))
    rows = load_catalog(PRODUCTS)
    assert [r["name_vi"] for r in rows] == [k["name_vi"].strip() for k in known]
    for row, fact in zip(rows, known, strict=True):
        stars = fact["ocop_stars"].strip()[:1]
        assert row["ocop_stars"] == (int(stars) if stars.isdigit() else None), row["id"]
        code = fact["new_commune_code"].strip()
        if len(code) == 5:
            assert row["commune_code"] == code, row["id"]
        assert row["source_url"] in fact["source_url"], row["id"]


def test_unknown_columns_alone_do_not_fail(tmp_path: Path):
    problems = validate_file(
        write_product_csv(tmp_path / "p.csv", [GOOD_PRODUCT | {"note": "x"}]), regions=REGION_IDS
    )
    assert problems and not has_errors(problems)
    assert load_catalog(tmp_path / "p.csv", regions=REGION_IDS)[0]["id"] == GOOD_PRODUCT["id"]


def test_load_catalog_raises_with_every_error(tmp_path: Path):
    path = write_product_csv(tmp_path / "p.csv", [GOOD_PRODUCT | {"ocop_stars": "7"}])
    with pytest.raises(ValidationError, match="row 2, column ocop_stars"):
        load_catalog(path, regions=REGION_IDS)
