"""Sustained load on the main routes of ``brandmap serve``: errors, 5xx and worker memory.

    .venv/bin/python -m benchmarks.load                       # 60 s, 64 connections, 4 workers
    .venv/bin/python -m benchmarks.load --duration 10 --connections 32 --workers 2

wrk (``apt-get install -y wrk``) loads a rotation of the main routes on 127.0.0.1 only: the
product API with filters, the display communes layer, OGC items, ``/healthz`` and the map
page. The run passes when wrk saw no socket error (connect, read, write, timeout), no
response was an error status, and the resident memory (RSS) of the gunicorn workers stayed
roughly flat between the warmed-up start and the end. ``tests/test_load.py`` runs the short
version in the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = [
    "MAIN_ROUTES",
    "LoadResult",
    "memory_is_flat",
    "run_wrk",
    "serving",
    "worker_pids",
    "worker_rss_kib",
]

MAIN_ROUTES = (
    "/api/products",
    "/api/products?min_stars=4&limit=50",
    "/api/products?category=thuc_pham&q=buoi",
    "/api/products?bbox=105.5,9.5,106.8,10.6&limit=20",
    "/api/products?near=10.25,105.97&radius_km=30",
    "/api/communes?detail=display",
    "/ogc/collections/products/items",
    "/ogc/collections/products/items?limit=50&offset=10",
    "/healthz",
    "/",
)
BIN = Path(sys.executable).parent

_LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nRESULT {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "timeout": %%d, "status": %%d, "p50_ms": %%.2f, "p99_ms": %%.2f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


@dataclass(frozen=True)
class LoadResult:
    """What wrk saw: ``status`` counts answers with an error status (4xx/5xx)."""

    requests: int
    duration_us: int
    connect: int
    read: int
    write: int
    timeout: int
    status: int
    p50_ms: float
    p99_ms: float

    @property
    def socket_errors(self) -> int:
        return self.connect + self.read + self.write + self.timeout

    @property
    def requests_per_second(self) -> float:
        return self.requests / max(self.duration_us / 1e6, 1e-9)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_status(url: str, timeout: float = 5) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@contextlib.contextmanager
def serving(
    store: str, workers: int, log: Path, healthy: bool = True
) -> Iterator[tuple[subprocess.Popen, str]]:
    """``brandmap serve`` on a free 127.0.0.1 port until the block ends (SIGTERM, then kill).

    Ready when ``/healthz`` answers 200, or answers at all when ``healthy`` is False (a
    service started on a broken store on purpose).
    """
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                str(BIN / "brandmap"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--store",
                store,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"brandmap serve exited:\n{log.read_text()[-2000:]}")
            try:
                status = _get_status(base + "/healthz", timeout=2)
                if status == 200 or not healthy:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"brandmap serve did not answer:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        deadline = time.monotonic() + 30
        while len(worker_pids(process.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        yield process, base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: the children of the master process."""
    path = Path(f"/proc/{master}/task/{master}/children")
    try:
        return sorted(int(p) for p in path.read_text().split())
    except FileNotFoundError:
        return []


def worker_rss_kib(master: int) -> dict[int, int]:
    """Resident memory (VmRSS, KiB) of each worker, from /proc."""
    sizes = {}
    for pid in worker_pids(master):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[pid] = int(line.split()[1])
    return sizes


def memory_is_flat(
    before: dict[int, int], after: dict[int, int], ratio: float = 1.25, slack_kib: int = 40_960
) -> bool:
    """Same workers (none died) and their total RSS grew by at most ``ratio`` + slack."""
    if set(before) != set(after) or not before:
        return False
    return sum(after.values()) <= sum(before.values()) * ratio + slack_kib


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed: apt-get install -y wrk")
    return found


def run_wrk(
    base: str,
    paths: Sequence[str] = MAIN_ROUTES,
    duration: int = 10,
    connections: int = 32,
    threads: int = 2,
    timeout: str = "5s",
) -> LoadResult:
    """One wrk run over a rotation of ``paths``; wrk's own counts, parsed."""
    if not base.startswith("http://127.0.0.1:"):
        raise ValueError("load is only ever run against 127.0.0.1")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA % ", ".join(json.dumps(p) for p in paths))
    try:
        completed = subprocess.run(
            [
                wrk_binary(),
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{duration}s",
                "--timeout",
                timeout,
                "-s",
                script.name,
                base,
            ],
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=True,
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next(ln for ln in completed.stdout.splitlines() if ln.startswith("RESULT "))
    return LoadResult(**json.loads(line.removeprefix("RESULT ")))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--store", default=None, help="An existing store (default: a fresh build).")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        store = args.store or str(Path(folder) / "brandmap.gpkg")
        if args.store is None:
            subprocess.run([str(BIN / "brandmap"), "build", "--store", store], check=True)
        with serving(store, args.workers, Path(folder) / "serve.log") as (process, base):
            run_wrk(base, duration=3, connections=args.connections)  # warm every worker
            before = worker_rss_kib(process.pid)
            result = run_wrk(base, duration=args.duration, connections=args.connections)
            after = worker_rss_kib(process.pid)
    flat = memory_is_flat(before, after)
    report = {
        **asdict(result),
        "requests_per_second": round(result.requests_per_second, 1),
        "socket_errors": result.socket_errors,
        "rss_kib_before": before,
        "rss_kib_after": after,
        "rss_flat": flat,
    }
    print(json.dumps(report, indent=2))
    return 0 if result.socket_errors == 0 and result.status == 0 and flat else 1


if __name__ == "__main__":
    sys.exit(main())
