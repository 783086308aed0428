"""The `brandmap` command line, as a user runs it (click's runner, real files)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pyogrio
import pytest
from click.testing import CliRunner

from brandmap import __version__, resources
from brandmap.cli.main import main
from brandmap.resources import REPO_ROOT
from brandmap.store import GeoPackageStore

GOOD_ROW = "new-keo-dua,Kẹo dừa thử nghiệm,Thực phẩm,ocop,4,29659,https://example.org/keo-dua\n"
HEADER = "id,name_vi,category,brand_types,ocop_stars,commune_code,source_url\n"


@pytest.fixture()
def store(built_store, tmp_path) -> str:
    """A private copy of the built store that a test may change."""
    target = tmp_path / "brandmap.gpkg"
    shutil.copy(built_store, target)
    return str(target)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_build_writes_a_store(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDMAP_VAR_DIR", str(tmp_path))  # no fetched boundaries here
    target = tmp_path / "built.gpkg"
    result = run("build", "--store", str(target))
    assert result.exit_code == 0, result.output
    assert "124 communes (approximate geometry)" in result.output
    assert len(GeoPackageStore(target).read().communes) == 124


def test_failing_build_leaves_the_store_untouched(store, tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDMAP_VAR_DIR", str(tmp_path))  # no release yet: data/ seeds one
    broken = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", broken)
    catalog = broken / "products" / "products.csv"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "broken,,,,,,\n", encoding="utf-8")
    monkeypatch.setenv("BRANDMAP_DATA_DIR", str(broken))
    before = Path(store).read_bytes()
    result = CliRunner().invoke(main, ["build", "--store", store])
    assert result.exit_code == 1
    assert "error:" in result.output
    assert Path(store).read_bytes() == before


def test_validate_reports_rows_and_exits_1(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + GOOD_ROW + "bad,=HYPERLINK(1),Thực phẩm,ocop,6,29659,ftp://x\n", encoding="utf-8"
    )
    result = run("validate", str(bad), "--lang", "en")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert any(line.startswith("row 3, column ocop_stars") for line in lines)
    assert any(line.startswith("row 3, column name_vi") for line in lines)
    assert any(line.startswith("row 3, column source_url") for line in lines)
    assert not any(line.startswith("row 2") for line in lines)


def test_validate_in_vietnamese_and_clean_file():
    result = run("validate", str(REPO_ROOT / "data" / "products" / "products.csv"))
    assert result.exit_code == 0, result.output


def test_import_products_is_all_or_nothing(store, tmp_path):
    before = Path(store).read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + GOOD_ROW + "bad,Tên,Thực phẩm,ocop,9,29659,https://example.org\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["import", "products", str(bad), "--store", store])
    assert result.exit_code == 1
    assert Path(store).read_bytes() == before


def test_import_products_merges_by_id(store, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD_ROW, encoding="utf-8")
    assert (
        "1 added, 0 updated, 0 unchanged"
        in run("import", "products", str(good), "--store", store).output
    )
    assert (
        "0 added, 0 updated, 1 unchanged"
        in run("import", "products", str(good), "--store", store).output
    )
    good.write_text(HEADER + GOOD_ROW.replace(",4,", ",5,"), encoding="utf-8")
    assert (
        "0 added, 1 updated, 0 unchanged"
        in run("import", "products", str(good), "--store", store).output
    )
    products = GeoPackageStore(store).read().products.set_index("id")
    assert products.loc["new-keo-dua", "ocop_stars"] == 5
    assert products.loc["new-keo-dua", "location_quality"] == "commune"
    assert GeoPackageStore(store).backup_path.exists()


def test_import_products_places_by_coordinates(store, tmp_path):
    communes = GeoPackageStore(store).read().communes.set_index("code")
    inside = communes.loc["29489"].geometry.representative_point()
    file = tmp_path / "points.csv"
    file.write_text(
        "id,name_vi,category,brand_types,lon,lat,source_url\n"
        f"pt-1,Chả giò,do_uong,specialty,{inside.x},{inside.y},https://example.org/p\n",
        encoding="utf-8",
    )
    assert run("import", "products", str(file), "--store", store).exit_code == 0
    product = GeoPackageStore(store).read().products.set_index("id").loc["pt-1"]
    assert product["commune_code"] == "29489"
    assert product["location_quality"] == "exact"


def test_resolve_prints_one_json_object_per_address(tmp_path):
    csv_file = tmp_path / "a.csv"
    csv_file.write_text("address\nxã Kim Sơn, huyện Trà Cú, tỉnh Trà Vinh\n", encoding="utf-8")
    result = run(
        "resolve", "Thị trấn Vũng Liêm, Vũng Liêm, Vĩnh Long", "???", "--csv", str(csv_file)
    )
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert [a["code"] for a in answers] == ["29659", None, "29489"]
    assert answers[1]["reason"]


def test_export_writes_a_vn2000_geopackage(store, tmp_path):
    out = tmp_path / "p.gpkg"
    result = run(
        "export",
        "--layer",
        "products",
        "--format",
        "gpkg",
        "--crs",
        "EPSG:9209",
        "--filter",
        "min_stars=4",
        "-o",
        str(out),
        "--store",
        store,
    )
    assert result.exit_code == 0, result.output
    info = pyogrio.read_info(out)
    assert info["crs"] == "EPSG:9209"
    assert info["features"] > 0


def test_export_refuses_bad_filter(store, tmp_path):
    result = CliRunner().invoke(
        main, ["export", "--filter", "min_stars=9", "-o", str(tmp_path / "x"), "--store", store]
    )
    assert result.exit_code == 1
    assert "min_stars" in result.output


def test_missing_store_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(
        main, ["export", "-o", str(tmp_path / "x"), "--store", str(tmp_path / "none.gpkg")]
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: no store at none.gpkg: run `brandmap build` first"
    ]


def test_data_changes_are_audited(store, tmp_path, monkeypatch):
    from brandmap.audit import audit_log_path

    monkeypatch.setenv("BRANDMAP_VAR_DIR", str(tmp_path / "var"))
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD_ROW, encoding="utf-8")
    run("import", "products", str(good), "--store", store)
    CliRunner().invoke(
        main,
        [
            "import",
            "products",
            str(tmp_path / "good.csv"),
            "--store",
            str(tmp_path / "missing.gpkg"),
        ],
    )
    entries = [json.loads(line) for line in audit_log_path().read_text().splitlines()]
    assert [(e["action"], e["outcome"]) for e in entries] == [
        ("import products", "done"),
        ("import products", "failed"),
    ]
    assert entries[0]["who"] and entries[0]["file"].endswith("good.csv")
    assert entries[1]["error"] == "StoreError"


def test_store_password_is_never_shown_or_recorded(tmp_path, monkeypatch):
    """`build --store postgresql://user:PASSWORD@...`: neither the error line nor the audit
    log holds the password (the server here refuses the connection at once)."""
    from brandmap.audit import audit_log_path

    secret = "Pa55word-xyz"
    monkeypatch.setenv("BRANDMAP_VAR_DIR", str(tmp_path))
    store = f"postgresql://gis:{secret}@127.0.0.1:1/brandmap?connect_timeout=2"
    result = CliRunner().invoke(main, ["build", "--store", store])
    assert result.exit_code == 1
    assert result.output.startswith("error: cannot connect to the ")
    assert "postgresql://gis:***@127.0.0.1:1/" in result.output
    assert secret not in result.output
    (entry,) = [json.loads(line) for line in audit_log_path().read_text().splitlines()]
    assert entry["store"].startswith("postgresql://gis:***@127.0.0.1:1/brandmap")
    assert secret not in json.dumps(entry)


# ----------------------------------------------------------------------------- boundaries

BRANDMAP = str(Path(sys.executable).parent / "brandmap")
REFERENCE_AREA_KM2 = {"28756": 24.97, "29659": 35.88}  # the reference crosswalk's areaKm2


@pytest.fixture()
def var_store(built_store, tmp_path, monkeypatch) -> Path:
    """The service's var folder holding the store, earlier real boundaries and the audit log;
    downloads go through a temporary folder of the test's own."""
    var = tmp_path / "var"
    var.mkdir()
    shutil.copy(built_store, var / "brandmap.gpkg")
    (var / "boundaries_2025.gpkg").write_bytes(b"boundaries saved by an earlier fetch")
    monkeypatch.setenv("BRANDMAP_VAR_DIR", str(var))
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(downloads))
    return var / "brandmap.gpkg"


@pytest.fixture
def mirror_copy(upstream_mirror: Path, tmp_path: Path) -> Path:
    """A writable copy of the boundary mirror, to corrupt."""
    copy = tmp_path / "mirror"
    shutil.copytree(upstream_mirror, copy)
    for path in copy.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return copy


def _ward_file(mirror: Path, code: str) -> Path:
    from brandmap.geo.fetch import read_manifest

    entry = next(e for e in read_manifest() if e.code == code)
    return mirror / entry.path


def _kept_files(store: Path) -> dict[str, bytes]:
    """Every file beside the store and in the download folder, but the audit log (which
    records failures too)."""
    folders = (store.parent, Path(tempfile.gettempdir()))
    return {
        str(path): path.read_bytes()
        for folder in folders
        for path in sorted(folder.iterdir())
        if path.name != "audit.log"
    }


def _assert_serves_official_geometry(store: Path) -> None:
    from brandmap.service.web import create_app

    client = create_app(str(store)).test_client()
    assert client.get("/healthz").get_json()["geometry_quality"] == "official"
    communes = client.get("/api/communes").get_json()["features"]
    areas = {f["properties"]["code"]: f["properties"]["area_km2"] for f in communes}
    assert len(areas) == 124
    for code, area in REFERENCE_AREA_KM2.items():
        assert areas[code] == pytest.approx(area, rel=0.01), code
    stored = GeoPackageStore(store).read().communes
    assert (stored["geometry_quality"] == "official").all()


@pytest.mark.reference
def test_fetch_boundaries_command_serves_official_geometry(var_store, upstream_mirror):
    url = upstream_mirror.as_uri()
    result = run("fetch", "boundaries", "--url", url, "--store", str(var_store))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "fetched and verified 124 commune boundaries",
        f"store rebuilt: {var_store} (official geometry)",
    ]
    _assert_serves_official_geometry(var_store)
    saved = pyogrio.read_dataframe(var_store.parent / "boundaries_2025.gpkg")
    assert len(saved) == 124 and (saved["geometry_quality"] == "official").all()
    assert list(Path(tempfile.gettempdir()).iterdir()) == []


@pytest.mark.reference
@pytest.mark.parametrize("damage", ["checksum", "missing"])
def test_failed_fetch_changes_nothing(damage, var_store, mirror_copy):
    victim = _ward_file(mirror_copy, "29659")
    if damage == "checksum":
        data = bytearray(victim.read_bytes())
        data[200] = ord("9") if data[200] != ord("9") else ord("8")
        victim.write_bytes(bytes(data))
    else:
        victim.unlink()
    before = _kept_files(var_store)
    result = CliRunner().invoke(
        main, ["fetch", "boundaries", "--url", mirror_copy.as_uri(), "--store", str(var_store)]
    )
    assert result.exit_code == 1
    reason = "checksum mismatch for" if damage == "checksum" else "could not download"
    (line,) = result.output.splitlines()
    assert line.startswith(f"error: {reason} {victim.relative_to(mirror_copy)}")
    assert _kept_files(var_store) == before


@pytest.mark.reference
def test_import_boundaries_command_serves_official_geometry(var_store, reference_dir):
    source = reference_dir / "geo" / "vinhlong_2025_communes.geojson"
    done = subprocess.run(
        [BRANDMAP, "import", "boundaries", str(source), "--store", str(var_store)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"{source.name}: 124 features, code field 'code', read as EPSG:4326"
    assert lines[-1] == f"store rebuilt: {var_store} (official geometry)"
    _assert_serves_official_geometry(var_store)


@pytest.mark.reference
def test_failed_import_changes_nothing(var_store, reference_dir, tmp_path):
    part = tmp_path / "part.geojson"
    whole = pyogrio.read_dataframe(reference_dir / "geo" / "vinhlong_2025_communes.geojson")
    whole.head(3).to_file(part)
    before = _kept_files(var_store)
    command = ["import", "boundaries", str(part), "--store", str(var_store)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith("error: part.geojson covers 3 of the 124 communes")
    assert _kept_files(var_store) == before


def test_version():
    result = CliRunner().invoke(main, ["--version"], prog_name="brandmap")
    assert result.output.strip() == f"brandmap, version {__version__}"


def test_serve_refuses_without_map_assets(built_store, tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "npm_dir", lambda: tmp_path)
    result = CliRunner().invoke(main, ["serve", "--store", built_store])
    assert result.exit_code == 1
    assert "error: map assets are not installed: run `make assets`" in result.output


def test_doctor_exits_1_on_a_failing_check(built_store, tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDMAP_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("BRANDMAP_PUBLIC_URL", "https://brandmap.example.vn")
    ready = run("doctor", "--store", built_store)
    assert ready.exit_code == 0, ready.output
    lines = ready.output.splitlines()
    assert [line.split()[0] for line in lines] == ["ok", "warn", "ok", "ok", "ok"]
    missing = run("doctor", "--store", str(tmp_path / "none.gpkg"))
    assert missing.exit_code == 1
    assert missing.output.startswith("fail  store:")
