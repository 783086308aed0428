"""The product exchange format, defined once.

One table of :class:`Field` records says which columns a product file has, which are
required, what kind of value each holds and what it means (in Vietnamese and English).
Validation, the store, the API and the exports all read it from here, so a new column or a
new category is added in one place.

>>> FIELDS_BY_NAME["ocop_stars"].kind
'stars'
>>> parse_category("Lưu niệm – nội thất – trang trí")
'luu_niem_noi_that'
>>> parse_brand_types("OCOP; gi")
['ocop', 'gi']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from brandmap.text import name_key

__all__ = [
    "BRAND_TYPES",
    "CATEGORIES",
    "COLUMNS",
    "FIELDS",
    "FIELDS_BY_NAME",
    "HEADER_ALIASES",
    "LOCATION_QUALITIES",
    "PRODUCER_KINDS",
    "PROVINCE_BBOX",
    "REQUIRED",
    "VALUE_CHAINS",
    "BrandType",
    "Category",
    "Field",
    "FieldError",
    "LocationQuality",
    "ProducerKind",
    "ValueChain",
    "canonical_column",
    "parse_brand_types",
    "parse_category",
    "parse_choice",
    "parse_stars",
    "parse_year",
]


class Category(StrEnum):
    """The six OCOP product groups."""

    THUC_PHAM = "thuc_pham"
    DO_UONG = "do_uong"
    THAO_DUOC = "thao_duoc"
    VAI_MAY_MAC = "vai_may_mac"
    LUU_NIEM_NOI_THAT = "luu_niem_noi_that"
    DU_LICH_CONG_DONG = "du_lich_cong_dong"


class BrandType(StrEnum):
    OCOP = "ocop"
    GI = "gi"
    COLLECTIVE_MARK = "collective_mark"
    CERTIFICATION_MARK = "certification_mark"
    ST_PRODUCT = "st_product"
    SPECIALTY = "specialty"


class ProducerKind(StrEnum):
    COOPERATIVE = "cooperative"
    ENTERPRISE = "enterprise"
    HOUSEHOLD = "household"
    ASSOCIATION = "association"


class ValueChain(StrEnum):
    COCONUT = "coconut"
    COCONUT_CANDY = "coconut_candy"
    POMELO = "pomelo"
    THANH_TRA = "thanh_tra"
    FRUIT = "fruit"
    SWEET_POTATO = "sweet_potato"
    RICE = "rice"
    SEAFOOD = "seafood"
    TRADITIONAL_CAKES = "traditional_cakes"
    ORNAMENTAL_PLANTS = "ornamental_plants"
    BRICK_POTTERY = "brick_pottery"
    HANDICRAFT = "handicraft"
    TOURISM = "tourism"
    OTHER = "other"


class LocationQuality(StrEnum):
    """How precisely a product is placed; computed on load, never read from a file."""

    EXACT = "exact"  # given lon/lat
    COMMUNE = "commune"  # a 2025 commune code
    REGION = "region"  # only a value-chain region


CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)
BRAND_TYPES: tuple[str, ...] = tuple(b.value for b in BrandType)
PRODUCER_KINDS: tuple[str, ...] = tuple(p.value for p in ProducerKind)
VALUE_CHAINS: tuple[str, ...] = tuple(v.value for v in ValueChain)
LOCATION_QUALITIES: tuple[str, ...] = tuple(q.value for q in LocationQuality)

#: Group names as the OCOP programme publishes them (and English labels), by code.
CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "thuc_pham": ("Thực phẩm", "Food"),
    "do_uong": ("Đồ uống", "Beverages"),
    "thao_duoc": ("Thảo dược", "Herbal products"),
    "vai_may_mac": ("Vải & may mặc", "Textiles & garments"),
    "luu_niem_noi_that": ("Lưu niệm – nội thất – trang trí", "Souvenirs, furniture & decoration"),
    "du_lich_cong_dong": (
        "Dịch vụ du lịch cộng đồng & điểm du lịch",
        "Community tourism services & destinations",
    ),
}

#: Lon/lat box around the province (2025 boundaries plus a margin of about 5 km).
PROVINCE_BBOX: tuple[float, float, float, float] = (105.63, 9.48, 106.84, 10.39)


@dataclass(frozen=True)
class Field:
    """One column of the exchange format."""

    name: str
    required: bool
    kind: str  # slug, text, enum, enum_list, stars, year, commune, lon, lat, region, url, date
    allowed: tuple[str, ...] = ()
    help_vi: str = ""
    help_en: str = ""


FIELDS: tuple[Field, ...] = (
    Field(
        "id",
        True,
        "slug",
        (),
        "mã ổn định, không trùng (chữ thường, số, gạch nối)",
        "stable slug, unique (lower-case letters, digits, hyphens)",
    ),
    Field("name_vi", True, "text", (), "tên sản phẩm (tiếng Việt)", "product name in Vietnamese"),
    Field("name_en", False, "text", (), "tên tiếng Anh", "English name"),
    Field(
        "category",
        True,
        "enum",
        CATEGORIES,
        "nhóm sản phẩm OCOP (mã hoặc tên nhóm)",
        "OCOP product group (code or Vietnamese group name)",
    ),
    Field(
        "brand_types",
        True,
        "enum_list",
        BRAND_TYPES,
        "loại thương hiệu, phân cách bằng ';'",
        "brand types, ';'-separated",
    ),
    Field("ocop_stars", False, "stars", (), "hạng sao OCOP: 3, 4 hoặc 5", "OCOP stars: 3, 4 or 5"),
    Field("ocop_year", False, "year", (), "năm công nhận OCOP", "year of the OCOP rating"),
    Field(
        "ocop_decision",
        False,
        "text",
        (),
        "số quyết định công nhận OCOP",
        "number of the decision recognising the OCOP rating",
    ),
    Field(
        "ocop_decision_date",
        False,
        "date",
        (),
        "ngày ký quyết định công nhận (ISO: 2024-05-29); giấy chứng nhận có giá trị 36 tháng",
        "date of the recognising decision (ISO: 2024-05-29); the certificate runs 36 months",
    ),
    Field(
        "gi_number",
        False,
        "text",
        (),
        "số đăng ký chỉ dẫn địa lý",
        "geographical indication registration number",
    ),
    Field("producer", False, "text", (), "chủ thể sản xuất", "producer name"),
    Field("producer_kind", False, "enum", PRODUCER_KINDS, "loại hình chủ thể", "kind of producer"),
    Field(
        "address_published",
        False,
        "text",
        (),
        "địa chỉ như đã công bố (được quy đổi)",
        "address as published (resolved to a 2025 commune)",
    ),
    Field(
        "commune_code",
        False,
        "commune",
        (),
        "mã xã/phường 2025 (5 chữ số)",
        "2025 commune code (5 digits)",
    ),
    Field("lon", False, "lon", (), "kinh độ WGS 84", "WGS 84 longitude"),
    Field("lat", False, "lat", (), "vĩ độ WGS 84", "WGS 84 latitude"),
    Field("value_chain", False, "enum", VALUE_CHAINS, "chuỗi giá trị", "value chain"),
    Field(
        "region",
        False,
        "region",
        (),
        "mã vùng (thương hiệu phủ nhiều xã)",
        "region id (brands that cover many communes)",
    ),
    Field("description_vi", False, "text", (), "mô tả (tiếng Việt)", "description in Vietnamese"),
    Field("description_en", False, "text", (), "mô tả (tiếng Anh)", "description in English"),
    Field("phone", False, "phone", (), "điện thoại", "phone"),
    Field("website", False, "text", (), "trang web", "website"),
    Field(
        "source_url",
        True,
        "url",
        (),
        "địa chỉ http(s) của nguồn công bố",
        "http(s) URL of the published fact",
    ),
    Field(
        "source_date",
        False,
        "date",
        (),
        "ngày của nguồn (ISO: 2024-05-29, 2024-05 hoặc 2024)",
        "date of the source (ISO: 2024-05-29, 2024-05 or 2024)",
    ),
)

FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS)
REQUIRED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)


class FieldError(ValueError):
    """A cell value breaks its column's rule; ``code`` keys the messages table."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


def _aliases(codes: tuple[str, ...], extra: dict[str, str]) -> dict[str, str]:
    table = {name_key(code): code for code in codes}
    table.update({name_key(k): v for k, v in extra.items()})
    return table


_CATEGORY_ALIASES = _aliases(
    CATEGORIES,
    {
        **{label: code for code, labels in CATEGORY_LABELS.items() for label in labels},
        "lưu niệm nội thất": "luu_niem_noi_that",
        "lưu niệm, nội thất, trang trí": "luu_niem_noi_that",
        "dịch vụ du lịch cộng đồng điểm du lịch": "du_lich_cong_dong",
        "dịch vụ du lịch cộng đồng": "du_lich_cong_dong",
        "du lịch cộng đồng": "du_lich_cong_dong",
        "vải may mặc": "vai_may_mac",
    },
)
_BRAND_TYPE_ALIASES = _aliases(
    BRAND_TYPES,
    {
        "chỉ dẫn địa lý": "gi",
        "cddl": "gi",
        "nhãn hiệu tập thể": "collective_mark",
        "nhãn hiệu chứng nhận": "certification_mark",
        "sản phẩm khoa học công nghệ": "st_product",
        "s&t product": "st_product",
        "đặc sản": "specialty",
    },
)


def parse_choice(value: str, allowed: tuple[str, ...], code: str) -> str:
    """One value of a controlled vocabulary, matched without case or accents."""
    key = name_key(value)
    for choice in allowed:
        if key == name_key(choice):
            return choice
    raise FieldError(code, value=value, allowed=", ".join(allowed))


def parse_category(value: str) -> str:
    """A category code from a code or a Vietnamese/English group name."""
    code = _CATEGORY_ALIASES.get(name_key(value))
    if code is None:
        raise FieldError("bad_category", value=value, allowed=", ".join(CATEGORIES))
    return code


def parse_brand_types(value: str) -> list[str]:
    """``'ocop; gi'`` -> ``['ocop', 'gi']``; at least one, no repeats, order kept."""
    parts = [p.strip() for p in str(value).replace(",", ";").split(";") if p.strip()]
    if not parts:
        raise FieldError("empty_required")
    codes: list[str] = []
    for part in parts:
        code = _BRAND_TYPE_ALIASES.get(name_key(part))
        if code is None:
            raise FieldError("bad_brand_type", value=part, allowed=", ".join(BRAND_TYPES))
        if code not in codes:
            codes.append(code)
    return codes


def _integral(value: str) -> int | None:
    """``'4'`` or ``'4.0'`` (spreadsheets store numbers as floats) -> 4; else None."""
    text = str(value).strip()
    if re.fullmatch(r"[0-9]{1,9}(\.0+)?", text):
        return int(text.split(".")[0])
    return None


def parse_stars(value: str) -> int:
    """OCOP stars as an int; only 3, 4 and 5 exist."""
    stars = _integral(value)
    if stars not in (3, 4, 5):
        raise FieldError("bad_stars", value=value)
    return stars


def parse_year(value: str) -> int:
    """A plausible rating year (1990–2100)."""
    year = _integral(value)
    if year is None or not 1990 <= year <= 2100:
        raise FieldError("bad_year", value=value)
    return year


_HEADER_ALIASES_RAW: dict[str, tuple[str, ...]] = {
    "id": ("mã", "mã sản phẩm", "ma san pham"),
    "name_vi": ("tên sản phẩm", "tên", "tên tiếng việt", "sản phẩm"),
    "name_en": ("tên tiếng anh", "english name"),
    "category": ("nhóm sản phẩm", "nhóm", "phân nhóm", "bộ sản phẩm"),
    "brand_types": ("loại thương hiệu", "brand type", "brand_type"),
    "ocop_stars": ("hạng sao", "số sao", "sao", "xếp hạng", "stars"),
    "ocop_year": ("năm công nhận", "năm"),
    "ocop_decision": ("số quyết định", "quyết định công nhận", "quyết định"),
    "ocop_decision_date": ("ngày quyết định", "ngày công nhận", "ngày ký quyết định"),
    "gi_number": ("số chỉ dẫn địa lý", "số cdđl", "số văn bằng"),
    "producer": ("chủ thể", "chủ thể sản xuất", "tên chủ thể", "cơ sở sản xuất", "đơn vị sản xuất"),
    "producer_kind": ("loại hình chủ thể", "loại hình"),
    "address_published": ("địa chỉ", "địa chỉ chủ thể", "address"),
    "commune_code": ("mã xã", "mã xã phường", "mã đơn vị hành chính"),
    "lon": ("kinh độ", "longitude", "lng", "x"),
    "lat": ("vĩ độ", "latitude", "y"),
    "value_chain": ("chuỗi giá trị", "ngành hàng"),
    "region": ("vùng", "mã vùng"),
    "description_vi": ("mô tả", "ghi chú"),
    "description_en": ("mô tả tiếng anh",),
    "phone": ("điện thoại", "số điện thoại", "sđt"),
    "website": ("trang web",),
    "source_url": ("nguồn", "đường dẫn nguồn", "source"),
    "source_date": ("ngày nguồn", "ngày công bố", "ngày đăng"),
}

#: Header spellings (folded) accepted for each column: provinces publish Vietnamese headers.
HEADER_ALIASES: dict[str, str] = {
    name_key(alias): name for name, aliases in _HEADER_ALIASES_RAW.items() for alias in aliases
} | {name_key(name): name for name in COLUMNS}


def canonical_column(header: object) -> str | None:
    """The exchange-format column a header cell names, or None when unknown.

    >>> canonical_column("Tên sản phẩm")
    'name_vi'
    >>> canonical_column(" OCOP_STARS ")
    'ocop_stars'
    """
    text = str(header or "").strip()
    if text in FIELDS_BY_NAME:
        return text
    lowered = text.lower()
    if lowered in FIELDS_BY_NAME:
        return lowered
    return HEADER_ALIASES.get(name_key(text))
