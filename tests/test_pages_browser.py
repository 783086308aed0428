"""The map page in headless Chromium, looked at the way a person uses it.

The real app serves a small test store on 127.0.0.1; every request to another host is
blocked (basemap tiles get an empty image), so the page must work offline. The page's
Content-Security-Policy stays on (no string evaluation), so waits use selectors.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.bench_map import CHROMIUM_ARGS
from brandmap.resources import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts"
# A 1x1 transparent PNG stands in for basemap tiles.
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
    pytest.mark.skipif(
        not (REPO_ROOT / "web" / "node_modules" / "leaflet").is_dir(),
        reason="map assets are not installed: npm ci --prefix web",
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """The real app on a free local port, serving the test store of test_mapview."""
    from test_mapview import build_test_store
    from werkzeug.serving import make_server

    from brandmap.service.web import create_app

    store = build_test_store(tmp_path_factory.mktemp("browser") / "brandmap.gpkg")
    httpd = make_server("127.0.0.1", 0, create_app(store=str(store)), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page whose problems are recorded: JS errors, failed assets, outside requests."""

    def __init__(self, browser, base: str, width: int = 1280, tiles: bool = True):
        self.base = base
        self.errors: list[str] = []
        self.failed_assets: list[str] = []
        self.outside: list[str] = []
        self.context = browser.new_context(
            viewport={"width": width, "height": 800}, device_scale_factor=1
        )
        self.page = self.context.new_page()
        self.page.route("**/*", lambda route: self._route(route, tiles))
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("console", self._console)
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _route(self, route, tiles: bool) -> None:
        url = route.request.url
        if url.startswith(self.base + "/") or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
            return
        self.outside.append(url)
        if tiles and route.request.resource_type == "image":
            route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)
        else:
            route.abort()

    def _console(self, message) -> None:
        if message.type != "error":
            return
        location = (message.location or {}).get("url", "")
        if "Failed to load resource" in message.text and not location.startswith(self.base):
            return  # a blocked basemap tile
        self.errors.append(f"console: {message.text} ({location})")

    def _failed(self, request) -> None:
        if request.resource_type in ("script", "stylesheet", "font", "fetch", "xhr", "document"):
            self.failed_assets.append(f"{request.resource_type} {request.url}")

    def _response(self, response) -> None:
        kind = response.request.resource_type
        if response.status >= 400 and kind in ("script", "stylesheet", "font"):
            self.failed_assets.append(f"{response.status} {response.url}")

    def open(self, path: str = "/") -> Watched:
        self.page.goto(self.base + path)
        self.page.wait_for_selector("html[data-brandmap=ready]", timeout=20_000)
        return self

    def matched(self) -> int:
        return int(self.page.get_attribute("html", "data-matched"))

    def check_clean(self, tile_hosts_only: bool = True) -> None:
        assert self.errors == []
        assert self.failed_assets == []
        if tile_hosts_only:
            assert all(".png" in url or "{z}" in url for url in self.outside), self.outside

    def close(self) -> None:
        self.context.close()


def api_count(base: str, **params: str) -> int:
    query = urllib.parse.urlencode({"limit": "1", **params})
    with urllib.request.urlopen(f"{base}/api/products?{query}") as response:
        return json.load(response)["numberMatched"]


def test_page_loads_offline_in_vietnamese(server, browser):
    watched = Watched(browser, server).open("/")
    page = watched.page
    assert page.get_attribute("html", "lang") == "vi"
    assert "Bản đồ thương hiệu" in page.title()
    assert watched.matched() == api_count(server)
    assert page.locator(".leaflet-control-layers").count() == 1
    assert page.locator(".leaflet-draw").count() == 1
    assert page.locator("path.leaflet-interactive").count() >= 12  # commune polygons
    assert page.is_visible("#bm-geometry-note")  # approximate boundaries are said so
    assert "gần đúng" in page.inner_text(".leaflet-control-attribution")
    assert "2025-08-01" in page.inner_text("#bm-about")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-desktop.png"))
    watched.check_clean()
    watched.close()


def test_every_script_module_is_served_and_runs_clean(server, browser):
    """The page's ES modules all arrive (200, JavaScript) and start the map without errors."""
    watched = Watched(browser, server)
    modules: dict[str, tuple[int, str]] = {}

    def record(response) -> None:
        if "/static/brandmap/" in response.url:
            kind = response.headers.get("content-type", "")
            modules[response.url.removeprefix(server)] = (response.status, kind)

    watched.page.on("response", record)
    page = watched.open("/").page
    folder = REPO_ROOT / "web" / "static" / "brandmap"
    assert set(modules) == {f"/static/brandmap/{path.name}" for path in folder.glob("*.js")}
    for url, (status, kind) in modules.items():
        assert status == 200 and kind.startswith("text/javascript"), (url, status, kind)
    assert page.evaluate("Object.keys(window.brandmap).sort()") == ["app", "fold", "start"]
    assert page.evaluate("brandmap.fold('Bưởi Năm Roi')") == "buoi nam roi"
    watched.check_clean()
    watched.close()


def test_page_in_english_on_a_phone(server, browser):
    watched = Watched(browser, server, width=375).open("/?lang=en")
    page = watched.page
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("#bm-toggle").strip().endswith("Find & filter")
    assert not page.is_visible("#bm-search")  # the panel starts folded on a phone
    assert page.inner_text("#bm-geometry-badge") == "Approximate boundaries"  # still said
    page.screenshot(path=str(ARTIFACTS / "map-375px.png"))
    page.click("#bm-toggle")
    page.wait_for_timeout(400)
    assert page.is_visible("#bm-search")
    assert "Products" in page.inner_text("#bm-count") or "products" in page.inner_text("#bm-count")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing sticks out sideways
    page.screenshot(path=str(ARTIFACTS / "map-375px-panel.png"))
    watched.check_clean()
    watched.close()


def test_filtered_url_shows_only_matching_products(server, browser):
    watched = Watched(browser, server).open("/?min_stars=4&category=thuc_pham")
    page = watched.page
    expected = api_count(server, min_stars="4", category="thuc_pham")
    assert watched.matched() == expected
    assert page.input_value("select[name=min_stars]") == "4"
    assert page.input_value("select[name=category]") == "thuc_pham"
    # The download link asks the server for the same filtered view.
    href = page.get_attribute("#bm-export-api", "href")
    assert href.startswith("/api/export?") and "layer=products" in href
    with urllib.request.urlopen(server + href) as response:
        assert response.status == 200
        assert len(json.load(response)["features"]) == expected
    watched.check_clean()
    watched.close()


def test_search_box_and_filter_agree_with_the_api(server, browser):
    watched = Watched(browser, server).open("/")
    page = watched.page
    page.fill("#bm-search", "buoi nam roi")
    page.wait_for_selector("html[data-matched='1']")
    assert watched.matched() == api_count(server, q="buoi nam roi") == 1
    assert "q=buoi+nam+roi" in page.url
    page.fill("#bm-search", "thu")
    page.wait_for_timeout(400)
    assert watched.matched() == api_count(server, q="thu")
    page.select_option("select[name=category]", "do_uong")
    page.wait_for_timeout(200)
    assert watched.matched() == api_count(server, q="thu", category="do_uong")
    assert "category=do_uong" in page.url
    # The shared link opens the same view.
    other = Watched(watched.page.context.browser, server).open(page.url.removeprefix(server))
    assert other.matched() == watched.matched()
    other.close()
    watched.check_clean()
    watched.close()


def test_search_forgives_and_offers_a_way_out(server, browser):
    watched = Watched(browser, server).open("/")
    page = watched.page
    page.fill("#bm-search", "nam roi BUOI")  # any order, any case: the API's rules
    page.wait_for_selector("html[data-matched='1']")
    page.fill("#bm-search", "buoi nam roj")  # "roj" is too short to forgive
    page.wait_for_selector("html[data-matched='0']")
    page.locator(".bm-suggestion", has_text="buoi nam roi").click()
    page.wait_for_selector("html[data-matched='1']")
    assert page.input_value("#bm-search") == "buoi nam roi"
    assert "q=buoi+nam+roi" in page.url
    page.fill("#bm-search", "xqzvwk")
    page.wait_for_selector("html[data-matched='0']")
    page.click(".bm-clear-search")
    page.wait_for_function("document.documentElement.dataset.matched !== '0'")
    assert watched.matched() == api_count(server) and page.input_value("#bm-search") == ""
    watched.check_clean()
    watched.close()


def test_click_a_marker_and_read_its_popup(server, browser):
    watched = Watched(browser, server).open("/?q=buoi+nam+roi")
    page = watched.page
    page.locator(".bm-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Bưởi Năm Roi Bình Minh" in text
    assert "00014" in text  # GI number
    assert "Chỉ dẫn địa lý" in text
    assert "5" in text and "★" in text
    assert popup.locator("a[href='https://example.org/source']").count() == 1
    watched.check_clean()
    watched.close()


def test_expired_certificates_are_struck_out_and_said_in_words(server, browser):
    watched = Watched(browser, server).open("/?ocop_status=expired")
    page = watched.page
    assert watched.matched() == api_count(server, ocop_status="expired") == 4
    assert page.input_value("select[name=ocop_status]") == "expired"
    assert "ocop_status=expired" in page.get_attribute("#bm-export-api", "href")
    assert "hết hạn" in page.locator("#bm-legend").inner_text()
    page.locator(".bm-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "hết hạn" in popup.inner_text() and "2023-03-02" in popup.inner_text()
    assert page.locator(".bm-marker .bm-star-expired s").count() >= 1
    page.select_option("select[name=ocop_status]", "unknown")
    page.wait_for_timeout(200)
    assert watched.matched() == api_count(server, ocop_status="unknown") == 36
    assert page.locator(".bm-marker .bm-star-expired").count() == 0
    watched.check_clean()
    watched.close()


def test_results_list_zooms_to_a_product(server, browser):
    watched = Watched(browser, server).open("/?q=thu+12")
    page = watched.page
    zoom_before = page.evaluate("brandmap.app.map.getZoom()")
    page.locator(".bm-result").first.click()
    page.locator(".leaflet-popup-content").wait_for()
    assert "Sản phẩm thử 12" in page.inner_text(".leaflet-popup-content")
    assert page.evaluate("brandmap.app.map.getZoom()") >= zoom_before
    watched.check_clean()
    watched.close()


def test_a_product_named_like_html_stays_text(server, browser):
    from test_mapview import XSS_NAME

    watched = Watched(browser, server).open("/?q=img+src")
    page = watched.page
    assert watched.matched() == 1
    page.locator(".bm-result").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert XSS_NAME in popup.inner_text()
    assert XSS_NAME in page.inner_text(".bm-results")
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    watched.check_clean()
    watched.close()


def test_choropleth_switch_and_near_me(server, browser):
    watched = Watched(browser, server).open("/")
    page = watched.page
    page.select_option("#bm-choropleth", "value_chain")
    assert "Chuỗi giá trị chính" in page.inner_text("#bm-legend")
    page.select_option("#bm-choropleth", "ocop45")
    assert "OCOP 4–5★" in page.inner_text("#bm-legend")
    page.click("#bm-near-pick")
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#bm-near-state:not([hidden])")
    assert "near=" in page.url
    params = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    near, radius = params["near"][0], params["radius_km"][0]
    assert watched.matched() == api_count(server, near=near, radius_km=radius)
    assert page.is_visible("#bm-near-state")
    watched.check_clean()
    watched.close()


def test_drawn_rectangle_filters_products(server, browser):
    watched = Watched(browser, server).open("/")
    page = watched.page
    total = watched.matched()
    page.click(".leaflet-draw-draw-rectangle")
    box = page.locator(".folium-map").bounding_box()
    x, y = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + box["width"] * 0.3, y + box["height"] * 0.3, steps=8)
    page.mouse.up()
    page.wait_for_selector("#bm-draw-state:not([hidden])")
    inside = watched.matched()
    assert 0 <= inside < total
    assert str(inside) in page.inner_text("#bm-draw-state")
    with page.expect_download() as download:
        page.click("#bm-export-client")
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["type"] == "FeatureCollection" and len(exported["features"]) == inside
    href = page.get_attribute("#bm-export-api", "href")  # the server's file, same area
    assert "polygon=" in href
    with urllib.request.urlopen(urllib.parse.urljoin(server, href), timeout=10) as answer:
        assert len(json.loads(answer.read())["features"]) == inside
    page.click("#bm-draw-clear")
    assert "polygon=" not in page.get_attribute("#bm-export-api", "href")
    assert watched.matched() == total
    watched.check_clean()
    watched.close()


def test_vector_layers_work_when_tiles_fail(server, browser):
    watched = Watched(browser, server, tiles=False).open("/")
    page = watched.page
    page.wait_for_selector("#bm-tiles-note:not([hidden])", timeout=10_000)
    assert page.locator("path.leaflet-interactive").count() >= 12
    # "buoi" alone also finds the pomelo value chain's products: name the one product.
    page.fill("#bm-search", "buoi nam roi")
    page.wait_for_selector("html[data-matched='1']")
    watched.check_clean()
    watched.close()


def test_shared_link_with_distance_and_box(server, browser):
    watched = Watched(browser, server).open("/?near=9.8,106.05&radius_km=15&lang=en")
    assert watched.matched() == api_count(server, near="9.8,106.05", radius_km="15")
    assert watched.page.is_visible("#bm-near-state")
    watched.close()
    watched = Watched(browser, server).open("/?bbox=105.9,9.6,106.3,10.0")
    assert watched.matched() == api_count(server, bbox="105.9,9.6,106.3,10.0")
    watched.close()
    watched = Watched(browser, server).open("/?region=vung-buoi")
    assert watched.matched() == api_count(server, region="vung-buoi") > 0
    assert watched.page.input_value("select[name=region]") == "vung-buoi"
    watched.check_clean()
    watched.close()


def _product_page_facts(page) -> tuple[str, dict]:
    """The Open Graph title and the schema.org JSON-LD of the page open in ``page``."""
    title = page.get_attribute("meta[property='og:title']", "content")
    return title, json.loads(page.text_content("script[type='application/ld+json']"))


def test_popup_opens_the_product_page(server, browser):
    watched = Watched(browser, server).open("/?q=buoi+nam+roi")
    page = watched.page
    page.locator(".bm-marker").first.click()
    page.locator(".leaflet-popup-content .bm-card-page").click()
    page.wait_for_url(f"{server}/p/buoi-nam-roi")
    assert page.inner_text("h1") == "Bưởi Năm Roi Bình Minh"
    title, document = _product_page_facts(page)
    assert title == document["name"] == "Bưởi Năm Roi Bình Minh"
    assert document["@type"] == "Product" and "00014" in page.inner_text("main")
    page.click("a.bm-page-lang")
    page.wait_for_url(f"{server}/p/buoi-nam-roi?lang=en")
    assert _product_page_facts(page)[1]["name"] == "Binh Minh Nam Roi pomelo"
    assert page.locator(".bm-place svg circle").count() == 1
    watched.check_clean()
    watched.close()


def test_results_list_links_to_the_product_page_in_english(server, browser):
    watched = Watched(browser, server, width=375).open("/?q=buoi+nam+roi&lang=en")
    page = watched.page
    assert page.get_attribute(".bm-result-page", "href") == "/p/buoi-nam-roi?lang=en"
    watched.check_clean()
    watched.close()


def test_product_page_named_like_html_stays_text(server, browser):
    from test_mapview import XSS_ID, XSS_NAME

    watched = Watched(browser, server, width=375)
    page = watched.page
    page.goto(f"{server}/p/{XSS_ID}")
    assert page.inner_text("h1") == XSS_NAME
    assert _product_page_facts(page)[0] == XSS_NAME
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "product-page-xss-375.png"), full_page=True)
    watched.check_clean()
    watched.close()
