"""Reading a GeoJSON product file: feature properties are the columns, a Point fills lon/lat.

The text is decoded as a CSV's is (:func:`~brandmap.catalog.csv_file.decode_text`). A
feature with another kind of geometry keeps its row but is marked under
:data:`~brandmap.catalog.cells.GEOMETRY_KEY`, so the rules report it at its feature number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from brandmap.catalog.cells import GEOMETRY_KEY, FileProblem, Record
from brandmap.catalog.csv_file import decode_text
from brandmap.catalog.problems import Problem

__all__ = ["read_geojson"]


def read_geojson(path: Path) -> tuple[list[Any], Iterator[Record]]:
    """Properties as columns; a Point geometry fills lon/lat."""
    try:
        document = json.loads(decode_text(path.read_bytes()))
    except json.JSONDecodeError as exc:
        raise FileProblem(Problem.of("unreadable", reason=f"JSON: {exc.msg}")) from None
    except RecursionError:
        raise FileProblem(Problem.of("unreadable", reason="JSON nested too deeply")) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise FileProblem(Problem.of("not_feature_collection"))
    features = [f for f in document.get("features") or [] if isinstance(f, dict)]
    properties = [dict(f.get("properties") or {}) for f in features]
    for feature, props in zip(features, properties, strict=True):
        _point_into(feature.get("geometry"), props)
    header = list(dict.fromkeys(k for props in properties for k in props))
    records = ((n, [p.get(k) for k in header]) for n, p in enumerate(properties, start=1))
    return header, records


def _point_into(geometry: Any, props: dict[str, Any]) -> None:
    if geometry is None:
        return
    kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind != "Point" or not isinstance(coords, list) or len(coords) < 2:
        props[GEOMETRY_KEY] = str(kind)
        return
    props["lon"], props["lat"] = coords[0], coords[1]
