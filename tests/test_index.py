"""The product index: vectorised matching and paging, checked against brute force."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from brandmap.query.filters import ProductFilter
from brandmap.query.index import ProductIndex
from brandmap.query.spatial import haversine_km

COMMUNES = {"29659", "28756", "29489"}


@pytest.fixture()
def index():
    products = gpd.GeoDataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "name_vi": ["Bưởi Năm Roi Bình Minh", "Kẹo dừa Bến Tre", "Gạo Đặc sản", "Thanh trà"],
            "name_en": ["Nam Roi pomelo", "Coconut candy", "Rice", None],
            "producer": ["HTX A", "Công ty B", None, "HTX Đông"],
            "category": ["thuc_pham", "thuc_pham", "thuc_pham", "do_uong"],
            "brand_types": [["ocop", "gi"], ["ocop"], ["collective_mark"], ["specialty"]],
            "ocop_stars": [4, 5, None, 3],
            "commune_code": ["29659", "28756", None, "29489"],
            "region": [None, None, "coconut-ben-tre", None],
            "value_chain": ["pomelo", "coconut_candy", "rice", "thanh_tra"],
            "ocop_status": ["valid", "expired", "unknown", "expiring"],
        },
        geometry=[
            shapely.Point(105.9, 10.0),
            shapely.Point(106.38, 10.24),
            shapely.Point(106.3, 10.1),
            shapely.Point(106.2, 9.7),
        ],
        crs=4326,
    )
    return ProductIndex(products, {"coconut-ben-tre": ["28756"]})


@pytest.mark.parametrize(
    "filt, expected",
    [
        (ProductFilter(), ["a", "b", "c", "d"]),
        (ProductFilter(q="buoi nam roi"), ["a"]),
        # One typo is forgiven ("Công" is a letter away from "dong"); the exact match first.
        (ProductFilter(q="dong"), ["d", "b"]),
        (ProductFilter(min_stars=4), ["a", "b"]),
        (ProductFilter(brand_types=("gi", "collective_mark")), ["a", "c"]),
        (ProductFilter(category="do_uong"), ["d"]),
        (ProductFilter(communes=("29659", "29489")), ["a", "d"]),
        (ProductFilter(region="coconut-ben-tre"), ["b", "c"]),
        (ProductFilter(value_chain="rice"), ["c"]),
        (ProductFilter(bbox=(106.0, 10.0, 106.5, 10.3)), ["b", "c"]),
        (ProductFilter(near=(10.24, 106.38), radius_km=1.0), ["b"]),
        (
            ProductFilter(polygon=((106.2, 10.0), (106.5, 10.0), (106.4, 10.3), (106.2, 10.0))),
            ["b", "c"],
        ),
        (
            ProductFilter(polygon=((106.3, 10.1), (106.5, 10.1), (106.4, 10.3), (106.3, 10.1))),
            ["b", "c"],
        ),
        (ProductFilter(min_stars=4, q="dua"), ["b"]),
        (ProductFilter(ocop_statuses=("expired",)), ["b"]),
        (ProductFilter(ocop_statuses=("valid", "expiring")), ["a", "d"]),
        (ProductFilter(ocop_statuses=("valid", "unknown"), min_stars=4), ["a"]),
    ],
)
def test_match(index, filt, expected):
    assert list(index.products["id"].iloc[index.match(filt)]) == expected


@pytest.fixture(scope="module")
def synthetic_index():
    """2,000 products spread over a square: enough for the index paths to matter."""
    rng = np.random.default_rng(7)
    count = 2000
    products = gpd.GeoDataFrame(
        {
            "id": [f"p{i}" for i in range(count)],
            "name_vi": rng.choice(["Bưởi", "Dừa", "Gạo"], count),
            "category": rng.choice(["thuc_pham", "do_uong"], count),
            "brand_types": [["ocop"] if i % 3 else ["gi", "ocop"] for i in range(count)],
            "ocop_stars": rng.choice([3, 4, 5, None], count),
            "commune_code": rng.choice(sorted(COMMUNES), count),
            "region": None,
            "value_chain": "rice",
            "ocop_status": rng.choice(["valid", "expiring", "expired", "unknown"], count),
        },
        geometry=gpd.points_from_xy(
            rng.uniform(105.5, 106.8, count), rng.uniform(9.5, 10.4, count)
        ),
        crs=4326,
    )
    return ProductIndex(products, {})


@settings(deadline=None, max_examples=60)
@given(
    lon=st.floats(105.4, 106.9),
    lat=st.floats(9.4, 10.5),
    width=st.floats(0.001, 1.0),
    use_bbox=st.booleans(),
    use_near=st.booleans(),
    use_polygon=st.booleans(),
    radius=st.floats(0.1, 60),
    communes=st.lists(st.sampled_from(sorted(COMMUNES)), max_size=2),
    stars=st.sampled_from([None, 3, 4, 5]),
    statuses=st.lists(st.sampled_from(["valid", "expiring", "expired", "unknown"]), max_size=2),
)
def test_indexed_match_equals_brute_force(
    synthetic_index,
    lon,
    lat,
    width,
    use_bbox,
    use_near,
    use_polygon,
    radius,
    communes,
    stars,
    statuses,
):
    triangle = ((lon, lat), (lon + 2 * width, lat + width / 3), (lon + width / 2, lat + width))
    area = shapely.Polygon(triangle)
    f = ProductFilter(
        communes=tuple(communes),
        min_stars=stars,
        ocop_statuses=tuple(statuses),
        bbox=(lon, lat, lon + width, lat + width) if use_bbox else None,
        polygon=(*triangle, triangle[0]) if use_polygon else None,
        near=(lat, lon) if use_near else None,
        radius_km=radius if use_near else None,
    )
    p = synthetic_index.products
    x, y = p.geometry.x.to_numpy(), p.geometry.y.to_numpy()
    expected = []
    for i in range(len(p)):
        if communes and p["commune_code"].iloc[i] not in communes:
            continue
        if stars and not (p["ocop_stars"].iloc[i] or 0) >= stars:
            continue
        if statuses and p["ocop_status"].iloc[i] not in statuses:
            continue
        if use_bbox and not (lon <= x[i] <= lon + width and lat <= y[i] <= lat + width):
            continue
        if use_near and haversine_km(y[i : i + 1], x[i : i + 1], lat, lon)[0] > radius:
            continue
        if use_polygon and not area.intersects(shapely.Point(x[i], y[i])):
            continue
        expected.append(i)
    assert list(synthetic_index.match(f)) == expected


@settings(deadline=None, max_examples=80)
@given(
    lon=st.floats(105.4, 106.9),
    lat=st.floats(9.4, 10.5),
    width=st.floats(0.0, 1.5),
    height=st.floats(0.0, 1.5),
    offset=st.integers(0, 2100),
    limit=st.integers(1, 3000),
    stars=st.sampled_from([None, 4]),
)
def test_page_equals_a_slice_of_match(
    synthetic_index, lon, lat, width, height, offset, limit, stars
):
    """Both ways of paging a box (in-order scan, sort of the slab) and the general path
    give exactly the slice of the full match, and its count."""
    f = ProductFilter(bbox=(lon, lat, lon + width, lat + height), min_stars=stars)
    rows, total = synthetic_index.page(f, offset, limit)
    everything = synthetic_index.match(f)
    assert total == len(everything)
    assert list(rows) == list(everything[offset : offset + limit])


def test_page_without_filters_is_the_catalog_in_order(synthetic_index):
    rows, total = synthetic_index.page(ProductFilter(), 1990, 100)
    assert total == 2000
    assert list(rows) == list(range(1990, 2000))
    rows, total = synthetic_index.page(ProductFilter(), 5000, 100)
    assert (list(rows), total) == ([], 2000)


GEOD = pyproj.Geod(ellps="WGS84")
CENTRES = {"Vĩnh Long": (10.2537, 105.9722), "Trà Vinh": (9.9347, 106.3455)}  # town centres


def _ring_of_products(centre: tuple[float, float], radius_km: float) -> gpd.GeoDataFrame:
    """Products 1 % inside and 1 % outside the radius, every 30 degrees of bearing."""
    lat0, lon0 = centre
    rows = [
        (f"{where}-{bearing}", *GEOD.fwd(lon0, lat0, bearing, factor * radius_km * 1000)[:2])
        for where, factor in (("inside", 0.99), ("outside", 1.01))
        for bearing in range(0, 360, 30)
    ]
    ids, lons, lats = zip(*rows, strict=True)
    return gpd.GeoDataFrame(
        {
            "id": ids,
            "name_vi": "Sản phẩm",
            "category": "thuc_pham",
            "brand_types": [["ocop"]] * len(ids),
            "ocop_stars": None,
            "commune_code": "29659",
            "region": None,
            "value_chain": "rice",
            "ocop_status": "unknown",
        },
        geometry=gpd.points_from_xy(lons, lats),
        crs=4326,
    )


@pytest.mark.parametrize("radius_km", [0.5, 5.0, 40.0])
@pytest.mark.parametrize("place", ["Vĩnh Long", "Trà Vinh"])
def test_near_keeps_products_just_inside_the_radius_and_drops_those_just_outside(place, radius_km):
    centre = CENTRES[place]
    index = ProductIndex(_ring_of_products(centre, radius_km), {})
    found = index.products["id"].iloc[index.match(ProductFilter(near=centre, radius_km=radius_km))]
    assert sorted(found) == sorted(f"inside-{bearing}" for bearing in range(0, 360, 30))
