"""CSV product files: the encodings Vietnamese spreadsheets save in, delimiters, cells."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from product_rows import GOOD_PRODUCT, write_product_csv

from brandmap.catalog.product_file import read_products


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_and_without_bom(tmp_path: Path, encoding: str):
    path = write_product_csv(tmp_path / "p.csv", [GOOD_PRODUCT], encoding=encoding)
    rows, problems = read_products(path)
    assert problems == [] and rows[0]["name_vi"] == "Khoai lang tím sấy"
    assert "id" in rows[0]  # the BOM is not part of the first column name


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Excel writes it: base letters plus combining tones."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_windows_1258_is_detected(tmp_path: Path):
    header = ",".join(GOOD_PRODUCT)
    line = ",".join(GOOD_PRODUCT.values())
    path = tmp_path / "cp1258.csv"
    path.write_bytes(to_cp1258(f"{header}\r\n{line}\r\n"))
    rows, problems = read_products(path)
    assert problems == []
    assert rows[0]["name_vi"] == "Khoai lang tím sấy"
    assert rows[0]["address_published"] == "huyện Bình Tân"  # unquoted comma splits: fine


def test_legacy_vni_text_is_refused(tmp_path: Path):
    path = tmp_path / "vni.csv"
    # "Bưởi Năm Roi Bình Minh" in VNI-Windows: base letters followed by VNI mark bytes
    path.write_bytes(b"id,name_vi\nbuoi,B\xf6\xf4\xfbi Na\xeam Roi B\xecnh Minh\n")
    rows, problems = read_products(path)
    assert rows == [] and problems[0].code == "legacy_encoding"
    assert "UTF-8" in problems[0].format("en") and problems[0].row is None


def test_undecodable_bytes_are_refused(tmp_path: Path):
    path = tmp_path / "junk.csv"
    path.write_bytes(b"id,name_vi\n\x81\x8d\x8e\x8f\n")
    rows, problems = read_products(path)
    assert rows == [] and problems[0].code == "undecodable"
    assert problems[0].format("vi").startswith("tệp: ")


def test_semicolon_separated_csv(tmp_path: Path):
    path = tmp_path / "p.csv"
    path.write_text(
        ";".join(GOOD_PRODUCT) + "\n" + ";".join(GOOD_PRODUCT.values()) + "\n", encoding="utf-8"
    )
    rows, problems = read_products(path)
    assert problems == [] and rows[0]["ocop_stars"] == "5"


CELL_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from('",;\n'),
    max_size=25,
)


@given(
    st.lists(
        st.fixed_dictionaries({"id": CELL_TEXT, "name_vi": CELL_TEXT, "phone": CELL_TEXT}),
        min_size=1,
        max_size=5,
    )
)
def test_csv_round_trip(tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, str]]):
    """Whatever a spreadsheet writes into cells comes back as the same (NFC, trimmed) text."""
    path = write_product_csv(tmp_path_factory.mktemp("rt") / "p.csv", rows, encoding="utf-8-sig")
    read, _ = read_products(path)

    def clean(row: dict[str, str]) -> dict[str, str]:
        return {k: unicodedata.normalize("NFC", v).strip() for k, v in row.items()}

    expected = [clean(r) for r in rows if any(clean(r).values())]
    assert [{k: v for k, v in r.items() if k != "_row"} for r in read] == expected
