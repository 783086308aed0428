"""Fuzzing and input hardening: no request, address or product file makes brandmap fail.

Three layers of evidence:

* schemathesis generates requests from ``/openapi.json`` and checks every answer against the
  description (status codes, media types, bodies) and that none is a server error;
* hypothesis throws random, huge, non-finite, repeated and unknown parameters at every query
  parser and route, random text at the address resolver and random bytes at the product file
  reader: the answer is always a 200 or a clear 400, never a 5xx or a traceback;
* fixed cases for the rules users and browsers rely on: caps and ranges, body size limit,
  safe download names, neutralised spreadsheet formulas, security headers.

Tests marked ``xfail(strict=True)`` pin a bug found here; each names the fix it waits for.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from pathlib import Path

import pytest
from builders import xlsx_bytes
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from brandmap.errors import QueryError
from brandmap.query.filters import FILTER_PARAMS

ROUTES_WITH_FILTERS = ("/api/products", "/api/stats", "/api/export")
OGC_ITEMS = "/ogc/collections/{}/items"
FILTER_NAMES = (
    *FILTER_PARAMS,
    *("limit", "offset", "by", "layer", "format", "crs", "detail", "f", "datetime"),
    *("bbox-crs", "kind", "geometry_quality", "lang", "address"),
)
# Text that must never reach a client: tracebacks, machine paths, library internals.
LEAKS = re.compile(r"Traceback|File \"|/work/|/home/|/usr/|site-packages|\.py\b|psycopg|sqlite")
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def gpkg_app(built_store):
    from brandmap.service.web import create_app

    return create_app(built_store)


@pytest.fixture(scope="module")
def gpkg_client(gpkg_app):
    return gpkg_app.test_client()


def _assert_clean(response, allowed=(200, 400)) -> None:
    """A 200 or a 400 JSON error with error+detail; nothing internal in the body."""
    body = response.get_data()
    assert response.status_code in allowed, (response.status_code, body[:300])
    if response.status_code >= 400:
        assert response.mimetype == "application/json", response.mimetype
        payload = json.loads(body)
        assert payload["error"] and payload["detail"], payload
    if response.mimetype in ("application/json", "text/html") or response.status_code >= 400:
        text = body.decode("utf-8", "replace")
        assert not LEAKS.search(text), LEAKS.search(text).group(0)


# --------------------------------------------------------------------------- schemathesis


@pytest.fixture(scope="module")
def openapi_schema(gpkg_app):
    schemathesis = pytest.importorskip("schemathesis")  # a dev dependency
    return schemathesis.openapi.from_wsgi("/openapi.json", gpkg_app)


def _route_operations() -> list[tuple[str, str]]:
    from brandmap.service.openapi import ROUTES

    return [(route.path, route.method.upper()) for route in ROUTES]


@pytest.mark.parametrize(("path", "method"), _route_operations())
def test_every_route_answers_as_described(openapi_schema, path, method):
    """Generated requests (valid and invalid): no 5xx; status, media type and body as
    /openapi.json says.

    Left out, with the reason:
    ``positive_data_acceptance`` — a schema-valid value can still name nothing (commune
    ``00000``), and ``bbox``/``near`` carry no pattern yet (reported);
    ``negative_data_rejection`` — empty values count as "not given" and the OGC ``limit``
    is lowered to the cap instead of refused; both pinned by the xfail tests below, and the
    map page drops bad filters on purpose (it must open any link);
    ``unsupported_method`` — 405 without ``Allow``, pinned below;
    the response schema of ``/api/export`` — its GeoJSON answer is described as a binary
    string, pinned below.
    """
    from schemathesis import checks
    from schemathesis.generation import GenerationMode

    operation = openapi_schema[path][method]
    excluded = [
        checks.positive_data_acceptance,
        checks.negative_data_rejection,
        checks.unsupported_method,
    ]

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            # The WSGI transport does not undo gzip; ask for plain bodies.
            case.call_and_validate(
                excluded_checks=excluded, headers={"Accept-Encoding": "identity"}
            )

        try:
            check()
        except Unsatisfiable:  # nothing invalid to send (a free-text path parameter only)
            assert mode == GenerationMode.NEGATIVE


def _document(gpkg_client) -> dict:
    return gpkg_client.get("/openapi.json").get_json()


def test_openapi_export_geojson_is_described_as_an_object(gpkg_client):
    content = _document(gpkg_client)["paths"]["/api/export"]["get"]["responses"]["200"]["content"]
    ref = content["application/geo+json"]["schema"]["$ref"]
    assert ref.endswith("/FeatureCollection")


def test_openapi_ogc_limit_schema_matches_clamping(gpkg_client):
    limit = _document(gpkg_client)["components"]["parameters"]["limit"]["schema"]
    response = gpkg_client.get("/ogc/collections/products/items?limit=10001")
    assert response.status_code == 200
    assert "maximum" not in limit


def test_openapi_declares_empty_values(gpkg_client):
    parameters = _document(gpkg_client)["components"]["parameters"]
    assert gpkg_client.get("/api/communes?detail=").status_code == 200
    assert gpkg_client.get("/api/products?category=&brand_type=").status_code == 200
    for key in ("detail", "category", "brand_type", "value_chain", "layer", "format"):
        assert parameters[key].get("allowEmptyValue") is True, key
    assert parameters["by"]["allowEmptyValue"] is False
    assert gpkg_client.get("/api/stats?by=").status_code == 400


def test_method_not_allowed_names_allowed_methods(gpkg_client):
    response = gpkg_client.delete("/api/products")
    assert response.status_code == 405
    assert "GET" in response.headers.get("Allow", "")


# --------------------------------------------------------------------------- parameter fuzz

NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        [
            "nan",
            "NaN",
            "inf",
            "-inf",
            "Infinity",
            "1e309",
            "-0",
            "0x10",
            "1_000",
            "",
            " ",
            "3.",
            "+4",
            "٣",
            "４",
            "10.25,105.97",
            "105.9,10.2,106.1,10.4",
            ",,,",
            "1,2,3,4,5,6",
            "3e0",
        ]
    ),
)
TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.sampled_from(
        [
            "Bưởi Năm Roi",
            "buoi nam roi",
            "<script>alert(1)</script>",
            "../../etc/passwd",
            "%00",
            "\x00",
            "' OR 1=1 --",
            '=HYPERLINK("x")',
            "thuc_pham",
            "ocop",
            "29659",
            "EPSG:9209",
            "csv",
            "shp",
            "gpkg",
            "kml",
            "communes",
            "display",
            "html",
            "json",
            "2024-01-01/..",
            "2024",
            "a" * 5000,
        ]
    ),
)
VALUES = st.one_of(NUMBERS, TEXT, st.lists(NUMBERS, min_size=1, max_size=6).map(",".join))
NAMES = st.one_of(st.sampled_from(FILTER_NAMES), st.text(min_size=1, max_size=12))
PARAMS = st.lists(st.tuples(NAMES, VALUES), max_size=6)


@FUZZ
@given(route=st.sampled_from(ROUTES_WITH_FILTERS), params=PARAMS)
@example(route="/api/products", params=[("bbox", "nan,0,1,1")])
@example(route="/api/products", params=[("bbox", "106,11,105,10")])
@example(route="/api/products", params=[("near", "inf,105"), ("radius_km", "1e309")])
@example(route="/api/products", params=[("limit", "1"), ("limit", "2")])
@example(route="/api/stats", params=[("by", "commune"), ("by", "region")])
@example(route="/api/export", params=[("format", "csv"), ("layer", "../../etc/passwd")])
def test_api_query_parameters_never_fail(gpkg_client, route, params):
    if route == "/api/export":  # heavy writers: fuzz names and values, keep cheap formats
        assume(all(v in ("geojson", "csv") for n, v in params if n == "format"))
    _assert_clean(gpkg_client.get(route, query_string=params))


@FUZZ
@given(collection=st.sampled_from(["products", "communes", "regions"]), params=PARAMS)
@example(
    collection="products",
    params=[
        ("bbox", "1e308,1e308,1e308,1e308"),
        ("bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/9209"),
    ],
)
@example(collection="products", params=[("bbox", "170,-10,-170,10")])
@example(collection="products", params=[("datetime", "2024-02-30")])
@example(collection="communes", params=[("kind", "\x00")])
def test_ogc_items_parameters_never_fail(gpkg_client, collection, params):
    _assert_clean(gpkg_client.get(OGC_ITEMS.format(collection), query_string=params))


@FUZZ
@given(address=st.text(max_size=600), extra=st.lists(st.tuples(NAMES, TEXT), max_size=2))
def test_resolve_route_never_fails(gpkg_client, address, extra):
    _assert_clean(gpkg_client.get("/api/resolve", query_string=[("address", address), *extra]))


@settings(max_examples=60, deadline=None)
@given(params=PARAMS)
def test_map_page_opens_any_link(gpkg_client, params):
    """The page drops filters it cannot use: always a 200 page, never an error."""
    response = gpkg_client.get("/", query_string=params)
    assert response.status_code == 200
    assert not LEAKS.search(response.get_data(as_text=True)[:2000])


@settings(max_examples=300, deadline=None)
@given(params=st.dictionaries(NAMES, st.lists(VALUES, min_size=1, max_size=3), max_size=6))
def test_query_parsers_raise_only_query_errors(real_snapshot, params):
    """parse_filter / parse_page / OGC bbox and datetime: a result or a QueryError."""
    from brandmap.geo.crs import CRS84, EPSG_4326
    from brandmap.query.filters import PAGE_PARAMS, parse_filter, parse_page
    from brandmap.service import ogc

    communes = set(real_snapshot.communes["code"])
    regions = set(real_snapshot.regions["id"])
    for call in (
        lambda: parse_filter(params, communes, regions, PAGE_PARAMS),
        lambda: parse_page(params),
        lambda: [ogc.parse_bbox(v, c) for v in params.get("bbox", []) for c in (CRS84, EPSG_4326)],
        lambda: [ogc.parse_datetime(v) for v in params.get("datetime", [])],
    ):
        try:
            result = call()
        except QueryError as exc:
            assert str(exc)
            continue
        if isinstance(result, tuple) and len(result) == 4:
            assert all(math.isfinite(v) for v in result)


# Bugs the fuzzers found: each is a 500 today.


@pytest.mark.parametrize(
    "url",
    [
        "/api/products?limit=%C2%B2",
        "/api/products?offset=%C2%B2",
        "/api/stats?min_stars=%C2%B3",
        "/api/export?min_stars=%C2%B3",
        "/ogc/collections/products/items?limit=%C2%B2",
        "/ogc/collections/products/items?offset=%C2%B2",
    ],
)
def test_unicode_digit_numbers_are_a_400(gpkg_client, url):
    _assert_clean(gpkg_client.get(url), allowed=(400,))


@pytest.mark.parametrize("route", ["/api/products", "/ogc/collections/products/items"])
def test_very_long_numbers_are_a_400(gpkg_client, route):
    response = gpkg_client.get(route, query_string={"limit": "9" * 5000})
    assert response.status_code in (200, 400)  # OGC lowers to the cap, the API refuses
    _assert_clean(response)


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01T00:00:00+01:00", "9999-12-31T23Z"])
def test_extreme_datetimes_are_a_400(gpkg_client, value):
    response = gpkg_client.get(OGC_ITEMS.format("products"), query_string={"datetime": value})
    _assert_clean(response)


# --------------------------------------------------------------------------- resolver, files


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=300), st.text(alphabet="xãphườnghuyệntỉnh ,.-0123", max_size=80)
    )
)
@example(text="")
@example(text="\x00" * 10)
@example(text="xã " * 2000)
def test_resolve_any_text(text):
    from brandmap.catalog.resolve import resolve

    result = resolve(text).to_dict()
    assert result["code"] is None or re.fullmatch(r"[0-9]{5}", result["code"])
    assert 0.0 <= result["confidence"] <= 1.0
    json.dumps(result)


VALID_CSV = (
    "id,name_vi,category,brand_types,commune_code,source_url\r\n"
    "banh-thu,Bánh thử,thuc_pham,ocop,29659,https://example.org/p\r\n"
)


def _mutate(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for position, value in edits:
        if out:
            out[position % len(out)] = value
    return bytes(out)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    suffix=st.sampled_from([".csv", ".xlsx", ".geojson"]),
    base=st.sampled_from(["random", "csv", "xlsx", "geojson"]),
    data=st.binary(max_size=2048),
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
)
def test_read_products_any_bytes(tmp_path, suffix, base, data, edits):
    """Random or mutated bytes under any product-file name: rows and problems, no exception."""
    from brandmap.catalog.product_file import read_products, validate_products

    seeds = {
        "random": data,
        "csv": VALID_CSV.encode() + data,
        "xlsx": _XLSX_SEED,
        "geojson": _GEOJSON_SEED + data,
    }
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(_mutate(seeds[base], edits))
    rows, problems = read_products(path)
    assert isinstance(rows, list) and isinstance(problems, list)
    validate_products(rows)
    for problem in problems:
        assert problem.format("en") and problem.format("vi")


_XLSX_SEED = xlsx_bytes([row.split(",") for row in VALID_CSV.strip().split("\r\n")])
_GEOJSON_SEED = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [106.0, 10.0]},
                "properties": dict(
                    zip(*[r.split(",") for r in VALID_CSV.strip().split("\r\n")], strict=True)
                ),
            }
        ],
    }
).encode()


# --------------------------------------------------------------------------- fixed hardening

BAD_REQUESTS = [
    "/api/products?bbox=nan,10,106,11",
    "/api/products?bbox=105,10,inf,11",
    "/api/products?bbox=106,11,105,10",
    "/api/products?bbox=-200,10,106,11",
    "/api/products?bbox=105,-95,106,11",
    "/api/products?bbox=1,2,3",
    "/api/products?near=nan,105",
    "/api/products?near=10,105&radius_km=inf",
    "/api/products?near=10,105&radius_km=0",
    "/api/products?near=10,105&radius_km=501",
    "/api/products?radius_km=5",
    "/api/products?min_stars=2",
    "/api/products?min_stars=4.5",
    "/api/products?limit=0",
    "/api/products?limit=10001",
    "/api/products?limit=-1",
    "/api/products?offset=-1",
    "/api/products?limit=1e3",
    "/api/products?q=" + "a" * 10_000,
    "/api/products?q=" + "ư" * 201,
    "/api/products?limit=1&limit=2",
    "/api/products?category=thuc_pham&category=do_uong",
    "/api/products?no_such_param=1",
    "/api/products?commune=99999",
    "/api/products?category=nope",
    "/api/stats?by=district",
    "/api/stats?by=commune&by=region",
    "/api/export?format=exe",
    "/api/export?layer=../../etc/passwd",
    "/api/export?crs=EPSG:3857",
    "/api/export?format=geojson&crs=EPSG:9209",
    "/api/communes?detail=huge",
    "/api/communes?unknown=1",
    "/api/resolve",
    "/api/resolve?address=" + "x" * 501,
    "/ogc/collections/products/items?limit=0",
    "/ogc/collections/products/items?limit=nan",
    "/ogc/collections/products/items?bbox=nan,1,2,3",
    "/ogc/collections/products/items?bbox=1,2,0,1",
    "/ogc/collections/products/items?crs=EPSG:3857",
    "/ogc/collections/products/items?datetime=yesterday",
    "/ogc/collections/products/items?datetime=2024-02-30",
    "/ogc/collections/products/items?unknown=1",
    "/ogc/collections/communes/items?kind=city",
    "/ogc/collections/products/items?f=xml",
]


@pytest.mark.parametrize("url", BAD_REQUESTS)
def test_bad_input_is_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    _assert_clean(response, allowed=(400,))


def test_100kb_url_is_refused_cleanly(gpkg_client):
    """A 100 KB query string: a clear 4xx, never a 5xx (behind gunicorn: its line limit)."""
    for url in (
        "/api/products?q=" + "b" * 100_000,
        "/api/products?" + "&".join(["limit=1"] * 20_000),
    ):
        response = gpkg_client.get(url)
        assert 400 <= response.status_code < 500
        _assert_clean(response, allowed=(400, 414, 431))


def test_limits_are_capped(gpkg_client):
    assert gpkg_client.get("/api/products?limit=10000").status_code == 200
    assert gpkg_client.get("/api/products?limit=10001").status_code == 400
    body = gpkg_client.get("/ogc/collections/products/items?limit=1000000").get_json()
    assert body["numberReturned"] <= 10_000


@pytest.mark.parametrize("path", ["/api/products", "/", "/ogc/collections/products/items"])
def test_large_request_bodies_are_a_413(gpkg_client, path):
    response = gpkg_client.post(path, data=b"x" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert response.get_json()["error"]


def test_large_request_bodies_never_fail(gpkg_client):
    for method in ("post", "put", "get"):
        response = getattr(gpkg_client, method)("/api/products", data=b"x" * (2 * 1024 * 1024))
        assert response.status_code in (200, 405, 413)
        assert response.mimetype in ("application/json", "application/geo+json")


def test_export_file_names_are_safe(gpkg_client):
    """Whatever is asked, the download name is made of [a-z0-9_.-] only."""
    for layer in ("products", "communes", "regions"):
        for fmt, crs in (("geojson", "EPSG:4326"), ("csv", "EPSG:9209"), ("kml", "CRS84")):
            response = gpkg_client.get(
                "/api/export", query_string={"layer": layer, "format": fmt, "crs": crs}
            )
            assert response.status_code == 200, response.get_data(as_text=True)[:200]
            disposition = response.headers["Content-Disposition"]
            name = re.fullmatch(r'attachment; filename="([^"]+)"', disposition).group(1)
            assert re.fullmatch(r"[a-z0-9_.-]+", name) and ".." not in name, name


def test_export_filename_function_cannot_escape():
    from datetime import date

    from brandmap.present.export import export_filename

    for layer in ("../../etc/passwd", "a/b\\c", "\x00", "Sản phẩm", "", "..", "CON"):
        name = export_filename(layer, "EPSG:4326", "csv", date(2026, 1, 1))
        assert re.fullmatch(r"[a-z0-9_.-]+", name) and "/" not in name and ".." not in name


FORMULAS = [
    '=HYPERLINK("http://evil","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]


def test_csv_export_neutralises_formulas(real_snapshot, tmp_path):
    """Cells a spreadsheet would run as formulas come out as text (leading apostrophe)."""
    from brandmap.service.web import create_app
    from brandmap.store import GeoPackageStore, Snapshot

    products = real_snapshot.products.copy()
    for i, formula in enumerate(FORMULAS):
        products.loc[products.index[i], "name_vi"] = formula
        products.loc[products.index[i], "producer"] = formula
    store = GeoPackageStore(tmp_path / "formulas.gpkg")
    snapshot = real_snapshot
    store.write(Snapshot(snapshot.communes, snapshot.regions, products, dict(snapshot.meta)))
    response = create_app(store).test_client().get("/api/export?format=csv")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    for formula in FORMULAS:
        assert formula not in cells
        assert "'" + formula in cells
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)


def test_shapefile_export_is_a_flat_zip(gpkg_client):
    """Zip member names of the shapefile download cannot climb out of a folder."""
    response = gpkg_client.get("/api/export?layer=regions&format=shp&crs=EPSG:9209")
    names = zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()
    assert names and all(re.fullmatch(r"[A-Za-z0-9_.-]+", n) for n in names), names


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?lang=en",
        "/healthz",
        "/api/products",
        "/api/products?limit=nope",
        "/api/nothing",
        "/ogc",
        "/ogc/collections/products/items",
        "/openapi.json",
        "/docs",
        "/api/export",
    ],
)
def test_security_headers(gpkg_client, url):
    headers = gpkg_client.get(url).headers
    policy = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors" in policy and "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert headers.get("X-Content-Type-Options") == "nosniff"


def test_error_bodies_hide_internals(gpkg_app, monkeypatch):
    """An unexpected exception anywhere: a 500 JSON that names nothing internal."""
    from brandmap.service import api

    def boom(*args, **kwargs):
        raise RuntimeError(f"secret {Path(__file__)} postgresql://user:pw@host/db")

    monkeypatch.setattr(api, "stats", boom)
    response = gpkg_app.test_client().get("/api/stats")
    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)
    _assert_clean(response, allowed=(500,))


def test_export_content_type_names_one_charset(gpkg_client):
    response = gpkg_client.get("/api/export?format=csv")
    assert response.headers["Content-Type"].count("charset") == 1, response.headers["Content-Type"]


# --------------------------------------------------------------------------- unreadable text

# Parameters no one meant: control characters, a cut UTF-8 sequence, an empty grouping.
UNREADABLE = ("q=%00%00", "q=%E0%A4%A", "q=%C0%AF", "lang=%7F")
# A sample value for each URL variable of the app's routes.
ROUTE_VALUES = {
    "collectionId": "products",
    "featureId": "buoi-nam-roi-binh-minh",
    "product_id": "buoi-nam-roi-binh-minh",
    "filename": "brandmap/main.js",
    "draft_id": 1,
}


def _routes() -> list[tuple[str, str]]:
    """(endpoint, rule) of every GET route the service has, whatever its store."""
    from brandmap.service.web import create_app

    app = create_app(str(Path(__file__).parent / "no-store-here.gpkg"))
    return sorted(
        (rule.endpoint, rule.rule) for rule in app.url_map.iter_rules() if "GET" in rule.methods
    )


def _url(app, endpoint: str, query: str) -> str:
    from flask import url_for

    rule = next(app.url_map.iter_rules(endpoint))
    values = {name: ROUTE_VALUES[name] for name in rule.arguments}
    if endpoint == "pages.vendor":
        values["filename"] = "leaflet/dist/leaflet.css"
    with app.test_request_context():
        return f"{url_for(endpoint, **values)}?{query}"


@pytest.mark.parametrize("query", UNREADABLE)
@pytest.mark.parametrize(("endpoint", "rule"), _routes())
def test_unreadable_parameters_are_a_400_naming_them(gpkg_app, endpoint, rule, query):
    """Every JSON and OGC route refuses them; the page routes open without them."""
    response = gpkg_app.test_client().get(_url(gpkg_app, endpoint, query))
    if endpoint.startswith(("pages.", "product_pages.")):
        assert response.status_code == 200, rule
        assert b"\x00" not in response.get_data()
        return
    _assert_clean(response, allowed=(400,))
    assert response.get_json()["param"] == query.partition("=")[0], rule


def test_map_page_leaves_out_unreadable_filters(gpkg_client):
    page = gpkg_client.get("/?q=%00%00&min_stars=4&lang=en").get_data(as_text=True)
    plain = gpkg_client.get("/?min_stars=4&lang=en").get_data(as_text=True)
    assert page == plain


@pytest.mark.parametrize("route", [*ROUTES_WITH_FILTERS, OGC_ITEMS.format("products")])
def test_empty_grouping_is_a_400_naming_it(gpkg_client, route):
    response = gpkg_client.get(f"{route}?by=")
    _assert_clean(response, allowed=(400,))
    assert response.get_json()["param"] == "by"


CONTROLS = st.sampled_from([chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))])
BROKEN_UTF8 = st.sampled_from(["%E0%A4%A", "%FF", "%C3", "%ED%A0%80", "%F4%90%80%80", "%80"])


@FUZZ
@given(
    route=st.sampled_from(
        [*ROUTES_WITH_FILTERS, "/api/resolve", "/api/communes", OGC_ITEMS.format("regions")]
    ),
    name=st.sampled_from(FILTER_NAMES),
    text=st.text(max_size=8),
    bad=st.one_of(CONTROLS.map(lambda c: f"%{ord(c):02X}"), BROKEN_UTF8),
    at=st.integers(min_value=0, max_value=8),
)
def test_any_unreadable_value_is_a_400_naming_its_parameter(
    gpkg_client, route, name, text, bad, at
):
    from urllib.parse import quote

    value = quote(text[:at], safe="") + bad + quote(text[at:], safe="")
    response = gpkg_client.get(f"{route}?{name}={value}")
    _assert_clean(response, allowed=(400,))
    assert response.get_json()["param"] == name
