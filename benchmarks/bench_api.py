"""API throughput and latency against named peers, measured with wrk on 127.0.0.1.

    .venv/bin/python -m benchmarks.bench_api                   # 1k, 10k, 100k, 1M products
    .venv/bin/python -m benchmarks.bench_api --quick           # smoke run: 1k, 2 s per URL
    .venv/bin/python -m benchmarks.bench_api --sizes 1000 100000 --json var/bench/api.json

Servers (gunicorn, 4 workers each, see :mod:`benchmarks.peers`):

* **floor** – a pre-serialized 38 KB body for every request, the ceiling for Python on
  gunicorn; every other number is also given as a share of it;
* **pygeoapi** 0.21 – its GeoJSON provider and its SQLite/GeoPackage provider on the same
  synthetic products (at the sizes in ``--pygeoapi-sizes``);
* **brandmap** – ``brandmap serve`` over a synthetic store of each size.

Each URL is loaded for ``--duration`` seconds with ``--connections`` connections (wrk,
``-t 2``, request timeout ``--timeout``); a small Lua script prints wrk's request count,
errors and latency percentiles as JSON. Workers are warmed up first (the first request
of each worker builds its indexes), so the numbers are steady-state; the time that took
and the workers' resident memory (RSS) are reported per catalog size.

Targets: OGC items ≥ 40 % of the floor at 1,000 and 100,000 products; bbox (limit 100)
≥ 25 % of the floor at 100,000 and p99 < 50 ms at 1,000,000; cached layers ≥ 60 %.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from benchmarks import peers

__all__ = [
    "ENDPOINTS",
    "PYGEOAPI_ENDPOINTS",
    "Endpoint",
    "Measurement",
    "WrkResult",
    "format_memory_table",
    "format_table",
    "load_run",
    "main",
    "parse_wrk_output",
    "ratios",
    "run",
    "run_wrk",
]

BBOX = "106.0,10.0,106.3,10.3"  # around Vĩnh Long town and Bến Tre: ~18 % of the products
ITEM_ID = "synthetic-0000042"
SERVERS = ("floor", "pygeoapi", "brandmap")
DEFAULT_SIZES = (1_000, 10_000, 100_000, 1_000_000)
DEFAULT_PYGEOAPI_SIZES = (1_000, 100_000)
#: Above this size only the endpoints named in ``LARGE_KINDS`` are measured (time budget).
LARGE_SIZE = 100_000
LARGE_KINDS = ("items", "bbox", "api_bbox", "item")
BENCH_DIR = Path(__file__).resolve().parent.parent / "var" / "bench"
RESULT_MARK = "BENCH_JSON "
#: A URL whose single answer takes longer than this is measured by a fixed request count.
SLOW_PROBE_S = 0.5
#: A floor measured while others used more of the CPU than this is not used for shares.
NOISY_SHARE = 0.2
SLOW_TIMEOUT_S = 600
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests":%d,"duration_us":%d,"bytes":%d,"socket_errors":%d,"status_errors":%d,'
    .. '"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\\n',
    '__MARK__', summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
""".replace("__MARK__", RESULT_MARK)


@dataclass(frozen=True)
class Endpoint:
    """One URL to load; ``kind`` pairs it with the same question asked of a peer."""

    name: str
    kind: str
    path: str


ENDPOINTS = (
    Endpoint("ogc items", "items", "/ogc/collections/products/items?limit=100"),
    Endpoint("ogc bbox", "bbox", f"/ogc/collections/products/items?limit=100&bbox={BBOX}"),
    Endpoint("ogc item", "item", f"/ogc/collections/products/items/{ITEM_ID}"),
    Endpoint("api products", "api_items", "/api/products?limit=100"),
    Endpoint("api bbox", "api_bbox", f"/api/products?limit=100&bbox={BBOX}"),
    Endpoint("api filters", "api_filters",
             "/api/products?limit=100&category=thuc_pham&min_stars=4&q=thu%20nghiem"),
    # A forgiving search: words out of order, a typo, an English word for a Vietnamese one.
    Endpoint("api search", "api_search", "/api/products?limit=100&q=nghiem%20pomleo%20thu"),
    Endpoint("api product", "api_item", f"/api/products/{ITEM_ID}"),
    Endpoint("api communes", "layer", "/api/communes?detail=display"),
    Endpoint("api export", "export", "/api/export?format=geojson&min_stars=5&category=do_uong"),
)
PYGEOAPI_ENDPOINTS = tuple(
    Endpoint(f"{provider} {kind}", kind, f"/collections/{collection}/items{suffix}")
    for provider, collection in peers.PYGEOAPI_COLLECTIONS.items()
    for kind, suffix in (
        ("items", "?limit=100&f=json"),
        ("bbox", f"?limit=100&bbox={BBOX}&f=json"),
        ("item", f"/{ITEM_ID}?f=json"),
    )
)
#: Our endpoint kinds compared with pygeoapi's: the OGC ones and their /api twins.
PEER_KIND = {"items": "items", "bbox": "bbox", "item": "item",
             "api_items": "items", "api_bbox": "bbox", "api_item": "item"}


@dataclass(frozen=True)
class WrkResult:
    """wrk's numbers; ``requests`` counts answers of any status, ``rps`` only good ones."""

    requests: int
    seconds: float
    bytes: int
    errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    status_errors: int = 0

    @property
    def rps(self) -> float:
        good = self.requests - self.status_errors
        return good / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Measurement:
    server: str
    endpoint: str
    kind: str
    size: int
    result: WrkResult
    body_bytes: int
    load: float = 0.0  # 1-minute load average when the run ended
    others_cpu: float = 0.0  # share of all CPUs used by other processes during the run

    def row(self) -> dict:
        return {"server": self.server, "endpoint": self.endpoint, "kind": self.kind,
                "size": self.size, "body_bytes": self.body_bytes, "rps": self.result.rps,
                "load": self.load, "others_cpu": self.others_cpu, **asdict(self.result)}


def _process_ticks(pids: Iterable[int]) -> int:
    """CPU time (user + system, clock ticks) used so far by these processes."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return total


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values[:8]) - idle, sum(values[:8])


class OthersCpu:
    """Share of the machine's CPU used by processes outside this benchmark during a run.

    The machine may be shared; a run where others used much of the CPU is not comparable
    with one where they did not, so every row says how much that was.
    """

    def __init__(self, pids: Sequence[int]) -> None:
        self.pids = [os.getpid(), *pids]
        self.busy, self.total = _machine_ticks()
        self.ours = _process_ticks(self.pids)
        self.children = _children_ticks()

    def share(self) -> float:
        busy, total = _machine_ticks()
        ours = _process_ticks(self.pids) - self.ours + _children_ticks() - self.children
        if total <= self.total:
            return 0.0
        return max(0.0, (busy - self.busy - ours) / (total - self.total))


def _children_ticks() -> int:
    """CPU ticks of finished child processes (wrk) of this process."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round((usage.ru_utime + usage.ru_stime) * os.sysconf("SC_CLK_TCK"))


def load_average() -> float:
    """The 1-minute load average: above the core count, something else shared the CPUs."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0


# --------------------------------------------------------------------------- wrk


def parse_wrk_output(text: str) -> WrkResult:
    """The numbers our Lua ``done()`` printed; errors count socket errors, timeouts and
    HTTP statuses ≥ 400, and req/s counts only the good answers.

    >>> line = ('BENCH_JSON {"requests":120,"duration_us":2000000,"bytes":4800000,'
    ...         '"socket_errors":0,"status_errors":1,"timeouts":2,"p50_us":1500,'
    ...         '"p90_us":2500,"p99_us":9000,"max_us":12000}')
    >>> result = parse_wrk_output("Running 2s test\\n" + line + "\\n")
    >>> result.rps, result.errors, result.p99_ms
    (59.5, 3, 9.0)
    """
    for line in text.splitlines():
        if line.startswith(RESULT_MARK):
            raw = json.loads(line[len(RESULT_MARK):])
            return WrkResult(
                requests=raw["requests"],
                seconds=raw["duration_us"] / 1e6,
                bytes=raw["bytes"],
                errors=raw["socket_errors"] + raw["status_errors"] + raw["timeouts"],
                p50_ms=raw["p50_us"] / 1000,
                p90_ms=raw["p90_us"] / 1000,
                p99_ms=raw["p99_us"] / 1000,
                max_ms=raw["max_us"] / 1000,
                status_errors=raw["status_errors"],
            )
    raise ValueError(f"wrk printed no result line; its output was:\n{text[-2000:]}")


def run_wrk(url: str, duration: float, connections: int = 16, threads: int = 2,
            timeout: float = 30) -> WrkResult:
    """Load ``url`` for ``duration`` seconds; wrk itself is killed if it overruns."""
    wrk = peers.ensure_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        command = [wrk, "-t", str(min(threads, connections)), "-c", str(connections),
                   "-d", f"{max(1, round(duration))}s", "--timeout", f"{round(timeout)}s",
                   "-s", script.name, url]
        done = subprocess.run(command, capture_output=True, text=True,
                              timeout=duration + timeout + 30)
    finally:
        Path(script.name).unlink(missing_ok=True)
    return parse_wrk_output(done.stdout + done.stderr)


# --------------------------------------------------------------------------- warming up


def _fetch(url: str, timeout: float) -> tuple[int, int, float]:
    """(HTTP status, body bytes, seconds); status 0 when no answer came in time."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, len(answer.read()), time.perf_counter() - started
    except urllib.error.HTTPError as exc:
        return exc.code, len(exc.read()), time.perf_counter() - started
    except OSError:
        return 0, 0, time.perf_counter() - started


def _percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of sorted values.

    >>> _percentile([1.0, 2.0, 3.0, 4.0], 0.5), _percentile([1.0, 2.0, 3.0, 4.0], 0.99)
    (2.0, 4.0)
    """
    if not ordered:
        return 0.0
    rank = math.ceil(len(ordered) * share)
    return ordered[min(len(ordered), max(rank, 1)) - 1]


def run_counted(url: str, count: int, concurrency: int, timeout: float) -> WrkResult:
    """``count`` requests, ``concurrency`` at a time: for servers too slow for wrk.

    wrk stops after a fixed time and drops the requests still in flight, so a server
    answering in tens of seconds shows as 0 req/s; a fixed number of requests gives its
    real rate.
    """
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        answers = list(pool.map(lambda _: _fetch(url, timeout), range(count)))
    seconds = time.perf_counter() - started
    good = sorted(a[2] * 1000 for a in answers if a[0] == 200)
    failed = sum(1 for a in answers if a[0] != 200)
    return WrkResult(
        requests=len(good), seconds=seconds, bytes=sum(a[1] for a in answers), errors=failed,
        p50_ms=_percentile(good, 0.5), p90_ms=_percentile(good, 0.9),
        p99_ms=_percentile(good, 0.99), max_ms=max(good, default=0.0),
    )


def warm_up(base: str, paths: Iterable[str], workers: int, budget_s: float = 900) -> float:
    """Hit every path until the answers stop getting faster; returns the seconds it took.

    Workers build their indexes and serialized features on their first request; batches
    of more concurrent requests than workers reach each of them. Warm-up ends when a
    batch is fast (< 1 s) or no faster than half the previous one (a peer that is simply
    slow has nothing to warm).
    """
    started = time.monotonic()
    paths = list(paths)
    previous = None
    with ThreadPoolExecutor(2 * workers) as pool:
        while time.monotonic() - started < budget_s:
            urls = [base + path for path in paths for _ in range(2 * workers)]
            answers = list(pool.map(lambda u: _fetch(u, budget_s), urls))
            good = {u for u, a in zip(urls, answers, strict=True) if a[0] == 200}
            failing = sorted(set(urls) - good)  # every request to it failed
            if failing:
                raise RuntimeError(f"{failing[0]} answered no request with HTTP 200")
            slowest = max(a[2] for a in answers)
            if slowest < 1.0 or (previous is not None and slowest > previous / 2):
                return time.monotonic() - started
            previous = slowest
    raise RuntimeError(f"{base}: workers still slow after {budget_s:.0f} s of warm-up")


def settle(url: str, options: Options, budget_s: float = 90) -> float:
    """Load ``url`` in short bursts until its rate stops rising; returns the seconds taken.

    Right after a large catalog starts, each worker's first seconds under load are slow
    (2.5× slower at 1,000,000 products, for ~10 s) while the memory it shares with the
    master is first touched; a service runs for days, so the steady state is measured.
    """
    started = time.monotonic()
    previous = 0.0
    while time.monotonic() - started < budget_s:
        rate = run_wrk(url, SETTLE_BURST_S, options.connections, options.threads).rps
        if rate < previous * SETTLED_GAIN:
            break
        previous = max(previous, rate)
    return time.monotonic() - started


SETTLE_BURST_S = 2
SETTLED_GAIN = 1.1  # a burst less than 10 % faster than the best so far: settled


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class Options:
    sizes: tuple[int, ...]
    pygeoapi_sizes: tuple[int, ...]
    duration: float
    connections: int
    threads: int
    timeout: float
    workers: int
    kinds: tuple[str, ...] | None = None  # None: every endpoint
    unloaded_kinds: tuple[str, ...] = ("bbox",)  # also measured with a single connection
    servers: tuple[str, ...] = SERVERS


def measure(server: peers.Server, name: str, size: int, endpoints: Sequence[Endpoint],
            options: Options) -> list[Measurement]:
    rows = []
    for endpoint in endpoints:
        if options.kinds is not None and endpoint.kind not in options.kinds:
            continue
        for _attempt in range(5):  # a peer may fail now and then (pygeoapi's GPKG provider)
            status, body_bytes, seconds = _fetch(server.url + endpoint.path, SLOW_TIMEOUT_S)
            if status == 200:
                break
        else:
            print(f"  {name} {endpoint.name}: HTTP {status} five times, not measured",
                  flush=True)
            continue
        label = endpoint.name
        watch = OthersCpu([server.process.pid, *server.worker_pids()])
        if seconds > SLOW_PROBE_S:  # wrk would see a handful of answers, then leave a backlog
            result = run_counted(server.url + endpoint.path, options.connections,
                                 options.connections, SLOW_TIMEOUT_S)
            label += " †"
        else:
            result = run_wrk(server.url + endpoint.path, options.duration, options.connections,
                             options.threads, options.timeout)
        row = Measurement(name, label, endpoint.kind, size, result, body_bytes, load_average(),
                          watch.share())
        rows.append(row)
        print(_line(row), flush=True)
        if name.startswith("brandmap") and endpoint.kind in options.unloaded_kinds:
            watch = OthersCpu([server.process.pid, *server.worker_pids()])
            result = run_wrk(server.url + endpoint.path, options.duration, 1, 1,
                             options.timeout)
            row = Measurement(name, f"{endpoint.name} (1 conn)", f"{endpoint.kind}_1",
                              size, result, body_bytes, load_average(), watch.share())
            rows.append(row)
            print(_line(row), flush=True)
    return rows


def _line(m: Measurement) -> str:
    r = m.result
    return (f"  {m.server:<9} {m.endpoint:<16} {m.size:>9,}: {r.rps:8.1f} req/s"
            f"  p50 {r.p50_ms:7.1f} ms  p99 {r.p99_ms:7.1f} ms  errors {r.errors}"
            f"  others' CPU {m.others_cpu:4.0%}")


def bench_floor(size: int, options: Options) -> list[Measurement]:
    """The floor, measured again beside every catalog size: shares of it then compare
    runs made under the same conditions (the machine may be shared)."""
    port = peers.free_port()
    with peers.running("floor", peers.floor_command(port, options.workers),
                       f"http://127.0.0.1:{port}") as server:
        endpoint = Endpoint("floor 38 KB", "floor", "/")
        return measure(server, "floor", size, [endpoint], replace(options, kinds=None))


def synthetic_store(size: int, folder: Path):
    """A store of ``size`` synthetic products on the real (approximate) communes."""
    from benchmarks.synthetic import synthetic_snapshot
    from brandmap.build.snapshot import build_snapshot
    from brandmap.geo.approx import approximate_communes
    from brandmap.store import GeoPackageStore

    base = build_snapshot(communes=approximate_communes())
    snapshot = synthetic_snapshot(base, size)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"brandmap-{size}.gpkg"
    path.unlink(missing_ok=True)
    GeoPackageStore(path).write(snapshot)
    return path, snapshot


def bench_brandmap(
    store: Path, size: int, options: Options
) -> tuple[list[Measurement], list[dict]]:
    """``brandmap serve`` as shipped; if its workers cannot warm up (gunicorn kills a worker
    whose first request outlasts the worker timeout), the failure is recorded and the same
    app is measured again under gunicorn with a long timeout, so the size still gets numbers.
    """
    endpoints = ENDPOINTS
    if size > LARGE_SIZE:
        endpoints = tuple(e for e in ENDPOINTS if e.kind in LARGE_KINDS)
    if options.kinds is not None:
        endpoints = tuple(e for e in endpoints if e.kind in options.kinds)
    try:
        rows, memory = _bench_app("brandmap", peers.brandmap_command, store, size, endpoints,
                                  options)
        return rows, [memory]
    except RuntimeError as exc:
        print(f"  brandmap serve failed at {size:,} products: {exc}", flush=True)
        failed = {"server": "brandmap", "size": size, "failed": str(exc)}
    name = f"brandmap (timeout {peers.LONG_TIMEOUT_S} s)"
    rows, memory = _bench_app(name, peers.brandmap_gunicorn_command, store, size, endpoints,
                              options)
    return rows, [failed, memory]


def _bench_app(name: str, command, store: Path, size: int, endpoints: Sequence[Endpoint],
               options: Options) -> tuple[list[Measurement], dict]:
    port = peers.free_port()
    started = time.monotonic()
    log = store.with_name(f"{store.stem}-{name.split()[0]}-{len(name)}.log")
    with peers.running(name, command(store, port, options.workers),
                       f"http://127.0.0.1:{port}", ready_path="/healthz",
                       log=log, start_timeout=900) as server:
        ready = time.monotonic() - started
        idle_rss = server.worker_rss_mib()
        warm = warm_up(server.url, [e.path for e in endpoints], options.workers)
        warm += settle(server.url + endpoints[0].path, options)
        warm_rss = server.worker_rss_mib()
        rows = measure(server, name, size, endpoints, replace(options, kinds=None))
        memory = {"server": name, "size": size, "start_s": ready, "warm_up_s": warm,
                  "idle_rss_mib": idle_rss, "rss_mib": server.worker_rss_mib(),
                  "warm_rss_mib": warm_rss, "pss_mib": server.worker_pss_mib(),
                  "master_pss_mib": server.master_pss_mib()}
    return rows, memory


def bench_pygeoapi(snapshot, size: int, options: Options) -> tuple[list[Measurement], dict]:
    venv = peers.ensure_pygeoapi(BENCH_DIR / "pygeoapi-venv")
    folder = BENCH_DIR / f"pygeoapi-{size}"
    geojson, gpkg = peers.write_pygeoapi_data(snapshot.products, folder)
    port = peers.free_port()
    config, openapi = peers.write_pygeoapi_config(folder, port, geojson, gpkg,
                                                  snapshot.products.total_bounds)
    peers.generate_pygeoapi_openapi(venv, config, openapi)
    endpoints = PYGEOAPI_ENDPOINTS
    if options.kinds is not None:
        endpoints = tuple(e for e in endpoints if e.kind in options.kinds)
    started = time.monotonic()
    with peers.running("pygeoapi", peers.pygeoapi_command(venv, port, options.workers),
                       f"http://127.0.0.1:{port}", env=peers.pygeoapi_env(config, openapi),
                       log=folder / "pygeoapi.log") as server:
        ready = time.monotonic() - started
        warm = warm_up(server.url, [e.path for e in endpoints], options.workers)
        rows = measure(server, "pygeoapi", size, endpoints, replace(options, kinds=None))
        memory = {"server": "pygeoapi", "size": size, "start_s": ready, "warm_up_s": warm,
                  "idle_rss_mib": [], "rss_mib": server.worker_rss_mib(), "warm_rss_mib": [],
                  "pss_mib": server.worker_pss_mib(), "master_pss_mib": server.master_pss_mib()}
    return rows, memory


def run(options: Options) -> tuple[list[Measurement], list[dict]]:
    """Every server at every size, with the floor measured beside each size."""
    print(f"floor: gunicorn, {options.workers} workers, {peers.FLOOR_BODY_BYTES:,} B body",
          flush=True)
    rows: list[Measurement] = []
    memory = []
    for size in options.sizes:
        print(f"catalog of {size:,} synthetic products", flush=True)
        if "floor" in options.servers:
            rows += bench_floor(size, options)
        store, snapshot = synthetic_store(size, BENCH_DIR / "stores")
        if size in options.pygeoapi_sizes and "pygeoapi" in options.servers:
            peer_rows, peer_memory = bench_pygeoapi(snapshot, size, options)
            rows += peer_rows
            memory.append(peer_memory)
        del snapshot
        if "brandmap" in options.servers:
            our_rows, our_memory = bench_brandmap(store, size, options)
            rows += our_rows
            memory += our_memory
        store.unlink(missing_ok=True)
    return rows, memory


# --------------------------------------------------------------------------- tables


def ratios(rows: Sequence[Measurement]) -> dict[tuple[str, str, int], dict[str, float | None]]:
    """Each row's req/s as a share of the floor (measured beside the same catalog size, else
    the first floor) and as a multiple of pygeoapi's providers."""
    floors = _floors(rows)
    first_floor = next(iter(floors.values()), None)
    peer = {(m.endpoint.split()[0], m.kind, m.size): m.result.rps
            for m in rows if m.server == "pygeoapi"}
    out = {}
    for m in rows:
        kind = PEER_KIND.get(m.kind) if m.server.startswith("brandmap") else None
        floor = floors.get(m.size, first_floor)
        entry: dict[str, float | None] = {"floor": m.result.rps / floor if floor else None}
        for provider in peers.PYGEOAPI_COLLECTIONS:
            theirs = peer.get((provider, kind, m.size)) if kind else None
            entry[provider] = m.result.rps / theirs if theirs else None
        out[(m.server, m.endpoint, m.size)] = entry
    return out


def _floors(rows: Sequence[Measurement]) -> dict[int, float]:
    """The floor's req/s per catalog size; one measured while other processes took more
    than ``NOISY_SHARE`` of the CPU is replaced by the quietest floor of the run."""
    measured = [m for m in rows if m.server == "floor"]
    if not measured:
        return {}
    quietest = min(measured, key=lambda m: m.others_cpu).result.rps
    return {m.size: (m.result.rps if m.others_cpu <= NOISY_SHARE else quietest)
            for m in measured}


def _number(value: float | None, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def format_table(rows: Sequence[Measurement]) -> str:
    """A Markdown table: endpoint, size, req/s, p50, p99, errors, share of floor, × peers."""
    shares = ratios(rows)
    lines = [
        "| server | endpoint | products | body KB | req/s | p50 ms | p99 ms | errors "
        "| / floor | × pygeoapi GeoJSON | × pygeoapi GPKG | others' CPU |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for m in rows:
        r, share = m.result, shares[(m.server, m.endpoint, m.size)]
        lines.append(
            f"| {m.server} | {m.endpoint} | {m.size:,} | {m.body_bytes / 1000:.1f} "
            f"| {r.rps:,.1f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} "
            f"| {_number(share['floor'] and share['floor'] * 100, '.0f')} % "
            f"| {_number(share['geojson'], '.1f')} | {_number(share['gpkg'], '.1f')} "
            f"| {m.others_cpu:.0%} |"
        )
    return "\n".join(lines).replace(" – % ", " – ")


def format_memory_table(memory: Sequence[dict]) -> str:
    """Start-up, warm-up and worker RSS per server and catalog size."""
    lines = ["| server | products | start s | warm-up s | worker RSS idle MiB "
             "| worker RSS after load MiB (max / sum) | PSS MiB (master + workers) |",
             "|---|--:|--:|--:|--:|--:|--:|"]
    for m in memory:
        if "failed" in m:
            lines.append(f"| {m['server']} | {m['size']:,} | failed: {m['failed'][:120]} "
                         "| | | | |")
            continue
        idle = max(m["idle_rss_mib"], default=None)
        rss = m["rss_mib"]
        lines.append(
            f"| {m['server']} | {m['size']:,} | {m['start_s']:.1f} | {m['warm_up_s']:.1f} "
            f"| {_number(idle, '.0f')} | {max(rss, default=0):.0f} / {sum(rss):.0f} "
            f"| {m.get('master_pss_mib', 0) + sum(m.get('pss_mib', [])):.0f} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- command line


def options_from(argv: Sequence[str] | None) -> tuple[Options, argparse.Namespace]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_api",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1,000 products, 2 s per URL, no pygeoapi")
    parser.add_argument("--sizes", type=int, nargs="+", help="catalog sizes")
    parser.add_argument("--pygeoapi-sizes", type=int, nargs="*",
                        help="sizes at which pygeoapi is measured (none: skip it)")
    parser.add_argument("--duration", type=float, help="seconds per URL (default 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=30, help="wrk request timeout, s")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per server")
    parser.add_argument("--kinds", nargs="+", help="only these endpoint kinds")
    parser.add_argument("--unloaded-kinds", nargs="*", default=["bbox"],
                        help="kinds also measured with one connection (latency without queue)")
    parser.add_argument("--servers", nargs="+", choices=SERVERS, default=list(SERVERS),
                        help="which servers to measure (default: all)")
    parser.add_argument("--tables-from", type=Path, metavar="JSON",
                        help="print the tables of an earlier run's --json file and stop")
    parser.add_argument("--json", type=Path, help="also write every number here")
    args = parser.parse_args(argv)
    quick = args.quick
    options = Options(
        sizes=tuple(args.sizes or ((1_000,) if quick else DEFAULT_SIZES)),
        pygeoapi_sizes=tuple(
            (() if quick else DEFAULT_PYGEOAPI_SIZES)
            if args.pygeoapi_sizes is None else args.pygeoapi_sizes
        ),
        duration=args.duration or (2 if quick else 10),
        connections=args.connections,
        threads=args.threads,
        timeout=args.timeout,
        workers=args.workers,
        kinds=tuple(args.kinds) if args.kinds else None,
        unloaded_kinds=tuple(args.unloaded_kinds),
        servers=tuple(args.servers),
    )
    return options, args


def load_run(path: Path) -> tuple[list[Measurement], list[dict]]:
    """The measurements and memory rows of a ``--json`` file."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    fields = {f for f in WrkResult.__dataclass_fields__}
    rows = [
        Measurement(r["server"], r["endpoint"], r["kind"], r["size"],
                    WrkResult(**{k: v for k, v in r.items() if k in fields}),
                    r["body_bytes"], r.get("load", 0.0), r.get("others_cpu", 0.0))
        for r in payload["rows"]
    ]
    return rows, payload["memory"]


def _stop_cleanly(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds the ``with`` blocks, which stop the servers


def main(argv: Sequence[str] | None = None) -> int:
    options, args = options_from(argv)
    signal.signal(signal.SIGTERM, _stop_cleanly)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if args.tables_from:
        rows, memory = load_run(args.tables_from)
        print(format_table(rows) + "\n\n" + format_memory_table(memory))
        return 0
    rows, memory = run(options)
    print()
    print(format_table(rows))
    print()
    print(format_memory_table(memory))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"options": asdict(options), "rows": [m.row() for m in rows],
                   "memory": memory, "ratios": {" / ".join(map(str, k)): v
                                                for k, v in ratios(rows).items()}}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
