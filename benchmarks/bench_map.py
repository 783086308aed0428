"""Map page benchmark: our API-fed page against Folium's default everything-inline page.

For the real catalog and synthetic catalogs (10,000 and 100,000 products by default) it
serves each store with the real app on 127.0.0.1 and measures in headless Chromium:

* ``html_bytes``   – the HTML document alone, as sent (gzip), and ``html_uncompressed_bytes``;
* ``transfer_bytes`` – everything the page downloaded (document, scripts, styles, fonts, API),
  as sent, and ``transfer_uncompressed_bytes``;
* ``ready_ms``     – navigation start to all layers loaded and handed to the map;
* ``first_markers_ms`` – navigation start to the first marker or cluster icon on screen;
* ``longest_task_ms`` – the longest main-thread task (how long the page was frozen).

The inline page is what Folium does by default — ``folium.GeoJson`` of the communes and a
``MarkerCluster`` of every product with its popup — with its assets served locally too, so
both pages run offline and the comparison is about data, not CDNs.

Targets: ours ≤ 1/10 of the inline page's HTML bytes; ``first_markers_ms`` < 1500 at
10,000 products; 100,000 products render without a frozen page.

    .venv/bin/python -m benchmarks.bench_map                       # real + 10k + 100k
    .venv/bin/python -m benchmarks.bench_map --counts 10000 --json out.json
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import folium
from folium.plugins import MarkerCluster

from brandmap import settings
from brandmap.present.map.assets import self_host_assets
from brandmap.present.map.folium_map import PROVINCE_CENTER, PROVINCE_ZOOM
from brandmap.store import GeoPackageStore, Snapshot, open_store

CHROMIUM = "/usr/bin/chromium"
WARM_UP = (
    "/",
    "/healthz",
    "/api/communes?detail=display",
    "/api/regions?detail=display",
    "/api/products?limit=10000",
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LONG_TASKS = """
window.__firstMarker = null;
new MutationObserver(function (changes, observer) {
  if (document.querySelector('.bm-marker, .marker-cluster, .leaflet-marker-icon')) {
    window.__firstMarker = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
window.__longest = 0;
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      window.__longest = Math.max(window.__longest, e.duration);
    });
  }).observe({ type: 'longtask', buffered: true });
} catch (e) {}
"""
# Bytes as received (after any compression), from the browser's own resource timing.
TRANSFER = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const all = [nav, ...performance.getEntriesByType('resource')];
  return [nav.encodedBodySize, all.reduce((sum, e) => sum + e.encodedBodySize, 0),
          nav.decodedBodySize, all.reduce((sum, e) => sum + e.decodedBodySize, 0)];
}"""
FIRST_MARKER = ".bm-marker, .marker-cluster, .leaflet-marker-icon"


def base_snapshot(store: str | None) -> Snapshot:
    """The built store, or a fresh build of ``data/`` when none has been built yet."""
    location = store or settings.default_store()
    backend = open_store(location)
    if backend.exists():
        return backend.read()
    from brandmap.build.snapshot import build_snapshot

    print(f"(no store at {location}: building one from data/)", file=sys.stderr)
    return build_snapshot()


def catalogs(base: Snapshot, counts: list[int]):
    yield "real", base
    try:
        from benchmarks.synthetic import synthetic_snapshot
    except ImportError:  # run as a script from the benchmarks folder
        from synthetic import synthetic_snapshot

    for count in counts:
        yield f"synthetic-{count}", synthetic_snapshot(base, count)


def inline_page(snapshot: Snapshot) -> str:
    """Folium's default way: every commune and product written into the page itself."""
    communes = snapshot.communes
    fmap = folium.Map(
        location=PROVINCE_CENTER,
        zoom_start=PROVINCE_ZOOM,
        tiles=settings.get("tiles_url"),
        attr=settings.get("tiles_attribution"),
    )
    columns = [c for c in ("code", "name", "kind", "area_km2") if c in communes]
    folium.GeoJson(
        communes[[*columns, "geometry"]].to_json(),
        name="communes",
        tooltip=folium.GeoJsonTooltip(fields=["name"]),
    ).add_to(fmap)
    cluster = MarkerCluster(name="products").add_to(fmap)
    products = snapshot.products
    names = products["name_vi"].astype(str).tolist()
    for point, name in zip(products.geometry, names, strict=True):
        folium.Marker(
            [point.y, point.x], popup=folium.Popup(html.escape(name)), tooltip=html.escape(name)
        ).add_to(cluster)
    folium.LayerControl().add_to(fmap)
    self_host_assets(fmap)
    return fmap.get_root().render()


def bench_app(store: str, inline_file: str = ""):
    """The real app, plus ``/bench/inline`` serving the inline page (for gunicorn)."""
    from flask import Response

    from brandmap.service.web import create_app

    app = create_app(store=store)
    if inline_file:
        page = Path(inline_file).read_bytes()
        app.add_url_rule(
            "/bench/inline", "bench_inline", lambda: Response(page, mimetype="text/html")
        )
    return app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(snapshot: Snapshot, inline_html: str | None, workers: int):
    """The app under gunicorn (as `brandmap serve` runs it) on a free local port."""
    with tempfile.TemporaryDirectory(prefix="brandmap-bench-") as folder:
        store = Path(folder) / "bench.gpkg"
        GeoPackageStore(store).write(snapshot)
        inline_file = ""
        if inline_html is not None:
            inline_file = str(Path(folder) / "inline.html")
            Path(inline_file).write_text(inline_html, encoding="utf-8")
        port = _free_port()
        factory = f"benchmarks.bench_map:bench_app({str(store)!r}, {inline_file!r})"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--preload",
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "300",
                "--log-level",
                "warning",
                factory,
            ],
            cwd=Path(__file__).resolve().parent.parent,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, server)
            _warm_up(url, workers)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def _warm_up(url: str, workers: int) -> None:
    """Let every worker build its caches (done once per worker, not per visitor)."""

    def fetch(path: str) -> None:
        headers = {"Accept-Encoding": "gzip, deflate, br", "Accept": "*/*"}
        request = urllib.request.Request(url + path, headers=headers)
        with urllib.request.urlopen(request, timeout=300) as answer:
            answer.read()

    with ThreadPoolExecutor(max_workers=4 * workers) as pool:
        for _ in range(3):
            list(pool.map(fetch, [path for path in WARM_UP for _ in range(4 * workers)]))


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the benchmark server stopped; see the messages above")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the benchmark server did not answer in time")


def measure(browser, base: str, path: str, ours: bool, timeout_ms: int) -> dict:
    """Load one page with only local requests allowed and report its numbers."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script(LONG_TASKS)
    transferred: list[str] = []
    blank_png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk"
        "YAAAAAYAAjCB0C8AAAAASUVORK5CYII="
    )

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:  # basemap tiles: answered locally, not fetched
            r.fulfill(status=200, content_type="image/png", body=blank_png)

    def finished(request):
        transferred.append(request.url)

    page.route("**/*", route)
    page.on("requestfinished", finished)
    started = time.perf_counter()
    response = page.goto(base + path, timeout=timeout_ms, wait_until="load")
    del response
    if ours:
        page.wait_for_selector("html[data-brandmap=ready]", timeout=timeout_ms)
    page.wait_for_selector(FIRST_MARKER, state="attached", timeout=timeout_ms)
    first_markers = page.evaluate("window.__firstMarker || performance.now()")
    wall = (time.perf_counter() - started) * 1000
    data = page.evaluate("(performance.getEntriesByName('brandmap-data')[0] || {}).startTime")
    html_bytes, transfer, html_decoded, transfer_decoded = page.evaluate(TRANSFER)
    ready = page.evaluate(
        "(performance.getEntriesByName('brandmap-ready')[0] || {}).startTime"
        " || performance.getEntriesByType('navigation')[0].loadEventEnd"
    )
    page.wait_for_timeout(1500)  # let chunked clustering and late long tasks show up
    result = {
        "html_bytes": html_bytes,
        "transfer_bytes": transfer,
        "html_uncompressed_bytes": html_decoded,
        "transfer_uncompressed_bytes": transfer_decoded,
        "requests": len(transferred),
        "data_loaded_ms": round(data) if data else None,
        "ready_ms": round(ready),
        "first_markers_ms": round(first_markers),
        "longest_task_ms": round(page.evaluate("window.__longest")),
        "wall_ms": round(wall),
    }
    context.close()
    return result


def run(
    counts: list[int], store: str | None, inline_limit: int, timeout_s: int, workers: int = 2
) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    base = base_snapshot(store)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, snapshot in catalogs(base, counts):
            products = len(snapshot.products)
            inline_html = None
            build_s = None
            if products <= inline_limit:
                started = time.perf_counter()
                inline_html = inline_page(snapshot)
                build_s = round(time.perf_counter() - started, 1)
            with serving(snapshot, inline_html, workers) as url:
                ours = measure(browser, url, "/", True, timeout_s * 1000)
                row = {"catalog": name, "products": products, "ours": ours}
                if inline_html is not None:
                    row["inline"] = measure(browser, url, "/bench/inline", False, timeout_s * 1000)
                    row["inline"]["python_build_s"] = build_s
                    row["html_ratio"] = round(ours["html_bytes"] / row["inline"]["html_bytes"], 4)
            rows.append(row)
            print(summary(row), flush=True)
        browser.close()
    return rows


def _line(label: str, numbers: dict, time_label: str) -> str:
    return (
        f"{label}: html {numbers['html_bytes']:>10,} B"
        f" ({numbers['html_uncompressed_bytes']:,} B unzipped),"
        f" transfer {numbers['transfer_bytes']:>12,} B,"
        f" {time_label} {numbers['ready_ms']:>6} ms,"
        f" first markers {numbers['first_markers_ms']:>6} ms,"
        f" longest task {numbers['longest_task_ms']:>5} ms"
    )


def summary(row: dict) -> str:
    text = f"{row['catalog']} ({row['products']} products)\n  "
    text += _line("ours  ", row["ours"], "ready")
    inline = row.get("inline")
    if inline:
        text += "\n  " + _line("inline", inline, "load ")
        text += (
            f"\n  html ratio ours/inline {row['html_ratio']:.4f};"
            f" Folium built the inline page in {inline['python_build_s']} s"
        )
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--counts",
        type=int,
        nargs="*",
        default=[10_000, 100_000],
        help="synthetic catalog sizes (default 10000 100000)",
    )
    parser.add_argument(
        "--store", help="store with the real catalog (default: the configured store)"
    )
    parser.add_argument(
        "--inline-limit",
        type=int,
        default=100_000,
        help="build the inline Folium page only up to this many products",
    )
    parser.add_argument("--timeout", type=int, default=300, help="seconds allowed per page load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    rows = run(args.counts, args.store, args.inline_limit, args.timeout, args.workers)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
