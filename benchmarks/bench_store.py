"""Write and read times of the two store backends for a large synthetic catalog.

    python -m benchmarks.bench_store [COUNT]      # default 100000 products

The GeoPackage store is always measured; the PostGIS store too when ``BRANDMAP_TEST_POSTGIS``
names a database (``eval "$(bash .ci/postgis.sh start)"``). The synthetic records go to a
temporary file or a namespace of their own, removed afterwards.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import shapely

from benchmarks.synthetic import synthetic_products
from brandmap.geo.approx import approximate_communes
from brandmap.store import GeoPackageStore, Snapshot, Store
from brandmap.store.postgis import PostGISStore

__all__ = ["bench_store", "main"]


def synthetic_store_snapshot(count: int) -> Snapshot:
    """Offline communes, a dozen regions of ten communes each, ``count`` synthetic products."""
    communes = approximate_communes()
    groups = [communes.iloc[i : i + 10] for i in range(0, len(communes), 10)]
    regions = gpd.GeoDataFrame(
        {
            "id": [f"synthetic-region-{i}" for i in range(len(groups))],
            "name_vi": [f"Vùng thử nghiệm {i}" for i in range(len(groups))],
            "commune_codes": [group["code"].tolist() for group in groups],
        },
        geometry=[shapely.union_all(group.geometry.to_numpy()) for group in groups],
        crs=4326,
    )
    products = synthetic_products(communes, count)
    meta = {"product_count": str(count), "synthetic": "true"}
    return Snapshot(communes, regions, products, meta)


def bench_store(store: Store, snapshot: Snapshot) -> tuple[float, float]:
    """Seconds to write then read ``snapshot``; checks the read gives every product back."""
    write = _timed(lambda: store.write(snapshot))
    started = time.perf_counter()
    back = store.read()
    read = time.perf_counter() - started
    if len(back.products) != len(snapshot.products):
        raise AssertionError(f"{store.location}: {len(back.products)} products read back")
    return write, read


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    count = int(args[0]) if args else 100_000
    snapshot = synthetic_store_snapshot(count)
    print(f"store benchmark: {count} products, {len(snapshot.communes)} communes")
    with tempfile.TemporaryDirectory() as folder:
        gpkg = GeoPackageStore(Path(folder) / "bench.gpkg")
        _report("geopackage", bench_store(gpkg, snapshot), bench_store(gpkg, snapshot))
    url = os.environ.get("BRANDMAP_TEST_POSTGIS")
    if not url:
        print("postgis: skipped (BRANDMAP_TEST_POSTGIS is not set)")
        return
    postgis = PostGISStore(url, namespace=f"bench_{uuid.uuid4().hex[:8]}")
    try:
        _report("postgis", bench_store(postgis, snapshot), bench_store(postgis, snapshot))
    finally:
        postgis.drop()


def _report(name: str, first: tuple[float, float], second: tuple[float, float]) -> None:
    print(
        f"{name:>10}: first write {first[0]:.2f} s, read {first[1]:.2f} s;"
        f" replacing write {second[0]:.2f} s, read {second[1]:.2f} s"
    )


if __name__ == "__main__":
    main()
