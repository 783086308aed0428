"""The exchange format's columns and the parsers of its values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandmap.catalog.schema import (
    BRAND_TYPES,
    CATEGORIES,
    CATEGORY_LABELS,
    REQUIRED,
    FieldError,
    parse_brand_types,
    parse_category,
    parse_stars,
)


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Thực phẩm", "thuc_pham"),
        ("THỰC PHẨM", "thuc_pham"),
        ("thuc pham", "thuc_pham"),
        ("Đồ uống", "do_uong"),
        ("Thảo dược", "thao_duoc"),
        ("Vải & may mặc", "vai_may_mac"),
        ("Lưu niệm – nội thất – trang trí", "luu_niem_noi_that"),
        ("lưu niệm-nội thất-trang trí", "luu_niem_noi_that"),
        ("Dịch vụ du lịch cộng đồng & điểm du lịch", "du_lich_cong_dong"),
        ("dịch vụ du lịch cộng đồng-điểm du lịch", "du_lich_cong_dong"),
        ("du_lich_cong_dong", "du_lich_cong_dong"),
    ],
)
def test_category_accepts_codes_and_group_names(label: str, code: str):
    assert parse_category(label) == code


def test_required_fields_match_the_contract():
    assert set(REQUIRED) == {"id", "name_vi", "category", "brand_types", "source_url"}


@given(st.integers(min_value=-10, max_value=10), st.booleans())
def test_stars_round_trip(stars: int, as_float: bool):
    text = f"{stars}.0" if as_float else str(stars)
    if stars in (3, 4, 5):
        assert parse_stars(text) == stars
    else:
        with pytest.raises(FieldError):
            parse_stars(text)


@given(
    st.lists(st.sampled_from(BRAND_TYPES), min_size=1, unique=True),
    st.sampled_from([";", "; ", " ; "]),
    st.booleans(),
)
def test_brand_types_round_trip(types: list[str], separator: str, upper: bool):
    text = separator.join(t.upper() if upper else t for t in types)
    assert parse_brand_types(text) == types


@given(
    st.sampled_from(CATEGORIES),
    st.sampled_from(["code", "vi", "en"]),
    st.sampled_from([str.lower, str.upper, str.title]),
)
def test_category_round_trip(code: str, form: str, case):
    label = {"code": code, "vi": CATEGORY_LABELS[code][0], "en": CATEGORY_LABELS[code][1]}[form]
    assert parse_category(case(label)) == code
