"""Shared fixtures (the reference data beside the repository, PostGIS stores), and the rule
that in CI (``CI=true``) no test may skip: a missing real part there is a failure."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from brandmap.resources import REPO_ROOT

REFERENCE_DIR = REPO_ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session", autouse=True)
def private_var_dir(tmp_path_factory) -> Iterator[Path]:
    """Every test writes its store, editorial records and audit log in a folder of the test
    run's own, never in the checkout's ``var/`` (a test that needs another sets its own)."""
    folder = tmp_path_factory.mktemp("var")
    before = os.environ.get("BRANDMAP_VAR_DIR")
    os.environ["BRANDMAP_VAR_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("BRANDMAP_VAR_DIR", None)
    else:
        os.environ["BRANDMAP_VAR_DIR"] = before


# ----------------------------------------------------------------------------- no skips in CI


def in_ci() -> bool:
    """CI sets ``CI=true``: every real part (PostGIS, Chromium, GDAL, wrk, nginx, zbarimg,
    pdftotext, the reference data) must be there, so a test that cannot find one fails."""
    return os.environ.get("CI") == "true"


def _fail_instead_of_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    if not (in_ci() and report.skipped) or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    reason = reason.removeprefix("Skipped: ")
    report.outcome = "failed"
    report.longrepr = f"would skip, but CI=true allows no skip: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """In CI a skipped test (skip marks, ``pytest.skip``, ``importorskip``) fails instead."""
    outcome = yield
    _fail_instead_of_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    """In CI a module skipped as a whole at import fails instead."""
    outcome = yield
    _fail_instead_of_skip(outcome.get_result())


# ----------------------------------------------------------------------------- fixtures


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
    """A PostGIS database for store tests (see .ci/postgis.sh); skips without one."""
    import psycopg

    from brandmap.redaction import redact

    url = os.environ.get(POSTGIS_ENV)
    if not url:
        pytest.skip(f"{POSTGIS_ENV} is not set (see .ci/postgis.sh)")
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT postgis_version()")
    except psycopg.Error as exc:
        pytest.skip(f"{POSTGIS_ENV}={redact(url)} does not answer: {type(exc).__name__}")
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
