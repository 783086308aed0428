"""Excel product files as the provinces publish them: titles, Vietnamese headers, damage."""

from __future__ import annotations

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
