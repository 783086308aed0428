"""Publishing from the staff API: drafts, releases, restore, on both backends (GeoPackage
with SQLite records, PostGIS with PostgreSQL records)."""

from __future__ import annotations

import io
import json
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from brandmap.build.snapshot import build_store
from brandmap.cli.main import main
from brandmap.editorial.releases import latest_release, release_catalog
from brandmap.editorial.roles import Role
from brandmap.editorial.tokens import create_token
from brandmap.editorial.trail import recent_entries
from brandmap.resources import REPO_ROOT
from brandmap.service.web import create_app
from brandmap.store import GeoPackageStore

HEADER = "id,name_vi,category,brand_types,ocop_stars,commune_code,source_url\n"


def row(product_id: str, stars: int = 4) -> str:
    return f"{product_id},Kẹo dừa thử nghiệm,Thực phẩm,ocop,{stars},29659,https://example.org/k\n"


@pytest.fixture()
def staff(request, open_editorial, built_store, real_snapshot, tmp_path, monkeypatch):
    """A service over a store of its own, its editorial records, and tokens of each role."""
    monkeypatch.setenv("BRANDMAP_VAR_DIR", str(tmp_path))  # the embedded records' folder
    records = open_editorial()
    if type(records).__name__ == "EmbeddedRecords":
        store = GeoPackageStore(tmp_path / "brandmap.gpkg")
        shutil.copy(built_store, store.path)
    else:
        store = request.getfixturevalue("postgis_store")
        store.write(real_snapshot)
    tokens = {
        role: create_token(records, role.value, role, actor="test")[1]
        for role in (Role.EDITOR, Role.PUBLISHER)
    }
    client = create_app(store, records=records).test_client()
    return client, records, store, tokens


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def upload(client, token: str, text: str, name: str = "p.csv", mode: str | None = None):
    data = {"file": (io.BytesIO(text.encode()), name)}
    if mode:
        data["mode"] = mode
    return client.post("/api/drafts", data=data, headers=auth(token))


def test_credentials_and_roles(staff):
    client, _, _, tokens = staff
    for headers in ({}, auth("not-a-token"), {"Authorization": "Basic eDp5"}):
        answer = client.get("/api/releases", headers=headers)
        assert answer.status_code == 401 and answer.json["error"] == "unauthorized"
    draft = upload(client, tokens[Role.EDITOR], HEADER + row("new-a"))
    assert draft.status_code == 201, draft.json
    answer = client.post(
        f"/api/drafts/{draft.json['id']}/publish", headers=auth(tokens[Role.EDITOR])
    )
    assert answer.status_code == 403 and answer.json["error"] == "forbidden"
    assert (
        client.post("/api/releases/1/restore", headers=auth(tokens[Role.EDITOR])).status_code == 403
    )
    releases = client.get("/api/releases", headers=auth(tokens[Role.EDITOR]))
    assert releases.status_code == 200 and releases.headers["Cache-Control"] == "no-store"
    assert [(r["release"], r["by"]) for r in releases.json] == [(1, "seed")]


def test_upload_report_and_refusals(staff):
    client, _, _, tokens = staff
    editor = tokens[Role.EDITOR]
    first = upload(client, editor, HEADER + row("new-a"))
    assert first.status_code == 201
    assert first.json["added"] == ["new-a"] and first.json["problems"] == []
    assert first.json["updated"] == first.json["removed"] == []
    assert client.get(f"/api/drafts/{first.json['id']}", headers=auth(editor)).json == first.json
    assert upload(client, editor, HEADER + row("x"), name="p.pdf").status_code == 415
    broken = upload(client, editor, "", name="empty.csv")
    assert broken.status_code == 400 and broken.json["detail"]
    assert upload(client, editor, "x" * (2 * 2**20)).status_code == 413
    bad = upload(client, editor, HEADER + row("bad", stars=9))
    assert bad.status_code == 201
    assert [(p["row"], p["column"]) for p in bad.json["problems"]] == [(2, "ocop_stars")]
    refused = client.post(
        f"/api/drafts/{bad.json['id']}/publish", headers=auth(tokens[Role.PUBLISHER])
    )
    assert refused.status_code == 409
    assert client.get("/api/drafts/999999", headers=auth(editor)).status_code == 404


def test_publish_is_served_without_restart_and_updates_show_fields(staff):
    client, records, store, tokens = staff
    publisher = tokens[Role.PUBLISHER]
    assert client.get("/api/products/new-a").status_code == 404
    draft = upload(client, publisher, HEADER + row("new-a"))
    published = client.post(f"/api/drafts/{draft.json['id']}/publish", headers=auth(publisher))
    assert published.status_code == 200 and published.json == {"release": 2}
    deadline = time.monotonic() + 5
    while client.get("/api/products/new-a").status_code != 200:
        assert time.monotonic() < deadline, "the published product is not served within 5 s"
        time.sleep(0.2)
    assert store.read().meta["release"] == "2"
    again = upload(client, publisher, HEADER + row("new-a", stars=5))
    assert again.json["updated"] == ["new-a"] and again.json["unchanged"] == 0
    assert again.json["changes"]["new-a"] == {"ocop_stars": [4, 5]}
    actions = [entry.action for entry in recent_entries(records)]
    assert {"draft created", "draft published", "release published"} <= set(actions)


def test_second_draft_is_rebased_or_refused(staff):
    client, records, _, tokens = staff
    publisher = tokens[Role.PUBLISHER]
    a = upload(client, publisher, HEADER + row("new-a")).json["id"]
    b = upload(client, publisher, HEADER + row("new-b")).json["id"]
    c = upload(client, publisher, HEADER + row("new-a", stars=5)).json["id"]
    assert client.post(f"/api/drafts/{a}/publish", headers=auth(publisher)).json == {"release": 2}
    assert client.post(f"/api/drafts/{b}/publish", headers=auth(publisher)).json == {"release": 3}
    assert {"new-a", "new-b"} <= set(latest_release(records)[1])
    conflict = client.post(f"/api/drafts/{c}/publish", headers=auth(publisher))
    assert conflict.status_code == 409 and conflict.json["ids"] == ["new-a"]
    assert latest_release(records)[0] == 3


def test_replace_mode_and_restore(staff):
    client, records, _, tokens = staff
    publisher = tokens[Role.PUBLISHER]
    replaced = upload(client, publisher, HEADER + row("new-a"), mode="replace").json
    assert len(replaced["removed"]) == len(release_catalog(records, 1))
    client.post(f"/api/drafts/{replaced['id']}/publish", headers=auth(publisher))
    assert set(latest_release(records)[1]) == {"new-a"}
    restored = client.post("/api/releases/1/restore", headers=auth(publisher))
    assert restored.status_code == 200 and restored.json == {"release": 3}
    assert release_catalog(records, 3) == release_catalog(records, 1)
    assert client.get("/api/products/new-a").status_code == 404
    listed = client.get("/api/releases", headers=auth(publisher)).json
    assert [r["release"] for r in listed] == [3, 2, 1]
    assert listed[0]["summary"] == {
        "added": len(release_catalog(records, 1)),
        "updated": 0,
        "removed": 1,
    }
    assert client.post("/api/releases/99/restore", headers=auth(publisher)).status_code == 404


def test_published_release_survives_a_build(staff, tmp_path):
    client, records, store, tokens = staff
    publisher = tokens[Role.PUBLISHER]
    draft = upload(client, publisher, HEADER + row("new-a")).json["id"]
    client.post(f"/api/drafts/{draft}/publish", headers=auth(publisher))
    if isinstance(store, GeoPackageStore):  # the command line finds the records in var/
        result = CliRunner().invoke(main, ["build", "--store", store.location])
        assert result.exit_code == 0, result.output
    else:
        build_store(store, catalog=list(latest_release(records)[1].values()))
    assert "new-a" in set(store.read().products["id"])


_PUBLISH = """
import json, sys
from brandmap.editorial.publishing import publish_draft
from brandmap.store import GeoPackageStore
given = json.loads(sys.argv[1])
if given["schema"]:
    from brandmap.editorial.postgres import PostgresRecords
    from brandmap.store.postgis import PostGISStore
    records = PostgresRecords(given["url"], schema=given["schema"])
    store = PostGISStore(given["url"], namespace=given["namespace"])
else:
    from brandmap.editorial.embedded import EmbeddedRecords
    records, store = EmbeddedRecords(given["records"]), GeoPackageStore(given["store"])
print("publishing", flush=True)
publish_draft(records, store, given["draft"], actor="test")
"""


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.5])
def test_kill_9_during_publish_leaves_a_whole_release(staff, delay):
    """A publish killed at any moment: the records and the store hold the previous
    release or the new one, whole."""
    client, records, store, tokens = staff
    draft = upload(client, tokens[Role.PUBLISHER], HEADER + row("new-a")).json["id"]
    given = {"draft": draft, "schema": getattr(records, "schema", None)}
    if given["schema"]:
        given.update(url=records._url, namespace=store.namespace)
    else:
        given.update(records=records.location, store=store.location)
    process = subprocess.Popen(
        [sys.executable, "-c", _PUBLISH, json.dumps(given)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "publishing"
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    number, catalog = latest_release(records)
    assert number in (1, 2)
    served = store.read()
    assert set(served.products["id"]) == set(catalog)
    assert served.meta.get("release", "1") == str(number)


def test_exported_catalog_uploads_unchanged(staff):
    """The products export (CSV, the exchange format) is the current release: uploaded back
    as a whole catalog, it adds and removes nothing and changes no product's facts. (Only
    placement differs: the export gives every product its placed point as lon/lat, which
    reads back as exact coordinates.)"""
    client, records, _, tokens = staff
    exported = client.get("/api/export?layer=products&format=csv")
    assert exported.status_code == 200
    report = upload(client, tokens[Role.EDITOR], exported.data.decode("utf-8-sig"), mode="replace")
    assert report.status_code == 201, report.json
    assert [p for p in report.json["problems"] if p["severity"] == "error"] == []
    assert (report.json["added"], report.json["removed"]) == ([], [])
    changed = {field for fields in report.json["changes"].values() for field in fields}
    assert changed <= {"lon", "lat", "location_quality", "commune_code"}
    assert report.json["unchanged"] + len(report.json["updated"]) == len(
        release_catalog(records, 1)
    )
