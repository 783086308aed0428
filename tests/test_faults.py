"""Faults: broken input files, killed writers, broken stores, a database that restarts.

What a province officer or an operator can do to brandmap by accident, and what must hold:

* every broken product file (truncated, legacy encoding, wrong columns, junk, bombs, empty)
  gets clear messages and exit status 1 from ``brandmap validate`` and
  ``brandmap import products``, and the store keeps its exact bytes;
* ``kill -9`` in the middle of ``brandmap build`` or ``brandmap import products`` leaves the
  previous store (or the complete new one) readable, and the next build works;
* a missing or corrupted store: ``brandmap serve`` stays up, ``/healthz`` says what is wrong
  (503), and the service recovers by itself once a good store appears;
* PostGIS restarted under load: requests keep being answered from the last snapshot and the
  service picks up new snapshots after the restart, without being restarted itself.

Every corpus file is generated here; nothing is stored in the repository.
"""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from pathlib import Path

import pytest
from builders import xlsx_bytes
from click.testing import CliRunner

from benchmarks.bench_catalog import HEADER, valid_rows
from benchmarks.bench_restart import LOAD_URLS, Answer, postgis_data_dir, restart_under_load
from benchmarks.load import serving, worker_pids
from brandmap.cli.main import main

BIN = Path(sys.executable).parent
BRANDMAP = str(BIN / "brandmap")
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MEMORY_LIMIT = 1536 * 2**20  # address space for a child given a bomb
# A child still running after this long hangs: a guard, not a speed limit (the memory limit is
# what a bomb meets; how fast files are read is measured by benchmarks/bench_catalog.py).
HANG_SECONDS = 300


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def store(built_store, tmp_path) -> Path:
    """A private copy of the real store; tests compare its bytes before and after."""
    path = tmp_path / "store" / "brandmap.gpkg"
    path.parent.mkdir()
    shutil.copy(built_store, path)
    return path


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _limited_memory() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run_limited(*args: str) -> subprocess.CompletedProcess:
    """A brandmap command with 1.5 GB of address space, killed if it hangs."""
    try:
        return subprocess.run(
            [BRANDMAP, *args],
            capture_output=True,
            text=True,
            timeout=HANG_SECONDS,
            preexec_fn=_limited_memory,
            env={**os.environ, "LANG": "C.UTF-8"},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"brandmap {' '.join(args[:2])} still running after {HANG_SECONDS} s")


def _replace_member(xlsx: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
        target.writestr(name, content)
    return out.getvalue()


def _deflated(parts: list[tuple[bytes, int]]) -> tuple[bytes, int, int]:
    """Raw deflate of ``b"".join(part * times)`` without building it: (data, crc32, size).

    After a full flush the compressor forgets its history, so each further copy of a part
    compresses to the same bytes: a 1 GB member costs about 1 MB and a second.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data, crc, size = [], 0, 0
    for part, times in parts:
        data.append((compressor.compress(part) + compressor.flush(zlib.Z_FULL_FLUSH)) * times)
        for _ in range(times):
            crc = zlib.crc32(part, crc)
        size += len(part) * times
    data.append(compressor.flush())
    return b"".join(data), crc, size


def _zip_with_raw_member(xlsx: bytes, name: str, raw: tuple[bytes, int, int]) -> bytes:
    """The workbook with member ``name`` replaced by pre-deflated data (a zip bomb)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    members = [
        (i.filename, source.read(i.filename)) for i in source.infolist() if i.filename != name
    ]
    out, central = io.BytesIO(), []
    entries = [(n, 0, d, zlib.crc32(d), len(d)) for n, d in members]
    entries.append((name, 8, raw[0], raw[1], raw[2]))
    for filename, method, data, crc, size in entries:
        offset = out.tell()
        encoded = filename.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
            )
        )
        out.write(encoded + data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    out.write(b"".join(central))
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0
        )
    )
    return out.getvalue()


def _inline_row(number: int, cells: list[str]) -> str:
    columns = "ABCDEFGHIJ"
    return (
        f'<row r="{number}">'
        + "".join(
            f'<c r="{columns[i]}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
            for i, v in enumerate(cells)
        )
        + "</row>"
    )


def _rows_bomb(base: bytes) -> bytes:
    """~1 GB of sheet XML in a ~1 MB workbook: a header, then millions of 100-cell rows."""
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SHEET_NS}"><sheetData>'
        + _inline_row(1, HEADER.split(","))
    ).encode()
    row = b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * 100 + b"</row>"
    chunk = row * (2**20 // len(row))
    raw = _deflated([(head, 1), (chunk, 1000), (b"</sheetData></worksheet>", 1)])
    return _zip_with_raw_member(base, "xl/worksheets/sheet1.xml", raw)


def _wide_sheet(rows: int = 30_000) -> bytes:
    """A sheet that claims 16 384 columns: readers that pad rows to it run out of memory."""
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>'
        for r in range(2, rows + 2)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SHEET_NS}">'
        f'<dimension ref="A1:XFD1048576"/><sheetData>{_inline_row(1, HEADER.split(","))}'
        f"{body}</sheetData></worksheet>"
    ).encode()


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)


def _laughs_sheet() -> bytes:
    return (
        f'{LAUGHS}<worksheet xmlns="{SHEET_NS}"><sheetData>'
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()


def _corpus() -> dict[str, bytes]:
    """Every broken product file, by name (the suffix decides the reader)."""
    valid = "\r\n".join(valid_rows(3)).encode()
    xlsx = xlsx_bytes([r.split(",") for r in valid_rows(2)])
    return {
        "truncated_quote.csv": valid + b'\r\nbanh-cut,"B\xc3\xa1nh c\xe1\xba\xaft ngang',
        "truncated_row.csv": valid[: valid.rindex(b",thuc_pham")],
        "truncated_utf8.csv": (HEADER + "\nbanh,B").encode() + "ánh".encode()[:1],
        "tcvn3_like.csv": (HEADER + "\n").encode()
        + b"banh-tcvn,B\xb8nh tr\xb8ng M\xfc L\xe5ng \xa8 \xae \xad \xab,thuc_pham,ocop,29659,"
        b"https://example.org/t\n",
        "wrong_columns.csv": b"ma,ten,gia\r\n1,Banh,10000\r\n",
        "wrong_delimiter.csv": HEADER.replace(",", "|").encode() + b"\nbanh|Banh|thuc_pham\n",
        "binary_junk.csv": bytes(range(256)) * 40,
        "binary_junk.xlsx": b"PK\x03\x04" + bytes(range(256)) * 40,
        "binary_junk.geojson": b"\x00\x01\xff\xfe" * 500,
        "not_a_zip.xlsx": "\r\n".join(valid_rows(2)).encode(),
        "truncated.xlsx": xlsx[: len(xlsx) // 2],
        "laughs_sheet.xlsx": _replace_member(xlsx, "xl/worksheets/sheet1.xml", _laughs_sheet()),
        "laughs.geojson": (LAUGHS + "<kml>&lol9;</kml>").encode(),
        "laughs.kml": (LAUGHS + "<kml><Document><name>&lol9;</name></Document></kml>").encode(),
        "not_geojson.geojson": b'{"type": "Feature", "properties": {}}',
        "deep_nesting.geojson": b"[" * 100_000 + b"]" * 100_000,
        "no_features.geojson": b'{"type": "FeatureCollection", "features": []}',
        "empty.csv": b"",
        "empty.xlsx": b"",
        "empty.geojson": b"",
        "blank_lines.csv": b"\r\n\r\n   \r\n",
        "bad_values.csv": (
            HEADER + ",ocop_stars,lon,lat\n"
            "Bad Id!,=cmd|' /C calc'!A0,nope,brand,123,ftp://x,9,nan,inf\n"
        ).encode(),
    }


# Files that decode or parse but name no product at all: refused.
HEADER_ONLY = {
    "header_only.csv": (HEADER + "\r\n").encode(),
    "header_only.xlsx": xlsx_bytes([HEADER.split(",")]),
}


# --------------------------------------------------------------------------- broken files


@pytest.mark.parametrize("name", sorted(_corpus()))
def test_broken_file_is_refused_clearly(name, store, tmp_path):
    """validate and import: exit 1, readable messages, no traceback, store bytes unchanged."""
    path = tmp_path / name
    path.write_bytes(_corpus()[name])
    before = store.read_bytes()

    for lang in ("en", "vi"):
        result = _cli("validate", "--lang", lang, str(path))
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit), result.exception
        lines = _lines(result.output)
        assert lines and "Traceback" not in result.output
        prefixes = ("file", "row", "column") if lang == "en" else ("tệp", "dòng", "cột")
        assert all(line.startswith(prefixes) for line in lines), lines
        if name.startswith(("binary", "empty", "laughs", "not_", "truncated.", "deep", "tcvn")):
            assert len(lines) == 1, lines  # a file-level problem: one line, not a cascade

    result = _cli("import", "products", str(path), "--store", str(store))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.output.startswith("error: ") and "Traceback" not in result.output
    assert store.read_bytes() == before
    assert sorted(p.name for p in store.parent.iterdir()) == ["brandmap.gpkg"]


def test_cp1258_file_is_read_correctly(tmp_path):
    """Windows-1258 bytes in a file called .csv: decoded, not refused (a supported encoding)."""
    from brandmap.catalog.product_file import read_products

    path = tmp_path / "cp1258.csv"
    path.write_bytes(
        (HEADER + "\r\n").encode()
        + b"buoi-nam-roi,B\xfd\xf5\xd2i N\xe3m Roi,thuc_pham,ocop,29659,https://example.org/b\r\n"
    )
    rows, problems = read_products(path)
    assert not problems and rows[0]["name_vi"] == "Bưởi Năm Roi"
    assert _cli("validate", str(path)).exit_code == 0


@pytest.mark.parametrize("name", sorted(HEADER_ONLY))
def test_header_only_file_is_refused(name, store, tmp_path):
    path = tmp_path / name
    path.write_bytes(HEADER_ONLY[name])
    before = store.read_bytes()
    result = _cli("import", "products", str(path), "--store", str(store))
    assert store.read_bytes() == before
    assert result.exit_code == 1 and result.output.startswith("error: ")
    assert _cli("validate", str(path)).exit_code == 1


def test_100k_rows_validate(tmp_path):
    """A large file validates cleanly within the memory limit; how fast is measured by
    ``python -m benchmarks --only bench_catalog``."""
    path = tmp_path / "100k.csv"
    path.write_text("\n".join(valid_rows(100_000)) + "\n", encoding="utf-8")
    result = _run_limited("validate", str(path))
    assert result.returncode == 0, result.stdout[-500:] + result.stderr[-500:]
    assert "Traceback" not in result.stdout + result.stderr


def test_over_the_row_limit_is_refused_clearly(tmp_path, store):
    from brandmap.catalog.rows import MAX_ROWS

    path = tmp_path / "too_many.csv"
    path.write_text("\n".join(valid_rows(MAX_ROWS + 1)) + "\n", encoding="utf-8")
    before = store.read_bytes()
    result = _run_limited("import", "products", str(path), "--store", str(store))
    assert result.returncode == 1
    assert "too many rows" in result.stderr and "Traceback" not in result.stderr
    assert store.read_bytes() == before


def test_zip_bomb_workbook_is_refused(store, tmp_path):
    base = xlsx_bytes([r.split(",") for r in valid_rows(1)])
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_rows_bomb(base))
    assert path.stat().st_size < 5 * 2**20
    _assert_refused("import", path, store)


@pytest.mark.parametrize("command", ["validate", "import"])
def test_wide_dimension_workbook_is_refused(command, store, tmp_path):
    """A sheet declaring 16,384 columns is read by its cells without a crash;
    its 30,000 incomplete rows are reported and nothing is imported."""
    base = xlsx_bytes([r.split(",") for r in valid_rows(1)])
    path = tmp_path / "wide.xlsx"
    path.write_bytes(_replace_member(base, "xl/worksheets/sheet1.xml", _wide_sheet()))
    _assert_refused(command, path, store, max_lines=None)


def _assert_refused(command: str, path: Path, store: Path, max_lines: int | None = 3) -> None:
    """Exit 1, no crash, the store untouched; a short answer unless max_lines=None."""
    before = store.read_bytes()
    args = (
        ["validate", str(path)]
        if command == "validate"
        else ["import", "products", str(path), "--store", str(store)]
    )
    result = _run_limited(*args)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-500:]
    assert "Traceback" not in output and "MemoryError" not in output, output[-500:]
    assert max_lines is None or len(_lines(output)) <= max_lines, output[-500:]
    assert store.read_bytes() == before


# --------------------------------------------------------------------------- kill -9


def _kill_after(args: list[str], delay: float, watch: Path | None = None) -> int | None:
    """Run brandmap and SIGKILL it; its exit status if it finished first.

    Without ``watch``: after ``delay`` seconds. With ``watch`` (the store's folder): ``delay``
    seconds after a temporary store file appears there, i.e. inside the write itself.
    """
    process = subprocess.Popen(
        [BRANDMAP, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    if watch is not None:
        while process.poll() is None and not any(".tmp" in p.name for p in watch.iterdir()):
            assert time.monotonic() < deadline
            time.sleep(0.002)
    try:
        return process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return None


def _runtime(args: list[str]) -> float:
    started = time.monotonic()
    subprocess.run([BRANDMAP, *args], check=True, capture_output=True)
    return time.monotonic() - started


def _product_count(path: Path) -> int:
    from brandmap.store import GeoPackageStore

    return len(GeoPackageStore(path).read().products)


def test_kill_9_during_build_keeps_a_readable_store(store):
    """SIGKILL while loading and inside the write: old or new store, always readable."""
    args = ["build", "--store", str(store)]
    expected = _product_count(store)
    total = _runtime(args)
    plan = [(total * f, None) for f in (0.3, 0.6)]
    plan += [(d, store.parent) for d in (0.0, 0.01, 0.03, 0.06, 0.1, 0.2)]
    killed = 0
    for delay, watch in plan:
        before = store.read_bytes()
        status = _kill_after(args, delay, watch)
        killed += status is None
        after = store.read_bytes()
        assert after == before or _product_count(store) == expected, (delay, watch)
        assert _product_count(store) == expected
        _assert_no_stray_files(store, allow_temp=True)
    assert killed >= 4, "the command finished before most kills: nothing was tested"
    assert _kill_after(args, 120) == 0  # the next build works despite leftovers
    assert _product_count(store) == expected
    _assert_no_stray_files(store, allow_temp=True)


def test_kill_9_during_import_is_all_or_nothing(store, tmp_path):
    """SIGKILL during an import of 2 000 rows: the store has all of them or none."""
    new = tmp_path / "new.csv"
    new.write_text("\n".join(valid_rows(2_000)) + "\n", encoding="utf-8")
    args = ["import", "products", str(new), "--store", str(store)]
    old_count = _product_count(store)
    scratch = tmp_path / "scratch.gpkg"
    shutil.copy(store, scratch)
    total = _runtime(["import", "products", str(new), "--store", str(scratch)])
    original = store.read_bytes()
    killed = 0
    plan = [(total * f, None) for f in (0.3, 0.6)]
    plan += [(d, store.parent) for d in (0.0, 0.02, 0.05, 0.1, 0.2)]
    for delay, watch in plan:
        status = _kill_after(args, delay, watch)
        killed += status is None
        _assert_no_stray_files(store, allow_temp=True)
        count = _product_count(store)
        assert count in (old_count, old_count + 2_000), (delay, count)
        if count == old_count:
            assert store.read_bytes() == original
        else:  # it finished the swap: put the original back for the next round
            store.write_bytes(original)
    assert killed >= 4, "the command finished before most kills: nothing was tested"
    assert _kill_after(args, 180) == 0
    assert _product_count(store) == old_count + 2_000
    _assert_no_stray_files(store, allow_temp=True)


def _assert_no_stray_files(store: Path, allow_temp: bool) -> None:
    """Only the store, its backup and (after SIGKILL) unfinished temp files named as such."""
    from brandmap.store import GeoPackageStore

    names = sorted(p.name for p in store.parent.iterdir())
    backup = GeoPackageStore(store).backup_path.name
    temps = [n for n in names if n.startswith(f".{store.stem}.") and ".tmp" in n]
    lock = GeoPackageStore(store).lock_path.name
    assert set(names) - set(temps) <= {store.name, backup, lock}, names
    assert allow_temp or not temps
    if backup in names:
        GeoPackageStore(store.parent / backup).read()  # the backup is a whole store too


def test_killed_build_leftovers_are_cleaned_by_the_next_build(store):
    args = ["build", "--store", str(store)]
    assert _kill_after(args, 0.0, watch=store.parent) is None
    assert _kill_after(args, 120) == 0
    _assert_no_stray_files(store, allow_temp=False)


# --------------------------------------------------------------------------- broken store, served


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _all_workers(master: int, count: int) -> list[int]:
    deadline = time.monotonic() + 20
    while len(pids := worker_pids(master)) < count:
        assert time.monotonic() < deadline, pids
        time.sleep(0.1)
    return pids


CORRUPTIONS = {
    "missing": None,
    "garbage": b"garbage" * 100,
    "half": "half",
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_serve_on_a_broken_store_stays_up_and_recovers(kind, built_store, tmp_path):
    good = Path(built_store).read_bytes()
    path = tmp_path / "brandmap.gpkg"
    corruption = CORRUPTIONS[kind]
    if corruption == "half":
        path.write_bytes(good[: len(good) // 2])
    elif corruption is not None:
        path.write_bytes(corruption)
    log = tmp_path / "serve.log"
    with serving(str(path), workers=2, log=log, healthy=False) as (process, base):
        status, body = _get(base + "/healthz")
        assert status == 503, body
        health = json.loads(body)
        assert health["error"] == "store_unavailable" and health["detail"]
        assert _get(base + "/api/products?limit=1")[0] == 503
        workers = _all_workers(process.pid, 2)
        for _ in range(5):  # no crash loop: the same workers keep answering
            assert _get(base + "/healthz")[0] == 503
            time.sleep(0.2)
        assert worker_pids(process.pid) == workers and process.poll() is None
        text = log.read_text()
        assert "store unavailable" in text and "Traceback" not in text

        tmp = path.with_name("incoming.gpkg")
        tmp.write_bytes(good)
        os.replace(tmp, path)  # a good store appears: served without a restart
        deadline = time.monotonic() + 10
        while _get(base + "/healthz")[0] != 200:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert _get(base + "/api/products?limit=1")[0] == 200
        assert worker_pids(process.pid) == workers


def test_healthz_of_a_broken_store_names_no_internal_path(built_store, tmp_path):
    from brandmap.service.web import create_app

    path = tmp_path / "brandmap.gpkg"
    path.write_bytes(Path(built_store).read_bytes()[:50_000])
    body = create_app(str(path)).test_client().get("/healthz").get_data(as_text=True)
    assert str(tmp_path) not in body and "sqlite3_" not in body


def test_long_url_is_refused_by_the_server(built_store, tmp_path):
    """100 KB of query string through gunicorn: a 4xx from its line limit, never a 5xx."""
    with serving(built_store, workers=2, log=tmp_path / "serve.log", healthy=False) as (_, base):
        status, _ = _get(base + "/api/products?q=" + "a" * 100_000)
        assert 400 <= status < 500
        assert _get(base + "/healthz")[0] == 200


# --------------------------------------------------------------------------- PostGIS restart


def _assert_whole_and_right(answer: Answer, product_count: int) -> None:
    """A 200 carries the full, right answer; a 503 a clean JSON error; nothing else."""
    assert answer.status in (200, 503), answer
    body = json.loads(answer.body)  # never half a body
    if answer.status == 503:
        assert body.get("error") or body.get("status") not in (None, "ok"), answer
        return
    if answer.url == "/healthz":
        assert body["status"] in ("ok", "stale") and body["products"] == product_count, body
    elif answer.url == "/api/stats":
        assert len(body["rows"]) == 124 and all(r["total"] >= 0 for r in body["rows"]), body
    else:
        assert body["numberMatched"] == product_count, answer.url
        assert body["numberReturned"] == len(body["features"]) > 0, answer.url


def test_postgis_restart_under_load(postgis_store, real_snapshot):
    """Requests during a database restart: every answer whole and right, or a clean 503;
    afterwards new snapshots are served. How many there are per second is measured by
    ``python -m benchmarks --only bench_restart``."""
    from brandmap.service.web import create_app

    data = postgis_data_dir()
    if data is None:
        pytest.skip("the PostGIS cluster of .ci/postgis.sh is not on this machine")
    postgis_store.write(real_snapshot)
    app = create_app(postgis_store)
    health_while_down: list[dict] = []
    run = restart_under_load(
        app,
        data,
        while_down=lambda: health_while_down.append(app.test_client().get("/healthz").get_json()),
        answers_while_down=2 * len(LOAD_URLS),
    )
    assert run.during(), "no request met the restart"
    for answer in run.answers:
        _assert_whole_and_right(answer, len(real_snapshot.products))
    (health,) = health_while_down  # it noticed, and kept serving the snapshot
    assert health["status"] == "stale" and health["products"] == len(real_snapshot.products)

    smaller = real_snapshot.products.iloc[:5]
    from brandmap.store import Snapshot

    postgis_store.write(
        Snapshot(real_snapshot.communes, real_snapshot.regions, smaller, dict(real_snapshot.meta))
    )
    client = app.test_client()
    deadline = time.monotonic() + 10
    while client.get("/healthz").get_json().get("products") != 5:
        assert time.monotonic() < deadline, client.get("/healthz").get_json()
        time.sleep(0.2)
    assert client.get("/healthz").get_json()["status"] == "ok"
