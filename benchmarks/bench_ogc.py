"""OGC API – Features response times, against the custom JSON API on the same data.

For the real catalog and synthetic catalogs (10,000 and 100,000 products by default) it
creates the app in-process and times requests through Flask's test client (no network,
so the numbers are the handler's own cost):

* ``api_1000``       – ``/api/products?limit=1000``, the custom API (the baseline);
* ``ogc_1000``       – ``/ogc/collections/products/items?limit=1000`` (CRS84);
* ``ogc_9209_first`` – the same in EPSG:9209, first request after start-up;
* ``ogc_9209``       – the same in EPSG:9209 afterwards;
* ``ogc_bbox``       – a 0.1° box in the middle of the province, limit 100;
* ``ogc_deep_page``  – ``limit=10`` at an offset in the middle of the layer;
* ``ogc_walk_all``   – every product through the ``next`` links, 1,000 per page (total);
* ``communes_9209``  – every commune polygon in EPSG:9209.

Median of ``--repeat`` runs, in milliseconds. Target: ``ogc_1000`` within 1.5× of
``api_1000``; no request above 1 s at 100,000 products except the first of a new CRS.

    .venv/bin/python -m benchmarks.bench_ogc                  # real + 10k + 100k
    .venv/bin/python -m benchmarks.bench_ogc --counts 10000 --json out.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from brandmap import settings
from brandmap.store import GeoPackageStore, Snapshot, open_store

ITEMS = "/ogc/collections/products/items"


def base_snapshot(store: str | None) -> Snapshot:
    """The built store, or a fresh build of ``data/`` when none has been built yet."""
    backend = open_store(store or settings.default_store())
    if backend.exists():
        return backend.read()
    from brandmap.build.snapshot import build_snapshot

    return build_snapshot()


def catalogs(base: Snapshot, counts: list[int]):
    from benchmarks.synthetic import synthetic_snapshot

    yield "real", base
    for count in counts:
        yield f"synthetic-{count}", synthetic_snapshot(base, count)


def _timed(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code} {response.get_data(as_text=True)}")
    return elapsed


def _median(client, path: str, repeat: int) -> float:
    return round(statistics.median(_timed(client, path) for _ in range(repeat)), 1)


def _walk_all(client) -> float:
    started, path, seen = time.perf_counter(), f"{ITEMS}?limit=1000", 0
    while path:
        body = client.get(path).get_json()
        seen += body["numberReturned"]
        following = [link["href"] for link in body["links"] if link["rel"] == "next"]
        path = None
        if following:
            parts = urlsplit(following[0])
            path = f"{parts.path}?{parts.query}"
    assert seen == body["numberMatched"]
    return round((time.perf_counter() - started) * 1000, 1)


def measure(snapshot: Snapshot, repeat: int) -> dict:
    from brandmap.service.web import create_app

    with tempfile.TemporaryDirectory() as folder:
        store = GeoPackageStore(Path(folder) / "bench.gpkg")
        store.write(snapshot)
        client = create_app(store.location).test_client()
        count = len(snapshot.products)
        minx, miny, maxx, maxy = snapshot.communes.total_bounds
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        bbox = f"{cx - 0.05},{cy - 0.05},{cx + 0.05},{cy + 0.05}"
        client.get(f"{ITEMS}?limit=1")  # load the dataset's indexes once
        return {
            "products": count,
            "api_1000": _median(client, "/api/products?limit=1000", repeat),
            "ogc_1000": _median(client, f"{ITEMS}?limit=1000", repeat),
            "ogc_9209_first": round(_timed(client, f"{ITEMS}?limit=1000&crs=EPSG:9209"), 1),
            "ogc_9209": _median(client, f"{ITEMS}?limit=1000&crs=EPSG:9209", repeat),
            "ogc_bbox": _median(client, f"{ITEMS}?limit=100&bbox={bbox}", repeat),
            "ogc_deep_page": _median(client, f"{ITEMS}?limit=10&offset={count // 2}", repeat),
            "ogc_walk_all": _walk_all(client),
            "communes_9209": _median(
                client, "/ogc/collections/communes/items?limit=1000&crs=EPSG:9209", repeat
            ),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--counts", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--store", default=None, help="store with the real catalog")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", default=None, help="also write the rows to this file")
    args = parser.parse_args(argv)
    rows = []
    for label, snapshot in catalogs(base_snapshot(args.store), args.counts):
        row = {"catalog": label, **measure(snapshot, args.repeat)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")
    ratio_ok = all(r["ogc_1000"] <= 1.5 * r["api_1000"] + 5 for r in rows)
    print(f"ogc_1000 within 1.5x of api_1000: {'yes' if ratio_ok else 'NO'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
