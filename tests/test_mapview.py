"""The map page as a whole: no data inline, bilingual, served with its script modules.

Also the small store the page tests (here and in the browser) run against."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from brandmap.present.map import PageConfig, render_map_page
from brandmap.present.map.files import NODE_MODULES

XSS_NAME = '<img src=x onerror="window.__xss=1">'
XSS_ID = "xss-probe"


# ----------------------------------------------------------------- a small store for page tests


def _communes() -> gpd.GeoDataFrame:
    """Twelve rectangular communes tiling a box inside the province (a proper coverage)."""
    rows = []
    names = [
        "Trung Thành",
        "Long Hồ",
        "Cái Nhum",
        "Tam Bình",
        "Trà Ôn",
        "Vũng Liêm",
        "Bình Minh",
        "Mỏ Cày",
        "Chợ Lách",
        "Ba Tri",
        "Càng Long",
        "Cầu Kè",
    ]
    for i in range(12):
        col, row = i % 4, i // 4
        x0, y0 = 105.95 + col * 0.2, 9.7 + row * 0.2
        rows.append(
            {
                "code": str(29600 + i * 3),
                "name": f"Xã {names[i]}",
                "kind": "xã",
                "area_km2": 480.0,
                "geometry_quality": "approximate",
                "former_province": "Vĩnh Long",
                "geometry": shapely.box(x0, y0, x0 + 0.2, y0 + 0.2),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)


def _product(i: int, communes: gpd.GeoDataFrame, **fields) -> dict:
    commune = communes.iloc[i % len(communes)]
    centre = commune.geometry.centroid
    row = {
        "id": f"p{i:03d}",
        "name_vi": f"Sản phẩm thử {i}",
        "name_en": f"Test product {i}",
        "category": ["thuc_pham", "do_uong", "thao_duoc", "luu_niem_noi_that"][i % 4],
        "brand_types": ["ocop"],
        "ocop_stars": [3, 4, 5, None][i % 4],
        "ocop_year": 2023,
        "gi_number": None,
        "producer": f"HTX thử {i}",
        "producer_kind": "cooperative",
        "address_published": "ấp 1, huyện thử",
        "commune_code": commune["code"],
        "commune_name": commune["name"],
        "value_chain": ["coconut", "pomelo", "rice"][i % 3],
        "region": None,
        "description_vi": "Mô tả",
        "description_en": "Description",
        "phone": "0270 000 000",
        "website": "https://example.org",
        "source_url": "https://example.org/source",
        "source_date": "2025-08-01",
        "location_quality": "commune",
        "geometry": shapely.Point(centre.x + (i % 5) * 0.01, centre.y + (i % 7) * 0.01),
    }
    row.update(fields)
    return row


def build_test_store(path: Path) -> Path:
    """A GeoPackage store with 40 products, one region and a product named like an XSS probe."""
    from brandmap.store import GeoPackageStore, Snapshot

    communes = _communes()
    # Four OCOP products decided in March 2020: their certificates lapsed in March 2023.
    lapsed = {"ocop_decision": "1/QĐ-UBND", "ocop_decision_date": "2020-03-02"}
    products = [_product(i, communes, **(lapsed if i % 10 == 1 else {})) for i in range(38)]
    products.append(
        _product(
            38,
            communes,
            id="buoi-nam-roi",
            name_vi="Bưởi Năm Roi Bình Minh",
            name_en="Binh Minh Nam Roi pomelo",
            brand_types=["gi", "ocop"],
            ocop_stars=5,
            gi_number="00014",
            value_chain="pomelo",
        )
    )
    products.append(
        _product(
            39,
            communes,
            id=XSS_ID,
            name_vi=XSS_NAME,
            name_en=XSS_NAME,
            producer='"><script>window.__xss=2</script>',
            website="javascript:window.__xss=3",
            source_url="javascript:alert(1)",
        )
    )
    region_codes = list(communes["code"][:3])
    regions = gpd.GeoDataFrame(
        [
            {
                "id": "vung-buoi",
                "name_vi": "Vùng bưởi thử",
                "name_en": "Test pomelo area",
                "value_chain": "pomelo",
                "commune_codes": region_codes,
                "source_url": "https://example.org/region",
                "geometry": shapely.union_all(communes.geometry[:3]),
            }
        ],
        geometry="geometry",
        crs=4326,
    )
    frame = gpd.GeoDataFrame(pd.DataFrame(products), geometry="geometry", crs=4326)
    meta = {
        "geometry_quality": "approximate",
        "data_vintage": "2025-08-01",
        "built_at": "2025-08-02T00:00:00+00:00",
        "product_count": str(len(frame)),
    }
    snapshot = Snapshot(communes=communes, regions=regions, products=frame, meta=meta)
    GeoPackageStore(path).write(snapshot)
    return path


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from brandmap.service.web import create_app

    store = build_test_store(tmp_path_factory.mktemp("store") / "brandmap.gpkg")
    app = create_app(store=str(store))
    app.config.update(TESTING=True)
    return app.test_client()


# ----------------------------------------------------------------- the page itself


def test_page_is_small_and_carries_no_features():
    html = render_map_page()
    assert len(html.encode()) < 40_000
    for marker in ('"FeatureCollection"', '"coordinates"', "L.geoJson(", "L.marker("):
        assert marker not in html


def test_page_language():
    vi, en = render_map_page(PageConfig(lang="vi")), render_map_page(PageConfig(lang="en"))
    assert '<html lang="vi">' in vi and "Bản đồ thương hiệu số tỉnh Vĩnh Long" in vi
    assert '<html lang="en">' in en and "Digital brand map of Vĩnh Long province" in en
    assert "Tìm sản phẩm" not in en.split("brandmap.start(")[0]
    assert '<html lang="vi">' in render_map_page(PageConfig(lang="fr"))


def test_the_inline_start_waits_for_the_deferred_modules():
    html = render_map_page()
    boot = html[html.index("brandmap.start(") - 200 : html.index("brandmap.start(")]
    assert "document.addEventListener('DOMContentLoaded'" in boot
    assert '<script type="module" src="/static/brandmap/main.js">' in html
    assert '<script src="/static/brandmap' not in html  # no classic script of ours runs early


# ----------------------------------------------------------------- through the app


def test_index_route(client):
    response = client.get("/?lang=en&q=buoi&min_stars=4&commune=29600")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert '"filters":{"commune":["29600"],"min_stars":4,"q":"buoi"}' in html
    assert XSS_NAME not in html  # products are never rendered into the page
    assert '"geometry_quality":"approximate","data_vintage":"2025-08-01"' in html


def test_bad_filters_do_not_break_the_page(client):
    assert client.get("/?min_stars=x&bbox=a&near=1&lang=zz").status_code == 200


def test_static_routes(client):
    assert client.get("/static/brandmap.css").status_code == 200
    assert client.get("/static/vendor/../package.json").status_code == 404
    assert client.get("/static/../pyproject.toml").status_code == 404
    if NODE_MODULES.is_dir():
        response = client.get("/static/vendor/leaflet/dist/leaflet.js")
        assert response.status_code == 200
        assert "javascript" in response.mimetype


_IMPORT = re.compile(r"""^\s*import\b[^'"]*['"]([^'"]+)['"]""", re.MULTILINE)


def test_every_module_the_page_imports_is_served_as_javascript(client):
    """Follow the imports from the page's module script: each is served, as JavaScript."""
    html = client.get("/").get_data(as_text=True)
    entry = re.findall(r'<script type="module" src="([^"]+)"', html)
    assert len(entry) == 1
    seen, waiting = set(), list(entry)
    while waiting:
        url = waiting.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "text/javascript", url
        folder = url.rsplit("/", 1)[0]
        for target in _IMPORT.findall(response.get_data(as_text=True)):
            assert target.startswith("./"), f"{url} imports {target} from outside the folder"
            waiting.append(f"{folder}/{target.removeprefix('./')}")
    assert len(seen) >= 8  # entry, app and the modules of each concern
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)"', html))
    assert preloaded == seen - set(entry)  # nothing preloaded in vain, nothing discovered late
