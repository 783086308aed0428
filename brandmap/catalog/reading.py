"""Reading and checking product files (CSV, XLSX, GeoJSON) in the exchange format.

A province officer hands in a spreadsheet; what comes back is one line per problem, naming
the row and column as their spreadsheet shows them (header = row 1), in Vietnamese or
English. Errors make a file unusable; warnings (an unknown column, which is ignored) do not.

The column rules live in :mod:`brandmap.catalog.schema`; the wording of every problem lives in
:data:`MESSAGES`, once, in both languages.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from brandmap import resources
from brandmap.catalog.schema import (
    BRAND_TYPES,
    CATEGORIES,
    COLUMNS,
    FIELDS_BY_NAME,
    PRODUCER_KINDS,
    PROVINCE_BBOX,
    REQUIRED,
    VALUE_CHAINS,
    FieldError,
    LocationQuality,
    canonical_column,
    parse_brand_types,
    parse_category,
    parse_choice,
    parse_stars,
    parse_year,
)
from brandmap.errors import ValidationError

__all__ = [
    "BRAND_TYPES",
    "CATEGORIES",
    "MAX_BYTES",
    "MAX_ROWS",
    "MESSAGES",
    "PRODUCER_KINDS",
    "VALUE_CHAINS",
    "Problem",
    "has_errors",
    "load_catalog",
    "location_quality",
    "read_products",
    "region_ids",
    "typed_row",
    "validate_file",
    "validate_products",
]

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 100  # our schema has 22; room for a province's extra columns
MAX_EXPANDED_BYTES = 10 * 20 * 1024 * 1024  # ten times the largest accepted file
MAX_COMPRESSION_RATIO = 200  # real sheets compress about 5-20 times
#: A declared commune farther than this from the given coordinates is an error.
MAX_COMMUNE_DISTANCE_M = 5_000.0
UTM_48N = 32648  # metres for distances in the province
ROW_KEY = "_row"  # the spreadsheet row number carried by each read row
GEOMETRY_KEY = "_geometry_problem"  # a GeoJSON feature whose geometry is not a Point

ERROR, WARNING = "error", "warning"

#: code -> (Vietnamese, English). Placeholders are filled from the problem's details.
MESSAGES: dict[str, tuple[str, str]] = {
    "file_missing": ("không tìm thấy tệp {path}", "file not found: {path}"),
    "file_too_large": (
        "tệp quá lớn ({size} MB; tối đa 20 MB) – hãy chia nhỏ",
        "file too large ({size} MB; at most 20 MB) – split it",
    ),
    "too_many_rows": (
        "quá nhiều dòng (hơn {limit}) – hãy chia nhỏ tệp",
        "too many rows (more than {limit}) – split the file",
    ),
    "bad_format": (
        "định dạng không hỗ trợ '{suffix}': dùng .csv, .xlsx hoặc .geojson",
        "unsupported format '{suffix}': use .csv, .xlsx or .geojson",
    ),
    "legacy_encoding": (
        "tệp có vẻ dùng bảng mã cũ ({guess}); hãy lưu lại dạng CSV UTF-8",
        "the file seems to use a legacy Vietnamese encoding ({guess}); save it as CSV UTF-8",
    ),
    "undecodable": (
        "không đọc được bảng mã của tệp (không phải UTF-8 hay Windows-1258); "
        "hãy lưu lại dạng CSV UTF-8",
        "cannot decode the file (neither UTF-8 nor Windows-1258); save it as CSV UTF-8",
    ),
    "unreadable": ("không đọc được tệp: {reason}", "cannot read the file: {reason}"),
    "no_header": ("không tìm thấy dòng tiêu đề (tên cột)", "no header row (column names) found"),
    "no_rows": ("tệp không có dòng sản phẩm nào", "the file has no product rows"),
    "not_workbook": (
        "không phải tệp Excel (.xlsx) hợp lệ hoặc nội dung nén bất thường",
        "not a valid Excel workbook (.xlsx), or its compressed content is abnormal",
    ),
    "not_feature_collection": (
        "GeoJSON phải là một FeatureCollection",
        "GeoJSON must be a FeatureCollection",
    ),
    "bad_geometry": (
        "hình học phải là Point (hoặc để trống), nhận {kind}",
        "geometry must be a Point (or null), got {kind}",
    ),
    "unknown_column": ("cột không xác định, bị bỏ qua", "unknown column, ignored"),
    "duplicate_column": ("cột bị lặp lại", "column appears twice"),
    "missing_column": ("thiếu cột bắt buộc", "required column is missing"),
    "empty_required": ("ô bắt buộc đang trống", "required value is empty"),
    "duplicate_id": ("mã '{value}' trùng với dòng {first}", "id '{value}' repeats row {first}"),
    "bad_slug": (
        "mã '{value}' không hợp lệ: chỉ chữ thường không dấu, số và gạch nối",
        "bad id '{value}': only lower-case ascii letters, digits and hyphens",
    ),
    "bad_category": (
        "nhóm '{value}' không hợp lệ; dùng một trong: {allowed}",
        "unknown category '{value}'; use one of: {allowed}",
    ),
    "bad_brand_type": (
        "loại thương hiệu '{value}' không hợp lệ; dùng: {allowed}",
        "unknown brand type '{value}'; use: {allowed}",
    ),
    "bad_producer_kind": (
        "loại hình chủ thể '{value}' không hợp lệ; dùng: {allowed}",
        "unknown producer kind '{value}'; use: {allowed}",
    ),
    "bad_value_chain": (
        "chuỗi giá trị '{value}' không hợp lệ; dùng: {allowed}",
        "unknown value chain '{value}'; use: {allowed}",
    ),
    "bad_commune_code": (
        "mã xã phải có 5 chữ số (nhận '{value}')",
        "commune code must be 5 digits (got '{value}')",
    ),
    "unknown_commune": (
        "mã xã '{value}' không thuộc 124 xã, phường của tỉnh Vĩnh Long (2025)",
        "commune code '{value}' is not one of the 124 Vĩnh Long communes (2025)",
    ),
    "unknown_region": (
        "vùng '{value}' không có trong danh sách vùng",
        "region '{value}' is not a known region id",
    ),
    "bad_stars": (
        "hạng sao phải là 3, 4 hoặc 5 (nhận '{value}')",
        "stars must be 3, 4 or 5 (got {value})",
    ),
    "bad_year": ("năm không hợp lệ (nhận '{value}')", "malformed year (got '{value}')"),
    "bad_number": (
        "phải là số thập phân (nhận '{value}')",
        "must be a decimal number (got '{value}')",
    ),
    "lon_lat_pair": ("cần cả kinh độ (lon) và vĩ độ (lat)", "lon and lat must be given together"),
    "outside_province": (
        "tọa độ ({lon}, {lat}) nằm ngoài tỉnh Vĩnh Long",
        "coordinates ({lon}, {lat}) are outside Vĩnh Long province",
    ),
    "far_from_commune": (
        "tọa độ cách xã {commune} {km} km (tối đa 5 km)",
        "coordinates are {km} km from commune {commune} (at most 5 km)",
    ),
    "no_placement": (
        "không định vị được: cần commune_code, lon+lat, address_published hoặc region",
        "cannot be placed: give commune_code, lon+lat, address_published or region",
    ),
    "bad_url": (
        "đường dẫn phải bắt đầu bằng http:// hoặc https:// (nhận '{value}')",
        "URL must start with http:// or https:// (got '{value}')",
    ),
    "bad_date": (
        "ngày phải theo ISO, ví dụ 2024-05-29 (nhận '{value}')",
        "date must be ISO, e.g. 2024-05-29 (got '{value}')",
    ),
    "formula": (
        "ô bắt đầu bằng '{char}' có thể bị bảng tính chạy như công thức",
        "cell starts with '{char}' and could run as a spreadsheet formula",
    ),
}

_FIELD_CODES = {
    "category": "bad_category",
    "producer_kind": "bad_producer_kind",
    "value_chain": "bad_value_chain",
    "brand_types": "bad_brand_type",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a product file: where, what, in both languages.

    ``row`` is the spreadsheet row (header = 1; for GeoJSON the feature number), None for
    the whole file; ``column`` is None for the whole row or file.

    >>> p = Problem.of("bad_stars", 7, "ocop_stars", value="6")
    >>> p.format("en")
    'row 7, column ocop_stars: stars must be 3, 4 or 5 (got 6)'
    >>> p.format("vi")
    "dòng 7, cột ocop_stars: hạng sao phải là 3, 4 hoặc 5 (nhận '6')"
    """

    row: int | None
    column: str | None
    code: str
    message_vi: str
    message_en: str
    severity: str = ERROR

    @classmethod
    def of(
        cls,
        code: str,
        row: int | None = None,
        column: str | None = None,
        severity: str = ERROR,
        **details: object,
    ) -> Problem:
        """A problem worded from :data:`MESSAGES`."""
        vi, en = MESSAGES[code]
        shown = {k: _shorten(v) for k, v in details.items()}
        return cls(row, column, code, vi.format(**shown), en.format(**shown), severity)

    def format(self, lang: str = "vi") -> str:
        """One line for the user: ``row 7, column ocop_stars: ...``."""
        vi = lang == "vi"
        where = []
        if self.row is not None:
            where.append(f"{'dòng' if vi else 'row'} {self.row}")
        if self.column is not None:
            where.append(f"{'cột' if vi else 'column'} {self.column}")
        prefix = ", ".join(where) if where else ("tệp" if vi else "file")
        text = f"{prefix}: {self.message_vi if vi else self.message_en}"
        if self.severity == WARNING:
            text += " (cảnh báo)" if vi else " (warning)"
        return text


def _shorten(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def has_errors(problems: Iterable[Problem]) -> bool:
    """True when any problem is an error (warnings alone leave a file usable)."""
    return any(p.severity == ERROR for p in problems)


# --------------------------------------------------------------------------- reading


def read_products(path: str | Path) -> tuple[list[dict[str, str]], list[Problem]]:
    """Rows of a product file as text cells keyed by exchange-format column.

    Headers may be the column names or common Vietnamese spellings ("Tên sản phẩm").
    Unknown columns are reported as warnings and dropped. Each row carries its spreadsheet
    row number under ``"_row"``. A file that cannot be read gives no rows and one problem.
    """
    path = Path(path)
    if not path.is_file():
        return [], [Problem.of("file_missing", path=path.name)]
    size = path.stat().st_size
    if size > MAX_BYTES:
        return [], [Problem.of("file_too_large", size=f"{size / 2**20:.1f}")]
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        return [], [Problem.of("bad_format", suffix=suffix or path.name)]
    try:
        header, records = reader(path)
    except _FileProblem as exc:
        return [], [exc.problem]
    rows, problems = _rows_from_records(header, records)
    if not rows and not problems:
        return [], [Problem.of("no_rows")]
    return rows, problems


class _FileProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message_en)
        self.problem = problem


Record = tuple[int, list[Any]]  # (spreadsheet row number, cells)


def _rows_from_records(
    header: list[Any], records: Iterable[Record]
) -> tuple[list[dict[str, str]], list[Problem]]:
    columns, problems = _map_header(header)
    rows: list[dict[str, str]] = []
    for number, cells in records:
        if len(rows) >= MAX_ROWS:
            return [], [Problem.of("too_many_rows", limit=MAX_ROWS)]
        if all(_cell_text(c) == "" for c in cells):
            continue
        row = {name: _cell_text(cells[i]) if i < len(cells) else "" for i, name in columns.items()}
        row[ROW_KEY] = number  # type: ignore[assignment]
        rows.append(row)
    return rows, problems


def _map_header(header: list[Any]) -> tuple[dict[int, str], list[Problem]]:
    """Column index -> column name, and warnings/errors about the header itself."""
    columns: dict[int, str] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(header):
        text = _cell_text(cell)
        if not text:
            continue
        name = GEOMETRY_KEY if text == GEOMETRY_KEY else canonical_column(text)
        if name is None:
            problems.append(Problem.of("unknown_column", 1, text, severity=WARNING))
        elif name in columns.values():
            problems.append(Problem.of("duplicate_column", 1, text))
        else:
            columns[index] = name
    for name in REQUIRED:
        if name not in columns.values():
            problems.append(Problem.of("missing_column", 1, name))
    return columns, problems


def _cell_text(value: Any) -> str:
    """A cell as NFC text; spreadsheet numbers without a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def decode_text(data: bytes) -> str:
    """Text of a CSV: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1258.

    TCVN3 (ABC) and VNI files decode as Windows-1258 into nonsense letters; they are
    recognised and refused with a message telling how to save the file as UTF-8.

    >>> decode_text(b"B\\xfd\\xf5\\xd2i")  # Windows-1258: base letter + combining tone
    'Bưởi'
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        raise _FileProblem(Problem.of("undecodable")) from None
    guess = _legacy_guess(text)
    if guess:
        raise _FileProblem(Problem.of("legacy_encoding", guess=guess))
    return text


_VOWELS = "aăâeêioôơuưy"
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TONED = {unicodedata.normalize("NFC", v + tone) for v in _VOWELS for tone in _TONES}
_VIETNAMESE = set(_VOWELS) | _TONED | {"đ"}
_VIETNAMESE |= {c.upper() for c in _VIETNAMESE}
_PUNCTUATION = set("–—‘’“”…•°€§©®×·«»")


def _legacy_guess(text: str) -> str | None:
    """'TCVN3 hoặc VNI' when the non-ASCII letters are mostly not Vietnamese letters."""
    special = [ch for ch in text if ord(ch) > 127 and ch not in _PUNCTUATION]
    if not special:
        return None
    odd = sum(ch not in _VIETNAMESE for ch in special)
    return "TCVN3/VNI" if odd / len(special) > 0.2 else None


def _read_csv(path: Path) -> tuple[list[Any], Iterator[Record]]:
    text = decode_text(path.read_bytes())
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise _FileProblem(Problem.of("no_header"))
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        body = list(reader)
    except csv.Error as exc:
        raise _FileProblem(Problem.of("unreadable", reason=str(exc))) from None
    return header, ((number, cells) for number, cells in enumerate(body, start=2))


def _read_xlsx(path: Path) -> tuple[list[Any], Iterator[Record]]:
    """First sheet with a header row (within its first 10 rows); data rows after it."""
    import openpyxl

    _refuse_zip_bomb(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _FileProblem(Problem.of("unreadable", reason=type(exc).__name__)) from None
    try:
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # read the cells present, not the size the file declares
            # max_col: a sheet may declare 16,384 columns; we never need more than ours
            found = _sheet_records(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS))
            if found is not None:
                return found
    finally:
        book.close()
    raise _FileProblem(Problem.of("no_header"))


def _refuse_zip_bomb(path: Path) -> None:
    """An .xlsx is a zip: refuse one that would expand far beyond any real product list."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise _FileProblem(Problem.of("not_workbook")) from None
    expanded = sum(m.file_size for m in members)
    ratios = (m.file_size / max(m.compress_size, 1) for m in members)
    if expanded > MAX_EXPANDED_BYTES or any(r > MAX_COMPRESSION_RATIO for r in ratios):
        raise _FileProblem(Problem.of("not_workbook"))


def _sheet_records(rows: Iterator[tuple[Any, ...]]) -> tuple[list[Any], Iterator[Record]] | None:
    """Header and numbered data rows, if a header is among the first 10 rows."""
    for number, cells in enumerate(rows, start=1):
        if number > 10:
            return None
        if sum(canonical_column(_cell_text(c)) is not None for c in cells) >= 2:
            body = list(itertools.islice(rows, MAX_ROWS + 1))
            return list(cells), iter(list(enumerate(map(list, body), start=number + 1)))
    return None


def _read_geojson(path: Path) -> tuple[list[Any], Iterator[Record]]:
    """Properties as columns; a Point geometry fills lon/lat."""
    try:
        document = json.loads(decode_text(path.read_bytes()))
    except json.JSONDecodeError as exc:
        raise _FileProblem(Problem.of("unreadable", reason=f"JSON: {exc.msg}")) from None
    except RecursionError:
        raise _FileProblem(Problem.of("unreadable", reason="JSON nested too deeply")) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise _FileProblem(Problem.of("not_feature_collection"))
    features = [f for f in document.get("features") or [] if isinstance(f, dict)]
    properties = [dict(f.get("properties") or {}) for f in features]
    for number, (feature, props) in enumerate(zip(features, properties, strict=True), start=1):
        _point_into(feature.get("geometry"), props, number)
    header = list(dict.fromkeys(k for props in properties for k in props))
    records = ((n, [p.get(k) for k in header]) for n, p in enumerate(properties, start=1))
    return header, records


def _point_into(geometry: Any, props: dict[str, Any], number: int) -> None:
    if geometry is None:
        return
    kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind != "Point" or not isinstance(coords, list) or len(coords) < 2:
        props[GEOMETRY_KEY] = str(kind)
        return
    props["lon"], props["lat"] = coords[0], coords[1]


_READERS = {
    ".csv": _read_csv,
    ".txt": _read_csv,
    ".xlsx": _read_xlsx,
    ".xlsm": _read_xlsx,
    ".geojson": _read_geojson,
    ".json": _read_geojson,
}


# --------------------------------------------------------------------------- validating

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_COMMUNE = re.compile(r"[0-9]{5}")
_ISO_DATE = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?")
_PHONE = re.compile(r"\+?[0-9][0-9 ().\-/]*")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def validate_products(
    rows: list[dict[str, Any]], communes: Any = None, regions: Any = None
) -> list[Problem]:
    """Every rule of the exchange format, row by row, plus duplicate ids.

    ``communes``: None (the 2025 register), a collection of codes, or a GeoDataFrame with
    ``code`` and polygons (then coordinates farther than 5 km from their declared commune
    are reported too). ``regions``: None (``data/geo/regions.csv``) or region ids.
    """
    codes = _commune_codes(communes)
    region_set = set(region_ids() if regions is None else _ids(regions))
    shapes = _commune_shapes(communes)
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    for index, row in enumerate(rows):
        number = int(row.get(ROW_KEY) or index + 2)
        problems += _row_problems(row, number, codes, region_set, shapes)
        row_id = _text(row.get("id"))
        if row_id and row_id in first_row:
            problems.append(
                Problem.of("duplicate_id", number, "id", value=row_id, first=first_row[row_id])
            )
        first_row.setdefault(row_id, number)
    return problems


def _row_problems(
    row: dict[str, Any], number: int, codes: set[str], regions: set[str], shapes: Any
) -> list[Problem]:
    problems: list[Problem] = []
    if row.get(GEOMETRY_KEY):
        problems.append(Problem.of("bad_geometry", number, "geometry", kind=row[GEOMETRY_KEY]))
    for name in COLUMNS:
        if name not in row:
            continue  # a missing column is reported once, for the header
        value = _text(row.get(name))
        if not value:
            if FIELDS_BY_NAME[name].required:
                problems.append(Problem.of("empty_required", number, name))
            continue
        problem = _cell_problem(name, value, codes, regions)
        if problem is not None:
            problems.append(Problem.of(problem.code, number, name, **problem.details))
    problems += _placement_problems(row, number, shapes)
    return problems


def _cell_problem(name: str, value: str, codes: set[str], regions: set[str]) -> FieldError | None:
    """The rule broken by one non-empty cell, or None."""
    try:
        _check_cell(FIELDS_BY_NAME[name].kind, name, value, codes, regions)
    except FieldError as exc:
        return exc
    return None


def _check_cell(kind: str, name: str, value: str, codes: set[str], regions: set[str]) -> None:
    if kind in ("text", "phone"):
        _check_formula(value, kind)
    elif kind == "slug" and not _SLUG.fullmatch(value):
        raise FieldError("bad_slug", value=value)
    elif kind == "enum" and name == "category":
        parse_category(value)
    elif kind == "enum":
        parse_choice(value, FIELDS_BY_NAME[name].allowed, _FIELD_CODES[name])
    elif kind == "enum_list":
        parse_brand_types(value)
    elif kind == "stars":
        parse_stars(value)
    elif kind == "year":
        parse_year(value)
    elif kind == "commune":
        _check_commune(value, codes)
    elif kind in ("lon", "lat"):
        parse_number(value)
    elif kind == "region" and value not in regions:
        raise FieldError("unknown_region", value=value)
    elif kind == "url" and not re.fullmatch(r"https?://[^\s/]+\S*", value, re.IGNORECASE):
        raise FieldError("bad_url", value=value)
    elif kind == "date" and not _ISO_DATE.fullmatch(value):
        raise FieldError("bad_date", value=value)


def _check_formula(value: str, kind: str) -> None:
    """Text a spreadsheet would run as a formula (CSV injection); phone numbers are fine."""
    if not value.startswith(_FORMULA_START):
        return
    if kind == "phone" and _PHONE.fullmatch(value):
        return
    raise FieldError("formula", char=value[0].replace("\t", "TAB").replace("\r", "CR"))


def _check_commune(value: str, codes: set[str]) -> None:
    if not _COMMUNE.fullmatch(value):
        raise FieldError("bad_commune_code", value=value)
    if codes and value not in codes:
        raise FieldError("unknown_commune", value=value)


def parse_number(value: str) -> float:
    """A finite decimal number; a decimal comma is accepted ("105,97").

    >>> parse_number("105,97")
    105.97
    """
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise FieldError("bad_number", value=value) from None
    if not math.isfinite(number):
        raise FieldError("bad_number", value=value)
    return number


def _placement_problems(row: dict[str, Any], number: int, shapes: Any) -> list[Problem]:
    lon, lat = _text(row.get("lon")), _text(row.get("lat"))
    if bool(lon) != bool(lat):
        return [Problem.of("lon_lat_pair", number, "lat" if lon else "lon")]
    placed = any(_text(row.get(k)) for k in ("commune_code", "address_published", "region"))
    if not lon:
        return [] if placed else [Problem.of("no_placement", number, None)]
    try:
        x, y = parse_number(lon), parse_number(lat)
    except FieldError:
        return []  # already reported as a bad number
    min_x, min_y, max_x, max_y = PROVINCE_BBOX
    if not (min_x <= x <= max_x and min_y <= y <= max_y):
        return [Problem.of("outside_province", number, "lon", lon=lon, lat=lat)]
    return _distance_problems(x, y, _text(row.get("commune_code")), number, shapes)


def _distance_problems(x: float, y: float, code: str, number: int, shapes: Any) -> list[Problem]:
    """Coordinates more than 5 km from their declared commune (UTM 48N metres)."""
    if shapes is None or not code or code not in shapes.index:
        return []
    from pyproj import Transformer
    from shapely import Point

    east, north = Transformer.from_crs(4326, UTM_48N, always_xy=True).transform(x, y)
    metres = shapes[code].distance(Point(east, north))
    if metres <= MAX_COMMUNE_DISTANCE_M:
        return []
    return [
        Problem.of(
            "far_from_commune", number, "commune_code", commune=code, km=f"{metres / 1000:.1f}"
        )
    ]


def _text(value: Any) -> str:
    return _cell_text(value)


def _ids(values: Any) -> list[str]:
    """Ids from a list of ids, a list of records/dicts, or a (Geo)DataFrame."""
    if hasattr(values, "columns") and "id" in values.columns:
        return [str(v) for v in values["id"]]
    return [
        str(getattr(v, "id", None) or (v.get("id") if isinstance(v, dict) else v)) for v in values
    ]


def _commune_codes(communes: Any) -> set[str]:
    if communes is None:
        return _register_codes()
    if hasattr(communes, "columns") and "code" in communes.columns:
        return {str(c) for c in communes["code"]}
    return {
        str(getattr(c, "code", None) or (c.get("code") if isinstance(c, dict) else c))
        for c in communes
    }


def _commune_shapes(communes: Any) -> Any:
    """code -> polygon when given a commune layer with geometry, else None."""
    if communes is None or not hasattr(communes, "geometry") or "code" not in communes.columns:
        return None
    return communes.to_crs(UTM_48N).set_index(communes["code"].astype(str)).geometry


def _register_codes() -> set[str]:
    """The 124 codes of the 2025 register (empty if the register cannot be loaded)."""
    try:
        from brandmap.geo import register

        return _commune_codes(register.communes())
    except ImportError:  # the register module is optional for reading files
        return _vietnamadminunits_codes()


def _vietnamadminunits_codes() -> set[str]:
    """Ward codes of province 86 from the vietnamadminunits dataset (same source as admin)."""
    import sqlite3
    from importlib.resources import files

    database = files("vietnamadminunits") / "data" / "dataset.db"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        query = "SELECT wardCode FROM admin_units WHERE provinceCode = '86'"
        return {str(code) for (code,) in connection.execute(query)}


def region_ids(path: str | Path | None = None) -> list[str]:
    """Region ids defined in ``data/geo/regions.csv`` (empty when it does not exist)."""
    path = Path(path) if path else resources.data_dir() / "geo" / "regions.csv"
    if not path.is_file():
        return []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [row["id"].strip() for row in csv.DictReader(handle) if row.get("id")]


def validate_file(
    path: str | Path, lang: str = "vi", communes: Any = None, regions: Any = None
) -> list[Problem]:
    """Read and check a product file; the problems, file-level ones first.

    ``lang`` is accepted for symmetry with the command line; every Problem carries both
    languages and :meth:`Problem.format` picks one.
    """
    del lang
    rows, problems = read_products(path)
    return problems + validate_products(rows, communes, regions)


# --------------------------------------------------------------------------- typed rows


def location_quality(row: dict[str, Any]) -> str | None:
    """exact (lon/lat), commune (commune code), region (region only); None when only an
    address is given, until the build resolves it to a commune."""
    if _text(row.get("lon")) and _text(row.get("lat")):
        return LocationQuality.EXACT.value
    if _text(row.get("commune_code")):
        return LocationQuality.COMMUNE.value
    if _text(row.get("region")):
        return LocationQuality.REGION.value
    return None


def typed_row(row: dict[str, Any]) -> dict[str, Any]:
    """A valid row with Python values: codes for categories, ints for stars and year,
    floats for lon/lat, a list of brand types, None for empty cells."""
    out: dict[str, Any] = {}
    for name in COLUMNS:
        value = _text(row.get(name))
        out[name] = _typed_value(name, value) if value else None
    out["brand_types"] = out["brand_types"] or []
    out["location_quality"] = location_quality(row)
    return out


def _typed_value(name: str, value: str) -> Any:
    kind = FIELDS_BY_NAME[name].kind
    if name == "category":
        return parse_category(value)
    if kind == "enum":
        return parse_choice(value, FIELDS_BY_NAME[name].allowed, _FIELD_CODES[name])
    if kind == "enum_list":
        return parse_brand_types(value)
    if kind == "stars":
        return parse_stars(value)
    if kind == "year":
        return parse_year(value)
    if kind in ("lon", "lat"):
        return parse_number(value)
    return value


def load_catalog(path: str | Path, communes: Any = None, regions: Any = None) -> list[dict]:
    """The typed, validated rows of a product file; ValidationError listing the errors.

    Warnings (unknown columns) do not stop loading.
    """
    rows, problems = read_products(path)
    problems += validate_products(rows, communes, regions)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        shown = "\n".join(p.format("en") for p in errors[:50])
        more = f"\n… and {len(errors) - 50} more" if len(errors) > 50 else ""
        raise ValidationError(f"{Path(path).name}: {len(errors)} problem(s)\n{shown}{more}")
    return [typed_row(row) for row in rows]
