"""Run every benchmark (``make bench``): one child process and one table per benchmark.

    .venv/bin/python -m benchmarks                    # everything, full sizes (long)
    .venv/bin/python -m benchmarks --quick            # smoke run: tiny sizes, a few minutes
    .venv/bin/python -m benchmarks --only bench_api   # one benchmark
    .venv/bin/python -m benchmarks --only bench_api -- --sizes 1000 --duration 5
    .venv/bin/python -m benchmarks --list

A benchmark is a module ``benchmarks/bench_<name>.py`` with ``main(argv) -> int``; it
prints its own table. Each runs in its own process (a crash or a memory-hungry catalog
does not affect the next), bounded by ``--timeout``; a summary of all of them comes last.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Outcome", "discover", "main", "quick_args", "run_benchmark"]

HERE = Path(__file__).resolve().parent
#: Short-run arguments of each benchmark; one not listed here is given ``--quick``.
QUICK_ARGS: dict[str, list[str]] = {
    "bench_store": ["1000"],
    "bench_map": ["--counts", "1000", "--inline-limit", "1000", "--timeout", "120"],
    "bench_api": ["--quick"],
    "bench_ogc": ["--counts", "1000", "--repeat", "2"],
    "bench_bbox": ["--quick"],
}
QUICK_TIMEOUT_S = 600
FULL_TIMEOUT_S = 3600


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # "ok", "failed (exit N)" or "timed out"
    seconds: float


def discover(folder: Path = HERE) -> list[str]:
    """Benchmark module names, alphabetically (``bench_api``, ``bench_map``, ...)."""
    return sorted(path.stem for path in folder.glob("bench_*.py"))


def quick_args(name: str) -> list[str]:
    """
    >>> quick_args("bench_store"), quick_args("bench_new")
    (['1000'], ['--quick'])
    """
    return list(QUICK_ARGS.get(name, ["--quick"]))


def run_benchmark(name: str, args: Sequence[str], timeout_s: float) -> Outcome:
    """Run ``benchmarks.<name>`` in a child process; its output goes straight through."""
    print(f"\n=== {name} {' '.join(args)}".rstrip(), flush=True)
    started = time.monotonic()
    command = [sys.executable, "-m", f"benchmarks.{name}", *args]
    try:
        done = subprocess.run(command, cwd=HERE.parent, timeout=timeout_s)
        status = "ok" if done.returncode == 0 else f"failed (exit {done.returncode})"
    except subprocess.TimeoutExpired:
        status = f"timed out after {timeout_s:.0f} s"
    return Outcome(name, status, time.monotonic() - started)


def summary(outcomes: Sequence[Outcome]) -> str:
    lines = ["| benchmark | status | seconds |", "|---|---|--:|"]
    lines += [f"| {o.name} | {o.status} | {o.seconds:.0f} |" for o in outcomes]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1 :]
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run of each")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    parser.add_argument("--timeout", type=float, help="seconds allowed per benchmark")
    args = parser.parse_args(argv)
    names = discover()
    if args.list:
        print("\n".join(names))
        return 0
    if args.only:
        unknown = sorted(set(args.only) - set(names))
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(names)}")
        names = [n for n in names if n in args.only]
    if extra and len(names) != 1:
        parser.error("arguments after -- need exactly one benchmark (--only NAME)")
    timeout = args.timeout or (QUICK_TIMEOUT_S if args.quick else FULL_TIMEOUT_S)
    outcomes = [
        run_benchmark(name, [*(quick_args(name) if args.quick else []), *extra], timeout)
        for name in names
    ]
    print("\n=== summary\n" + summary(outcomes))
    return 0 if all(o.status == "ok" for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
