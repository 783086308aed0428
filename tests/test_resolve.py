"""Published addresses -> 2025 communes: accuracy on a test set, known cases, robustness."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brandmap.catalog.resolve import Resolution, resolve, resolve_many
from brandmap.errors import ValidationError
from brandmap.geo.register import communes
from brandmap.text import fold

ADDRESSES = Path(__file__).parent / "data" / "addresses.csv"
CODES = {c.code for c in communes()}


def _rows() -> list[dict[str, str]]:
    with ADDRESSES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_test_set_is_large_and_well_formed() -> None:
    rows = _rows()
    generated = [r for r in rows if r["source"].startswith("generated")]
    assert len(generated) >= 250
    assert sum(r["source"] == "hand_written" for r in rows) >= 30
    assert all(r["expected_code"] in CODES or r["expected_code"] == "" for r in rows)


def test_resolution_accuracy() -> None:
    rows = _rows()
    results = resolve_many(r["address"] for r in rows)
    misses = [
        (r["address"], r["expected_code"], res.code, res.method)
        for r, res in zip(rows, results, strict=True)
        if (res.code or "") != r["expected_code"]
    ]
    right = len(rows) - len(misses)
    print(f"resolution accuracy: {right}/{len(rows)} = {right / len(rows):.1%}")
    for miss in misses:
        print("  miss:", miss)
    assert right / len(rows) >= 0.98


@pytest.mark.parametrize(
    "variant", [fold, str.upper, lambda a: a.replace(",", " ")], ids=["fold", "upper", "no-comma"]
)
def test_spelling_noise_does_not_change_the_answer(variant) -> None:
    for row in _rows():
        if row["source"] == "generated_typo":
            continue  # a typo may sit between two names once diacritics are gone
        assert resolve(variant(row["address"])).code == resolve(row["address"]).code, row


@pytest.mark.parametrize(
    ("address", "code", "method"),
    [
        ("TT. Vũng Liêm, H. Vũng Liêm, T. Vĩnh Long", "29659", "legacy_exact"),
        ("xa Kim Son, huyen Tra Cu, tinh Tra Vinh", "29489", "legacy_exact"),
        ("xã Lương Hòa, tỉnh Vĩnh Long", "28987", "new_name"),
        ("xã Lương Hòa, huyện Châu Thành, tỉnh Trà Vinh", "29386", "legacy_exact"),
        ("xã Bình Phú, TP Bến Tre", "28789", "legacy_exact"),
        ("Xã Bình Phú, tỉnh Vĩnh Long", "29287", "new_name"),
        ("khóm 3, Phường 6, TP Trà Vinh", "29242", "legacy_alias"),
        ("P.1, TP. Vĩnh Long", "29551", "legacy_exact"),
        ("Phường 1, thị xã Duyên Hải", "29512", "legacy_exact"),
        ("123/4 đường Nguyễn Huệ, P1, TPVL", "29551", "legacy_exact"),
        ("Ấp Phú Hòa, xã Long Hòa, huyện Châu Thành, TV", "29413", "legacy_exact"),
        ("xa Trung Thnh, h. Vung Liem", "29659", "fuzzy"),
        ("xã Hoà Tịnh, Mang Thít", "29638", "legacy_exact"),
        ("x. Phương Thạnh, Càng Long", "29287", "legacy_exact"),
    ],
)
def test_known_addresses(address: str, code: str, method: str) -> None:
    result = resolve(address)
    assert (result.code, result.method) == (code, method), result
    assert result.name == next(c.name for c in communes() if c.code == code)
    assert 0.5 <= result.confidence <= 1


def test_split_unit_gives_default_with_lower_confidence_and_all_candidates() -> None:
    result = resolve("Thị trấn Trà Ôn, huyện Trà Ôn, Vĩnh Long")
    assert result.method == "legacy_split"
    assert result.code == "29821"  # the register's default
    assert [code for code, _ in result.candidates] == ["29821", "29767"]
    assert result.confidence < resolve("xã Tích Thiện, huyện Trà Ôn").confidence


def test_district_only_is_unresolved_with_candidates() -> None:
    result = resolve("huyện Bình Tân")
    assert (result.code, result.method, result.confidence) == (None, "district_only", 0.0)
    assert {code for code, _ in result.candidates} == {"29785", "29788", "29800"}
    assert "Bình Tân" in result.reason


@pytest.mark.parametrize(
    ("address", "town_commune"),
    [("Chợ Lách, Bến Tre", "28870"), ("Bình Minh, Vĩnh Long", "29771"), ("Càng Long", "29266")],
)
def test_bare_district_name_answers_for_the_district(address: str, town_commune: str) -> None:
    # "Chợ Lách" names the district as much as its town: no single commune is claimed,
    # the town's commune leads the candidates.
    result = resolve(address)
    assert (result.code, result.method) == (None, "district_only")
    assert result.candidates[0][0] == town_commune
    assert len(result.candidates) > 1


@pytest.mark.parametrize("address", ["", "   ", "tỉnh Bến Tre", "hello world", "12345"])
def test_unresolvable_input(address: str) -> None:
    result = resolve(address)
    assert result.code is None and result.name is None
    assert result.method == "unresolved"
    assert result.reason


def test_same_name_in_two_places_is_ambiguous() -> None:
    result = resolve("Xã Hoà Lộc")
    assert result.code is None and result.method == "ambiguous"
    assert {code for code, _ in result.candidates} == {"28921", "29734"}


def test_to_dict_has_the_contract_keys() -> None:
    data = resolve("xã Phú Túc (mới)").to_dict()
    assert list(data) == ["input", "code", "name", "method", "confidence", "candidates", "reason"]
    assert data["code"] == "28810"
    assert data["candidates"] == [{"code": "28810", "name": "Xã Phú Túc"}]


def test_non_text_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        resolve(None)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    _check(resolve(text), text)


ADDRESS_WORDS = st.sampled_from(
    [
        "xã",
        "X.",
        "phường",
        "P.",
        "TT.",
        "huyện",
        "H.",
        "TP",
        "tỉnh",
        "ấp",
        "khóm",
        "số",
        ",",
        "-",
        "(",
        ")",
        "Phú",
        "Tân",
        "Hòa",
        "Hoà",
        "Long",
        "Bình",
        "Vĩnh",
        "Trà",
        "Bến",
        "Tre",
        "Vinh",
        "Châu",
        "Thành",
        "6",
        "06",
        "VL",
        "BT",
        "TV",
        "mới",
        "cũ",
        "Mỹ",
        "An",
        "Đông",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ADDRESS_WORDS, max_size=14).map(" ".join))
def test_never_raises_on_address_like_text(text: str) -> None:
    _check(resolve(text), text)


def _check(result: Resolution, text: str) -> None:
    assert result.input == text
    assert 0.0 <= result.confidence <= 1.0
    assert result.code is None or result.code in CODES
    assert all(code in CODES for code, _ in result.candidates)
    assert (result.code is None) == (result.name is None)
    assert result.reason


@pytest.mark.reference
def test_agrees_with_hand_checked_product_localities(reference_dir: Path) -> None:
    """Rows of the product reference whose published locality names one commune."""
    path = reference_dir / "products" / "known_products.csv"
    if not path.is_file():
        pytest.skip("product reference is absent")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if re.fullmatch(r"\d{5}", r["new_commune_code"])]
    results = resolve_many(r["locality_published"] for r in rows)
    placed = [(r, res) for r, res in zip(rows, results, strict=True) if res.code]
    agree = sum(res.code == r["new_commune_code"] for r, res in placed)
    print(f"product localities: {agree}/{len(placed)} placed rows agree ({len(rows)} rows)")
    assert len(placed) >= 0.8 * len(rows)
    assert agree == len(placed)
