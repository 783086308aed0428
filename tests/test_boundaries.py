"""The communes layer: commune codes as files hold them, and the saved real boundaries."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandmap.geo.boundaries import load_real_boundaries, normalise_code, save_real_boundaries


@given(st.integers(min_value=1, max_value=99999), st.integers(min_value=0, max_value=1))
def test_codes_are_read_from_ints_floats_and_padded_text(number: int, pad: int) -> None:
    expected = f"{number:05d}"
    assert normalise_code(number) == expected
    assert normalise_code(float(number)) == expected
    assert normalise_code(" " + expected.zfill(5 + pad)) == expected


@given(st.text())
def test_code_parser_never_crashes(text: str) -> None:
    code = normalise_code(text)
    assert code is None or (len(code) == 5 and code.isdigit())


@pytest.mark.reference
def test_save_and_load_round_trip(fetched: gpd.GeoDataFrame, tmp_path: Path) -> None:
    target = save_real_boundaries(fetched, tmp_path / "real.gpkg")
    assert [p.name for p in tmp_path.iterdir()] == ["real.gpkg"]
    loaded = load_real_boundaries(target)
    assert list(loaded["code"]) == list(fetched["code"])
    assert loaded.geometry.geom_equals_exact(fetched.geometry, tolerance=1e-9).all()


def test_load_returns_none_when_nothing_was_saved(tmp_path: Path) -> None:
    assert load_real_boundaries(tmp_path / "absent.gpkg") is None


@pytest.mark.reference
def test_saved_boundaries_default_to_var(monkeypatch, tmp_path, fetched) -> None:
    monkeypatch.setenv("BRANDMAP_VAR_DIR", str(tmp_path))
    assert save_real_boundaries(fetched.head(2)) == tmp_path / "boundaries_2025.gpkg"
    assert len(load_real_boundaries()) == 2
