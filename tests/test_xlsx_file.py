"""Excel product files as the provinces publish them: titles, Vietnamese headers, damage."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
from product_rows import GOOD_PRODUCT, REGION_IDS, problem_places

from brandmap.catalog.problems import has_errors
from brandmap.catalog.product_file import (
    load_catalog,
    read_products,
    validate_file,
    validate_products,
)


def test_province_style_xlsx_with_vietnamese_headers(tmp_path: Path):
    path = tmp_path / "danh_sach_ocop.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH SẢN PHẨM OCOP NĂM 2024"])  # a title above the header
    sheet.append(
        [
            "Mã",
            "Tên sản phẩm",
            "Nhóm sản phẩm",
            "Loại thương hiệu",
            "Hạng sao",
            "Năm công nhận",
            "Chủ thể",
            "Địa chỉ",
            "Mã xã",
            "Nguồn",
            "Ghi chú nội bộ",
        ]
    )
    sheet.append(
        [
            "mat-hoa-dua",
            "Mật hoa dừa",
            "Thực phẩm",
            "OCOP",
            5,
            2023,
            "Công ty TNHH Trà Vinh FARM",
            "xã Phú Cần, huyện Tiểu Cần",
            "29341",
            "https://example.org/a",
            "x",
        ]
    )
    sheet.append([])
    sheet.append(
        [
            "tham-xo-dua",
            "Thảm xơ dừa",
            "LƯU NIỆM – NỘI THẤT – TRANG TRÍ",
            "ocop",
            4.0,
            2022,
            None,
            None,
            29263,
            "https://example.org/b",
            None,
        ]
    )
    book.save(path)

    rows, problems = read_products(path)
    assert [p.code for p in problems] == ["unknown_column"]
    assert not has_errors(problems)
    assert [r["_row"] for r in rows] == [3, 5]
    assert rows[1]["ocop_stars"] == "4" and rows[1]["commune_code"] == "29263"
    assert validate_products(rows, regions=REGION_IDS) == []
    typed = load_catalog(path, regions=REGION_IDS)
    assert typed[1]["category"] == "luu_niem_noi_that" and typed[1]["ocop_stars"] == 4


def test_xlsx_error_points_at_the_sheet_row(tmp_path: Path):
    path = tmp_path / "bad.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*GOOD_PRODUCT])
    sheet.append([*GOOD_PRODUCT.values()])
    sheet.append([*{**GOOD_PRODUCT, "id": "b", "ocop_stars": 6}.values()])
    book.save(path)
    problems = validate_file(path, regions=REGION_IDS)
    assert problem_places(problems) == {(3, "ocop_stars", "bad_stars")}
    assert problems[0].format("en") == "row 3, column ocop_stars: stars must be 3, 4 or 5 (got 6)"


def test_damaged_xlsx_is_refused_clearly(tmp_path: Path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file")
    rows, problems = read_products(path)
    assert rows == [] and problems[0].code == "not_workbook"


def _corrupt_member(path: Path, member: str) -> None:
    """Flip bytes late in one member's compressed data, leaving the zip's directory intact:
    the workbook opens and its header reads, then the rows break off."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    late = start + info.compress_size * 4 // 5
    for offset in range(late, late + 8):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))


def test_workbook_damaged_inside_the_zip_is_a_problem_line(tmp_path: Path):
    """A zip that opens but whose sheet is damaged (bad CRC, cut deflate, broken XML) is
    reported like any unreadable file, never as a traceback."""
    path = tmp_path / "damaged.xlsx"
    book = openpyxl.Workbook()
    book.active.append([*GOOD_PRODUCT])
    for _ in range(50):
        book.active.append([*GOOD_PRODUCT.values()])
    book.save(path)
    _corrupt_member(path, "xl/worksheets/sheet1.xml")
    rows, problems = read_products(path)
    assert rows == []
    assert [p.code for p in problems] == ["unreadable"]
