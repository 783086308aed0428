"""Shared fixtures: the optional reference data beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandmap.settings import REPO_ROOT

REFERENCE_DIR = REPO_ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """``../shared/reference``; tests that need it skip cleanly when it is absent."""
    if not REFERENCE_DIR.is_dir():
        pytest.skip("reference data (../shared/reference) is not present")
    return REFERENCE_DIR


@pytest.fixture(scope="session")
def upstream_mirror(reference_dir: Path) -> Path:
    """Byte-exact mirror of the pinned public boundary repository files."""
    mirror = reference_dir / "geo" / "upstream"
    if not (mirror / "MANIFEST.tsv").is_file():
        pytest.skip("boundary mirror is not present")
    return mirror


@pytest.fixture(scope="session")
def built_store(tmp_path_factory) -> str:
    """The real catalog built on the offline (approximate) communes, in a temporary store."""
    from brandmap.approx import approximate_communes
    from brandmap.build import build_snapshot
    from brandmap.store import GeoPackageStore

    store = GeoPackageStore(tmp_path_factory.mktemp("store") / "brandmap.gpkg")
    store.write(build_snapshot(communes=approximate_communes()))
    return store.location


@pytest.fixture(scope="session")
def app(built_store):
    from brandmap.web import create_app

    return create_app(built_store)


@pytest.fixture()
def client(app):
    return app.test_client()
