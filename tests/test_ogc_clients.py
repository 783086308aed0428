"""OGC API – Features as real clients use it: GDAL (ogrinfo/ogr2ogr) and OWSLib against
the service on a local port, serving the catalog built from the repository's data."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import pyogrio
import pytest
from pyproj.transformer import TransformerGroup

from brandmap.geo.crs import pipeline_definition
from brandmap.service.ogc import date_interval

GDAL = shutil.which("ogrinfo") and shutil.which("ogr2ogr")
needs_gdal = pytest.mark.skipif(not GDAL, reason="GDAL command-line tools are not installed")
TIMEOUT = 30


class _Recorder:
    """WSGI middleware that remembers the query strings of items requests."""

    def __init__(self, app):
        self.app = app
        self.items_queries: list[str] = []

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").endswith("/items"):
            self.items_queries.append(environ.get("QUERY_STRING", ""))
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def live(built_store) -> Iterator[tuple[str, _Recorder]]:
    from werkzeug.serving import make_server

    from brandmap.service.web import create_app

    recorder = _Recorder(create_app(built_store))
    httpd = make_server("127.0.0.1", 0, recorder, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", recorder
    httpd.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def base(live) -> str:
    return live[0]


def _get(url: str) -> dict:
    with urlopen(url, timeout=TIMEOUT) as response:
        return json.load(response)


def _number_matched(base: str, collection: str) -> int:
    return _get(f"{base}/ogc/collections/{collection}/items?limit=1")["numberMatched"]


def _run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _pinned_9209():
    """PROJ's own EPSG:6960 ("VN-2000 to WGS 84 (2)") operation, lon/lat in."""
    group = TransformerGroup("EPSG:4326", "EPSG:9209", always_xy=True)
    return next(t for t in group.transformers if "VN-2000 to WGS 84 (2)" in t.description)


@needs_gdal
def test_ogrinfo_lists_the_three_layers_with_their_counts(base):
    summary = _run("ogrinfo", "-ro", "-al", "-so", f"OAPIF:{base}/ogc")
    layers = [
        line.split(":", 1)[1].strip()
        for line in summary.splitlines()
        if line.startswith("Layer name:")
    ]
    assert layers == ["products", "communes", "regions"]
    counts = [
        int(line.split(":")[1])
        for line in summary.splitlines()
        if line.startswith("Feature Count:")
    ]
    assert counts == [_number_matched(base, name) for name in layers]


@needs_gdal
def test_gdal_pages_through_every_product(live, tmp_path):
    base, recorder = live
    out = tmp_path / "products.geojson"
    recorder.items_queries.clear()
    _run(
        "ogr2ogr", "-f", "GeoJSON", str(out), f"OAPIF:{base}/ogc", "products", "-oo", "PAGE_SIZE=7"
    )
    ids = [f["properties"]["id"] for f in json.loads(out.read_text())["features"]]
    matched = _number_matched(base, "products")
    assert len(ids) == len(set(ids)) == matched > 7
    offsets = [
        parse_qs(q).get("offset", ["0"])[0]
        for q in recorder.items_queries
        if parse_qs(q).get("limit") == ["7"]
    ]
    assert len(offsets) >= -(-matched // 7)  # GDAL really walked the next links


@needs_gdal
def test_ogr2ogr_to_vn2000_with_the_pinned_operation(base, tmp_path):
    """ogr2ogr's own pick for WGS 84 → VN-2000 is not EPSG:6960, so the pipeline is passed with
    ``-ct`` (GDAL reads EPSG:4326 latitude first, hence the leading axis swap)."""
    out = tmp_path / "products_9209.gpkg"
    pipeline = pipeline_definition("OGC:CRS84", "EPSG:9209").replace(
        "+proj=pipeline ", "+proj=pipeline +step +proj=axisswap +order=2,1 ", 1
    )
    _run(
        "ogr2ogr",
        "-f",
        "GPKG",
        "-t_srs",
        "EPSG:9209",
        "-ct",
        pipeline,
        str(out),
        f"OAPIF:{base}/ogc",
        "products",
        "-oo",
        "PAGE_SIZE=1000",
    )
    written = pyogrio.read_dataframe(out).set_index("id")
    assert written.crs.to_epsg() == 9209
    served = _get(f"{base}/ogc/collections/products/items?limit=10000")["features"]
    server_9209 = {
        f["id"]: f["geometry"]["coordinates"]
        for f in _get(f"{base}/ogc/collections/products/items?limit=10000&crs=EPSG:9209")[
            "features"
        ]
    }
    assert len(written) == len(served)
    reference = _pinned_9209()
    for feature in served:
        lon, lat = feature["geometry"]["coordinates"]
        x, y = reference.transform(lon, lat)
        point = written.geometry[feature["id"]]
        assert abs(point.x - x) < 0.01 and abs(point.y - y) < 0.01
        # the server's own crs=EPSG:9209 output agrees, up to the 1e-6° rounding of GeoJSON
        sx, sy = server_9209[feature["id"]]
        assert abs(sx - x) < 0.1 and abs(sy - y) < 0.1


def test_owslib_reads_collections_and_pages(base):
    features_api = pytest.importorskip("owslib.ogcapi.features")
    api = features_api.Features(f"{base}/ogc")
    assert [c["id"] for c in api.collections()["collections"]] == [
        "products",
        "communes",
        "regions",
    ]
    assert (
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"
        in api.conformance()["conformsTo"]
    )
    matched = _number_matched(base, "products")
    seen: list[str] = []
    for offset in range(0, matched, 25):
        page = api.collection_items("products", limit=25, offset=offset)
        assert page["numberMatched"] == matched
        assert page["numberReturned"] == len(page["features"]) == min(25, matched - offset)
        seen += [f["id"] for f in page["features"]]
    assert len(seen) == len(set(seen)) == matched
    first = api.collection_item("products", seen[0])
    assert first["id"] == seen[0]
    communes = api.collection_items("communes", limit=500)
    assert communes["numberReturned"] == _number_matched(base, "communes")
    assert "paths" in api.api()


def test_next_links_are_absolute_urls_of_this_server(base):
    page = _get(f"{base}/ogc/collections/communes/items?limit=50")
    following = [link["href"] for link in page["links"] if link["rel"] == "next"]
    assert following and urlsplit(following[0]).netloc == urlsplit(base).netloc
    assert Path(urlsplit(following[0]).path).name == "items"


@needs_gdal
def test_gdal_date_filters_become_datetime_queries(live, tmp_path):
    """GDAL sends a filter on the Date field source_date to the server as ``datetime``."""
    base, recorder = live
    out = tmp_path / "recent.geojson"
    recorder.items_queries.clear()
    _run(
        "ogr2ogr",
        "-f",
        "GeoJSON",
        str(out),
        f"OAPIF:{base}/ogc",
        "products",
        "-where",
        "source_date >= '2023-06-01'",
    )
    assert any("datetime=" in q for q in recorder.items_queries)
    got = {f["properties"]["id"] for f in json.loads(out.read_text())["features"]}
    since = datetime(2023, 6, 1, tzinfo=UTC)
    served = _get(f"{base}/ogc/collections/products/items?limit=10000")["features"]
    expected = {
        f["id"]
        for f in served
        if (date_interval(f["properties"]["source_date"])[1] or since) > since
    }
    assert got == expected and 0 < len(got) < len(served)


@needs_gdal
def test_gdal_spatial_filter_and_id_lookup_go_to_the_server(live):
    base, recorder = live
    box = (105.9, 10.0, 106.4, 10.3)
    recorder.items_queries.clear()
    listing = _run(
        "ogrinfo", "-ro", "-q", f"OAPIF:{base}/ogc", "products", "-spat", *(str(v) for v in box)
    )
    assert any("bbox=" in q for q in recorder.items_queries)
    bbox = ",".join(str(v) for v in box)
    inside = _get(f"{base}/ogc/collections/products/items?limit=10000&bbox={bbox}")["features"]
    assert 0 < listing.count("OGRFeature(products)") == len(inside)
    wanted = inside[0]["id"]
    one = _run(
        "ogrinfo", "-ro", "-q", f"OAPIF:{base}/ogc", "products", "-where", f"id = '{wanted}'"
    )
    assert one.count("OGRFeature(products)") == 1 and f"id (String) = {wanted}" in one
