"""The editorial records on both backends: migrations, transactions, and nothing lost by a
store rebuild, a restart, a kill -9 or several workers writing at once."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest
from builders import CHEAP_HASHER as CHEAP

from brandmap.editorial import open_records
from brandmap.editorial.accounts import add_account, list_accounts
from brandmap.editorial.embedded import EmbeddedRecords
from brandmap.editorial.postgres import DEFAULT_SCHEMA, PostgresRecords
from brandmap.editorial.records import MIGRATIONS, DuplicateRecord
from brandmap.editorial.roles import Role
from brandmap.editorial.trail import recent_entries
from brandmap.errors import StoreError


def versions(records) -> list[int]:
    with records.transaction() as tx:
        return [row["version"] for row in tx.execute("SELECT version FROM schema_version")]


def test_opening_applies_every_migration_once(open_editorial):
    first = open_editorial()
    assert versions(first) == [m.version for m in MIGRATIONS]
    assert versions(open_editorial()) == versions(first)


def test_records_from_a_newer_brandmap_are_refused(open_editorial):
    records = open_editorial()
    with records.transaction() as tx:
        tx.execute("INSERT INTO schema_version (version, why, applied_at) VALUES (999, 'x', 'y')")
    with pytest.raises(StoreError, match="schema version 999, newer than this brandmap"):
        open_editorial()


def test_a_transaction_that_raises_leaves_nothing(editorial_records):
    with pytest.raises(RuntimeError), editorial_records.transaction() as tx:
        tx.execute(
            "INSERT INTO trail (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)",
            ("now", "t", "half", "done", "{}"),
        )
        raise RuntimeError("interrupted")
    assert recent_entries(editorial_records) == []


def test_a_taken_name_is_a_duplicate_record(editorial_records):
    insert = (
        "INSERT INTO accounts (name, role, password_hash, created_at, created_by)"
        " VALUES ('lan', 'editor', 'h', 'now', 't')"
    )
    with editorial_records.transaction() as tx:
        tx.execute(insert)
    with pytest.raises(DuplicateRecord), editorial_records.transaction() as tx:
        tx.execute(insert)


def test_beside_a_geopackage_the_records_are_a_file_in_the_var_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDMAP_VAR_DIR", str(tmp_path / "var"))
    records = open_records(str(tmp_path / "elsewhere" / "brandmap.gpkg"))
    assert isinstance(records, EmbeddedRecords)
    assert records.path == tmp_path / "var" / "editorial.sqlite" and records.path.is_file()


def test_beside_a_postgis_store_the_records_are_a_schema_of_their_own(postgis_url):
    records = open_records(postgis_url)
    assert isinstance(records, PostgresRecords) and records.schema == DEFAULT_SCHEMA
    assert ":***@" in records.location
    records.drop()


def test_accounts_survive_a_rebuild_of_the_store(open_editorial, real_snapshot, tmp_path):
    from brandmap.store import GeoPackageStore, open_store

    records = open_editorial()
    add_account(records, "lan", Role.ADMIN, "mười-ký-tự-trở-lên", actor="t", hasher=CHEAP)
    if isinstance(records, PostgresRecords):
        store = open_store(records._url)  # the default namespace, as `brandmap build` uses
    else:
        store = GeoPackageStore(tmp_path / "brandmap.gpkg")
    store.write(real_snapshot)
    store.write(real_snapshot)
    if isinstance(records, PostgresRecords):
        store.drop()
    assert [a.name for a in list_accounts(open_editorial())] == ["lan"]


# Adds accounts through the records unpickled from standard input, then maybe kills itself.
WORKER = """
import os, pickle, signal, sys
from argon2 import PasswordHasher
from brandmap.editorial.accounts import add_account
records = pickle.load(sys.stdin.buffer)
cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
for name in sys.argv[2:]:
    add_account(records, name, "editor", "mười-ký-tự-trở-lên", actor="worker", hasher=cheap)
if sys.argv[1] == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
"""


def start_worker(records, how: str, names: list[str]) -> subprocess.Popen:
    worker = subprocess.Popen([sys.executable, "-c", WORKER, how, *names], stdin=subprocess.PIPE)
    worker.stdin.write(pickle.dumps(records))
    worker.stdin.close()
    return worker


def test_a_committed_account_survives_a_kill_9(open_editorial):
    worker = start_worker(open_editorial(), "kill", ["lan"])
    assert worker.wait(timeout=60) == -9
    assert [a.name for a in list_accounts(open_editorial())] == ["lan"]


def test_several_workers_write_at_once_and_nothing_is_lost(open_editorial):
    records = open_editorial()
    workers = [start_worker(records, "exit", [f"w{w}-{i}" for i in range(5)]) for w in range(3)]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0, 0]
    assert len(list_accounts(open_editorial())) == 15
    assert len(recent_entries(records)) == 15
