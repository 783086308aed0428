"""Requests answered while the PostGIS server restarts under load.

    python -m benchmarks.bench_restart             # 4 clients, server down 2 s
    python -m benchmarks.bench_restart --quick     # the same, shorter before and after

Needs the throwaway cluster of ``.ci/postgis.sh`` (``eval "$(bash .ci/postgis.sh start)"``):
it is stopped and started again. The service keeps answering from its last snapshot;
this prints how many answers it gave while the server was away, per second, and their
statuses. ``tests/test_faults.py`` checks that every one of those answers is whole and right.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "LOAD_URLS",
    "Answer",
    "RestartRun",
    "main",
    "pg_ctl",
    "postgis_data_dir",
    "restart_under_load",
]

LOAD_URLS = (
    "/api/products?limit=5",
    "/healthz",
    "/api/stats",
    "/ogc/collections/products/items",
)
_PG_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass(frozen=True)
class Answer:
    """One response the service gave: when, to what, and all of it."""

    when: float
    url: str
    status: int
    body: bytes


@dataclass
class RestartRun:
    """Every answer of a run, and when the server went down and came back."""

    answers: list[Answer] = field(default_factory=list)
    down: float = 0.0
    up: float = 0.0

    def during(self) -> list[Answer]:
        return [a for a in self.answers if self.down <= a.when <= self.up]


def postgis_data_dir() -> Path | None:
    """The data folder of the ``.ci/postgis.sh`` cluster on this machine, if there is one."""
    port = os.environ.get("BRANDMAP_POSTGIS_PORT", "54329")
    base = (
        os.environ.get("BRANDMAP_POSTGIS_DIR")
        or f"{os.environ.get('TMPDIR', '/tmp')}/brandmap-postgis-{port}"
    )
    data = Path(base) / "data"
    return data if (data / "PG_VERSION").is_file() else None


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def pg_ctl(data: Path, *args: str) -> None:
    """pg_ctl as the cluster owner; the server logs to its file, never to our pipes."""
    log = str(data.parent / "server.log")
    command = _as_owner([str(_PG_BIN / "pg_ctl"), "-D", str(data), "-l", log, *args])
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=90
    )


def _pg_ready(data: Path) -> bool:
    command = _as_owner([str(_PG_BIN / "pg_ctl"), "-D", str(data), "status"])
    return subprocess.run(command, capture_output=True, timeout=30).returncode == 0


def restart_under_load(
    app: Any,
    data: Path,
    clients: int = 4,
    down_s: float = 2.0,
    settle_s: float = 1.5,
    while_down: Callable[[], object] | None = None,
    answers_while_down: int = 0,
) -> RestartRun:
    """Keep ``clients`` threads asking :data:`LOAD_URLS` of the Flask ``app`` while the
    cluster stops for ``down_s`` seconds (longer than the store's version cache, so every
    check meets no server) and starts again; ``while_down`` runs just before the start.

    On a busy machine the server stays down until ``answers_while_down`` answers were given
    (at most a minute more), so a check of those answers always has some to look at.
    """
    run = RestartRun()
    stop = threading.Event()
    warm = app.test_client()
    for url in LOAD_URLS:  # the snapshot is loaded before the clock starts
        warm.get(url)

    def load() -> None:
        client = app.test_client()
        while not stop.is_set():
            for url in LOAD_URLS:
                response = client.get(url)
                run.answers.append(
                    Answer(time.monotonic(), url, response.status_code, response.get_data())
                )
            time.sleep(0.01)

    threads = [threading.Thread(target=load) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(settle_s / 3)
        run.down = time.monotonic()
        pg_ctl(data, "stop", "-m", "fast", "-w", "-t", "60")
        time.sleep(down_s)
        deadline = time.monotonic() + 60
        while _since(run, run.down) < answers_while_down and time.monotonic() < deadline:
            time.sleep(0.1)
        if while_down is not None:
            while_down()
        pg_ctl(data, "start", "-w", "-t", "60")
        run.up = time.monotonic()
        time.sleep(settle_s)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        if not _pg_ready(data):
            pg_ctl(data, "start", "-w", "-t", "60")
    return run


def _since(run: RestartRun, start: float) -> int:
    return sum(1 for answer in run.answers if answer.when >= start)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_restart")
    parser.add_argument("--quick", action="store_true", help="shorter run around the restart")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--down", type=float, default=2.0, help="seconds the server is down")
    args = parser.parse_args(argv)
    url, data = os.environ.get("BRANDMAP_TEST_POSTGIS"), postgis_data_dir()
    if not url or data is None:
        print("restart: skipped (needs BRANDMAP_TEST_POSTGIS and the .ci/postgis.sh cluster)")
        return 0
    from brandmap.build.snapshot import build_snapshot
    from brandmap.geo.approx import approximate_communes
    from brandmap.service.web import create_app
    from brandmap.store.postgis import PostGISStore

    store = PostGISStore(url, namespace=f"bench_{uuid.uuid4().hex[:8]}")
    try:
        store.write(build_snapshot(communes=approximate_communes()))
        settle = 0.6 if args.quick else 1.5
        run = restart_under_load(create_app(store), data, args.clients, args.down, settle)
    finally:
        store.drop()
    _report(run, args.clients)
    return 0


def _report(run: RestartRun, clients: int) -> None:
    during = run.during()
    seconds = run.up - run.down
    times = [run.down, *(a.when for a in during), run.up]
    longest_wait = max(b - a for a, b in itertools.pairwise(times))
    statuses = Counter(a.status for a in during)
    shown = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items())) or "none"
    print(f"restart: {clients} clients, server away {seconds:.1f} s")
    print("| answers during the restart | answers/s | longest wait (s) | statuses |")
    print("|--:|--:|--:|---|")
    print(f"| {len(during)} | {len(during) / seconds:.1f} | {longest_wait:.1f} | {shown} |")


if __name__ == "__main__":
    raise SystemExit(main())
