"""Any product file -> text rows: size limits, accepted formats, the header's columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from product_rows import GOOD_PRODUCT, REGION_IDS, problem_places, write_product_csv

from brandmap.catalog import rows
from brandmap.catalog.product_file import validate_file


def test_missing_and_unknown_columns(tmp_path: Path):
    row = {k: v for k, v in GOOD_PRODUCT.items() if k != "source_url"} | {"colour": "red"}
    problems = validate_file(write_product_csv(tmp_path / "p.csv", [row]), regions=REGION_IDS)
    assert problem_places(problems) == {
        (1, "source_url", "missing_column"),
        (1, "colour", "unknown_column"),
    }
    unknown = next(p for p in problems if p.code == "unknown_column")
    assert unknown.severity == "warning"
    assert unknown.format("en") == "row 1, column colour: unknown column, ignored (warning)"


def test_oversize_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write_product_csv(
        tmp_path / "p.csv", [GOOD_PRODUCT | {"id": f"p-{i}"} for i in range(5)]
    )
    monkeypatch.setattr(rows, "MAX_BYTES", 100)
    assert [p.code for p in validate_file(path)] == ["file_too_large"]
    monkeypatch.setattr(rows, "MAX_BYTES", 10**6)
    monkeypatch.setattr(rows, "MAX_ROWS", 3)
    problems = validate_file(path)
    assert [p.code for p in problems] == ["too_many_rows"]
    assert "3" in problems[0].message_en


def test_unsupported_and_missing_files(tmp_path: Path):
    (tmp_path / "p.xls").write_bytes(b"\xd0\xcf")
    assert [p.code for p in validate_file(tmp_path / "p.xls")] == ["bad_format"]
    assert [p.code for p in validate_file(tmp_path / "none.csv")] == ["file_missing"]
