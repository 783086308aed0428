"""The 2025 commune register, the pre-merger units and the old -> new mapping."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from brandmap.errors import ValidationError
from brandmap.geo.register import (
    FORMER_PROVINCES,
    Commune,
    commune,
    communes,
    legacy_unit,
    legacy_units,
    successors,
)
from brandmap.text import name_key, nfc


def _legacy(name: str, district: str) -> object:
    matches = [u for u in legacy_units() if u.name == name and u.district == district]
    assert len(matches) == 1, (name, district, matches)
    return matches[0]


def test_register_sizes_and_codes() -> None:
    assert len(communes()) == 124
    assert len({c.code for c in communes()}) == 124
    assert all(re.fullmatch(r"\d{5}", c.code) for c in communes())
    assert len(legacy_units()) == 354
    assert {c.kind for c in communes()} == {"xã", "phường"}
    assert sum(c.kind == "phường" for c in communes()) == 19


def test_former_provinces_48_41_35() -> None:
    counts = {p: sum(c.former_provinces == (p,) for c in communes()) for p in FORMER_PROVINCES}
    assert counts == {"Bến Tre": 48, "Trà Vinh": 41, "Vĩnh Long": 35}


def test_every_commune_has_a_predecessor_and_every_unit_a_successor() -> None:
    codes = {c.code for c in communes()}
    covered = {code for u in legacy_units() for code in u.successors}
    assert covered == codes
    assert all(u.successors and set(u.successors) <= codes for u in legacy_units())


def test_names_are_canonical() -> None:
    for item in communes():
        assert item.name == nfc(item.name)
        assert item.name.endswith(item.short_name)
    assert commune("29734").name == "Xã Hòa Hiệp"  # the register writes "Hoà"
    assert commune("28861").name == "Xã Tiên Thủy"


def test_commune_lookup() -> None:
    item = commune("29659")
    assert isinstance(item, Commune)
    assert (item.name, item.kind, item.former_provinces) == ("Xã Trung Thành", "xã", ("Vĩnh Long",))
    assert 105.0 < item.lon < 107.0 and 9.0 < item.lat < 11.0


@pytest.mark.parametrize("bad", ["00000", "2965", "", "abc"])
def test_unknown_code_is_a_clear_error(bad: str) -> None:
    with pytest.raises(ValidationError, match="unknown commune code"):
        commune(bad)
    with pytest.raises(ValidationError, match="unknown pre-merger unit"):
        successors(bad)


def test_known_cases() -> None:
    town = _legacy("Thị trấn Vũng Liêm", "Huyện Vũng Liêm")
    assert (town.province, town.kind, town.successors, town.split) == (
        "Vĩnh Long",
        "thị trấn",
        ("29659",),
        False,
    )
    kim_son = _legacy("Xã Kim Sơn", "Huyện Trà Cú")
    assert kim_son.province == "Trà Vinh"
    assert successors(kim_son.code) == ("29489",)
    assert commune("29489").name == "Xã Hàm Giang"


def test_split_units_list_every_candidate() -> None:
    split = {(u.name, u.district): u.successors for u in legacy_units() if u.split}
    assert split[("Thị trấn Tam Bình", "Huyện Tam Bình")] == ("29719", "29836")
    assert split[("Xã Ngãi Tứ", "Huyện Tam Bình")] == ("29767", "29770")
    assert split[("Thị trấn Trà Ôn", "Huyện Trà Ôn")] == ("29821", "29767")
    assert split[("Phường Cái Vồn", "Thị xã Bình Minh")] == ("29771", "29770")
    assert split[("Phường Thành Phước", "Thị xã Bình Minh")] == ("29771", "29770")


def test_key_collision_artefacts_are_dropped() -> None:
    # Two "Xã Hòa Lộc" and two "Xã Mỹ An" collide in the converter's keys.
    assert _legacy("Xã Hòa Lộc", "Huyện Tam Bình").successors == ("29734",)
    assert _legacy("Xã Hòa Lộc", "Huyện Mỏ Cày Bắc").successors == ("28921",)
    assert _legacy("Xã Mỹ An", "Huyện Mang Thít").successors == ("29623",)
    assert _legacy("Xã Mỹ An", "Huyện Thạnh Phú").successors == ("29182",)


def test_earlier_merged_names_are_kept_as_aliases() -> None:
    assert "tuongloc" in _legacy("Thị trấn Tam Bình", "Huyện Tam Bình").alias_keys
    assert "phuong6" in _legacy("Phường 3", "Thành phố Trà Vinh").alias_keys
    assert legacy_unit(_legacy("Phường 3", "Thành phố Trà Vinh").code).successors == ("29242",)


# --- reference check against the official "before the merger" lists -----------------------

_ITEM = re.compile(r"\s*([^,(]+?)\s*(?:\(([^)]*)\))?\s*(?:,|$)")


def _parse_before(text: str) -> list[tuple[str, str]]:
    """Split "Phường 1, Phường 9 (thành phố Vĩnh Long)" into (name, qualifier) pairs."""
    return [(m.group(1), m.group(2) or "") for m in _ITEM.finditer(text) if m.group(1)]


def _match(name: str, qualifiers: list[str], provinces: tuple[str, ...], code: str) -> list:
    pool = [u for u in legacy_units() if u.province in provinces]
    found = [u for u in pool if name_key(u.name) == name_key(name)]
    found = [u for u in found if u.name == nfc(name)] or found  # Đông Thạnh / Đông Thành
    for qualifier in qualifiers:
        key = name_key(qualifier)
        narrowed = [u for u in found if name_key(u.district.split(" ", 1)[1]) in key]
        if narrowed:
            found = narrowed
    if len(found) > 1:
        found = [u for u in found if code in u.successors] or found
    return found


@pytest.mark.reference
def test_mapping_agrees_with_official_before_merger_lists(reference_dir: Path) -> None:
    path = reference_dir / "geo" / "vinhlong_2025_communes_crosswalk.csv"
    if not path.is_file():
        pytest.skip("crosswalk reference is absent")
    official: set[tuple[str, str]] = set()
    unmatched = []
    for row in csv.DictReader(path.open(encoding="utf-8")):
        code, before = row["code"], row["truocSapNhap"].strip()
        provinces = commune(code).former_provinces
        unchanged = before == "giữ nguyên"
        items = [(commune(code).name, "")] if unchanged else _parse_before(before)
        qualifiers = [q for _, q in items if q]
        for name, qualifier in items:
            found = _match(name, [qualifier, *qualifiers], provinces, code)
            if len(found) != 1:
                unmatched.append((code, name, qualifier, len(found)))
                continue
            official.add((found[0].code, code))
    ours = {(u.code, c) for u in legacy_units() for c in u.successors}
    agree = len(official & ours) / len(official | ours)
    defaults_ok = sum((u.code, u.successors[0]) in official for u in legacy_units())
    print(
        f"legacy->2025 pairs: official {len(official)}, ours {len(ours)}, "
        f"agreement {agree:.1%}; default successor confirmed for {defaults_ok}/354; "
        f"unparsed official items {len(unmatched)}"
    )
    print("only ours:", sorted(ours - official))
    print("only official:", sorted(official - ours))
    assert agree >= 0.99
    assert defaults_ok >= 352
    assert len(unmatched) <= 2, unmatched
