"""Feature serialization: the column-wise writer says exactly what ``json.dumps`` says."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pandas as pd
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from brandmap.present.geojson import feature_bytes
from brandmap.values import json_value

CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=False),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=3),
)


def _reference(frame: gpd.GeoDataFrame, properties: list[str]) -> list[str]:
    """The slow, obvious serialization: one ``json.dumps`` per feature."""
    out = []
    for _, row in frame.iterrows():
        cells = {
            name: None if _missing(row[name]) else json_value(row[name]) for name in properties
        }
        geometry = row.geometry
        feature = {
            "type": "Feature",
            "id": json_value(row["id"]),
            "geometry": {
                "type": "Point",
                "coordinates": [round(geometry.x, 6), round(geometry.y, 6)],
            },
            "properties": cells,
        }
        out.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")).encode())
    return out


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@settings(deadline=None, max_examples=60)
@given(
    rows=st.lists(
        st.tuples(
            st.text(min_size=1, max_size=8),
            CELLS,
            CELLS,
            st.one_of(st.none(), st.sampled_from(["Bến Tre", 'a"b\\', "\x00\u2028", ""])),
            st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_feature_bytes_match_json_dumps(rows):
    frame = gpd.GeoDataFrame(
        {
            "id": [r[0] for r in rows],
            "a{%b": pd.Series([r[1] for r in rows], dtype=object),
            "n": pd.Series([r[2] for r in rows], dtype=object),
            "text": pd.Series([r[3] for r in rows], dtype=object),
            "stars": pd.Series([r[4] for r in rows], dtype="Int64"),
        },
        geometry=[shapely.Point(106.0 + i / 7, 10.0 - i / 9) for i in range(len(rows))],
        crs=4326,
    )
    columns = ["id", "a{%b", "n", "text", "stars"]
    written = feature_bytes(frame, columns, "id")
    assert written == _reference(frame, columns)
    assert all(json.loads(text)["type"] == "Feature" for text in written)


def test_real_catalog_features_match_json_dumps(real_snapshot):
    from brandmap.present.dataset import PRODUCT_PROPERTIES, Dataset

    dataset = Dataset(real_snapshot)
    frame = dataset.products
    assert dataset.product_features == _reference(frame, list(PRODUCT_PROPERTIES))
