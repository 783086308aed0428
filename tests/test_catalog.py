"""The product catalog: the schema, reading CSV/XLSX/GeoJSON, and every validation rule."""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import box

from brandmap.catalog import reading as catalog
from brandmap.catalog.reading import (
    Problem,
    has_errors,
    load_catalog,
    read_products,
    validate_file,
    validate_products,
)
from brandmap.catalog.schema import (
    BRAND_TYPES,
    CATEGORIES,
    CATEGORY_LABELS,
    COLUMNS,
    REQUIRED,
    FieldError,
    parse_brand_types,
    parse_category,
    parse_stars,
    parse_year,
)
from brandmap.errors import ValidationError
from brandmap.resources import REPO_ROOT

PRODUCTS = REPO_ROOT / "data" / "products" / "products.csv"
REGIONS = REPO_ROOT / "data" / "geo" / "regions.csv"
REGION_IDS = ["coconut-toan-tinh", "fruit-sau-rieng-cai-mon"]

GOOD = {
    "id": "khoai-lang-tim-say",
    "name_vi": "Khoai lang tím sấy",
    "category": "thuc_pham",
    "brand_types": "ocop",
    "ocop_stars": "5",
    "address_published": "huyện Bình Tân, tỉnh Vĩnh Long",
    "source_url": "https://example.org/ocop",
}


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    header = list(dict.fromkeys(k for row in rows for k in row))
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def where(problems: list[Problem]) -> set[tuple[int | None, str | None, str]]:
    return {(p.row, p.column, p.code) for p in problems}


# --------------------------------------------------------------------------- real data


def test_real_catalog_validates_clean():
    problems = validate_file(PRODUCTS)
    assert problems == [], "\n".join(p.format("en") for p in problems)


def test_real_catalog_loads_typed_rows():
    rows = load_catalog(PRODUCTS)
    assert len(rows) == 107
    assert len({r["id"] for r in rows}) == len(rows)
    by_id = {r["id"]: r for r in rows}
    durian = by_id["sau-rieng-cai-mon"]
    assert durian["gi_number"] == "00080" and durian["brand_types"] == ["gi"]
    assert durian["location_quality"] == "region"
    sokfarm = by_id["mat-hoa-dua-sokfarm-tieu-can"]
    assert sokfarm["ocop_stars"] == 5 and sokfarm["ocop_year"] == 2023
    assert sokfarm["commune_code"] == "29341" and sokfarm["location_quality"] == "commune"
    assert all(r["category"] in CATEGORIES for r in rows)
    assert all(r["ocop_stars"] in (None, 3, 4, 5) for r in rows)


def test_real_catalog_columns_are_the_exchange_format():
    with open(PRODUCTS, encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == list(COLUMNS)


def test_regions_file_covers_every_product_region():
    with open(REGIONS, encoding="utf-8") as handle:
        regions = {row["id"]: row for row in csv.DictReader(handle)}
    codes = catalog._register_codes()
    assert len(codes) == 124
    for region in regions.values():
        listed = region["commune_codes"].split()
        assert listed and set(listed) <= codes, region["id"]
        assert region["id"].startswith(region["value_chain"] + "-")
        assert region["source_url"].startswith(("http://", "https://"))
    assert len(regions["coconut-toan-tinh"]["commune_codes"].split()) == 124
    used = {r["region"] for r in load_catalog(PRODUCTS) if r["region"]}
    assert used <= set(regions)


@pytest.mark.reference
def test_every_reference_fact_is_carried_over(reference_dir: Path):
    """Names, stars, GI numbers and commune codes agree with the compiled facts."""
    with open(reference_dir / "products" / "known_products.csv", encoding="utf-8") as handle:
        known = list(csv.DictReader(handle))
    rows = load_catalog(PRODUCTS)
    assert [r["name_vi"] for r in rows] == [k["name_vi"].strip() for k in known]
    for row, fact in zip(rows, known, strict=True):
        stars = fact["ocop_stars"].strip()[:1]
        assert row["ocop_stars"] == (int(stars) if stars.isdigit() else None), row["id"]
        code = fact["new_commune_code"].strip()
        if len(code) == 5:
            assert row["commune_code"] == code, row["id"]
        assert row["source_url"] in fact["source_url"], row["id"]


# --------------------------------------------------------------------------- spreadsheets


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
    sheet.append([*GOOD])
    sheet.append([*GOOD.values()])
    sheet.append([*{**GOOD, "id": "b", "ocop_stars": 6}.values()])
    book.save(path)
    problems = validate_file(path, regions=REGION_IDS)
    assert where(problems) == {(3, "ocop_stars", "bad_stars")}
    assert problems[0].format("en") == "row 3, column ocop_stars: stars must be 3, 4 or 5 (got 6)"


def test_damaged_xlsx_is_refused_clearly(tmp_path: Path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file")
    rows, problems = read_products(path)
    assert rows == [] and problems[0].code == "not_workbook"


# --------------------------------------------------------------------------- planted errors

PLANTED: list[tuple[dict, str | None, str]] = [
    ({"name_vi": ""}, "name_vi", "empty_required"),
    ({"id": "Bad Id"}, "id", "bad_slug"),
    ({"category": "đồ chơi"}, "category", "bad_category"),
    ({"brand_types": "ocop;brand"}, "brand_types", "bad_brand_type"),
    ({"producer_kind": "company"}, "producer_kind", "bad_producer_kind"),
    ({"value_chain": "durian"}, "value_chain", "bad_value_chain"),
    ({"commune_code": "2965"}, "commune_code", "bad_commune_code"),
    ({"commune_code": "00001"}, "commune_code", "unknown_commune"),
    ({"region": "nowhere"}, "region", "unknown_region"),
    ({"ocop_stars": "6"}, "ocop_stars", "bad_stars"),
    ({"ocop_stars": "4.5"}, "ocop_stars", "bad_stars"),
    ({"ocop_year": "20x2"}, "ocop_year", "bad_year"),
    ({"lon": "abc", "lat": "10.1"}, "lon", "bad_number"),
    ({"lon": "106.1"}, "lat", "lon_lat_pair"),
    ({"lon": "100.0", "lat": "10.0"}, "lon", "outside_province"),
    ({"address_published": ""}, None, "no_placement"),
    ({"source_url": "ftp://example.org/x"}, "source_url", "bad_url"),
    ({"source_date": "29/05/2024"}, "source_date", "bad_date"),
    ({"producer": '=HYPERLINK("http://evil")'}, "producer", "formula"),
    ({"description_vi": "@SUM(A1)"}, "description_vi", "formula"),
    ({"phone": "-1+2"}, "phone", "formula"),
]


def test_every_planted_error_is_reported_at_its_row_and_column(tmp_path: Path):
    rows = [
        {
            **GOOD,
            "id": "ok-0",
            "phone": "+84 270 3822 111",
            "lon": "",
            "lat": "",
            "producer_kind": "",
            "value_chain": "",
            "region": "",
            "commune_code": "",
            "producer": "",
            "description_vi": "",
            "ocop_year": "",
            "source_date": "",
        }
    ]
    for number, (change, _, _) in enumerate(PLANTED, start=1):
        rows.append({**rows[0], "id": f"row-{number}", **change})
    rows.append({**rows[0]})  # duplicate id of the first row
    path = write_csv(tmp_path / "broken.csv", rows)

    found = where(validate_file(path, regions=REGION_IDS))
    expected = {(n + 2, column, code) for n, (_, column, code) in enumerate(PLANTED, start=1)}
    expected.add((len(rows) + 1, "id", "duplicate_id"))
    assert expected <= found
    assert found == expected  # and nothing else: the good row is clean


def test_missing_and_unknown_columns(tmp_path: Path):
    row = {k: v for k, v in GOOD.items() if k != "source_url"} | {"colour": "red"}
    problems = validate_file(write_csv(tmp_path / "p.csv", [row]), regions=REGION_IDS)
    assert where(problems) == {(1, "source_url", "missing_column"), (1, "colour", "unknown_column")}
    unknown = next(p for p in problems if p.code == "unknown_column")
    assert unknown.severity == "warning"
    assert unknown.format("en") == "row 1, column colour: unknown column, ignored (warning)"


def test_unknown_columns_alone_do_not_fail(tmp_path: Path):
    problems = validate_file(
        write_csv(tmp_path / "p.csv", [GOOD | {"note": "x"}]), regions=REGION_IDS
    )
    assert problems and not has_errors(problems)
    assert load_catalog(tmp_path / "p.csv", regions=REGION_IDS)[0]["id"] == GOOD["id"]


def test_negative_numbers_and_phone_numbers_are_not_formulas():
    rows = [GOOD | {"phone": "+84 (270) 382-2111", "lon": "106.0", "lat": "10.0"}]
    assert validate_products(rows, regions=REGION_IDS) == []
    far = [GOOD | {"lon": "-106.0", "lat": "10.0"}]
    assert [p.code for p in validate_products(far, regions=REGION_IDS)] == ["outside_province"]


def test_coordinates_far_from_their_commune():
    square = box(106.0, 10.0, 106.01, 10.01)
    communes = gpd.GeoDataFrame({"code": ["29341"]}, geometry=[square], crs=4326)
    near = GOOD | {"commune_code": "29341", "lon": "106.02", "lat": "10.005"}
    far = GOOD | {"id": "far", "commune_code": "29341", "lon": "106.2", "lat": "10.005"}
    problems = validate_products([near, far], communes=communes, regions=REGION_IDS)
    assert where(problems) == {(3, "commune_code", "far_from_commune")}
    assert "km" in problems[0].message_en


def test_load_catalog_raises_with_every_error(tmp_path: Path):
    path = write_csv(tmp_path / "p.csv", [GOOD | {"ocop_stars": "7"}])
    with pytest.raises(ValidationError, match="row 2, column ocop_stars"):
        load_catalog(path, regions=REGION_IDS)


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_and_without_bom(tmp_path: Path, encoding: str):
    path = write_csv(tmp_path / "p.csv", [GOOD], encoding=encoding)
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
    header = ",".join(GOOD)
    line = ",".join(GOOD.values())
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
    path.write_text(";".join(GOOD) + "\n" + ";".join(GOOD.values()) + "\n", encoding="utf-8")
    rows, problems = read_products(path)
    assert problems == [] and rows[0]["ocop_stars"] == "5"


def test_geojson_points_become_lon_lat(tmp_path: Path):
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [106.25, 9.95]},
            "properties": GOOD,
        },
        {"type": "Feature", "geometry": None, "properties": GOOD | {"id": "b"}},
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[106, 10]]},
            "properties": GOOD | {"id": "c"},
        },
    ]
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    rows, problems = read_products(path)
    assert problems == []
    assert (rows[0]["lon"], rows[0]["lat"]) == ("106.25", "9.95")
    assert rows[1]["lon"] == ""
    assert where(validate_products(rows, regions=REGION_IDS)) == {(3, "geometry", "bad_geometry")}


def test_geojson_must_be_a_feature_collection(tmp_path: Path):
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps({"type": "Feature"}), "utf-8")
    assert [p.code for p in validate_file(path)] == ["not_feature_collection"]
    path.write_text("{not json", "utf-8")
    assert [p.code for p in validate_file(path)] == ["unreadable"]


def test_oversize_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write_csv(tmp_path / "p.csv", [GOOD | {"id": f"p-{i}"} for i in range(5)])
    monkeypatch.setattr(catalog, "MAX_BYTES", 100)
    assert [p.code for p in validate_file(path)] == ["file_too_large"]
    monkeypatch.setattr(catalog, "MAX_BYTES", 10**6)
    monkeypatch.setattr(catalog, "MAX_ROWS", 3)
    problems = validate_file(path)
    assert [p.code for p in problems] == ["too_many_rows"]
    assert "3" in problems[0].message_en


def test_unsupported_and_missing_files(tmp_path: Path):
    (tmp_path / "p.xls").write_bytes(b"\xd0\xcf")
    assert [p.code for p in validate_file(tmp_path / "p.xls")] == ["bad_format"]
    assert [p.code for p in validate_file(tmp_path / "none.csv")] == ["file_missing"]


# --------------------------------------------------------------------------- merge


def test_problem_format_in_both_languages():
    problem = Problem.of("bad_stars", 7, "ocop_stars", value="6")
    assert problem.format("en") == "row 7, column ocop_stars: stars must be 3, 4 or 5 (got 6)"
    assert problem.format("vi").startswith("dòng 7, cột ocop_stars: ")


def test_every_message_has_both_languages_and_the_same_placeholders():
    import string

    for code, (vi, en) in catalog.MESSAGES.items():
        fields_vi = {f for _, f, _, _ in string.Formatter().parse(vi) if f}
        fields_en = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        assert vi and en and fields_vi == fields_en, code


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Thực phẩm", "thuc_pham"),
        ("THỰC PHẨM", "thuc_pham"),
        ("thuc pham", "thuc_pham"),
        ("Đồ uống", "do_uong"),
        ("Thảo dược", "thao_duoc"),
        ("Vải & may mặc", "vai_may_mac"),
        ("Lưu niệm – nội thất – trang trí", "luu_niem_noi_that"),
        ("lưu niệm-nội thất-trang trí", "luu_niem_noi_that"),
        ("Dịch vụ du lịch cộng đồng & điểm du lịch", "du_lich_cong_dong"),
        ("dịch vụ du lịch cộng đồng-điểm du lịch", "du_lich_cong_dong"),
        ("du_lich_cong_dong", "du_lich_cong_dong"),
    ],
)
def test_category_accepts_codes_and_group_names(label: str, code: str):
    assert parse_category(label) == code


def test_required_fields_match_the_contract():
    assert set(REQUIRED) == {"id", "name_vi", "category", "brand_types", "source_url"}


@given(st.text(max_size=30))
def test_parsers_raise_only_field_errors(text: str):
    for parse in (parse_stars, parse_year, parse_category, parse_brand_types, catalog.parse_number):
        try:
            parse(text)
        except FieldError as exc:
            assert exc.code in catalog.MESSAGES
            Problem.of(exc.code, 2, "x", **exc.details).format("vi")


@given(st.integers(min_value=-10, max_value=10), st.booleans())
def test_stars_round_trip(stars: int, as_float: bool):
    text = f"{stars}.0" if as_float else str(stars)
    if stars in (3, 4, 5):
        assert parse_stars(text) == stars
    else:
        with pytest.raises(FieldError):
            parse_stars(text)


@given(
    st.lists(st.sampled_from(BRAND_TYPES), min_size=1, unique=True),
    st.sampled_from([";", "; ", " ; "]),
    st.booleans(),
)
def test_brand_types_round_trip(types: list[str], separator: str, upper: bool):
    text = separator.join(t.upper() if upper else t for t in types)
    assert parse_brand_types(text) == types


@given(
    st.sampled_from(CATEGORIES),
    st.sampled_from(["code", "vi", "en"]),
    st.sampled_from([str.lower, str.upper, str.title]),
)
def test_category_round_trip(code: str, form: str, case):
    label = {"code": code, "vi": CATEGORY_LABELS[code][0], "en": CATEGORY_LABELS[code][1]}[form]
    assert parse_category(case(label)) == code


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
    path = write_csv(tmp_path_factory.mktemp("rt") / "p.csv", rows, encoding="utf-8-sig")
    read, _ = read_products(path)

    def clean(row: dict[str, str]) -> dict[str, str]:
        return {k: unicodedata.normalize("NFC", v).strip() for k, v in row.items()}

    expected = [clean(r) for r in rows if any(clean(r).values())]
    assert [{k: v for k, v in r.items() if k != "_row"} for r in read] == expected


@given(st.dictionaries(st.sampled_from(COLUMNS), st.text(max_size=20), max_size=8))
def test_validation_never_crashes_on_any_row(row: dict[str, str]):
    problems = validate_products([row], communes=["29341"], regions=REGION_IDS)
    for problem in problems:
        assert problem.format("en") and problem.format("vi")
