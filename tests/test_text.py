"""The name normaliser: canonical spelling, folding and comparison keys."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandmap.text import fold, name_key, nfc

TONE_MARKS = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
VIETNAMESE = st.text(
    alphabet=st.sampled_from([*"aăâeêioôơuưyđAĂÂEÊIOÔƠUƯYĐbcdghklmnpqrstvx ,.-", *TONE_MARKS]),
    max_size=40,
)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Hoà", "Hòa"),
        ("Thuỷ", "Thủy"),
        ("Khoẻ", "Khỏe"),
        ("HOÀ", "HÒA"),
        ("THUỶ", "THỦY"),
        ("Xã Tiên Thuỷ", "Xã Tiên Thủy"),
        ("Phường Nguyệt Hoá", "Phường Nguyệt Hóa"),
        ("Thuỵ", "Thụy"),
        ("hoạ", "họa"),
    ],
)
def test_old_style_tones_become_new_style(old: str, new: str) -> None:
    assert nfc(old) == new
    assert nfc(unicodedata.normalize("NFD", old)) == new


@pytest.mark.parametrize(
    "word", ["Quý", "Quỳnh", "Hoàng", "Thuyết", "Khoắn", "Hòa", "Của", "Nguyễn"]
)
def test_words_already_canonical_are_kept(word: str) -> None:
    assert nfc(word) == word


def test_fold_and_key() -> None:
    assert fold("Đồng  Khởi\n") == "dong khoi"
    assert fold("XÃ HOÀ LỘC") == fold("xã hòa lộc") == "xa hoa loc"
    assert name_key("Xã Đông Thạnh") == "xadongthanh"
    assert name_key("Phường 06") == "phuong06"


@given(VIETNAMESE)
def test_nfc_is_idempotent(text: str) -> None:
    assert nfc(nfc(text)) == nfc(text)


@given(st.text(max_size=30))
def test_nfc_idempotent_on_any_text(text: str) -> None:
    assert nfc(nfc(text)) == nfc(text)


@given(st.text(max_size=30))
def test_fold_ignores_normal_form_and_tone_style(text: str) -> None:
    assert fold(nfc(text)) == fold(text)
    assert fold(fold(text)) == fold(text)
    assert name_key(name_key(text)) == name_key(text)


@given(VIETNAMESE)
def test_fold_is_ascii_for_vietnamese(text: str) -> None:
    assert fold(text).isascii()
    assert fold(text) == fold(unicodedata.normalize("NFD", text))


@given(
    st.sampled_from(["oa", "oe", "uy"]),
    st.sampled_from(TONE_MARKS),
    st.sampled_from(["h", "kh", "th", "t", "l", ""]),
)
def test_tone_variants_fold_and_normalise_equal(pair: str, tone: str, onset: str) -> None:
    old = unicodedata.normalize("NFC", onset + pair + tone)
    new = unicodedata.normalize("NFC", onset + pair[0] + tone + pair[1])
    assert nfc(old) == nfc(new) == new
    assert fold(old) == fold(new) == onset + pair
    assert nfc(old.upper()) == new.upper()
