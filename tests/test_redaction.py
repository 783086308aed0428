"""No password reaches a log record or a message: redaction of URLs and conninfo strings."""

from __future__ import annotations

import ast
import doctest
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandmap import redaction
from brandmap.redaction import HIDDEN, logger, redact
from brandmap.resources import REPO_ROOT

SECRET = "Pa55word-xyz"


def test_examples_in_the_docstrings_hold():
    assert doctest.testmod(redaction).failed == 0


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            f"postgresql://gis:{SECRET}@127.0.0.1:5432/brandmap",
            "postgresql://gis:***@127.0.0.1:5432/brandmap",
        ),
        (
            f"postgres://gis:{SECRET}@db/x?sslmode=require",
            "postgres://gis:***@db/x?sslmode=require",
        ),
        (f"postgresql://gis:p@ss{SECRET}@db/x", "postgresql://gis:***@db/x"),
        (
            f"postgresql://gis@/x?host=/run&password={SECRET}&a=1",
            "postgresql://gis@/x?host=/run&password=***&a=1",
        ),
        (f"host=db password={SECRET} dbname=x", "host=db password=*** dbname=x"),
        (f"host=db PASSWORD = '{SECRET} with spaces' dbname=x", "host=db PASSWORD = *** dbname=x"),
        (f"PGPASSWORD={SECRET} brandmap build", "PGPASSWORD=*** brandmap build"),
        (f"store 'postgresql://a:{SECRET}@h/d' failed", "store 'postgresql://a:***@h/d' failed"),
    ],
)
def test_passwords_are_hidden(text, shown):
    assert redact(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "postgresql://gis@db:5432/brandmap",
        "/var/lib/brandmap/brandmap.gpkg",
        "https://map.vinhlong.gov.vn/ogc/collections?f=json",
        "xã Kim Sơn, huyện Trà Cú",
    ],
)
def test_text_without_credentials_is_unchanged(text):
    assert redact(text) == text


PASSWORDS = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zs"), blacklist_characters="/?#@'\"&\\"
    ),
    min_size=4,
    max_size=30,
)


@given(password=PASSWORDS, user=st.from_regex(r"[a-z_]{1,10}", fullmatch=True))
def test_no_password_survives_in_a_url_or_conninfo(password, user):
    for text in (
        f"cannot connect to postgresql://{user}:{password}@127.0.0.1:5432/brandmap: refused",
        f"host=127.0.0.1 user={user} password={password} dbname=brandmap",
        f"postgresql://{user}@/brandmap?host=/run/postgresql&password={password}",
    ):
        hidden = redact(text)
        assert password not in hidden.replace(HIDDEN, "")
        assert redact(hidden) == hidden  # redacting twice changes nothing


def test_log_records_are_redacted(caplog):
    log = logger("brandmap.store")
    with caplog.at_level(logging.INFO, logger="brandmap"):
        log.error("cannot connect to %s", f"postgresql://gis:{SECRET}@127.0.0.1/brandmap")
        log.warning(f"retrying host=db password={SECRET}")
        try:
            raise RuntimeError(f"postgresql://gis:{SECRET}@db/brandmap refused")
        except RuntimeError:
            log.exception("unhandled error")
    assert len(caplog.records) == 3
    assert SECRET not in caplog.text
    assert "postgresql://gis:***@127.0.0.1/brandmap" in caplog.text
    assert "password=***" in caplog.text


def test_store_errors_are_logged_without_password(caplog):
    """A service started on an unreachable PostGIS store logs why, without the password."""
    from brandmap.service.web import create_app

    with caplog.at_level(logging.ERROR, logger="brandmap"):
        app = create_app(f"postgresql://gis:{SECRET}@127.0.0.1:1/brandmap?connect_timeout=2")
    assert app.test_client().get("/healthz").status_code == 503
    assert caplog.records, "the unreachable store is logged"
    assert SECRET not in caplog.text


def _calls_get_logger(path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr == "getLogger":
            return True
    return False


def test_every_module_logs_through_the_redacting_logger():
    package = REPO_ROOT / "brandmap"
    direct = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path.name != "redaction.py" and _calls_get_logger(path)
    ]
    assert direct == [], "use brandmap.redaction.logger(name) instead of logging.getLogger"
