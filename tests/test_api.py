"""The JSON API over the real catalog, through Flask's test client.

Expected product sets and counts are computed here independently from
``data/products/products.csv`` and ``data/geo/regions.csv`` with the standard library, not with
brandmap's own query or stats code.
"""

from __future__ import annotations

import csv
import itertools
import json
import unicodedata
from datetime import date

import pyproj
import pytest

from brandmap.resources import REPO_ROOT

CATALOG = REPO_ROOT / "data" / "products" / "products.csv"
REGIONS = REPO_ROOT / "data" / "geo" / "regions.csv"
GEOD = pyproj.Geod(ellps="WGS84")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@pytest.fixture(scope="module")
def catalog_rows() -> list[dict[str, str]]:
    with open(CATALOG, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(f["id"] for f in response.get_json()["features"])


def test_healthz(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["communes"] == 124
    assert body["geometry_quality"] in {"approximate", "official"}


def test_communes_layer_is_rfc7946(client):
    response = client.get("/api/communes")
    assert response.mimetype == "application/geo+json"
    collection = response.get_json()
    assert "crs" not in collection
    features = collection["features"]
    assert len(features) == 124
    assert len({f["properties"]["code"] for f in features}) == 124
    for feature in features:
        props = feature["properties"]
        assert props["kind"] in {"xã", "phường"}
        assert props["area_km2"] > 0
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        lon, lat = _first_vertex(feature["geometry"])
        assert 105 < lon < 107 and 9 < lat < 11


def test_exterior_rings_are_counter_clockwise(client):
    for feature in client.get("/api/communes?detail=display").get_json()["features"]:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        for polygon in polygons:
            assert _signed_area(polygon[0]) > 0
            for hole in polygon[1:]:
                assert _signed_area(hole) < 0


def _first_vertex(geometry):
    coordinates = geometry["coordinates"]
    while isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return coordinates


def _signed_area(ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


def test_display_layer_is_lighter(client):
    full = client.get("/api/communes").get_data()
    display = client.get("/api/communes?detail=display").get_data()
    assert len(display) <= len(full)


def test_regions_layer(client):
    features = client.get("/api/regions").get_json()["features"]
    assert features
    for feature in features:
        props = feature["properties"]
        assert props["id"] and props["name_vi"] and props["name_en"] and props["commune_codes"]
        assert isinstance(props["product_count"], int)


def test_product_count_matches_catalog(client, catalog_rows):
    body = client.get("/api/products?limit=10000").get_json()
    assert body["numberMatched"] == body["numberReturned"] == len(catalog_rows)
    for feature in body["features"]:
        assert feature["geometry"]["type"] == "Point"
        assert feature["properties"]["source_url"].startswith(("http://", "https://"))


def test_text_and_stars_filter(client, catalog_rows):
    expected = sorted(
        r["id"]
        for r in catalog_rows
        if "dua"
        in _fold(
            " ".join(
                [
                    r["name_vi"],
                    r.get("name_en", ""),
                    r.get("producer", ""),
                    r.get("address_published", ""),
                ]
            )
        )
        and r["ocop_stars"]
        and int(r["ocop_stars"]) >= 4
    )
    got = _ids(client.get("/api/products?q=dua&min_stars=4&limit=10000"))
    # the API also searches the 2025 commune name, so it may find more, never fewer
    assert set(expected) <= set(got)
    assert all(
        catalog_row["ocop_stars"] for catalog_row in catalog_rows if catalog_row["id"] in got
    )


@pytest.mark.parametrize("field, param", [("category", "category"), ("value_chain", "value_chain")])
def test_enumerated_filters(client, catalog_rows, field, param):
    for value in {r[field] for r in catalog_rows if r[field]}:
        expected = sorted(r["id"] for r in catalog_rows if r[field] == value)
        assert _ids(client.get(f"/api/products?{param}={value}&limit=10000")) == expected


def test_brand_type_filter(client, catalog_rows):
    expected = sorted(r["id"] for r in catalog_rows if "gi" in r["brand_types"].split(";"))
    assert _ids(client.get("/api/products?brand_type=gi&limit=10000")) == expected


def test_paging(client):
    everything = client.get("/api/products?limit=10000").get_json()["features"]
    page = client.get("/api/products?limit=5&offset=5").get_json()
    assert [f["id"] for f in page["features"]] == [f["id"] for f in everything[5:10]]
    assert page["numberReturned"] == 5


def test_single_product_and_404(client):
    first = client.get("/api/products?limit=1").get_json()["features"][0]
    assert client.get(f"/api/products/{first['id']}").get_json() == first
    missing = client.get("/api/products/no-such-product")
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "not_found"


@pytest.mark.parametrize(
    "url",
    [
        "/api/products?min_stars=7",
        "/api/products?limit=0",
        "/api/products?limit=10001",
        "/api/products?bbox=1,2,3",
        "/api/products?near=abc",
        "/api/products?category=nope",
        "/api/products?colour=red",
        "/api/stats?by=planet",
        "/api/communes?detail=huge",
        "/api/resolve",
    ],
)
def test_bad_input_is_a_400_json(client, url):
    response = client.get(url)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_request" and body["detail"]


def test_near_finds_the_products_within_the_radius(client):
    """Checked against pyproj's geodesics on the WGS 84 ellipsoid; the service measures on a
    sphere, so products within 1 % of the edge may fall either way."""
    lat0, lon0, radius_km = 10.2537, 105.9722, 15.0  # Vĩnh Long town centre
    everything = client.get("/api/products?limit=10000").get_json()["features"]
    km = {
        f["properties"]["id"]: GEOD.inv(lon0, lat0, *f["geometry"]["coordinates"])[2] / 1000
        for f in everything
    }
    inside = {i for i, d in km.items() if d < 0.99 * radius_km}
    outside = {i for i, d in km.items() if d > 1.01 * radius_km}
    assert inside and outside
    query = f"near={lat0},{lon0}&radius_km={radius_km}&limit=10000"
    found = set(_ids(client.get(f"/api/products?{query}")))
    assert inside <= found and not found & outside


def test_certificate_status_filter_splits_dated_from_undated_products(client, catalog_rows):
    dated = sorted(r["id"] for r in catalog_rows if r["ocop_decision_date"])
    undated = sorted(r["id"] for r in catalog_rows if not r["ocop_decision_date"])
    known = "ocop_status=valid&ocop_status=expiring&ocop_status=expired"
    assert dated and _ids(client.get(f"/api/products?{known}&limit=10000")) == dated
    assert _ids(client.get("/api/products?ocop_status=unknown&limit=10000")) == undated
    stats = client.get("/api/stats?by=category&ocop_status=unknown").get_json()["rows"]
    assert sum(row["ocop_unknown"] for row in stats) == len(undated)
    assert sum(row["ocop_expired"] + row["ocop_valid"] for row in stats) == 0
    exported = client.get(f"/api/export?layer=products&format=geojson&{known}")
    features = json.loads(exported.get_data())["features"]
    assert sorted(f["properties"]["id"] for f in features) == dated
    assert all(f["properties"]["ocop_status"] != "unknown" for f in features)


def test_products_carry_their_certificate(client, catalog_rows):
    row = next(r for r in catalog_rows if r["ocop_decision_date"])
    properties = client.get(f"/api/products/{row['id']}").get_json()["properties"]
    decided = date.fromisoformat(row["ocop_decision_date"])
    assert properties["ocop_decision"] == row["ocop_decision"]
    assert properties["ocop_valid_until"] == decided.replace(year=decided.year + 3).isoformat()
    assert properties["ocop_status"] in ("valid", "expiring", "expired")


# --- /api/stats: every count computed here from the catalog and region CSVs ---------------

BRAND_TYPES = ("ocop", "gi", "collective_mark", "certification_mark", "st_product", "specialty")
CATEGORIES = ("thuc_pham", "do_uong", "thao_duoc", "vai_may_mac", "luu_niem_noi_that")
CATEGORIES += ("du_lich_cong_dong",)


def _counts(rows: list[dict[str, str]]) -> dict[str, int]:
    """The count columns of one stats row: total, products per OCOP star, per brand type."""
    counts = {"total": len(rows), "ocop_3_star": 0, "ocop_4_star": 0, "ocop_5_star": 0}
    counts.update(dict.fromkeys(BRAND_TYPES, 0))
    for row in rows:
        if row["ocop_stars"]:
            counts[f"ocop_{int(row['ocop_stars'])}_star"] += 1
        for brand_type in set(row["brand_types"].split(";")):
            counts[brand_type.strip()] += 1
    return counts


def _stats(client, query: str, key: str) -> dict[str, dict[str, int]]:
    response = client.get(f"/api/stats?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return {
        row[key]: {c: row[c] for c in row if c in _counts([])}
        for row in response.get_json()["rows"]
    }


@pytest.fixture(scope="module")
def placed_rows(catalog_rows, app) -> list[dict[str, str]]:
    """Catalog rows with their commune: the catalog's ``commune_code``; for the few rows
    placed only by their published address, the commune the service placed them in."""
    features = app.test_client().get("/api/products?limit=10000").get_json()["features"]
    placed = {f["properties"]["id"]: f["properties"]["commune_code"] or "" for f in features}
    assert len(placed) == len(catalog_rows)
    for row in catalog_rows:
        assert not row["commune_code"] or placed[row["id"]] == row["commune_code"], row["id"]
    return [
        {**row, "commune_code": row["commune_code"] or placed[row["id"]]} for row in catalog_rows
    ]


@pytest.fixture(scope="module")
def region_rows() -> list[dict[str, str]]:
    with open(REGIONS, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_stats_by_category(client, catalog_rows):
    expected = {c: _counts([r for r in catalog_rows if r["category"] == c]) for c in CATEGORIES}
    assert _stats(client, "by=category", "category") == expected
    assert expected["thuc_pham"]["total"] > 0 and expected["thuc_pham"]["ocop_4_star"] > 0


def test_stats_by_category_with_filter(client, catalog_rows):
    kept = [r for r in catalog_rows if r["ocop_stars"] and int(r["ocop_stars"]) >= 4]
    expected = {c: _counts([r for r in kept if r["category"] == c]) for c in CATEGORIES}
    assert _stats(client, "by=category&min_stars=4", "category") == expected


def test_stats_by_commune(client, placed_rows):
    codes = {f["properties"]["code"] for f in client.get("/api/communes").get_json()["features"]}
    expected = {c: _counts([r for r in placed_rows if r["commune_code"] == c]) for c in codes}
    assert _stats(client, "by=commune", "code") == expected
    assert sum(e["total"] for e in expected.values()) > 0


def test_stats_by_region(client, placed_rows, region_rows):
    """A region counts the products linked to it and the products placed in its communes."""
    expected = {}
    for region in region_rows:
        communes = set(region["commune_codes"].split())
        members = [
            r for r in placed_rows if r["region"] == region["id"] or r["commune_code"] in communes
        ]
        expected[region["id"]] = _counts(members)
    assert _stats(client, "by=region", "id") == expected
    assert sum(e["gi"] for e in expected.values()) > 0


def test_resolve_endpoint(client):
    body = client.get(
        "/api/resolve?address=Thị trấn Vũng Liêm, huyện Vũng Liêm, tỉnh Vĩnh Long"
    ).get_json()
    assert body["code"] == "29659"
    assert set(body) >= {"input", "code", "name", "method", "confidence"}


def test_unknown_route_is_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert json.loads(response.get_data())["error"] == "not_found"


def test_export_download_honours_filters(client, catalog_rows):
    response = client.get("/api/export?layer=products&format=geojson&min_stars=4")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert 'attachment; filename="brandmap_products_' in response.headers["Content-Disposition"]
    expected = sum(1 for r in catalog_rows if r["ocop_stars"] and int(r["ocop_stars"]) >= 4)
    assert len(json.loads(response.get_data())["features"]) == expected


@pytest.mark.parametrize(
    "url, param",
    [
        ("/api/export?layer=rivers&format=geojson", "layer"),
        ("/api/export?layer=products&format=dwg", "format"),
        ("/api/export?layer=products&format=gpkg&crs=EPSG:3857", "crs"),
        ("/api/export?layer=products&format=geojson&crs=EPSG:9209", "crs"),
        ("/api/export?layer=communes&format=gpkg&min_stars=4", "min_stars"),
    ],
)
def test_export_bad_input(client, url, param):
    response = client.get(url)
    assert response.status_code == 400
    assert response.get_json()["param"] == param


def _inside(lon: float, lat: float, ring: list[tuple[float, float]]) -> bool:
    """Even-odd ray casting, written here so the API is checked against other code."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_polygon_filter_selects_a_drawn_area(client):
    """A concave (L-shaped) area over part of the province, as drawn on the map."""
    ring = [(105.8, 9.6), (106.8, 9.6), (106.8, 9.95), (106.2, 9.95), (106.2, 10.4), (105.8, 10.4)]
    polygon = ",".join(f"{lon},{lat}" for lon, lat in ring)
    everything = client.get("/api/products?limit=10000").get_json()["features"]
    closed = [*ring, ring[0]]
    expected = sorted(f["id"] for f in everything if _inside(*f["geometry"]["coordinates"], closed))
    assert 0 < len(expected) < len(everything)
    assert _ids(client.get(f"/api/products?polygon={polygon}&limit=10000")) == expected
    exported = client.get(f"/api/export?format=geojson&polygon={polygon}")
    assert len(json.loads(exported.get_data())["features"]) == len(expected)
    stats = client.get(f"/api/stats?by=category&polygon={polygon}").get_json()["rows"]
    assert sum(row["total"] for row in stats) == len(expected)


@pytest.mark.parametrize(
    "polygon", ["105.9,10.0,106.1,10.0", "105,10,106,11,106,10,105,11", "a,b,c,d,e,f"]
)
def test_bad_polygon_is_a_400_naming_it(client, polygon):
    response = client.get(f"/api/products?polygon={polygon}")
    assert response.status_code == 400
    assert response.get_json()["param"] == "polygon"
