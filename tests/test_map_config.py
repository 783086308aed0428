"""What the server hands the page's script: the URL's filters, validated leniently, and a
config that cannot break out of its script element."""

from __future__ import annotations

from brandmap.present.map.config import PageConfig, config_json, page_filters
from brandmap.present.map.page import render_map_page


def test_filter_text_cannot_break_out_of_the_script():
    hostile = page_filters({"q": ["</script><script>alert(1)</script>"]}, set(), set())
    html = render_map_page(PageConfig(filters=hostile))
    assert "</script><script>alert(1)" not in html
    assert "\\u003c/script\\u003e" in html


def test_page_filters_are_validated():
    assert (
        page_filters({"min_stars": ["7"], "commune": ["12"], "bbox": ["1,2"]}, {"29659"}, set())
        == {}
    )
    got = page_filters(
        {"near": ["10.2,106.0"], "category": ["thuc_pham"], "brand_type": ["gi"]}, set(), set()
    )
    assert got == {
        "near": [10.2, 106.0],
        "radius_km": 5.0,
        "category": "thuc_pham",
        "brand_type": "gi",
    }


def test_config_names_the_api_under_the_app_prefix():
    text = config_json(PageConfig(api_base="/brandmap").resolved())
    assert '"products_data":"/brandmap/api/products?limit=10000"' in text
    assert '"export":"/brandmap/api/export"' in text
    assert "\u2028" not in config_json(PageConfig(filters={"q": "a\u2028b"}))
