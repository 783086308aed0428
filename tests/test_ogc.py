"""OGC API – Features: the rules of Part 1 (Core, GeoJSON, HTML) and Part 2 (CRS), checked
through Flask's test client on a small synthetic snapshot."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import geopandas as gpd
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from pyproj.transformer import TransformerGroup

from brandmap.errors import QueryError
from brandmap.geo.crs import CRS84, EPSG_4326, EPSG_9209, transform_bbox
from brandmap.service import ogc
from brandmap.service.ogc import spatial
from brandmap.service.web import create_app
from brandmap.store import GeoPackageStore, Snapshot

SCRIPT = "<script>alert(1)</script>"
ITEMS = "/ogc/collections/products/items"
CENTRES = {"29659": (105.95, 10.05), "29662": (106.05, 10.05), "28756": (106.35, 9.95)}
N_PRODUCTS = 23
SOURCE_DATES = ("2023-12-27", "2022", "2025-04", None)


def _snapshot() -> Snapshot:
    boxes = [
        shapely.box(105.9, 10.0, 106.0, 10.1),
        shapely.box(106.0, 10.0, 106.1, 10.1),
        shapely.box(106.3, 9.9, 106.4, 10.0),
    ]
    communes = gpd.GeoDataFrame(
        {
            "code": list(CENTRES),
            "name": ["Xã Trung Thành", "Phường Long Châu", "Xã <b>Ba</b>"],
            "kind": ["xã", "phường", "xã"],
            "area_km2": [110.0, 111.0, 112.0],
            "geometry_quality": ["approximate"] * 3,
            "former_province": ["Vĩnh Long", "Vĩnh Long", "Bến Tre"],
        },
        geometry=[shapely.MultiPolygon([b]) for b in boxes],
        crs=4326,
    )
    regions = gpd.GeoDataFrame(
        {
            "id": ["coconut-ben-tre", "pomelo"],
            "name_vi": ["Dừa Bến Tre", "Bưởi Năm Roi"],
            "name_en": ["Ben Tre coconut", "Nam Roi pomelo"],
            "value_chain": ["coconut", "pomelo"],
            "commune_codes": [["28756"], ["29659", "29662"]],
            "source_url": ["https://example.org/dua", "https://example.org/buoi"],
        },
        geometry=[
            shapely.MultiPolygon([boxes[2]]),
            shapely.MultiPolygon([shapely.box(105.9, 10.0, 106.1, 10.1)]),
        ],
        crs=4326,
    )
    rows = []
    for i in range(N_PRODUCTS):
        code = list(CENTRES)[i % 3]
        lon, lat = CENTRES[code]
        rows.append(
            {
                "id": f"p{i:02d}",
                "name_vi": SCRIPT if i == 0 else f"Sản phẩm {i}",
                "category": "thuc_pham" if i % 2 else "do_uong",
                "brand_types": ["ocop"],
                "ocop_stars": 3 + i % 3,
                "ocop_decision": "12/QĐ-UBND" if i % 4 == 0 else None,
                "ocop_decision_date": "2020-01-15" if i % 4 == 0 else None,
                "commune_code": code,
                "region": None,
                "value_chain": "coconut" if code == "28756" else "fruit",
                "source_url": "https://example.org/p",
                "source_date": SOURCE_DATES[i % 4],
                "location_quality": "exact",
                "geometry": shapely.Point(lon + (i % 5) * 0.001, lat + (i % 7) * 0.001),
            }
        )
    products = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    return Snapshot(
        communes,
        regions,
        products,
        meta={"geometry_quality": "approximate", "data_vintage": "2025"},
    )


@pytest.fixture(scope="module", params=["gpkg", "postgis"])
def client(request, tmp_path_factory):
    """The OGC API over each store backend: every test here runs on both."""
    if request.param == "gpkg":
        store = GeoPackageStore(tmp_path_factory.mktemp("ogc") / "s.gpkg")
    else:
        store = request.getfixturevalue("postgis_module_store")
    store.write(_snapshot())
    return create_app(store).test_client()


def _links(document: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for link in document["links"]:
        out.setdefault(link["rel"], []).append(link)
    return out


def _path_and_query(href: str) -> str:
    parts = urlsplit(href)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _pinned_9209():
    """PROJ's own EPSG:6960-based operation, independent of brandmap.geo.crs."""
    group = TransformerGroup("EPSG:4326", "EPSG:9209", always_xy=True)
    return next(t for t in group.transformers if "VN-2000 to WGS 84 (2)" in t.description)


# --------------------------------------------------------------------------- Core


def test_landing_page_links(client):
    response = client.get("/ogc")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    links = _links(response.get_json())
    assert links["service-desc"][0]["href"].endswith("/openapi.json")
    assert links["service-desc"][0]["type"].startswith("application/vnd.oai.openapi+json")
    assert links["service-doc"][0]["href"].endswith("/docs")
    assert links["conformance"][0]["href"].endswith("/ogc/conformance")
    assert links["data"][0]["href"].endswith("/ogc/collections")
    assert links["self"][0]["type"] == "application/json"
    assert links["alternate"][0]["type"] == "text/html"
    for rel in ("service-desc", "service-doc", "conformance", "data"):
        assert client.get(_path_and_query(links[rel][0]["href"])).status_code == 200


def test_conformance_declares_core_geojson_html_oas30_and_crs(client):
    conforms = client.get("/ogc/conformance").get_json()["conformsTo"]
    base = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
    assert {base + c for c in ("core", "geojson", "html", "oas30")} <= set(conforms)
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conforms


def test_collections_carry_extent_storage_crs_and_crs_list(client):
    body = client.get("/ogc/collections").get_json()
    assert [c["id"] for c in body["collections"]] == ["products", "communes", "regions"]
    for meta in body["collections"]:
        assert meta["storageCrs"] == CRS84.uri
        assert set(meta["crs"]) == {
            "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
            "http://www.opengis.net/def/crs/EPSG/0/4326",
            "http://www.opengis.net/def/crs/EPSG/0/9209",
            "http://www.opengis.net/def/crs/EPSG/0/9210",
        }
        bbox = meta["extent"]["spatial"]["bbox"][0]
        assert 105.8 < bbox[0] < bbox[2] < 106.5 and 9.8 < bbox[1] < bbox[3] < 10.2
        items = [link for link in meta["links"] if link["rel"] == "items"]
        assert {link["type"] for link in items} == {"application/geo+json", "text/html"}
    communes = client.get("/ogc/collections/communes").get_json()
    assert communes["extent"]["spatial"]["bbox"] == [[105.9, 9.9, 106.4, 10.1]]
    assert _links(communes)["self"][0]["href"].endswith("/ogc/collections/communes?f=json")


def test_schema_describes_the_feature_properties(client):
    meta = client.get("/ogc/collections/products").get_json()
    described = _links(meta)["describedby"][0]
    assert described["type"] == "application/schema+json"
    response = client.get(_path_and_query(described["href"]))
    assert response.status_code == 200 and response.mimetype == "application/schema+json"
    properties = response.get_json()["properties"]["properties"]["properties"]
    assert list(properties) == list(ogc.COLLECTIONS["products"].properties)
    assert properties["ocop_stars"]["type"] == "integer"
    assert properties["brand_types"]["type"] == "array"
    assert properties["ocop_status"]["enum"] == ["valid", "expiring", "expired", "unknown"]
    communes = client.get("/ogc/collections/communes/schema").get_json()
    assert communes["properties"]["properties"]["properties"]["area_km2"]["type"] == "number"
    assert client.get("/ogc/collections/shops/schema").status_code == 404
    assert client.get("/ogc/collections/products/schema?f=html").status_code == 400


def test_items_link_has_no_query_so_clients_can_append_to_it(client):
    meta = client.get("/ogc/collections/regions").get_json()
    geojson = [link for link in _links(meta)["items"] if link["type"] == "application/geo+json"]
    assert urlsplit(geojson[0]["href"]).query == ""
    item = client.get(_path_and_query(geojson[0]["href"]) + "/pomelo")
    assert item.status_code == 200 and item.get_json()["id"] == "pomelo"


def test_unknown_collection_and_item_are_404_json(client):
    for path in (
        "/ogc/collections/shops",
        "/ogc/collections/shops/items",
        "/ogc/collections/products/items/nope",
        "/ogc/collections/communes/items/00000",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.get_json()["error"] == "not_found"


def test_single_item_with_links(client):
    response = client.get(f"{ITEMS}/p05")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.headers["Content-Crs"] == f"<{CRS84.uri}>"
    feature = response.get_json()
    assert feature["id"] == "p05" and feature["properties"]["commune_code"] == "28756"
    assert _links(feature)["collection"][0]["href"].endswith("/ogc/collections/products")
    commune = client.get("/ogc/collections/communes/items/28756").get_json()
    assert commune["geometry"]["type"] == "MultiPolygon"
    assert commune["properties"]["product_count"] == 7


# --------------------------------------------------------------------------- paging


def test_default_page_is_ten_with_number_matched_and_time_stamp(client):
    body = client.get(ITEMS).get_json()
    assert body["numberMatched"] == N_PRODUCTS
    assert body["numberReturned"] == len(body["features"]) == ogc.DEFAULT_LIMIT
    assert body["timeStamp"].endswith("Z")


def test_next_links_walk_every_feature_once(client):
    seen, url, pages = [], f"{ITEMS}?limit=7", 0
    while url:
        body = client.get(url).get_json()
        pages += 1
        assert body["numberMatched"] == N_PRODUCTS
        assert body["numberReturned"] == len(body["features"])
        seen += [f["id"] for f in body["features"]]
        links = _links(body)
        if pages > 1:
            prev = parse_qs(urlsplit(links["prev"][0]["href"]).query)
            assert int(prev["offset"][0]) == (pages - 2) * 7
        else:
            assert "prev" not in links
        url = _path_and_query(links["next"][0]["href"]) if "next" in links else None
    assert pages == 4
    assert seen == [f"p{i:02d}" for i in range(N_PRODUCTS)]


def test_paging_links_keep_filters(client):
    body = client.get(f"{ITEMS}?category=thuc_pham&limit=3&crs=EPSG:9209").get_json()
    assert body["numberMatched"] == 11
    query = parse_qs(urlsplit(_links(body)["next"][0]["href"]).query)
    assert query["category"] == ["thuc_pham"] and query["crs"] == ["EPSG:9209"]
    assert query["offset"] == ["3"] and query["limit"] == ["3"]


def test_limit_bounds(client):
    for bad in ("0", "-1", "abc", "1.5"):
        response = client.get(f"{ITEMS}?limit={bad}")
        assert response.status_code == 400, bad
        assert response.get_json()["param"] == "limit"
    # Part 1, /req/core/fc-limit-response-1 C: above the maximum is not an error.
    body = client.get(f"{ITEMS}?limit=10001").get_json()
    assert body["numberReturned"] == N_PRODUCTS
    assert client.get(f"{ITEMS}?offset=-3").status_code == 400
    past_end = client.get(f"{ITEMS}?offset=100").get_json()
    assert past_end["numberReturned"] == 0 and past_end["numberMatched"] == N_PRODUCTS
    assert "next" not in _links(past_end)


# --------------------------------------------------------------------------- filters


def _ids(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return {f["id"] for f in response.get_json()["features"]}


def test_bbox_in_crs84_epsg4326_and_vn2000_agree(client):
    in_first = {f"p{i:02d}" for i in range(0, N_PRODUCTS, 3)}
    assert _ids(client, f"{ITEMS}?limit=100&bbox=105.9,10.0,106.0,10.1") == in_first
    assert (
        _ids(client, f"{ITEMS}?limit=100&bbox=10.0,105.9,10.1,106.0&bbox-crs=EPSG:4326") == in_first
    )
    box = ",".join(str(v) for v in transform_bbox((105.94, 10.04, 105.96, 10.06), CRS84, EPSG_9209))
    assert _ids(client, f"{ITEMS}?limit=100&bbox={box}&bbox-crs={EPSG_9209.uri}") == in_first
    assert _ids(client, f"{ITEMS}?limit=100&bbox=105.9,10.0,0,106.0,10.1,0") == in_first
    assert _ids(client, f"{ITEMS}?bbox=0,0,1,1") == set()


def test_bbox_on_polygon_layers_intersects(client):
    assert _ids(client, "/ogc/collections/communes/items?bbox=106.05,9.95,106.35,10.06") == {
        "29662",
        "28756",
    }
    assert _ids(client, "/ogc/collections/regions/items?bbox=106.31,9.91,106.32,9.92") == {
        "coconut-ben-tre"
    }


@pytest.mark.parametrize(
    "bbox", ["1,2,3", "a,b,c,d", "106,10.1,106.1,10.0", "0,0,1,91", "nan,0,1,1", "1,2,3,4,5"]
)
def test_malformed_bbox_is_400(client, bbox):
    response = client.get(f"{ITEMS}?bbox={bbox}")
    assert response.status_code == 400
    assert response.get_json()["param"] == "bbox"


def test_product_property_filters_reuse_the_api_rules(client):
    assert _ids(client, f"{ITEMS}?commune=28756&min_stars=5&category=thuc_pham") == {
        "p05",
        "p11",
        "p17",
    }
    assert _ids(client, f"{ITEMS}?commune=29662&min_stars=5") == set()
    assert _ids(client, f"{ITEMS}?q=san pham 22") == {"p22"}
    response = client.get(f"{ITEMS}?category=sweets")
    assert response.status_code == 400 and response.get_json()["param"] == "category"


def test_certificate_status_is_a_queryable_property(client):
    decided = {f"p{i:02d}" for i in range(0, N_PRODUCTS, 4)}  # in 2020: lapsed in 2023
    assert _ids(client, f"{ITEMS}?ocop_status=expired&limit=1000") == decided
    both = _ids(client, f"{ITEMS}?ocop_status=unknown&ocop_status=valid&limit=1000")
    assert both == {f"p{i:02d}" for i in range(N_PRODUCTS)} - decided
    feature = client.get(f"{ITEMS}/p04").get_json()
    assert feature["properties"]["ocop_valid_until"] == "2023-01-15"
    response = client.get(f"{ITEMS}?ocop_status=lapsed")
    assert response.status_code == 400 and response.get_json()["param"] == "ocop_status"


def test_polygon_layer_filters(client):
    assert _ids(client, "/ogc/collections/communes/items?kind=phường") == {"29662"}
    assert _ids(client, "/ogc/collections/regions/items?value_chain=pomelo") == {"pomelo"}
    assert client.get("/ogc/collections/communes/items?kind=city").status_code == 400
    assert client.get("/ogc/collections/communes/items?category=do_uong").status_code == 400


def _with_date(*dates: str | None) -> set[str]:
    return {f"p{i:02d}" for i in range(N_PRODUCTS) if SOURCE_DATES[i % 4] in dates}


def test_datetime_filters_products_by_source_date(client):
    cases = {
        "2023-12-27T10:00:00Z": _with_date("2023-12-27"),
        "2023-12-27T01:00:00%2B07:00": set(),  # still 26 December in UTC
        "2022-06-01T00:00:00Z/2022-06-30T00:00:00Z": _with_date("2022"),
        "2025-04-15": _with_date("2025-04"),
        "2025-05-01T00:00:00Z/..": set(),
        "../2021-12-31T23:59:59Z": set(),
        "2022-01-01T/..": _with_date("2022", "2023-12-27", "2025-04"),  # as GDAL writes it
    }
    for value, expected in cases.items():
        assert _ids(client, f"{ITEMS}?limit=100&datetime={value}") == expected, value
    assert _ids(client, "/ogc/collections/communes/items?datetime=2024-01-01T00:00:00Z") == set()


def test_temporal_extent_only_where_there_is_time(client):
    products = client.get("/ogc/collections/products").get_json()["extent"]
    assert products["temporal"]["interval"] == [["2022-01-01T00:00:00Z", "2025-05-01T00:00:00Z"]]
    assert "temporal" not in client.get("/ogc/collections/communes").get_json()["extent"]


def test_malformed_datetime_is_400(client):
    for value in (
        "yesterday",
        "2024-13-01T00:00:00Z",
        "2025-01-01T00:00:00Z/2024-01-01T00:00:00Z",
        "../..",
        "a/b/c",
        "2024-01-01T25:00:00Z",
    ):
        response = client.get(f"{ITEMS}?datetime={value}")
        assert response.status_code == 400, value
        assert response.get_json()["param"] == "datetime"


def test_unknown_parameters_are_400_naming_them(client):
    for path in (
        "/ogc?foo=1",
        "/ogc/conformance?limit=3",
        "/ogc/collections?bbox=1,2,3,4",
        f"{ITEMS}?foo=1",
        f"{ITEMS}/p01?limit=3",
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        body = response.get_json()
        assert body["error"] == "bad_request" and body["param"] in body["detail"]
    assert client.get(f"{ITEMS}?f=xml").get_json()["param"] == "f"


# --------------------------------------------------------------------------- Part 2: CRS


def test_crs_9209_coordinates_match_the_pinned_transformation(client):
    plain = client.get(f"{ITEMS}?limit=100").get_json()["features"]
    response = client.get(f"{ITEMS}?limit=100&crs=http://www.opengis.net/def/crs/EPSG/0/9209")
    assert response.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/9209>"
    projected = {f["id"]: f["geometry"]["coordinates"] for f in response.get_json()["features"]}
    expected = _snapshot().products.set_index("id").geometry
    pinned = _pinned_9209()
    for feature in plain:
        x, y = pinned.transform(expected[feature["id"]].x, expected[feature["id"]].y)
        got = projected[feature["id"]]
        assert abs(got[0] - x) < 0.01 and abs(got[1] - y) < 0.01
        assert 500_000 < got[0] < 600_000 and 1_090_000 < got[1] < 1_120_000


def test_large_layers_are_projected_page_by_page_with_the_same_result(client, monkeypatch):
    url = f"{ITEMS}?limit=4&offset=6&crs=EPSG:9210&category=thuc_pham"
    whole = client.get(url).get_json()["features"]
    client.application.extensions["brandmap.served"].current().__dict__.pop("_ogc_cache", None)
    monkeypatch.setattr(spatial, "WHOLE_LAYER_ROWS", 5)
    paged = client.get(url).get_json()["features"]
    assert paged == whole and len(paged) == 4
    empty = client.get(f"{ITEMS}?offset=500&crs=EPSG:9210").get_json()
    assert empty["features"] == [] and empty["numberMatched"] == N_PRODUCTS


def test_crs_on_polygons_and_single_items(client):
    response = client.get("/ogc/collections/communes/items/29659?crs=EPSG:9210")
    assert response.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/9210>"
    ring = response.get_json()["geometry"]["coordinates"][0][0]
    assert all(400_000 < x < 600_000 and 1_100_000 < y < 1_120_000 for x, y in ring)


def test_epsg_4326_is_latitude_first_and_crs84_longitude_first(client):
    default = client.get(f"{ITEMS}/p01")
    lat_first = client.get(f"{ITEMS}/p01?crs={EPSG_4326.uri}")
    assert default.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    assert lat_first.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/4326>"
    lon, lat = default.get_json()["geometry"]["coordinates"]
    assert lat_first.get_json()["geometry"]["coordinates"] == [lat, lon]
    assert lon > 100 > lat
    square = client.get("/ogc/collections/communes/items/29659?crs=EPSG:4326").get_json()
    assert all(9 < a < 11 and 105 < b < 107 for a, b in square["geometry"]["coordinates"][0][0])


@pytest.mark.parametrize("param", ["crs", "bbox-crs"])
def test_unsupported_crs_is_400(client, param):
    extra = "&bbox=1,2,3,4" if param == "bbox-crs" else ""
    response = client.get(f"{ITEMS}?{param}=EPSG:3857{extra}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["param"] == param and "EPSG:9209" in body["detail"]


# --------------------------------------------------------------------------- HTML


@pytest.mark.parametrize(
    "path", [f"{ITEMS}?f=html", f"{ITEMS}/p00?f=html", "/ogc/collections/communes/items?f=html"]
)
def test_html_escapes_every_value(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert SCRIPT not in page and "<b>Ba</b>" not in page
    assert "&lt;script&gt;" in page or "&lt;b&gt;Ba&lt;/b&gt;" in page


def test_accept_header_negotiates_html_and_f_overrides_it(client):
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    for path in (
        "/ogc",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/products",
        ITEMS,
        f"{ITEMS}/p01",
    ):
        assert client.get(path, headers=browser).mimetype == "text/html", path
    assert client.get(f"{ITEMS}?f=json", headers=browser).mimetype == "application/geo+json"
    page = client.get(f"{ITEMS}?limit=5&category=do_uong", headers=browser).get_data(as_text=True)
    assert "offset=5" in page and "category=do_uong" in page  # next link kept the filter
    assert client.get("/ogc", headers={"Accept": "application/json"}).mimetype == "application/json"


# --------------------------------------------------------------------------- parsers


@given(st.text(max_size=40))
def test_bbox_parser_answers_a_box_or_a_query_error(text):
    try:
        x1, y1, x2, y2 = ogc.parse_bbox(text, CRS84)
    except QueryError as exc:
        assert exc.param == "bbox"
    else:
        assert y1 <= y2 and -180 <= x1 <= 180 and -180 <= x2 <= 180


@given(st.text(alphabet="0123456789-:TZ./+", max_size=45))
def test_datetime_parser_answers_an_interval_or_a_query_error(text):
    try:
        start, end = ogc.parse_datetime(text)
    except QueryError as exc:
        assert exc.param == "datetime"
    else:
        assert start is None or end is None or start < end
