"""Service behaviour shared by every route: caching, compression, reloads, failures."""

from __future__ import annotations

import gzip
import shutil
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from brandmap import resources
from brandmap.service.web import create_app
from brandmap.store import GeoPackageStore


def test_etag_and_conditional_requests(client):
    first = client.get("/api/communes?detail=display")
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get("/api/communes?detail=display", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    other = client.get("/api/communes", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_last_modified_is_when_the_snapshot_was_built(client):
    built_at = datetime.fromisoformat(client.get("/healthz").get_json()["built_at"])
    first = client.get("/api/regions")
    stamped = parsedate_to_datetime(first.headers["Last-Modified"])
    assert stamped == built_at.replace(microsecond=0)
    later = format_datetime(built_at + timedelta(hours=1), usegmt=True)
    earlier = format_datetime(built_at - timedelta(hours=1), usegmt=True)
    assert client.get("/api/regions", headers={"If-Modified-Since": later}).status_code == 304
    assert client.get("/api/regions", headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get("/api/regions", headers={"If-Modified-Since": "soon"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)
    stale = {"If-None-Match": '"other"', "If-Modified-Since": later}
    assert client.get("/api/regions", headers=stale).status_code == 200


def test_not_modified_keeps_validators_and_drops_the_body(client):
    etag = client.get("/api/products?limit=5").headers["ETag"]
    response = client.get("/api/products?limit=5", headers={"If-None-Match": f'W/{etag}, "x"'})
    assert response.status_code == 304
    assert response.headers["ETag"] == etag
    assert "Accept-Encoding" in response.headers["Vary"]
    assert "Content-Type" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/api/products?limit=5", headers={"If-None-Match": "*"}).status_code == 304


def test_head_sends_the_headers_of_get(client):
    wanted = {"Accept-Encoding": "gzip"}
    get = client.get("/api/communes?detail=display", headers=wanted)
    head = client.head("/api/communes?detail=display", headers=wanted)
    assert head.status_code == 200
    assert head.get_data() == b""
    for name in ("ETag", "Content-Length", "Content-Encoding", "Last-Modified", "Vary"):
        assert head.headers[name] == get.headers[name]


def test_gzip_refused_with_zero_quality(client):
    for refusal in ("gzip;q=0", "br, gzip; q=0.0", "*;q=0"):
        response = client.get("/api/products?limit=100", headers={"Accept-Encoding": refusal})
        assert "Content-Encoding" not in response.headers, refusal


def test_gzip_when_accepted(client):
    plain = client.get("/api/products?limit=100")
    packed = client.get("/api/products?limit=100", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert "Content-Encoding" not in plain.headers


def test_errors_are_not_cached_or_compressed(client):
    response = client.get("/api/products?min_stars=9", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 400
    assert "ETag" not in response.headers


def test_new_snapshot_is_served_without_restart(built_store, tmp_path):
    path = tmp_path / "s.gpkg"
    shutil.copy(built_store, path)
    app = create_app(str(path))
    client = app.test_client()
    before = client.get("/healthz").get_json()["products"]
    layer = client.get("/api/communes")
    assert client.get("/api/communes").get_data() == layer.get_data()  # kept whole
    store = GeoPackageStore(path)
    snapshot = store.read()
    snapshot.products = snapshot.products.iloc[:3]
    store.write(snapshot)
    assert client.get("/healthz").get_json()["products"] == 3 != before
    fresh = client.get("/api/communes")
    assert fresh.headers["ETag"] != layer.headers["ETag"]
    counts = [f["properties"]["product_count"] for f in fresh.get_json()["features"]]
    assert sum(counts) <= 3
    stale = client.get("/api/communes", headers={"If-None-Match": layer.headers["ETag"]})
    assert stale.status_code == 200


def test_kept_layers_notice_a_new_snapshot_first(built_store, tmp_path):
    """A layer answer kept whole is not served from memory after the store changed, even
    when no other request went through the handlers in between."""
    path = tmp_path / "s.gpkg"
    shutil.copy(built_store, path)
    client = create_app(str(path)).test_client()
    first = client.get("/api/regions?detail=display")
    store = GeoPackageStore(path)
    snapshot = store.read()
    snapshot.products = snapshot.products.iloc[:0]
    store.write(snapshot)
    counts = {
        f["properties"]["product_count"]
        for f in client.get("/api/regions?detail=display").get_json()["features"]
    }
    assert counts == {0}
    assert first.get_json()["features"] != []


def test_missing_store_is_reported_not_fatal(tmp_path):
    app = create_app(str(tmp_path / "missing.gpkg"))
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert "brandmap build" in health.get_json()["detail"]
    assert client.get("/api/products").status_code == 503


def test_missing_map_assets_are_reported_not_served_broken(built_store, tmp_path, monkeypatch):
    client = create_app(built_store).test_client()
    monkeypatch.setattr(resources, "npm_dir", lambda: tmp_path)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {
        "error": "map_assets_missing",
        "detail": "map assets are not installed: run `make assets`",
    }
    page = client.get("/")
    assert page.status_code == 503
    assert "make assets" in page.get_json()["detail"]
    assert client.get("/api/products?limit=1").status_code == 200  # the data still answers


def test_corrupted_store_keeps_last_good_snapshot(built_store, tmp_path):
    path = tmp_path / "s.gpkg"
    shutil.copy(built_store, path)
    client = create_app(str(path)).test_client()
    assert client.get("/healthz").status_code == 200
    path.write_bytes(b"garbage" * 100)
    assert client.get("/api/products?limit=1").status_code == 200
    health = client.get("/healthz").get_json()
    assert health["status"] == "stale"
    assert "unreadable" in health["store_problem"]


def test_unexpected_errors_hide_internals(app, monkeypatch):
    from brandmap.service import api

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal path /srv/x")

    monkeypatch.setattr(api, "stats", boom)
    response = app.test_client().get("/api/stats")
    assert response.status_code == 500
    assert b"secret" not in response.get_data()
    assert response.get_json()["error"] == "internal_error"


def test_security_headers_on_every_response(client):
    for url in ("/healthz", "/api/products?min_stars=9", "/api/nothing"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
        assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_links_use_the_public_url_behind_a_trusted_proxy(built_store, monkeypatch):
    forwarded = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "map.vinhlong.gov.vn",
        "X-Forwarded-Prefix": "/brandmap",
    }
    plain = create_app(built_store).test_client()
    links = plain.get("/ogc/collections/products/items?limit=1", headers=forwarded).get_json()
    assert links["links"][0]["href"].startswith("http://localhost/ogc/")  # not trusted
    monkeypatch.setenv("BRANDMAP_PROXIES", "1")
    proxied = create_app(built_store).test_client()
    page = proxied.get("/ogc/collections/products/items?limit=1", headers=forwarded).get_json()
    hrefs = [link["href"] for link in page["links"]]
    assert all(h.startswith("https://map.vinhlong.gov.vn/brandmap/ogc/") for h in hrefs), hrefs
