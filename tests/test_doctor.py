"""``brandmap doctor``'s checks: each finds its problem and says what to do."""

from __future__ import annotations

import socket

import pytest

from brandmap import resources
from brandmap.service.doctor import checks


def _by_name(location: str) -> dict[str, tuple[str, str]]:
    return {check.name: (check.level, check.message) for check in checks(location)}


@pytest.fixture(autouse=True)
def _no_settings(monkeypatch):
    for name in ("BRANDMAP_SECRET_KEY", "BRANDMAP_PUBLIC_URL", "BRANDMAP_STORE"):
        monkeypatch.delenv(name, raising=False)


def test_a_built_store_with_approximate_boundaries(built_store):
    found = _by_name(built_store)
    assert found["store"][0] == "ok"
    assert "124 communes" in found["store"][1]
    assert found["boundaries"][0] == "warn"
    assert "brandmap fetch boundaries" in found["boundaries"][1]
    assert found["map assets"][0] == "ok"
    assert "postgis" not in found


def test_a_missing_store_fails_and_says_to_build(tmp_path):
    found = _by_name(str(tmp_path / "brandmap.gpkg"))
    assert found["store"][0] == "fail"
    assert "brandmap build" in found["store"][1]
    assert found["boundaries"][0] == "warn"


def test_missing_map_assets_fail(built_store, tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "npm_dir", lambda: tmp_path)
    assert _by_name(built_store)["map assets"] == ("fail", resources.ASSETS_MISSING)


def test_secret_key(built_store, monkeypatch):
    level, message = _by_name(built_store)["secret key"]
    assert level == "warn"
    assert "generated into" in message
    monkeypatch.setenv("BRANDMAP_SECRET_KEY", "short")
    assert _by_name(built_store)["secret key"][0] == "fail"
    monkeypatch.setenv("BRANDMAP_SECRET_KEY", "x" * 64)
    assert _by_name(built_store)["secret key"][0] == "ok"


@pytest.mark.parametrize(
    ("url", "level"),
    [
        ("", "warn"),
        ("https://brandmap.example.vn/", "ok"),
        ("http://10.0.0.5:8080/map", "ok"),
        ("brandmap.example.vn", "fail"),
        ("ftp://brandmap.example.vn", "fail"),
        ("https://brandmap.example.vn/?x=1", "fail"),
    ],
)
def test_public_url(built_store, monkeypatch, url, level):
    monkeypatch.setenv("BRANDMAP_PUBLIC_URL", url)
    assert _by_name(built_store)["public url"][0] == level


def test_an_unreachable_postgis_fails_without_showing_the_password():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once closed
    found = _by_name(f"postgresql://gis:s3cret@127.0.0.1:{port}/brandmap?connect_timeout=2")
    assert found["postgis"][0] == "fail"
    assert "s3cret" not in found["postgis"][1]
    assert found["store"] == ("fail", "not read: its database does not answer")


def test_a_reachable_postgis(postgis_url):
    assert _by_name(postgis_url)["postgis"][0] == "ok"
