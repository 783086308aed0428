"""Which communes exist in Vĩnh Long since 1 July 2025, and how old units map to them.

Since 1 July 2025 the province (code 86) joins former Vĩnh Long, Bến Tre and Trà Vinh in
124 communes and wards with no districts. Product addresses still name the 354 units of
before the merger, so the map needs both registers and the link between them.

The register is the data of the ``vietnamadminunits`` package (its SQLite ``dataset.db`` and
``converter_2025.json``), read directly. Three of its "divided" entries are artefacts of
key collisions (the two "Xã Hòa Lộc" of Tam Bình and Mỏ Cày Bắc, the two "Xã Mỹ An" of Mang
Thít and Thạnh Phú): no 2025 unit spans two former provinces, so a non-default candidate in
another former province is dropped. The result matches the official lists of units before
the merger for all 124 communes.

>>> commune("29659").name
'Xã Trung Thành'
>>> len(communes()), len(legacy_units())
(124, 354)
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from brandmap.errors import StoreError, ValidationError
from brandmap.text import name_key, nfc

__all__ = [
    "FORMER_PROVINCES",
    "PROVINCE_CODE",
    "Commune",
    "LegacyUnit",
    "commune",
    "communes",
    "legacy_unit",
    "legacy_units",
    "successors",
]

PROVINCE_CODE = "86"
PROVINCE_KEY = "tinhvinhlong"
FORMER_PROVINCES = ("Bến Tre", "Trà Vinh", "Vĩnh Long")
_LEGACY_PROVINCES = tuple(f"Tỉnh {name}" for name in FORMER_PROVINCES)


@dataclass(frozen=True)
class Commune:
    """A 2025 commune or ward of Vĩnh Long.

    ``registry_area_km2`` is the register's figure, wrong for about one unit in ten; the map
    computes areas from geometry instead.
    """

    code: str
    name: str
    short_name: str
    kind: str  # "xã" | "phường"
    lon: float
    lat: float
    registry_area_km2: float
    former_provinces: tuple[str, ...]


@dataclass(frozen=True)
class LegacyUnit:
    """A commune, ward or town (thị trấn) as it stood just before 1 July 2025.

    ``district`` is the full name ("Huyện Vũng Liêm", "Thành phố Trà Vinh"); ``province`` the
    former province's short name ("Vĩnh Long"). ``successors`` lists the 2025 codes that took
    over its territory, the register's default first; ``split`` says there is more than one.
    ``alias_keys`` are the keys of names merged into it earlier (2019–2024), e.g. "tuongloc".
    """

    code: str
    name: str
    kind: str  # "xã" | "phường" | "thị trấn"
    district: str
    province: str
    lon: float
    lat: float
    successors: tuple[str, ...]
    split: bool
    short_name: str = ""
    alias_keys: tuple[str, ...] = ()


@cache
def _package_dir() -> Path:
    """The installed ``vietnamadminunits`` folder, found without importing the package
    (its import loads pandas and parsers the register does not need)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise StoreError("the vietnamadminunits package (the commune register) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _data_file(name: str) -> Path:
    return _package_dir() / "data" / name


@cache
def _rows(sql: str, *params: str) -> tuple[dict, ...]:
    with sqlite3.connect(f"file:{_data_file('dataset.db')}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return tuple(dict(row) for row in conn.execute(sql, params))


@cache
def _converter() -> tuple[dict[str, list[str]], dict[str, list[dict]]]:
    data = json.loads(_data_file("converter_2025.json").read_text(encoding="utf-8"))
    return (
        data["DICT_PROVINCE_WARD_NO_DIVIDED"][PROVINCE_KEY],
        data["DICT_PROVINCE_WARD_DIVIDED"].get(PROVINCE_KEY, {}),
    )


def _legacy_rows() -> tuple[dict, ...]:
    marks = ",".join("?" * len(_LEGACY_PROVINCES))
    return _rows(
        f"SELECT * FROM admin_units_legacy WHERE province IN ({marks}) ORDER BY wardCode",
        *_LEGACY_PROVINCES,
    )


def _new_rows() -> tuple[dict, ...]:
    return _rows(
        "SELECT * FROM admin_units WHERE provinceCode = ? ORDER BY wardCode", PROVINCE_CODE
    )


def _legacy_key(row: dict) -> str:
    return f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"


@cache
def _mapping() -> dict[str, tuple[str, ...]]:
    """Legacy ward code -> 2025 codes (default first), artefacts removed."""
    code_of_new = {row["wardKey"]: row["wardCode"] for row in _new_rows()}
    legacy_by_key = {_legacy_key(row): row for row in _legacy_rows()}
    whole, divided = _converter()
    mapping: dict[str, list[str]] = defaultdict(list)
    new_provinces: dict[str, set[str]] = defaultdict(set)
    for new_key, legacy_keys in whole.items():
        for legacy_key in legacy_keys:
            row = legacy_by_key[legacy_key]
            mapping[row["wardCode"]].append(code_of_new[new_key])
            new_provinces[code_of_new[new_key]].add(row["provinceShort"])
    for legacy_key, targets in divided.items():
        row = legacy_by_key[legacy_key]
        ordered = sorted(targets, key=lambda t: not t["isDefaultNewWard"])
        for rank, target in enumerate(ordered):
            code = code_of_new[target["newWardKey"]]
            provinces = new_provinces[code]
            if rank > 0 and provinces and row["provinceShort"] not in provinces:
                continue  # key-collision artefact: a unit never crossed a former province line
            mapping[row["wardCode"]].append(code)
    return {code: tuple(dict.fromkeys(codes)) for code, codes in mapping.items()}


def _alias_keys(row: dict) -> tuple[str, ...]:
    """Short keys of names merged into this unit earlier ("tuongloc", "phuong2")."""
    keys = json.loads(row["wardAlias"] or "[]")
    own = name_key(_short_name(row["wardShort"]))
    out = []
    for key in keys:
        if re.fullmatch(r"(p|f|ward)\d+|(phuong|ward|p|f)0\d", key):
            continue
        short = re.sub(r"^(xa|thitran|phuong)(?=[a-z])", "", key)
        if short == own or (short != key and short in keys):
            continue
        out.append(short)
    return tuple(dict.fromkeys(out))


def _short_name(name: str) -> str:
    return re.sub(r"\s*\(.*\)$", "", nfc(name)).strip()


@cache
def legacy_units() -> tuple[LegacyUnit, ...]:
    """The 354 pre-merger units of former Bến Tre, Trà Vinh and Vĩnh Long, by code."""
    mapping = _mapping()
    units = []
    for row in _legacy_rows():
        targets = mapping[row["wardCode"]]
        units.append(
            LegacyUnit(
                code=row["wardCode"],
                name=nfc(row["ward"]),
                kind=nfc(row["wardType"]).lower(),
                district=nfc(row["district"]),
                province=nfc(row["provinceShort"]),
                lon=float(row["wardLon"]),
                lat=float(row["wardLat"]),
                successors=targets,
                split=len(targets) > 1,
                short_name=_short_name(row["wardShort"]),
                alias_keys=_alias_keys(row),
            )
        )
    return tuple(units)


@cache
def _legacy_by_code() -> dict[str, LegacyUnit]:
    return {unit.code: unit for unit in legacy_units()}


@cache
def communes() -> tuple[Commune, ...]:
    """The 124 communes and wards of Vĩnh Long (2025), by code."""
    provinces: dict[str, set[str]] = defaultdict(set)
    for unit in legacy_units():
        for code in unit.successors:
            provinces[code].add(unit.province)
    return tuple(
        Commune(
            code=row["wardCode"],
            name=nfc(row["ward"]),
            short_name=_short_name(row["wardShort"]),
            kind=nfc(row["wardType"]).lower(),
            lon=float(row["wardLon"]),
            lat=float(row["wardLat"]),
            registry_area_km2=float(row["wardAreaKm2"]),
            former_provinces=tuple(sorted(provinces[row["wardCode"]])),
        )
        for row in _new_rows()
    )


@cache
def _communes_by_code() -> dict[str, Commune]:
    return {item.code: item for item in communes()}


def commune(code: str) -> Commune:
    """The 2025 commune with GSO code ``code`` ("29659").

    >>> commune("00000")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    brandmap.errors.ValidationError: unknown commune code '00000': not one of the 124 ...
    """
    try:
        return _communes_by_code()[str(code).strip()]
    except KeyError:
        raise ValidationError(
            f"unknown commune code {code!r}: not one of the 124 communes and wards "
            "of Vĩnh Long (2025)"
        ) from None


def legacy_unit(code: str) -> LegacyUnit:
    """The pre-merger unit with GSO code ``code``; ValidationError if unknown."""
    try:
        return _legacy_by_code()[str(code).strip()]
    except KeyError:
        raise ValidationError(
            f"unknown pre-merger unit code {code!r}: not a commune, ward or town of former "
            "Bến Tre, Trà Vinh or Vĩnh Long"
        ) from None


def successors(legacy_code: str) -> tuple[str, ...]:
    """2025 codes that took over the pre-merger unit ``legacy_code``, the default first.

    >>> successors("29659")  # Thị trấn Vũng Liêm
    ('29659',)
    """
    return legacy_unit(legacy_code).successors
