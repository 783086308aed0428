"""The pinned VN-2000 ↔ WGS 84 transformation, checked against an independent computation.

The expected coordinates are computed here from first principles — the EPSG:6960 Helmert
(Coordinate Frame rotation, EPSG method 9607) on the WGS 84 ellipsoid and the Krüger series
for Transverse Mercator (EPSG Guidance Note 7-2) — without PROJ.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, box

from brandmap.errors import QueryError, ValidationError
from brandmap.geo import crs

# --- independent reference implementation -------------------------------------------------

A = 6378137.0
F = 1 / 298.257223563
E2 = F * (2 - F)
ARCSEC = math.pi / (180 * 3600)

# Decision 05/2007/QĐ-BTNMT as published by EPSG (operation 6960), VN-2000 -> WGS 84.
TX, TY, TZ = -191.90441429, -39.30318279, -111.45032835
RX, RY, RZ = -0.00928836, 0.01975479, -0.00427372
DS_PPM = 0.252906278


def geodetic_to_cartesian(lat: float, lon: float, h: float = 0.0) -> np.ndarray:
    phi, lam = math.radians(lat), math.radians(lon)
    nu = A / math.sqrt(1 - E2 * math.sin(phi) ** 2)
    return np.array(
        [
            (nu + h) * math.cos(phi) * math.cos(lam),
            (nu + h) * math.cos(phi) * math.sin(lam),
            (nu * (1 - E2) + h) * math.sin(phi),
        ]
    )


def cartesian_to_geodetic(xyz: np.ndarray) -> tuple[float, float]:
    x, y, z = xyz
    p = math.hypot(x, y)
    phi = math.atan2(z, p * (1 - E2))
    for _ in range(10):
        nu = A / math.sqrt(1 - E2 * math.sin(phi) ** 2)
        h = p / math.cos(phi) - nu
        phi = math.atan2(z, p * (1 - E2 * nu / (nu + h)))
    return math.degrees(phi), math.degrees(math.atan2(y, x))


def coordinate_frame_helmert(xyz: np.ndarray) -> np.ndarray:
    """EPSG method 9607: X_t = M * R * X_s + T with the coordinate-frame rotation matrix."""
    rx, ry, rz = RX * ARCSEC, RY * ARCSEC, RZ * ARCSEC
    rotation = np.array([[1.0, rz, -ry], [-rz, 1.0, rx], [ry, -rx, 1.0]])
    return (1 + DS_PPM * 1e-6) * rotation @ xyz + np.array([TX, TY, TZ])


def vn2000_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    return cartesian_to_geodetic(coordinate_frame_helmert(geodetic_to_cartesian(lat, lon)))


def transverse_mercator(lat: float, lon: float, lon0: float) -> tuple[float, float]:
    """Krüger n-series to n^4 (EPSG GN 7-2), k0 0.9999, false easting 500 km (VN-2000 TM-3)."""
    k0, fe = 0.9999, 500000.0
    n = F / (2 - F)
    e = math.sqrt(E2)
    b = A / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    h = [
        n / 2 - 2 / 3 * n**2 + 5 / 16 * n**3 + 41 / 180 * n**4,
        13 / 48 * n**2 - 3 / 5 * n**3 + 557 / 1440 * n**4,
        61 / 240 * n**3 - 103 / 140 * n**4,
        49561 / 161280 * n**4,
    ]
    phi = math.radians(lat)
    q = math.asinh(math.tan(phi)) - e * math.atanh(e * math.sin(phi))
    beta = math.atan(math.sinh(q))
    eta0 = math.atanh(math.cos(beta) * math.sin(math.radians(lon - lon0)))
    xi0 = math.asin(math.sin(beta) * math.cosh(eta0))
    terms = list(enumerate(h, 1))
    xi = xi0 + sum(hi * math.sin(2 * i * xi0) * math.cosh(2 * i * eta0) for i, hi in terms)
    eta = eta0 + sum(hi * math.cos(2 * i * xi0) * math.sinh(2 * i * eta0) for i, hi in terms)
    return fe + k0 * b * eta, k0 * b * xi


# VN-2000 geographic positions across the province (former Vĩnh Long, Trà Vinh, Bến Tre).
PLACES = {
    "Vĩnh Long": (10.2537, 105.9722),
    "Trà Vinh": (9.9347, 106.3453),
    "Bến Tre": (10.2415, 106.3759),
    "Mỏ Cày": (10.1347, 106.3317),
    "Duyên Hải coast": (9.6333, 106.4920),
    "Bình Minh": (10.0700, 105.8290),
}
ZONES = {"EPSG:9209": 105.5, "EPSG:9210": 105.75}


def expected(place: str, zone: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """(easting, northing) in the zone, and WGS 84 (lon, lat), of one VN-2000 position."""
    lat, lon = PLACES[place]
    wgs_lat, wgs_lon = vn2000_to_wgs84(lat, lon)
    return transverse_mercator(lat, lon, ZONES[zone]), (wgs_lon, wgs_lat)


def metres_between_lonlat(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlon = (a[0] - b[0]) * 111320 * math.cos(math.radians(a[1]))
    dlat = (a[1] - b[1]) * 110574
    return math.hypot(dlon, dlat)


# --- the reference implementation is itself sane ------------------------------------------


def test_reference_tm_is_exact_on_the_central_meridian_and_at_the_equator() -> None:
    e, n = transverse_mercator(0.0, 105.5, 105.5)
    assert (e, n) == pytest.approx((500000.0, 0.0), abs=1e-9)
    # Meridian arc to 10°N on WGS 84 is 1 105 854.83 m; TM-3 scales it by 0.9999.
    northing = transverse_mercator(10.0, 105.5, 105.5)[1]
    assert northing == pytest.approx(1105854.833 * 0.9999, abs=0.01)


def test_reference_geodetic_round_trip() -> None:
    lat, lon = PLACES["Trà Vinh"]
    back = cartesian_to_geodetic(geodetic_to_cartesian(lat, lon))
    assert back == pytest.approx((lat, lon), abs=1e-11)


# --- the pinned transformation -------------------------------------------------------------


@pytest.mark.parametrize("zone", sorted(ZONES))
@pytest.mark.parametrize("place", sorted(PLACES))
def test_wgs84_to_vn2000_matches_independent_computation(place: str, zone: str) -> None:
    (e, n), (lon, lat) = expected(place, zone)
    x, y = crs.transformer("EPSG:4326", zone).transform(lon, lat)
    assert math.hypot(x - e, y - n) < 0.01


@pytest.mark.parametrize("zone", sorted(ZONES))
@pytest.mark.parametrize("place", sorted(PLACES))
def test_vn2000_to_wgs84_matches_independent_computation(place: str, zone: str) -> None:
    (e, n), (lon, lat) = expected(place, zone)
    got = crs.transformer(zone, "EPSG:4326").transform(e, n)
    assert metres_between_lonlat(got, (lon, lat)) < 0.01


def test_pinned_parameters_are_epsg_6960_as_proj_records_them() -> None:
    official = Transformer.from_pipeline("urn:ogc:def:coordinateOperation:EPSG::6960")
    assert official.description == "VN-2000 to WGS 84 (2)"
    for token in crs.EPSG_6960.proj_step().split():
        assert token.removeprefix("+") in official.definition.split()


@pytest.mark.parametrize("place", sorted(PLACES))
def test_pyproj_default_is_about_0_8_m_away_so_the_pin_matters(place: str) -> None:
    (e, n), (lon, lat) = expected(place, "EPSG:9209")
    default = Transformer.from_crs("EPSG:4326", "EPSG:9209", always_xy=True)
    x, y = default.transform(lon, lat)
    assert 0.6 < math.hypot(x - e, y - n) < 1.0
    assert "VN-2000 to WGS 84 (1)" in default.get_last_used_operation().description  # EPSG:5194


def test_round_trip_wgs84_vn2000_wgs84_below_a_millimetre() -> None:
    lons, lats = np.meshgrid(np.linspace(105.6, 106.8, 13), np.linspace(9.5, 10.4, 10))
    x, y = crs.transformer("EPSG:4326", "EPSG:9209").transform(lons.ravel(), lats.ravel())
    lon2, lat2 = crs.transformer("EPSG:9209", "EPSG:4326").transform(x, y)
    dx = (lon2 - lons.ravel()) * 111320 * np.cos(np.radians(lats.ravel()))
    dy = (lat2 - lats.ravel()) * 110574
    assert float(np.max(np.hypot(dx, dy))) < 0.001


def test_zone_to_zone_is_a_pure_projection_change() -> None:
    definition = crs.pipeline_definition("EPSG:9209", "EPSG:9210")
    assert "helmert" not in definition
    (e1, n1), _ = expected("Bến Tre", "EPSG:9209")
    (e2, n2), _ = expected("Bến Tre", "EPSG:9210")
    x, y = crs.transformer("EPSG:9209", "EPSG:9210").transform(e1, n1)
    assert math.hypot(x - e2, y - n2) < 0.001


def test_crs84_and_4326_are_the_same_lon_lat() -> None:
    assert crs.transformer("OGC:CRS84", "EPSG:4326").transform(106.1, 10.2) == pytest.approx(
        (106.1, 10.2), abs=1e-12
    )


# --- parsing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("EPSG:9209", "EPSG:9209"),
        ("9209", "EPSG:9209"),
        ("epsg:9210", "EPSG:9210"),
        (" EPSG:4326 ", "EPSG:4326"),
        ("http://www.opengis.net/def/crs/EPSG/0/9209", "EPSG:9209"),
        ("https://www.opengis.net/def/crs/EPSG/0/4326", "EPSG:4326"),
        ("urn:ogc:def:crs:EPSG::9210", "EPSG:9210"),
        ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", "OGC:CRS84"),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", "OGC:CRS84"),
        ("CRS84", "OGC:CRS84"),
        ("[EPSG:9209]", "EPSG:9209"),
    ],
)
def test_parse_crs_accepts_codes_numbers_and_uris(text: str, code: str) -> None:
    assert crs.parse_crs(text).code == code


@pytest.mark.parametrize("text", ["", "EPSG:3405", "4756", "EPSG:9209x", "UTM48N", "CRS83"])
def test_parse_crs_rejects_with_the_supported_list(text: str) -> None:
    with pytest.raises(QueryError) as info:
        crs.parse_crs(text)
    assert info.value.param == "crs"
    for supported in crs.SUPPORTED_CRS:
        assert supported.code in str(info.value)


@given(st.text(max_size=60))
def test_parse_crs_never_fails_any_other_way(text: str) -> None:
    try:
        parsed = crs.parse_crs(text)
    except QueryError:
        return
    assert parsed in crs.SUPPORTED_CRS


def test_supported_records_round_trip_through_their_uri_and_code() -> None:
    for supported in crs.SUPPORTED_CRS:
        assert crs.parse_crs(supported.uri) is supported
        assert crs.parse_crs(supported.code) is supported
        assert supported.axis_order
    assert crs.DEFAULT_VN2000.code == "EPSG:9209"
    assert crs.EPSG_4326.lat_first and not crs.CRS84.lat_first


# --- GeoDataFrames -----------------------------------------------------------------------


def _frame() -> gpd.GeoDataFrame:
    (_, _), (lon, lat) = expected("Mỏ Cày", "EPSG:9209")
    square = box(lon, lat, lon + 0.01, lat + 0.01)
    return gpd.GeoDataFrame(
        {"name": ["Bưởi da xanh Mỏ Cày", "vùng", "không vị trí"]},
        geometry=[Point(lon, lat), MultiPolygon([square]), None],
        crs="EPSG:4326",
    )


def test_to_crs_uses_the_pinned_transformation_and_sets_crs() -> None:
    frame = _frame()
    out = crs.to_crs(frame, "EPSG:9209")
    assert out.crs.to_epsg() == 9209
    (e, n), _ = expected("Mỏ Cày", "EPSG:9209")
    point = out.geometry.iloc[0]
    assert math.hypot(point.x - e, point.y - n) < 0.01
    assert out.geometry.iloc[1].geom_type == "MultiPolygon"
    assert out.geometry.iloc[2] is None
    assert list(out["name"]) == list(frame["name"])
    assert frame.crs.to_epsg() == 4326  # input untouched


def test_from_crs_returns_wgs84_within_a_centimetre(tmp_path) -> None:
    frame = _frame()
    written = tmp_path / "vn2000.gpkg"
    crs.to_crs(frame, "EPSG:9210").to_file(written)
    back = crs.from_crs(gpd.read_file(written))
    assert back.crs.to_epsg() == 4326
    original, returned = frame.geometry.iloc[0], back.geometry.iloc[0]
    assert metres_between_lonlat((returned.x, returned.y), (original.x, original.y)) < 0.01
    assert back.geometry.iloc[1].equals_exact(frame.geometry.iloc[1], tolerance=1e-7)


def test_from_crs_pins_any_vn2000_zone(tmp_path) -> None:
    (_, _), (lon, lat) = expected("Trà Vinh", "EPSG:9209")
    # VN-2000 / UTM zone 48N (EPSG:3405), as a user's file might be.
    vn_lat, vn_lon = PLACES["Trà Vinh"]
    x, y = Transformer.from_crs("EPSG:4756", "EPSG:3405", always_xy=True).transform(vn_lon, vn_lat)
    frame = gpd.GeoDataFrame({"n": [1]}, geometry=[Point(x, y)], crs="EPSG:3405")
    point = crs.from_crs(frame).geometry.iloc[0]
    assert metres_between_lonlat((point.x, point.y), (lon, lat)) < 0.01


def test_from_crs_other_crs_and_missing_crs() -> None:
    frame = _frame().iloc[:1]
    utm = frame.to_crs(32648)
    back = crs.from_crs(utm).geometry.iloc[0]
    assert (back.x, back.y) == pytest.approx((frame.geometry.iloc[0].x, frame.geometry.iloc[0].y))
    with pytest.raises(ValidationError):
        crs.from_crs(utm.set_crs(None, allow_override=True))
    with pytest.raises(ValidationError):
        crs.to_crs(utm, "EPSG:9209")


def test_transform_bbox_encloses_the_transformed_box() -> None:
    bbox = (105.9, 9.9, 106.5, 10.3)
    minx, miny, maxx, maxy = crs.transform_bbox(bbox, "EPSG:4326", "EPSG:9209")
    tr = crs.transformer("EPSG:4326", "EPSG:9209")
    for lon in np.linspace(bbox[0], bbox[2], 7):
        for lat in (bbox[1], bbox[3]):
            x, y = tr.transform(lon, lat)
            assert minx - 1e-6 <= x <= maxx + 1e-6 and miny - 1e-6 <= y <= maxy + 1e-6
    back = crs.transform_bbox((minx, miny, maxx, maxy), "EPSG:9209", "EPSG:4326")
    assert back[0] <= bbox[0] and back[1] <= bbox[1] and back[2] >= bbox[2] and back[3] >= bbox[3]
    with pytest.raises(QueryError):
        crs.transform_bbox((106.5, 9.9, 105.9, 10.3), "EPSG:4326", "EPSG:9209")
