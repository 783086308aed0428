"""The benchmark runner and its helpers work; the real (long) benchmarks are not run here."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from benchmarks import bench_api, peers
from benchmarks.__main__ import Outcome, discover, quick_args, summary

ROOT = Path(__file__).resolve().parent.parent
WRK_LINE = (
    'BENCH_JSON {"requests":500,"duration_us":5000000,"bytes":19000000,"socket_errors":1,'
    '"status_errors":0,"timeouts":2,"p50_us":2500,"p90_us":4000,"p99_us":12000,"max_us":30000}'
)


def _measurement(server: str, endpoint: str, kind: str, size: int, rps: float):
    result = bench_api.WrkResult(int(rps * 10), 10.0, 0, 0, 1.0, 2.0, 3.0, 4.0)
    return bench_api.Measurement(server, endpoint, kind, size, result, 38_000)


def test_floor_body_is_38_kb_of_geojson():
    body = peers.floor_body()
    assert len(body) == peers.FLOOR_BODY_BYTES
    assert json.loads(body)["type"] == "FeatureCollection"


def test_floor_app_answers_its_body():
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    chunks = peers.floor_app({"PATH_INFO": "/"}, start_response)
    assert seen["status"] == "200 OK"
    assert int(seen["headers"]["Content-Length"]) == len(b"".join(chunks))


def test_parse_wrk_output_reads_the_lua_line():
    result = bench_api.parse_wrk_output("Running 5s test\n" + WRK_LINE + "\n")
    assert result.rps == 100.0
    assert result.errors == 3
    assert (result.p50_ms, result.p99_ms) == (2.5, 12.0)


def test_parse_wrk_output_without_result_says_so():
    with pytest.raises(ValueError, match="no result line"):
        bench_api.parse_wrk_output("unable to connect to 127.0.0.1:1 Connection refused")


def test_ratios_compare_with_floor_and_matching_peer_endpoint():
    rows = [
        _measurement("floor", "floor 38 KB", "floor", 0, 1000.0),
        _measurement("pygeoapi", "geojson items", "items", 1000, 10.0),
        _measurement("pygeoapi", "gpkg items", "items", 1000, 20.0),
        _measurement("brandmap", "ogc items", "items", 1000, 400.0),
        _measurement("brandmap", "api communes", "layer", 1000, 700.0),
    ]
    shares = bench_api.ratios(rows)
    ours = shares[("brandmap", "ogc items", 1000)]
    assert ours["floor"] == pytest.approx(0.4)
    assert ours["geojson"] == pytest.approx(40.0)
    assert ours["gpkg"] == pytest.approx(20.0)
    assert shares[("brandmap", "api communes", 1000)]["geojson"] is None
    table = bench_api.format_table(rows)
    assert "| brandmap | ogc items | 1,000 | 38.0 | 400.0 |" in table
    assert "| 40 % | 40.0 | 20.0 |" in table


def test_memory_table_has_one_row_per_server_and_size():
    memory = [
        {
            "server": "brandmap",
            "size": 10_000,
            "start_s": 1.0,
            "warm_up_s": 2.0,
            "idle_rss_mib": [100.0, 90.0],
            "rss_mib": [150.0, 140.0],
            "warm_rss_mib": [],
        }
    ]
    table = bench_api.format_memory_table(memory)
    assert "| brandmap | 10,000 | 1.0 | 2.0 | 100 | 150 / 290 |" in table


def test_quick_options_are_small():
    options, _ = bench_api.options_from(["--quick"])
    assert options.sizes == (1_000,)
    assert options.pygeoapi_sizes == ()
    assert options.duration <= 2


def test_pygeoapi_config_and_data(tmp_path):
    from benchmarks.synthetic import synthetic_products
    from brandmap.geo.approx import approximate_communes

    products = synthetic_products(approximate_communes(), 20)
    geojson, gpkg = peers.write_pygeoapi_data(products, tmp_path)
    assert len(json.loads(geojson.read_text())["features"]) == 20
    assert gpkg.stat().st_size > 0
    config, _ = peers.write_pygeoapi_config(tmp_path, 5999, geojson, gpkg, products.total_bounds)
    loaded = yaml.safe_load(config.read_text())
    providers = {name: r["providers"][0]["name"] for name, r in loaded["resources"].items()}
    assert providers == {"products-geojson": "GeoJSON", "products-gpkg": "SQLiteGPKG"}
    assert loaded["server"]["url"] == "http://127.0.0.1:5999"


def test_runner_discovers_every_benchmark_module():
    names = discover()
    assert {"bench_api", "bench_store", "bench_map"} <= set(names)
    assert all(quick_args(name) for name in names)
    table = summary([Outcome("bench_api", "ok", 12.0)])
    assert "| bench_api | ok | 12 |" in table


def test_runner_lists_benchmarks():
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "bench_api" in done.stdout.split()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_runner_quick_api_run_is_bounded():
    """The whole chain: runner → bench_api → servers → wrk → table, with the quick sizes."""
    command = [
        sys.executable,
        "-m",
        "benchmarks",
        "--quick",
        "--only",
        "bench_api",
        "--timeout",
        "300",
        "--",
        "--sizes",
        "200",
        "--duration",
        "1",
        "--kinds",
        "items",
        "layer",
        "--unloaded-kinds",
        "--workers",
        "2",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=360)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "| brandmap | ogc items | 200 |" in done.stdout
    assert "| floor | floor 38 KB |" in done.stdout
    assert "| bench_api | ok |" in done.stdout


def test_bbox_curve_checks_the_index_against_a_full_scan():
    """The curve benchmark asserts, for every query, that the index's page and count equal
    a brute-force scan's; a quick run proves that and prints the table."""
    from benchmarks import bench_bbox
    from brandmap.build.snapshot import build_snapshot
    from brandmap.geo.approx import approximate_communes

    base = build_snapshot(communes=approximate_communes())
    results = {size: bench_bbox.measure(base, size, 1) for size in (500, 2000)}
    table = bench_bbox.format_table(results)
    assert table.count("\n") == 1 + len(bench_bbox.QUERIES) * 2
    assert all(cell["matches"] > 0 for row in results.values() for cell in row.values())
