"""GeoJSON product files: properties as columns, Points as lon/lat."""

from __future__ import annotations

import json
from pathlib import Path

from product_rows import GOOD_PRODUCT, REGION_IDS, problem_places

from brandmap.catalog.product_file import read_products, validate_file, validate_products


def test_geojson_points_become_lon_lat(tmp_path: Path):
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [106.25, 9.95]},
            "properties": GOOD_PRODUCT,
        },
        {"type": "Feature", "geometry": None, "properties": GOOD_PRODUCT | {"id": "b"}},
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[106, 10]]},
            "properties": GOOD_PRODUCT | {"id": "c"},
        },
    ]
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    rows, problems = read_products(path)
    assert problems == []
    assert (rows[0]["lon"], rows[0]["lat"]) == ("106.25", "9.95")
    assert rows[1]["lon"] == ""
    assert problem_places(validate_products(rows, regions=REGION_IDS)) == {
        (3, "geometry", "bad_geometry")
    }


def test_geojson_must_be_a_feature_collection(tmp_path: Path):
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps({"type": "Feature"}), "utf-8")
    assert [p.code for p in validate_file(path)] == ["not_feature_collection"]
    path.write_text("{not json", "utf-8")
    assert [p.code for p in validate_file(path)] == ["unreadable"]
