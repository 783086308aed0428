"""Approximate commune polygons: shape of the layer, and how close they come to the real ones."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from brandmap.geo import register
from brandmap.geo.approx import _metres, approximate_communes, thiessen_partition
from brandmap.geo.boundaries import AREA_CRS, LAYER_COLUMNS
from brandmap.geo.outline import natural_earth_package, province_outline


@pytest.fixture(scope="module")
def layer() -> gpd.GeoDataFrame:
    return approximate_communes()


def test_one_valid_polygon_per_commune(layer: gpd.GeoDataFrame) -> None:
    assert list(layer.columns) == [*LAYER_COLUMNS, "geometry"]
    assert len(layer) == 124
    assert sorted(layer["code"]) == sorted(c.code for c in register.communes())
    assert layer.crs.to_epsg() == 4326
    assert (layer["geometry_quality"] == "approximate").all()
    assert layer.geometry.is_valid.all()
    assert (layer.geom_type == "MultiPolygon").all()
    assert (layer["area_km2"] > 1).all()


def test_names_come_from_the_register(layer: gpd.GeoDataFrame) -> None:
    by_code = {c.code: c for c in register.communes()}
    for row in layer.itertuples():
        assert row.name == by_code[row.code].name
        assert row.kind == by_code[row.code].kind
        assert row.former_province in {"Bến Tre", "Trà Vinh", "Vĩnh Long"}


def test_cells_cover_the_outline_without_overlap(layer: gpd.GeoDataFrame) -> None:
    metres = layer.to_crs(AREA_CRS).geometry
    union = shapely.union_all(metres.to_numpy())
    assert union.area == pytest.approx(metres.area.sum(), rel=1e-6)  # no overlaps
    centres = [(s.lon, s.lat) for s in _seeds()]
    outline = province_outline(centres).geometry
    assert union.symmetric_difference(outline).area < 1e-6 * outline.area


def test_every_commune_centre_lies_in_its_polygon(layer: gpd.GeoDataFrame) -> None:
    by_code = dict(zip(layer["code"], layer.geometry, strict=True))
    for commune in register.communes():
        assert by_code[commune.code].contains(shapely.Point(commune.lon, commune.lat))


def test_deterministic(layer: gpd.GeoDataFrame) -> None:
    again = approximate_communes()
    assert again.geometry.geom_equals_exact(layer.geometry, tolerance=0).all()


def test_falls_back_to_a_hull_without_natural_earth(tmp_path: Path) -> None:
    hull = approximate_communes(package_dir=tmp_path)
    assert "hull" in hull.attrs["outline_source"]
    assert len(hull) == 124 and hull.geometry.is_valid.all()


def _seeds():
    from brandmap.geo.approx import seeds

    return seeds()


def _mean_iou(approx: dict, real: dict) -> float:
    scores = []
    for code, geom in real.items():
        mine = approx.get(code, shapely.Polygon())
        scores.append(mine.intersection(geom).area / mine.union(geom).area)
    return float(np.mean(scores))


@pytest.mark.reference
def test_beats_voronoi_of_new_centres(reference_dir: Path, layer: gpd.GeoDataFrame) -> None:
    """Old centres as extra seeds must place boundaries better than the new centres alone."""
    if not natural_earth_package().is_dir():
        pytest.skip("Natural Earth outline package is not installed")
    real = gpd.read_file(reference_dir / "geo" / "vinhlong_2025_communes.geojson")
    real_m = dict(zip(real["code"], real.to_crs(AREA_CRS).geometry, strict=True))
    ours = dict(zip(layer["code"], layer.to_crs(AREA_CRS).geometry, strict=True))

    new = register.communes()
    outline = province_outline([(s.lon, s.lat) for s in _seeds()]).geometry
    points = _metres([c.lon for c in new], [c.lat for c in new])
    plain = thiessen_partition(points, [c.code for c in new], outline)

    ours_iou, plain_iou = _mean_iou(ours, real_m), _mean_iou(plain, real_m)
    print(f"mean IoU per commune: approximate {ours_iou:.3f}, plain Voronoi {plain_iou:.3f}")
    assert ours_iou > plain_iou + 0.03
    assert ours_iou > 0.6
