"""The servers the API benchmark measures: the floor, pygeoapi and brandmap itself.

* **floor** – gunicorn answering every request with the same pre-serialized body
  (:func:`floor_app`): no routing, no query, no serialization. Nothing written in Python
  on gunicorn can be faster, so every other number is read as a share of it.
* **pygeoapi** 0.21 – the OGC API reference implementation, on the same synthetic
  products, once with its GeoJSON provider and once with its SQLite/GeoPackage provider.
  It lives in a virtual environment of its own (its Flask and pydantic pins are not ours),
  created on first use from PyPI.
* **brandmap** – ``brandmap serve``, exactly as the province runs it.

Each server runs as a child process on a free port of 127.0.0.1 and is stopped when its
``with`` block ends, whatever happens inside.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

__all__ = [
    "FLOOR_BODY_BYTES",
    "PYGEOAPI_REQUIREMENT",
    "Server",
    "brandmap_command",
    "brandmap_gunicorn_command",
    "ensure_pygeoapi",
    "ensure_wrk",
    "floor_app",
    "floor_body",
    "floor_command",
    "free_port",
    "generate_pygeoapi_openapi",
    "pygeoapi_command",
    "pygeoapi_env",
    "running",
    "write_pygeoapi_config",
    "write_pygeoapi_data",
]

FLOOR_BODY_BYTES = 38_000
PYGEOAPI_REQUIREMENT = "pygeoapi==0.21.*"
PYGEOAPI_COLLECTIONS = {"geojson": "products-geojson", "gpkg": "products-gpkg"}
SPATIALITE_DEB = "libsqlite3-mod-spatialite"


# --------------------------------------------------------------------------- the floor


def floor_body(size: int = FLOOR_BODY_BYTES) -> bytes:
    """A GeoJSON FeatureCollection of exactly ``size`` bytes, the same on every call.

    >>> len(floor_body(5000)), floor_body(5000) == floor_body(5000)
    (5000, True)
    >>> json.loads(floor_body(5000))["type"]
    'FeatureCollection'
    """
    features = []
    body = b""
    for i in range(size):
        feature = {
            "type": "Feature",
            "id": f"synthetic-{i:07d}",
            "geometry": {"type": "Point", "coordinates": [106.0 + i / 1e4, 10.0 + i / 1e4]},
            "properties": {"name_vi": f"Sản phẩm thử nghiệm {i}", "ocop_stars": 3 + i % 3},
        }
        candidate = json.dumps(
            {"type": "FeatureCollection", "features": [*features, feature], "pad": ""},
            ensure_ascii=False, separators=(",", ":"),
        ).encode()
        if len(candidate) > size:
            break
        features.append(feature)
        body = candidate
    pad = size - len(body)
    if pad < 0:
        raise ValueError(f"{size} bytes is too small for a FeatureCollection")
    return body.replace(b'"pad":""', b'"pad":"' + b" " * pad + b'"')


_FLOOR_BODY = floor_body()
_FLOOR_HEADERS = [
    ("Content-Type", "application/geo+json"),
    ("Content-Length", str(len(_FLOOR_BODY))),
]


def floor_app(environ: Mapping, start_response) -> list[bytes]:
    """The fastest possible answer: the same pre-serialized body for every request."""
    start_response("200 OK", _FLOOR_HEADERS)
    return [_FLOOR_BODY]


# --------------------------------------------------------------------------- processes


@dataclass
class Server:
    """A running server: its name, base URL and gunicorn master process."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path | None = None
    notes: dict[str, str] = field(default_factory=dict)

    def worker_pids(self) -> list[int]:
        """gunicorn's workers are the master's children (Linux ``/proc``)."""
        return _children(self.process.pid)

    def worker_rss_mib(self) -> list[float]:
        """Resident memory of each worker in MiB (largest first)."""
        return sorted((_rss_mib(pid) for pid in self.worker_pids()), reverse=True)

    def worker_pss_mib(self) -> list[float]:
        """Proportional memory of each worker in MiB: pages shared with the master and the
        other workers (copy-on-write after ``--preload``) count once in the sum, unlike RSS."""
        return sorted((_pss_mib(pid) for pid in self.worker_pids()), reverse=True)

    def master_pss_mib(self) -> float:
        return _pss_mib(self.process.pid)


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _pss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(
    name: str,
    command: Sequence[str],
    url: str,
    *,
    ready_path: str = "/",
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    start_timeout: float = 300,
) -> Iterator[Server]:
    """Start ``command``, wait until ``url + ready_path`` answers 200, stop it afterwards."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        list(command), env={**os.environ, **(env or {})}, stdout=out, stderr=out,
        cwd=Path(__file__).resolve().parent.parent,
    )
    server = Server(name, url, process, log)
    try:
        _wait_until_up(server, ready_path, start_timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if log:
            out.close()


def _wait_until_up(server: Server, path: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            hint = f"; see {server.log}" if server.log else ""
            raise RuntimeError(f"{server.name} stopped while starting{hint}")
        try:
            with urllib.request.urlopen(server.url + path, timeout=60) as answer:
                answer.read()
                return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.3)
    raise RuntimeError(f"{server.name} did not answer within {seconds:.0f} s")


def _gunicorn(python: str, port: int, workers: int, app: str, *extra: str,
              timeout: int = 600) -> list[str]:
    return [python, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
            "--bind", f"127.0.0.1:{port}", "--timeout", str(timeout), "--log-level", "warning",
            *extra, app]


def floor_command(port: int, workers: int = 4) -> list[str]:
    return _gunicorn(sys.executable, port, workers, "benchmarks.peers:floor_app", "--preload")


def brandmap_command(store: Path, port: int, workers: int = 4) -> list[str]:
    """``brandmap serve`` as users run it (its default settings: no access log)."""
    launcher = "from brandmap.cli.main import main; main()"
    return [sys.executable, "-c", launcher, "serve", "--store", str(store),
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]


LONG_TIMEOUT_S = 900


def brandmap_gunicorn_command(store: Path, port: int, workers: int = 4) -> list[str]:
    """The app and gunicorn settings of ``brandmap serve`` with a long worker timeout, for
    catalogs whose first request per worker outlasts the shipped timeout."""
    from brandmap.service.serve import THREADS_PER_WORKER

    app = f"brandmap.service.web:create_app({str(store)!r})"
    return _gunicorn(sys.executable, port, workers, app, "--preload", "--worker-class", "gthread",
                     "--threads", str(THREADS_PER_WORKER), timeout=LONG_TIMEOUT_S)


def pygeoapi_command(venv: Path, port: int, workers: int = 4) -> list[str]:
    return _gunicorn(str(venv / "bin" / "python"), port, workers, "pygeoapi.flask_app:APP")


# --------------------------------------------------------------------------- installing


def ensure_wrk() -> str:
    """The wrk load generator, installed from Debian when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    _apt_install("wrk")
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return found


def _apt_install(package: str) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    command = [*sudo, "apt-get", "install", "-y", "--no-install-recommends", package]
    if subprocess.run(command, capture_output=True, timeout=600).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update"], capture_output=True, timeout=600)
        subprocess.run(command, capture_output=True, timeout=600, check=True)


_SPATIALITE_PROBE = (
    "import sqlite3; c = sqlite3.connect(':memory:'); c.enable_load_extension(True); "
    "c.execute(\"SELECT load_extension('mod_spatialite.so')\")"
)
_LOADS_EXTENSIONS = "import sqlite3; sqlite3.connect(':memory:').enable_load_extension"


def _python_can(python: str, probe: str) -> bool:
    try:
        done = subprocess.run([python, "-c", probe], capture_output=True, timeout=60)
    except OSError:
        return False
    return done.returncode == 0


def _base_python() -> str:
    """An interpreter whose sqlite3 may load extensions (some builds leave that out)."""
    candidates = [getattr(sys, "_base_executable", sys.executable), sys.executable,
                  "/usr/bin/python3"]
    for python in candidates:
        if _python_can(python, _LOADS_EXTENSIONS):
            return python
    raise RuntimeError("no Python here lets sqlite3 load extensions; pygeoapi's GeoPackage "
                       "provider needs that (Debian's python3 does)")


def ensure_pygeoapi(venv: Path) -> Path:
    """A virtual environment with pygeoapi 0.21 and gunicorn (created once, then reused).

    Its SQLite/GeoPackage provider loads SpatiaLite into sqlite3, so the environment is
    built on a Python that allows extensions, and SpatiaLite comes from Debian if missing.
    """
    python = venv / "bin" / "python"
    stamp = venv / ".brandmap-bench-installed"
    if python.exists() and not _python_can(str(python), _LOADS_EXTENSIONS):
        shutil.rmtree(venv)
    if not stamp.exists():
        if not python.exists():
            subprocess.run([_base_python(), "-m", "venv", str(venv)], check=True, timeout=300)
        pip = [str(python), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True, timeout=600)
        subprocess.run([*pip, PYGEOAPI_REQUIREMENT, "gunicorn"], check=True, timeout=1200)
        stamp.write_text(PYGEOAPI_REQUIREMENT + "\n")
    if not _python_can(str(python), _SPATIALITE_PROBE):
        _apt_install(SPATIALITE_DEB)
    return venv


# --------------------------------------------------------------------------- pygeoapi data


def write_pygeoapi_data(products: gpd.GeoDataFrame, folder: Path) -> tuple[Path, Path]:
    """The products as a GeoJSON file and a GeoPackage table (with its R-tree), for pygeoapi.

    List columns become comma-separated text: neither provider takes JSON arrays.
    """
    folder.mkdir(parents=True, exist_ok=True)
    frame = products.copy()
    for column in frame.columns:
        if column != frame.geometry.name and frame[column].map(_is_list).any():
            frame[column] = frame[column].map(lambda v: ",".join(v) if _is_list(v) else v)
    geojson, gpkg = folder / "products.geojson", folder / "products.gpkg"
    for path in (geojson, gpkg):
        path.unlink(missing_ok=True)
    frame.to_file(geojson, driver="GeoJSON", engine="pyogrio")
    frame.to_file(gpkg, driver="GPKG", layer="products", engine="pyogrio",
                  SPATIAL_INDEX="YES")
    return geojson, gpkg


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple) or type(value).__name__ == "ndarray"


def write_pygeoapi_config(folder: Path, port: int, geojson: Path, gpkg: Path,
                          bbox: Sequence[float]) -> tuple[Path, Path]:
    """pygeoapi's configuration and OpenAPI document for the two product collections."""
    import yaml

    config = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": f"http://127.0.0.1:{port}",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "limits": {"default_items": 10, "max_items": 10000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    "attribution": "OpenStreetMap"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {"title": "brandmap benchmark peer",
                               "description": "synthetic products", "keywords": ["benchmark"],
                               "keywords_type": "theme",
                               "terms_of_service": "https://example.invalid/terms",
                               "url": "https://example.invalid"},
            "license": {"name": "CC-BY 4.0",
                        "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": "brandmap benchmarks", "url": "https://example.invalid"},
            "contact": {"name": "benchmarks"},
        },
        "resources": {
            PYGEOAPI_COLLECTIONS["geojson"]: _collection(
                bbox, {"name": "GeoJSON", "data": str(geojson), "id_field": "id"}),
            PYGEOAPI_COLLECTIONS["gpkg"]: _collection(
                bbox, {"name": "SQLiteGPKG", "data": str(gpkg), "id_field": "id",
                       "table": "products"}),
        },
    }
    config_path, openapi_path = folder / "pygeoapi-config.yml", folder / "pygeoapi-openapi.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return config_path, openapi_path


def _collection(bbox: Sequence[float], provider: dict) -> dict:
    return {
        "type": "collection",
        "title": "Synthetic products",
        "description": "Synthetic test products (benchmark only)",
        "keywords": ["benchmark"],
        "links": [],
        "extents": {"spatial": {"bbox": [float(b) for b in bbox],
                                "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
        "providers": [{"type": "feature", **provider}],
    }


def generate_pygeoapi_openapi(venv: Path, config: Path, openapi: Path) -> None:
    """pygeoapi serves nothing without the OpenAPI document generated from its config."""
    command = [str(venv / "bin" / "pygeoapi"), "openapi", "generate", str(config),
               "--output-file", str(openapi)]
    env = {**os.environ, "PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    subprocess.run(command, check=True, env=env, capture_output=True, timeout=300)


def pygeoapi_env(config: Path, openapi: Path) -> dict[str, str]:
    return {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
