"""Product filter parameters: parsing, property-tested, and refusals naming the parameter."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandmap.errors import QueryError
from brandmap.query.filters import FILTER_PARAMS, ProductFilter, parse_filter, parse_page

COMMUNES = {"29659", "28756", "29489"}
REGIONS = {"coconut-ben-tre"}


def _parse(**params):
    return parse_filter(
        {k: v if isinstance(v, list) else [v] for k, v in params.items()},
        COMMUNES,
        REGIONS,
        ("limit", "offset"),
    )


def test_parses_every_filter():
    f = _parse(
        commune=["29659", "28756"],
        region="coconut-ben-tre",
        category="thuc_pham",
        brand_type=["ocop", "gi"],
        min_stars="4",
        ocop_status=["valid", "expiring"],
        q="Bưởi Năm Roi",
        bbox="105.5,9.5,106.8,10.4",
        near="10.25,106.37",
        radius_km="3.5",
    )
    assert f == ProductFilter(
        communes=("29659", "28756"),
        region="coconut-ben-tre",
        category="thuc_pham",
        brand_types=("ocop", "gi"),
        min_stars=4,
        ocop_statuses=("valid", "expiring"),
        q="buoi nam roi",
        bbox=(105.5, 9.5, 106.8, 10.4),
        near=(10.25, 106.37),
        radius_km=3.5,
    )


@pytest.mark.parametrize(
    "params, param",
    [
        ({"min_stars": "6"}, "min_stars"),
        ({"min_stars": "2"}, "min_stars"),
        ({"min_stars": "four"}, "min_stars"),
        ({"category": "weapons"}, "category"),
        ({"brand_type": "ocopp"}, "brand_type"),
        ({"ocop_status": "lapsed"}, "ocop_status"),
        ({"commune": "99999"}, "commune"),
        ({"region": "nowhere"}, "region"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "106,10,105,11"}, "bbox"),
        ({"bbox": "nan,1,2,3"}, "bbox"),
        ({"bbox": "0,0,inf,1"}, "bbox"),
        ({"polygon": "105.9,10.0,106.1,10.0"}, "polygon"),  # two corners
        ({"polygon": "105.9,10.0,106.1,10.0,106.0"}, "polygon"),  # odd count
        ({"polygon": "105,10,106,11,106,10,105,11"}, "polygon"),  # a bow tie
        ({"polygon": "105,10,106,10,107,10"}, "polygon"),  # no area
        ({"polygon": "105,10,106,10,nan,11"}, "polygon"),
        ({"polygon": "105,10,106,10,106,95"}, "polygon"),
        ({"polygon": ",".join(["105,10", "106,10", "106,11"] * 200)}, "polygon"),
        ({"near": "10.2"}, "near"),
        ({"near": "95,106"}, "near"),
        ({"near": "10,106", "radius_km": "0"}, "radius_km"),
        ({"radius_km": "5"}, "radius_km"),
        ({"q": "x" * 201}, "q"),
        ({"min_stars": ["3", "4"]}, "min_stars"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_parameters_name_the_parameter(params, param):
    with pytest.raises(QueryError) as info:
        _parse(**params)
    assert info.value.param == param


@given(
    st.dictionaries(
        st.sampled_from([*FILTER_PARAMS, "limit", "offset", "other"]),
        st.lists(st.text(max_size=30), min_size=1, max_size=3),
        max_size=6,
    )
)
def test_any_input_parses_or_raises_query_error(params):
    try:
        parse_filter(params, COMMUNES, REGIONS, ("limit", "offset"))
        parse_page(params)
    except QueryError as exc:
        assert exc.param


@given(st.integers(min_value=-5, max_value=20_000), st.integers(min_value=-5, max_value=10**6))
def test_page_bounds(limit, offset):
    params = {"limit": [str(limit)], "offset": [str(offset)]}
    if 1 <= limit <= 10_000 and offset >= 0:
        assert parse_page(params).limit == limit
    else:
        with pytest.raises(QueryError):
            parse_page(params)


def test_page_default():
    assert parse_page({}).limit == 100 and parse_page({}).offset == 0
