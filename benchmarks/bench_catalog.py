"""How fast the catalog is read: a large product file validated, published addresses resolved.

    python -m benchmarks.bench_catalog                 # 100,000 rows
    python -m benchmarks.bench_catalog --rows 20000    # or --quick

``brandmap validate`` runs as a user runs it (the installed script, a child process) on a
generated CSV of valid rows; the resolver answers the address test set of the test suite
(``tests/data/addresses.csv``) after its indexes are built.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["HEADER", "main", "valid_rows"]

HEADER = "id,name_vi,category,brand_types,commune_code,source_url"
_ROW = "banh-thu-{i},Bánh thử {i},thuc_pham,ocop,29659,https://example.org/p{i}"
_ADDRESSES = Path(__file__).resolve().parent.parent / "tests" / "data" / "addresses.csv"


def valid_rows(count: int) -> list[str]:
    """The header and ``count`` valid product rows of the exchange format (CSV lines)."""
    return [HEADER, *(_ROW.format(i=i) for i in range(count))]


def validate_seconds(rows: int) -> float:
    """Seconds ``brandmap validate`` takes on a file of ``rows`` valid rows (exit 0 checked)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "products.csv"
        path.write_text("\n".join(valid_rows(rows)) + "\n", encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run(
            [str(Path(sys.executable).parent / "brandmap"), "validate", str(path)],
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise AssertionError(done.stdout[-500:] + done.stderr[-500:])
    return seconds


def resolve_ms_per_address() -> tuple[int, float]:
    """How many test-set addresses there are, and milliseconds per address once warm."""
    from brandmap.catalog.resolve import resolve, resolve_many

    with _ADDRESSES.open(encoding="utf-8", newline="") as handle:
        addresses = [row["address"] for row in csv.DictReader(handle)]
    resolve(addresses[0])  # indexes are built once, on first use
    started = time.perf_counter()
    resolve_many(addresses)
    return len(addresses), (time.perf_counter() - started) * 1000 / len(addresses)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_catalog")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the validated file")
    parser.add_argument("--quick", action="store_true", help="20,000 rows")
    args = parser.parse_args(argv)
    rows = 20_000 if args.quick else args.rows
    seconds = validate_seconds(rows)
    count, per_address = resolve_ms_per_address()
    print("| measure | size | time | rate |")
    print("|---|--:|--:|--:|")
    print(f"| brandmap validate | {rows:,} rows | {seconds:.1f} s | {rows / seconds:,.0f} rows/s |")
    print(f"| resolve addresses | {count:,} | {per_address:.2f} ms/address | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
