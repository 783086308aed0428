"""``/p/<id>`` and ``/p/<id>.json`` over HTTP, on both store backends: the page in each
language, its canonical address, 404s, caching and the security policy."""

from __future__ import annotations

import shutil
import subprocess
from xml.etree import ElementTree

import pytest
from test_product_page import Page

from brandmap.service.web import create_app


@pytest.fixture()
def product_id(client) -> str:
    feature = client.get("/api/products?limit=1&min_stars=4").get_json()["features"][0]
    return feature["id"]


def test_product_page_in_both_languages(client, product_id):
    feature = client.get(f"/api/products/{product_id}").get_json()
    vi = client.get(f"/p/{product_id}")
    assert vi.status_code == 200 and vi.mimetype == "text/html"
    assert vi.headers["Content-Language"] == "vi"
    page = Page(vi.get_data(as_text=True))
    assert page.texts["h1"] == feature["properties"]["name_vi"]
    assert page.meta["og:url"] == f"http://localhost/p/{product_id}"
    en = client.get(f"/p/{product_id}?lang=en")
    assert en.headers["Content-Language"] == "en"
    assert Page(en.get_data(as_text=True)).json_ld["name"] == feature["properties"]["name_en"]


def test_product_page_is_cached_like_every_answer(client, product_id):
    first = client.get(f"/p/{product_id}")
    assert first.headers["ETag"] and "max-age" in first.headers["Cache-Control"]
    again = client.get(f"/p/{product_id}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    english = client.get(f"/p/{product_id}?lang=en")
    assert english.headers["ETag"] != first.headers["ETag"]


def test_product_page_keeps_the_security_policy(client, product_id):
    response = client.get(f"/p/{product_id}")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'self'" in policy
    page = Page(response.get_data(as_text=True))
    assert all("src" not in script for script in page.scripts)  # no script is loaded
    stylesheets = [link["href"] for link in page.links if link.get("rel") == "stylesheet"]
    assert stylesheets and all(href.startswith("/static/") for href in stylesheets)
    for href in stylesheets:
        assert client.get(href).status_code == 200


def test_unknown_product_is_a_404_page_in_its_language(client):
    response = client.get("/p/no-such-product?lang=en")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Product not found" in response.get_data(as_text=True)
    assert "Không tìm thấy" in client.get("/p/no-such-product").get_data(as_text=True)


def test_product_json_is_its_feature(client, product_id):
    response = client.get(f"/p/{product_id}.json")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    assert response.get_json()["id"] == product_id
    missing = client.get("/p/no-such-product.json")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"


def test_canonical_address_from_the_public_url(built_store, monkeypatch, product_id):
    monkeypatch.setenv("BRANDMAP_PUBLIC_URL", "https://brandmap.vinhlong.gov.vn/")
    page = Page(create_app(built_store).test_client().get(f"/p/{product_id}?lang=en").text)
    assert page.meta["og:url"] == f"https://brandmap.vinhlong.gov.vn/p/{product_id}?lang=en"


def test_canonical_address_behind_a_trusted_proxy(built_store, monkeypatch, product_id):
    monkeypatch.setenv("BRANDMAP_PROXIES", "1")
    forwarded = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "map.vinhlong.gov.vn",
        "X-Forwarded-Prefix": "/brandmap",
    }
    client = create_app(built_store).test_client()
    html = client.get(f"/p/{product_id}", headers=forwarded).text
    page = Page(html)
    assert page.meta["og:url"] == f"https://map.vinhlong.gov.vn/brandmap/p/{product_id}"
    assert 'href="/brandmap/static/page.css"' in html


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg (zbar-tools) is not installed")
def test_qr_png_reads_back_as_the_page_address(client, product_id, tmp_path):
    response = client.get(f"/p/{product_id}/qr.png?lang=en")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = tmp_path / "qr.png"
    image.write_bytes(response.data)
    read = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    )
    assert read.stdout.strip() == f"http://localhost/p/{product_id}?lang=en"


def test_qr_svg_is_well_formed_and_holds_no_product_text(client, product_id):
    name = client.get(f"/api/products/{product_id}").get_json()["properties"]["name_vi"]
    response = client.get(f"/p/{product_id}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ElementTree.fromstring(response.data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert name not in response.get_data(as_text=True)
    assert client.get("/p/no-such-product/qr.svg").status_code == 404


def test_qr_svg_escapes_what_the_address_holds(built_store, monkeypatch):
    monkeypatch.setenv("BRANDMAP_PUBLIC_URL", 'https://x.vn/"><script>alert(1)</script>')
    client = create_app(built_store).test_client()
    product_id = client.get("/api/products?limit=1").get_json()["features"][0]["id"]
    svg = client.get(f"/p/{product_id}/qr.svg").get_data(as_text=True)
    ElementTree.fromstring(svg)
    assert "<script" not in svg


def test_sitemap_lists_every_product_page_in_both_languages(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ElementTree.fromstring(response.data)
    listed = {loc.text for loc in root.iterfind("s:url/s:loc", namespace)}
    products = client.get("/api/products?limit=10000").get_json()["features"]
    for feature in products:
        page = f"http://localhost/p/{feature['id']}"
        assert page in listed and f"{page}?lang=en" in listed
    assert "http://localhost/" in listed
    assert len(listed) == 2 * len(products) + 2


def test_robots_names_the_sitemap(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in text and "Disallow: /api/" in text
