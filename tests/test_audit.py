"""The audit log: one JSON line per data-changing command, never holding a password."""

from __future__ import annotations

import json

import pytest

from brandmap.audit import audit_log_path, audited, record
from brandmap.errors import StoreError

SECRET = "Pa55word-xyz"
STORE = f"postgresql://gis:{SECRET}@127.0.0.1:5432/brandmap"


@pytest.fixture(autouse=True)
def var_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDMAP_VAR_DIR", str(tmp_path))


def _entries() -> list[dict]:
    return [json.loads(line) for line in audit_log_path().read_text().splitlines()]


def test_record_hides_the_store_password():
    record("build", "done", store=STORE, conninfo=f"host=db password={SECRET}")
    (entry,) = _entries()
    assert SECRET not in audit_log_path().read_text()
    assert entry["store"] == "postgresql://gis:***@127.0.0.1:5432/brandmap"
    assert entry["conninfo"] == "host=db password=***"


def test_a_failed_command_is_recorded_without_the_password():
    @audited("build")
    def build(store: str) -> None:
        raise StoreError(f"cannot connect to {store}: " + "x" * 400)

    with pytest.raises(StoreError):
        build(store=STORE)
    (entry,) = _entries()
    assert (entry["action"], entry["outcome"], entry["error"]) == ("build", "failed", "StoreError")
    assert SECRET not in audit_log_path().read_text()
    assert entry["message"].startswith("cannot connect to postgresql://gis:***@127.0.0.1")
    assert len(entry["message"]) == 300


def test_a_cut_message_keeps_its_password_hidden():
    """The message is cut at 300 characters: a URL cut before its "@" is still hidden."""

    @audited("import products")
    def import_products(store: str) -> None:
        raise StoreError("x" * 271 + STORE)  # the cut falls just before "@"

    with pytest.raises(StoreError):
        import_products(store="var/brandmap.gpkg")
    assert SECRET not in _entries()[0]["message"]
