"""Shared fixtures: the optional reference data beside the repository."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
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
def fetched(upstream_mirror: Path):
    """The official communes layer, fetched once from the mirror of its pinned source."""
    from brandmap.geo.fetch import fetch_boundaries

    return fetch_boundaries(upstream_mirror.as_uri())


@pytest.fixture(scope="session")
def real_snapshot():
    """The real catalog built on the offline (approximate) communes."""
    from brandmap.build.snapshot import build_snapshot
    from brandmap.geo.approx import approximate_communes

    return build_snapshot(communes=approximate_communes())


@pytest.fixture(scope="session")
def built_store(tmp_path_factory, real_snapshot) -> str:
    """The real snapshot in a temporary GeoPackage store."""
    from brandmap.store import GeoPackageStore

    store = GeoPackageStore(tmp_path_factory.mktemp("store") / "brandmap.gpkg")
    store.write(real_snapshot)
    return store.location


@pytest.fixture(scope="session", params=["gpkg", "postgis"])
def app(request, built_store, real_snapshot):
    """The service on each store backend: every API test runs on both."""
    from brandmap.service.web import create_app

    if request.param == "gpkg":
        return create_app(built_store)
    store = request.getfixturevalue("postgis_session_store")
    store.write(real_snapshot)
    return create_app(store)


@pytest.fixture()
def client(app):
    return app.test_client()


POSTGIS_ENV = "BRANDMAP_TEST_POSTGIS"


@pytest.fixture(scope="session")
def postgis_url() -> str:
    """A PostGIS database for store tests (see .ci/postgis.sh).

    Skips on a developer machine without one; in CI (``CI=true``) a missing or silent
    server fails instead, so the PostGIS tests can never be skipped unnoticed.
    """
    import psycopg

    from brandmap.redaction import redact

    url = os.environ.get(POSTGIS_ENV)
    in_ci = os.environ.get("CI") == "true"
    if not url:
        (pytest.fail if in_ci else pytest.skip)(f"{POSTGIS_ENV} is not set (see .ci/postgis.sh)")
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT postgis_version()")
    except psycopg.Error as exc:
        message = f"{POSTGIS_ENV}={redact(url)} does not answer: {type(exc).__name__}"
        (pytest.fail if in_ci else pytest.skip)(message)
    return url


def _postgis_namespace(url: str) -> Iterator:
    from brandmap.store.postgis import PostGISStore

    namespace = f"test_{uuid.uuid4().hex[:12]}"
    store = PostGISStore(url, namespace=namespace)
    yield store
    store.drop()


@pytest.fixture
def postgis_store(postgis_url: str) -> Iterator:
    """A PostGIS store in a namespace of its own, dropped afterwards."""
    yield from _postgis_namespace(postgis_url)


@pytest.fixture(scope="session")
def postgis_session_store(postgis_url: str) -> Iterator:
    yield from _postgis_namespace(postgis_url)


@pytest.fixture(scope="module")
def postgis_module_store(postgis_url: str) -> Iterator:
    """A PostGIS store of one test module's own."""
    yield from _postgis_namespace(postgis_url)


@pytest.fixture(params=["embedded", "postgres"])
def open_editorial(request, tmp_path) -> Iterator:
    """Opens one set of editorial records, on each backend in turn (every editorial test
    runs on both); each call opens the same records again, as a restarted worker would."""
    if request.param == "embedded":
        from brandmap.editorial.embedded import EmbeddedRecords

        yield lambda: EmbeddedRecords(tmp_path / "editorial.sqlite")
        return
    from brandmap.editorial.postgres import PostgresRecords

    url = request.getfixturevalue("postgis_url")
    schema = f"test_{uuid.uuid4().hex[:12]}_editorial"
    opened: list[PostgresRecords] = []

    def open_again() -> PostgresRecords:
        opened.append(PostgresRecords(url, schema=schema))
        return opened[-1]

    yield open_again
    if opened:
        opened[0].drop()


@pytest.fixture
def editorial_records(open_editorial):
    return open_editorial()
