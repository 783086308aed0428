"""What can be wrong with a product file, and how each problem is said to the officer.

:data:`MESSAGES` words every problem once, in Vietnamese and English; a :class:`Problem`
names the spreadsheet row and column it concerns (header = row 1). Errors make a file
unusable; warnings (an unknown column, which is ignored) do not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ERROR", "MESSAGES", "WARNING", "Problem", "has_errors"]

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
