"""The PostGIS store: same shapes as the GeoPackage store, atomic switch, clear errors.

Needs a server named by ``BRANDMAP_TEST_POSTGIS`` (``eval "$(bash .ci/postgis.sh start)"``);
skipped when it is unset or unreachable, except on CI where an unreachable server fails.
"""

from __future__ import annotations

import threading
import traceback

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import pytest
import shapely
from builders import tiny_snapshot

from brandmap.errors import StoreError
from brandmap.store import LAYERS, GeoPackageStore, Snapshot, open_store, postgis_write
from brandmap.store.postgis import PostGISStore


def _schemas(url: str, namespace: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY nspname",
            [f"{namespace}%"],
        ).fetchall()
    return [name for (name,) in rows]


def _products(count: int, tag: str) -> gpd.GeoDataFrame:
    """``count`` synthetic products inside the province, every one named after ``tag``."""
    rng = np.random.default_rng(count)
    return gpd.GeoDataFrame(
        {
            "id": [f"{tag}-{i}" for i in range(count)],
            "name_vi": [f"Sản phẩm {tag}" for _ in range(count)],
            "brand_types": [["ocop"] if i % 2 else ["ocop", "gi"] for i in range(count)],
            "ocop_stars": rng.integers(3, 6, count),
        },
        geometry=shapely.points(rng.uniform(105.8, 106.8, count), rng.uniform(9.6, 10.4, count)),
        crs=4326,
    )


def _sized_snapshot(count: int, tag: str) -> Snapshot:
    base = tiny_snapshot()
    meta = {"product_count": str(count), "tag": tag}
    return Snapshot(base.communes, base.regions, _products(count, tag), meta=meta)


def test_round_trip_keeps_text_lists_and_meta(postgis_store):
    assert not postgis_store.exists()
    postgis_store.write(tiny_snapshot())
    assert postgis_store.exists()
    back = postgis_store.read()
    assert back.products.loc[0, "name_vi"] == "Kẹo dừa Bến Tre"
    assert back.products.loc[0, "brand_types"] == ["ocop", "gi"]
    assert back.regions.loc[0, "commune_codes"] == ["29659", "28756"]
    assert back.meta == {"geometry_quality": "approximate"}
    assert all(back.layer(name).crs.to_epsg() == 4326 for name in LAYERS)
    assert back.communes.geometry.iloc[0].equals(tiny_snapshot().communes.geometry.iloc[0])


def _mixed_snapshot() -> Snapshot:
    """Missing values of every kind a layer holds: text, numbers, lists, booleans."""
    base = tiny_snapshot()
    products = gpd.GeoDataFrame(
        {
            "id": ["keo-dua", "buoi-nam-roi", "tra-sua"],
            "name_vi": ["Kẹo dừa", "Bưởi Năm Roi", "Trà sữa"],
            "name_en": ["Coconut candy", None, "Milk tea"],
            "brand_types": [["ocop", "gi"], [], ["specialty"]],
            "ocop_stars": [4, None, 3],
            "ocop_year": [2023, 2024, 2025],
            "lon": [106.05, np.nan, 106.2],
            "verified": [True, False, True],
        },
        geometry=[shapely.Point(106.05, 10.05), None, shapely.Point(106.2, 10.1)],
        crs=4326,
    )
    meta = {
        "geometry_quality": "approximate",
        "built_at": "2026-01-01T00:00:00Z",
        "note": "Vĩnh Long",
    }
    return Snapshot(base.communes, base.regions, products, meta=meta)


def test_reads_back_the_same_frames_as_the_geopackage_store(postgis_store, tmp_path):
    gpkg = GeoPackageStore(tmp_path / "s.gpkg")
    gpkg.write(_mixed_snapshot())
    postgis_store.write(_mixed_snapshot())
    expected, back = gpkg.read(), postgis_store.read()
    for name in LAYERS:
        pd.testing.assert_frame_equal(back.layer(name), expected.layer(name), check_dtype=True)
    assert back.meta == expected.meta
    assert list(back.meta) == list(_mixed_snapshot().meta)


def test_empty_database_has_no_store(postgis_store):
    assert not postgis_store.exists()
    with pytest.raises(StoreError, match="brandmap build"):
        postgis_store.read()


def test_failed_write_leaves_previous_snapshot_readable(postgis_store, postgis_url, monkeypatch):
    postgis_store.write(tiny_snapshot("first"))
    before = _schemas(postgis_url, postgis_store.namespace)
    real_load = postgis_write.load_layer
    seen_during_write: list[str] = []

    def load_one_then_fail(conn, schema, name, frame):
        real_load(conn, schema, name, frame)
        # Another connection, mid-write, still sees the old snapshot.
        other = PostGISStore(postgis_url, namespace=postgis_store.namespace)
        seen_during_write.append(other.read().products.loc[0, "name_vi"])
        raise RuntimeError("server went away")

    monkeypatch.setattr(postgis_write, "load_layer", load_one_then_fail)
    with pytest.raises(RuntimeError):
        postgis_store.write(tiny_snapshot("second"))
    assert seen_during_write == ["first"]
    assert postgis_store.read().products.loc[0, "name_vi"] == "first"
    assert _schemas(postgis_url, postgis_store.namespace) == before


def test_replacing_keeps_one_backup_and_drops_older_generations(postgis_store, postgis_url):
    for name in ("first", "second", "third"):
        postgis_store.write(tiny_snapshot(name))
    assert postgis_store.read().products.loc[0, "name_vi"] == "third"
    assert postgis_store.read_previous().products.loc[0, "name_vi"] == "second"
    ns = postgis_store.namespace
    assert _schemas(postgis_url, ns) == [ns, f"{ns}_g2", f"{ns}_g3"]


def test_drop_removes_the_store_and_every_generation(postgis_store, postgis_url):
    for name in ("first", "second"):
        postgis_store.write(tiny_snapshot(name))
    postgis_store.drop()
    assert _schemas(postgis_url, postgis_store.namespace) == []
    assert not postgis_store.exists()


def test_views_show_the_current_snapshot_to_gis_clients(postgis_store, postgis_url):
    postgis_store.write(tiny_snapshot("first"))
    postgis_store.write(tiny_snapshot("second"))
    with psycopg.connect(postgis_url) as conn:
        query = psycopg.sql.SQL("SELECT name_vi, ST_SRID(geometry) FROM {}").format(
            psycopg.sql.Identifier(postgis_store.namespace, "products")
        )
        assert conn.execute(query).fetchall() == [("second", 4326)]


def test_layers_have_spatial_and_id_indexes(postgis_store, postgis_url):
    postgis_store.write(tiny_snapshot())
    with psycopg.connect(postgis_url) as conn:
        (schema,) = conn.execute(
            psycopg.sql.SQL("SELECT current FROM {}").format(
                psycopg.sql.Identifier(postgis_store.namespace, "generation")
            )
        ).fetchone()
        rows = conn.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = %s", [schema]
        )
        indexes = rows.fetchall()
    for name in LAYERS:
        assert any(t == name and "USING gist (geometry)" in d for t, d in indexes), name
    assert any(t == "products" and "USING btree (id)" in d for t, d in indexes)
    assert any(t == "communes" and "USING btree (code)" in d for t, d in indexes)


def test_readers_never_see_half_a_load(postgis_store, postgis_url):
    postgis_store.write(_sized_snapshot(10, "start"))
    failures: list[BaseException] = []
    done = threading.Event()

    def keep_writing() -> None:
        writer = PostGISStore(postgis_url, namespace=postgis_store.namespace)
        try:
            for i in range(10):
                writer.write(_sized_snapshot(50 + 150 * (i % 3), f"w{i}"))
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    tags = set()
    try:
        for _ in range(20):
            snapshot = postgis_store.read()
            tag = snapshot.meta["tag"]
            tags.add(tag)
            assert int(snapshot.meta["product_count"]) == len(snapshot.products)
            assert set(snapshot.products["name_vi"]) == {f"Sản phẩm {tag}"}
    finally:
        thread.join(timeout=120)
    print(f"reads saw {len(tags)} generations: {sorted(tags)}")
    assert done.is_set() and not failures, failures
    assert postgis_store.read().meta["tag"] == "w9"


def test_unreachable_server_raises_store_error_without_the_password():
    store = PostGISStore("postgresql://brandmap:s3cret-pw@127.0.0.1:1/brandmap", connect_timeout=2)
    for call in (store.read, store.exists, lambda: store.write(tiny_snapshot())):
        with pytest.raises(StoreError, match="cannot connect") as caught:
            call()
        text = "".join(traceback.format_exception(caught.value))
        assert "s3cret-pw" not in text
        assert "127.0.0.1:1" in str(caught.value)
    assert "s3cret-pw" not in repr(store) + store.location


def test_missing_socket_directory_raises_store_error():
    with pytest.raises(StoreError, match="cannot connect"):
        PostGISStore("postgresql://brandmap@/brandmap?host=/nonexistent/socket/dir").read()


def test_bad_url_and_namespace_raise_store_error():
    with pytest.raises(StoreError, match="not a valid PostgreSQL URL"):
        PostGISStore("postgresql://u:pw@host:notaport:5/db?sslmode=bogus bogus")
    with pytest.raises(StoreError, match="namespace"):
        PostGISStore("postgresql://u@/db", namespace="Robert'); DROP TABLE")


def test_open_store_picks_postgis_for_postgresql_urls():
    store = open_store("postgresql://gis:pw@127.0.0.1:5432/brandmap")
    assert isinstance(store, PostGISStore)
    assert store.location == "postgresql://gis:***@127.0.0.1:5432/brandmap"


def _view_rows(url: str, query: str, namespace: str) -> list[tuple]:
    """Rows of ``query`` with ``{ns}`` standing for the store's namespace, as a GIS client asks."""
    with psycopg.connect(url) as conn:
        statement = psycopg.sql.SQL(query).format(ns=psycopg.sql.Identifier(namespace))
        return conn.execute(statement).fetchall()


def _users_view(url: str, namespace: str) -> None:
    """A GIS user's own view on the public products view."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL(
                "CREATE VIEW {ns}.four_star AS SELECT id, name_vi FROM {ns}.products"
                " WHERE ocop_stars >= 4"
            ).format(ns=psycopg.sql.Identifier(namespace))
        )


def _with_english_names(snapshot: Snapshot) -> Snapshot:
    """The same snapshot whose products gained a column, as a richer catalog brings."""
    products = snapshot.products.copy()
    products.insert(2, "name_en", "Coconut candy")
    return Snapshot(snapshot.communes, snapshot.regions, products, meta=snapshot.meta)


def test_views_follow_new_and_retyped_columns(postgis_store, postgis_url):
    postgis_store.write(tiny_snapshot("first"))
    postgis_store.write(_mixed_snapshot())  # new columns, and ocop_stars becomes a float
    ns = postgis_store.namespace
    rows = _view_rows(postgis_url, "SELECT name_en, ocop_stars FROM {ns}.products ORDER BY fid", ns)
    assert rows == [("Coconut candy", 4.0), (None, None), ("Milk tea", 3.0)]


def test_users_view_survives_a_build_that_adds_a_column(postgis_store, postgis_url):
    ns = postgis_store.namespace
    postgis_store.write(tiny_snapshot("first"))
    _users_view(postgis_url, ns)
    postgis_store.write(tiny_snapshot("second"))  # same columns
    assert _view_rows(postgis_url, "SELECT * FROM {ns}.four_star", ns) == [("keo-dua", "second")]
    postgis_store.write(_with_english_names(tiny_snapshot("third")))
    assert postgis_store.read().products.loc[0, "name_en"] == "Coconut candy"
    assert _view_rows(postgis_url, "SELECT * FROM {ns}.four_star", ns) == [("keo-dua", "third")]
    shown = _view_rows(postgis_url, "SELECT id, name_en, ST_SRID(geometry) FROM {ns}.products", ns)
    assert shown == [("keo-dua", "Coconut candy", 4326)]


def test_retyped_column_under_a_users_view_fails_and_changes_nothing(postgis_store, postgis_url):
    ns = postgis_store.namespace
    postgis_store.write(tiny_snapshot("first"))
    _users_view(postgis_url, ns)
    before = _schemas(postgis_url, ns)
    with pytest.raises(StoreError, match=r"ocop_stars .*four_star.*unchanged"):
        postgis_store.write(_mixed_snapshot())  # ocop_stars turns from integer to float
    assert postgis_store.read().products.loc[0, "name_vi"] == "first"
    assert _view_rows(postgis_url, "SELECT * FROM {ns}.four_star", ns) == [("keo-dua", "first")]
    assert _schemas(postgis_url, ns) == before


def test_version_changes_on_every_write(postgis_store, postgis_url):
    assert postgis_store.version() is None
    postgis_store.write(tiny_snapshot("first"))
    first = postgis_store.version()
    assert first is not None and first == postgis_store.version()
    other = PostGISStore(postgis_url, namespace=postgis_store.namespace, version_ttl=0)
    assert other.version() == first
    postgis_store.write(tiny_snapshot("second"))
    assert postgis_store.version() not in (None, first)
    assert other.version() == postgis_store.version()


def test_version_is_none_without_a_server():
    store = PostGISStore("postgresql://brandmap:pw@127.0.0.1:1/brandmap", connect_timeout=2)
    assert store.version() is None
