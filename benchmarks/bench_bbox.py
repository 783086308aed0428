"""How the cost of a spatial query grows with the catalog: the curve behind "sub-linear".

For synthetic catalogs of growing size (1,000 to 1,000,000 products on the real communes)
it times, in-process and without HTTP, one page (``limit=100``) of:

* ``box 0.1°``    – a small box (about 1 % of the province) in the middle;
* ``box 18 %``    – the benchmark box of ``bench_api`` (``106.0,10.0,106.3,10.3``);
* ``area``        – a concave drawn area (``polygon=``) over half of the province;
* ``near 5 km``   – products within 5 km of a point.

Each through brandmap's index (``ProductIndex.page``), and against the peer every index
must beat: a full scan of every product with numpy, then a sort of the matches — what a
query costs without an index. Printed per size: the median time in ms, and between
consecutive sizes the growth exponent ``log(t2/t1) / log(n2/n1)`` (1 = linear in the
catalog, below 1 = sub-linear; the answer itself grows with the catalog too, so the
page and the count are all that a perfect index could still pay for).

    .venv/bin/python -m benchmarks.bench_bbox
    .venv/bin/python -m benchmarks.bench_bbox --sizes 1000 10000 100000 --repeat 20
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np
import shapely

from brandmap.present.dataset import Dataset
from brandmap.query.filters import ProductFilter
from brandmap.store import Snapshot

DEFAULT_SIZES = (1_000, 10_000, 100_000, 1_000_000)
CENTRE = (106.2, 10.05)
AREA = ((105.8, 9.6), (106.8, 9.6), (106.8, 9.95), (106.2, 9.95), (106.2, 10.4), (105.8, 10.4))
QUERIES: dict[str, ProductFilter] = {
    "box 0.1°": ProductFilter(
        bbox=(CENTRE[0] - 0.05, CENTRE[1] - 0.05, CENTRE[0] + 0.05, CENTRE[1] + 0.05)
    ),
    "box 18 %": ProductFilter(bbox=(106.0, 10.0, 106.3, 10.3)),
    "area": ProductFilter(polygon=(*AREA, AREA[0])),
    "near 5 km": ProductFilter(near=(CENTRE[1], CENTRE[0]), radius_km=5.0),
}
PAGE = 100


def full_scan(lon: np.ndarray, lat: np.ndarray, f: ProductFilter) -> tuple[np.ndarray, int]:
    """The peer: test every product's coordinates, then sort the matches, cut the page."""
    if f.bbox is not None:
        min_lon, min_lat, max_lon, max_lat = f.bbox
        inside = (lon >= min_lon) & (lon <= max_lon) & (lat >= min_lat) & (lat <= max_lat)
    elif f.polygon is not None:
        inside = shapely.intersects_xy(shapely.Polygon(f.polygon), lon, lat)
    else:
        from brandmap.query.spatial import haversine_km

        inside = haversine_km(lat, lon, *f.near) <= f.radius_km
    rows = np.sort(np.flatnonzero(inside))
    return rows[:PAGE], len(rows)


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(base: Snapshot, size: int, repeat: int) -> dict[str, dict[str, float]]:
    from benchmarks.synthetic import synthetic_snapshot

    index = Dataset(synthetic_snapshot(base, size)).index
    lon, lat = index.products.geometry.x.to_numpy(), index.products.geometry.y.to_numpy()
    row = {}
    for name, f in QUERIES.items():
        page, total = index.page(f, 0, PAGE)
        expected_page, expected_total = full_scan(lon, lat, f)
        assert total == expected_total and list(page) == list(expected_page), name
        row[name] = {
            "matches": total,
            "index_ms": _median_ms(lambda f=f: index.page(f, 0, PAGE), repeat),
            "scan_ms": _median_ms(lambda f=f: full_scan(lon, lat, f), repeat),
        }
    return row


def growth(t1: float, t2: float, n1: int, n2: int) -> float:
    """The exponent k of t ∝ n^k between two sizes.

    >>> round(growth(1.0, 10.0, 1_000, 10_000), 2), round(growth(1.0, 1.0, 1_000, 10_000), 2)
    (1.0, 0.0)
    """
    return math.log(max(t2, 1e-9) / max(t1, 1e-9)) / math.log(n2 / n1)


def format_table(results: dict[int, dict[str, dict[str, float]]]) -> str:
    sizes = sorted(results)
    lines = [
        "| query | products | matches | index ms | growth | full scan ms | growth | scan / index |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name in QUERIES:
        previous = None
        for size in sizes:
            cell = results[size][name]
            index_growth = scan_growth = "–"
            if previous is not None:
                before, n1 = previous
                index_growth = f"{growth(before['index_ms'], cell['index_ms'], n1, size):.2f}"
                scan_growth = f"{growth(before['scan_ms'], cell['scan_ms'], n1, size):.2f}"
            lines.append(
                f"| {name} | {size:,} | {cell['matches']:,} | {cell['index_ms']:.3f} "
                f"| {index_growth} | {cell['scan_ms']:.3f} | {scan_growth} "
                f"| {cell['scan_ms'] / max(cell['index_ms'], 1e-9):.0f}× |"
            )
            previous = (cell, size)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_bbox", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--repeat", type=int, default=31, help="timings per query (median)")
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000, 5 timings")
    args = parser.parse_args(argv)
    sizes, repeat = ([1_000, 10_000], 5) if args.quick else (args.sizes, args.repeat)
    from brandmap.build.snapshot import build_snapshot
    from brandmap.geo.approx import approximate_communes

    base = build_snapshot(communes=approximate_communes())
    results = {}
    for size in sizes:
        results[size] = measure(base, size, repeat)
        print(f"  {size:>9,} products measured", flush=True)
    print(format_table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
