"""Service behaviour shared by every route: caching, compression, reloads, failures."""

from __future__ import annotations

import gzip
import shutil

from brandmap.store import GeoPackageStore
from brandmap.web import create_app


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
    store = GeoPackageStore(path)
    snapshot = store.read()
    snapshot.products = snapshot.products.iloc[:3]
    store.write(snapshot)
    assert client.get("/healthz").get_json()["products"] == 3 != before


def test_missing_store_is_reported_not_fatal(tmp_path):
    app = create_app(str(tmp_path / "missing.gpkg"))
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert "brandmap build" in health.get_json()["detail"]
    assert client.get("/api/products").status_code == 503


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
    from brandmap import api

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
