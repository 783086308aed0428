"""Load: ``brandmap serve`` holds a short wrk run on the main routes without a single error.

10 s, 32 connections, 2 workers on 127.0.0.1: no socket error, no error status, the same
workers before and after, their memory roughly flat. The 60 s / 64-connection run is
``python -m benchmarks.load``.
"""

from __future__ import annotations

import shutil
import urllib.request

import pytest

from benchmarks.load import MAIN_ROUTES, memory_is_flat, run_wrk, serving, worker_rss_kib

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


def test_main_routes_hold_a_short_load(built_store, tmp_path):
    log = tmp_path / "serve.log"
    with serving(built_store, workers=2, log=log) as (process, base):
        for path in MAIN_ROUTES:  # every route answers 200 before it is loaded
            with urllib.request.urlopen(base + path, timeout=10) as response:
                assert response.status == 200, path
        run_wrk(base, duration=2, connections=32)  # warm-up: every worker builds its caches
        before = worker_rss_kib(process.pid)
        result = run_wrk(base, duration=10, connections=32)
        after = worker_rss_kib(process.pid)
        assert process.poll() is None
    print(f"\nload: {result}, rss before {before} after {after}")
    assert result.requests > 0, result  # how many per second: python -m benchmarks.load
    assert result.socket_errors == 0, result
    assert result.status == 0, result  # no 4xx/5xx answer at all
    assert memory_is_flat(before, after), (before, after)
    text = log.read_text()
    assert "Traceback" not in text and "WORKER TIMEOUT" not in text
    assert '" 500 ' not in text and '" 503 ' not in text
