"""A product's own page, rendered without a server: what it says, in both languages, and
that product text stays text in the HTML, the meta tags and the JSON-LD."""

from __future__ import annotations

import dataclasses
import json
from html.parser import HTMLParser

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandmap.present.dataset import Dataset
from brandmap.present.pages import PageLinks, render_product_page
from brandmap.present.pages.place_svg import place_drawing

LINKS = PageLinks("https://brandmap.example.vn", "")
TEXT_FIELDS = ("name_vi", "name_en", "producer", "address_published", "description_vi")


class Page(HTMLParser):
    """What a browser would see: elements, meta tags, the JSON-LD and the h1's text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.scripts: list[dict[str, str]] = []
        self.texts: dict[str, str] = {}
        self._open: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append(tag)
        if tag == "meta" and ("property" in attributes or "name" in attributes):
            self.meta[attributes.get("property") or attributes["name"]] = attributes["content"]
        if tag == "link":
            self.links.append(attributes)
        if tag == "script":
            self.scripts.append({**attributes, "text": ""})
        self._open.append(tag)

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        if self._open and self._open[-1] in ("h1", "title", "script"):
            where = self._open[-1]
            if where == "script":
                self.scripts[-1]["text"] += data
            self.texts[where] = self.texts.get(where, "") + data

    @property
    def json_ld(self) -> dict:
        (script,) = [s for s in self.scripts if s.get("type") == "application/ld+json"]
        return json.loads(script["text"])


@pytest.fixture(scope="module")
def dataset(real_snapshot) -> Dataset:
    return Dataset(real_snapshot)


def _starred(dataset: Dataset) -> str:
    return dataset.products[dataset.products["ocop_stars"].notna()]["id"].iloc[0]


def test_page_says_what_the_product_is_in_vietnamese(dataset):
    product_id = _starred(dataset)
    row = dataset.products.set_index("id").loc[product_id]
    status, html = render_product_page(dataset, product_id, "vi", LINKS)
    page = Page(html)
    assert status == 200
    assert page.texts["h1"] == row["name_vi"]
    assert page.meta["og:title"] == row["name_vi"]
    assert page.meta["og:url"] == f"https://brandmap.example.vn/p/{product_id}"
    assert page.meta["twitter:card"] == "summary"
    assert row["name_vi"] in page.meta["description"]
    assert "Bản đồ thương hiệu" in page.meta["description"]
    assert f"{row['ocop_stars']}★" in html and row["commune_code"] in html
    canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
    assert canonical == [f"https://brandmap.example.vn/p/{product_id}"]
    alternates = {link["hreflang"]: link["href"] for link in page.links if "hreflang" in link}
    assert alternates["en"] == f"https://brandmap.example.vn/p/{product_id}?lang=en"
    assert alternates["vi"] == alternates["x-default"] == canonical[0]


def test_english_page_and_its_json_ld(dataset):
    product_id = _starred(dataset)
    row = dataset.products.set_index("id").loc[product_id]
    _, html = render_product_page(dataset, product_id, "en", LINKS)
    page = Page(html)
    document = page.json_ld
    assert page.texts["h1"] == row["name_en"] and 'lang="en"' in html
    assert document["@type"] == "Product" and document["name"] == row["name_en"]
    assert document["url"].endswith(f"/p/{product_id}?lang=en")
    maker = document["manufacturer"]
    assert maker["@type"] == "Organization" and maker["name"] == row["producer"]
    geo = maker["location"]["geo"]
    assert (geo["longitude"], geo["latitude"]) == pytest.approx((row.geometry.x, row.geometry.y))
    assert maker["location"]["@type"] == "Place"


def test_certificate_status_is_said_in_words(real_snapshot):
    products = real_snapshot.products.copy()
    products.at[0, "brand_types"] = ["ocop"]
    products.loc[0, ["ocop_stars", "ocop_decision", "ocop_decision_date"]] = [
        4,
        "123/QĐ-UBND",
        "2019-05-06",
    ]
    dataset = Dataset(dataclasses.replace(real_snapshot, products=products))
    product_id = products.loc[0, "id"]
    vi = render_product_page(dataset, product_id, "vi", LINKS)[1]
    en = render_product_page(dataset, product_id, "en", LINKS)[1]
    assert "hết hạn" in vi and "expired" in en and "2022-05-06" in en
    assert "123/QĐ-UBND" in vi and "2019-05-06" in vi


def test_related_products_link_to_their_pages(dataset):
    product_id = _starred(dataset)
    _, html = render_product_page(dataset, product_id, "en", LINKS)
    assert "More from this value chain" in html
    assert 'href="/p/' in html and "?lang=en" in html


def test_unknown_product_is_a_page_in_its_language(dataset):
    status, html = render_product_page(dataset, "no-such-product", "en", LINKS)
    assert status == 404 and "Product not found" in html and 'lang="en"' in html
    status, html = render_product_page(dataset, "no-such-product", "vi", LINKS)
    assert status == 404 and "Không tìm thấy sản phẩm" in html


def test_place_drawing_holds_the_point():
    commune = shapely.box(106.0, 10.0, 106.2, 10.1)
    drawing = place_drawing(commune, shapely.Point(106.15, 10.02))
    width, height = map(float, drawing.view_box.split()[2:])
    assert 0 < drawing.x < width and 0 < drawing.y < height and width > height
    assert drawing.outline.startswith("M") and drawing.outline.endswith("Z")
    assert place_drawing(None, shapely.Point(106, 10)) is None


PROBES = st.sampled_from(
    ["</script>", "<!--", "<script>", '"><img src=x onerror=alert(1)>', "&amp;", "\u2028", "'"]
)
TEXT = (
    st.lists(
        st.one_of(PROBES, st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8)),
        min_size=1,
        max_size=6,
    )
    .map("".join)
    .filter(str.strip)
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_any_product_text_stays_text(real_snapshot, text):
    products = real_snapshot.products.iloc[:3].copy()
    for field in TEXT_FIELDS:
        products.loc[0, field] = text
    dataset = Dataset(dataclasses.replace(real_snapshot, products=products))
    product_id = products.iloc[0]["id"]
    page = Page(render_product_page(dataset, product_id, "vi", LINKS)[1])
    assert page.texts["h1"] == text
    assert page.meta["og:title"] == page.meta["twitter:title"] == text
    assert page.meta["description"].startswith(text[:100])
    assert page.json_ld["name"] == text and page.json_ld["manufacturer"]["name"] == text
    assert [s.get("type") for s in page.scripts] == ["application/ld+json"]
    assert "img" not in page.tags
