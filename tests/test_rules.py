"""Every rule of the exchange format, reported at its row and column."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
from hypothesis import given
from hypothesis import strategies as st
from product_rows import GOOD_PRODUCT, REGION_IDS, problem_places, write_product_csv
from shapely.geometry import box

from brandmap.catalog import rules
from brandmap.catalog.problems import MESSAGES, Problem
from brandmap.catalog.product_file import load_catalog, validate_file, validate_products
from brandmap.catalog.schema import (
    COLUMNS,
    FieldError,
    parse_brand_types,
    parse_category,
    parse_stars,
    parse_year,
)
from brandmap.resources import REPO_ROOT

PRODUCTS = REPO_ROOT / "data" / "products" / "products.csv"
REGIONS = REPO_ROOT / "data" / "geo" / "regions.csv"


def test_regions_file_covers_every_product_region():
    with open(REGIONS, encoding="utf-8") as handle:
        regions = {row["id"]: row for row in csv.DictReader(handle)}
    codes = rules._register_codes()
    assert len(codes) == 124
    for region in regions.values():
        listed = region["commune_codes"].split()
        assert listed and set(listed) <= codes, region["id"]
        assert region["id"].startswith(region["value_chain"] + "-")
        assert region["source_url"].startswith(("http://", "https://"))
    assert len(regions["coconut-toan-tinh"]["commune_codes"].split()) == 124
    used = {r["region"] for r in load_catalog(PRODUCTS) if r["region"]}
    assert used <= set(regions)


PLANTED: list[tuple[dict, str | None, str]] = [
    ({"name_vi": ""}, "name_vi", "empty_required"),
    ({"id": "Bad Id"}, "id", "bad_slug"),
    ({"category": "đồ chơi"}, "category", "bad_category"),
    ({"brand_types": "ocop;brand"}, "brand_types", "bad_brand_type"),
    ({"producer_kind": "company"}, "producer_kind", "bad_producer_kind"),
    ({"value_chain": "durian"}, "value_chain", "bad_value_chain"),
    ({"commune_code": "2965"}, "commune_code", "bad_commune_code"),
    ({"commune_code": "00001"}, "commune_code", "unknown_commune"),
    ({"region": "nowhere"}, "region", "unknown_region"),
    ({"ocop_stars": "6"}, "ocop_stars", "bad_stars"),
    ({"ocop_stars": "4.5"}, "ocop_stars", "bad_stars"),
    ({"ocop_year": "20x2"}, "ocop_year", "bad_year"),
    ({"lon": "abc", "lat": "10.1"}, "lon", "bad_number"),
    ({"lon": "106.1"}, "lat", "lon_lat_pair"),
    ({"lon": "100.0", "lat": "10.0"}, "lon", "outside_province"),
    ({"address_published": ""}, None, "no_placement"),
    ({"source_url": "ftp://example.org/x"}, "source_url", "bad_url"),
    ({"source_date": "29/05/2024"}, "source_date", "bad_date"),
    ({"producer": '=HYPERLINK("http://evil")'}, "producer", "formula"),
    ({"description_vi": "@SUM(A1)"}, "description_vi", "formula"),
    ({"phone": "-1+2"}, "phone", "formula"),
]


def test_every_planted_error_is_reported_at_its_row_and_column(tmp_path: Path):
    rows = [
        {
            **GOOD_PRODUCT,
            "id": "ok-0",
            "phone": "+84 270 3822 111",
            "lon": "",
            "lat": "",
            "producer_kind": "",
            "value_chain": "",
            "region": "",
            "commune_code": "",
            "producer": "",
            "description_vi": "",
            "ocop_year": "",
            "source_date": "",
        }
    ]
    for number, (change, _, _) in enumerate(PLANTED, start=1):
        rows.append({**rows[0], "id": f"row-{number}", **change})
    rows.append({**rows[0]})  # duplicate id of the first row
    path = write_product_csv(tmp_path / "broken.csv", rows)

    found = problem_places(validate_file(path, regions=REGION_IDS))
    expected = {(n + 2, column, code) for n, (_, column, code) in enumerate(PLANTED, start=1)}
    expected.add((len(rows) + 1, "id", "duplicate_id"))
    assert expected <= found
    assert found == expected  # and nothing else: the good row is clean


def test_negative_numbers_and_phone_numbers_are_not_formulas():
    rows = [GOOD_PRODUCT | {"phone": "+84 (270) 382-2111", "lon": "106.0", "lat": "10.0"}]
    assert validate_products(rows, regions=REGION_IDS) == []
    far = [GOOD_PRODUCT | {"lon": "-106.0", "lat": "10.0"}]
    assert [p.code for p in validate_products(far, regions=REGION_IDS)] == ["outside_province"]


def test_coordinates_far_from_their_commune():
    square = box(106.0, 10.0, 106.01, 10.01)
    communes = gpd.GeoDataFrame({"code": ["29341"]}, geometry=[square], crs=4326)
    near = GOOD_PRODUCT | {"commune_code": "29341", "lon": "106.02", "lat": "10.005"}
    far = GOOD_PRODUCT | {"id": "far", "commune_code": "29341", "lon": "106.2", "lat": "10.005"}
    problems = validate_products([near, far], communes=communes, regions=REGION_IDS)
    assert problem_places(problems) == {(3, "commune_code", "far_from_commune")}
    assert "km" in problems[0].message_en


@given(st.text(max_size=30))
def test_parsers_raise_only_field_errors(text: str):
    for parse in (parse_stars, parse_year, parse_category, parse_brand_types, rules.parse_number):
        try:
            parse(text)
        except FieldError as exc:
            assert exc.code in MESSAGES
            Problem.of(exc.code, 2, "x", **exc.details).format("vi")


@given(st.dictionaries(st.sampled_from(COLUMNS), st.text(max_size=20), max_size=8))
def test_validation_never_crashes_on_any_row(row: dict[str, str]):
    problems = validate_products([row], communes=["29341"], regions=REGION_IDS)
    for problem in problems:
        assert problem.format("en") and problem.format("vi")
