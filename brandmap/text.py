"""One normaliser for Vietnamese place names, used everywhere names are compared or shown.

Published addresses spell the same commune many ways: decomposed or precomposed Unicode,
old-style tone marks ("Hoà", "Thuỷ"), no diacritics at all, odd spacing. Every module that
shows a name uses :func:`nfc`; every module that compares names uses :func:`fold` or
:func:`name_key`, so "Xã Hoà Lộc", "xa hoa loc" and "XÃ HÒA LỘC" meet in one place.

>>> nfc("Xã Hoà Lộc")
'Xã Hòa Lộc'
>>> fold("  Xã   Hoà Lộc ")
'xa hoa loc'
>>> name_key("Thị trấn Vũng Liêm")
'thitranvungliem'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "name_key", "nfc"]

# Combining tone marks: grave, acute, tilde, hook above, dot below.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Vowel pairs where old and new orthography disagree in an open syllable:
# old "hoà / khoẻ / thuỷ" puts the tone on the second vowel, new "hòa / khỏe / thủy" on the first.
_PAIRS = frozenset({"oa", "oe", "uy"})
_NON_KEY = re.compile(r"[^0-9a-z]+")
# Letters that look like "đ" but are not its decomposition; folded to "d" as well.
_D_LIKE = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ɖ": "d", "Ɖ": "d"})


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def _new_style_syllable(word: str) -> str:
    """Move an old-style tone mark in a trailing "oa"/"oe"/"uy" onto the first vowel."""
    if not word[:1].isalpha():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    base = [ch for ch in decomposed if not _is_mark(ch)]
    if len(base) < 2 or "".join(base[-2:]).lower() not in _PAIRS:
        return word
    if len(base) >= 3 and base[-3].lower() in "aeiouyq":
        return word  # "quy", "uoa"...: the first letter of the pair is not the vowel nucleus
    # Group combining marks with the base letter they follow.
    groups: list[list[str]] = []
    for ch in decomposed:
        if _is_mark(ch) and groups:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    first, last = groups[-2], groups[-1]
    if len(first) > 1:
        return word  # the first vowel already carries a mark: new style, or not our pattern
    tones = [ch for ch in last[1:] if ch in _TONES]
    if not tones or len(last) != 1 + len(tones):
        return word
    groups[-2] = first + tones
    groups[-1] = last[:1]
    return unicodedata.normalize("NFC", "".join("".join(g) for g in groups))


def nfc(text: str) -> str:
    """NFC-normalise ``text`` and write tone marks in the new orthography.

    Names from different sources then compare equal byte for byte, and the map shows one
    spelling ("Hòa", "Thủy", "Khỏe"; upper case alike).

    >>> nfc("Hoà Thuỷ Khoẻ HOÀ")
    'Hòa Thủy Khỏe HÒA'
    >>> nfc("Quý Hoàng Thuyết")  # "qu" and closed syllables keep their mark
    'Quý Hoàng Thuyết'
    """
    composed = unicodedata.normalize("NFC", text)
    return "".join(_new_style_syllable(run) for run in _letter_runs(composed))


def _letter_runs(text: str) -> list[str]:
    """Split ``text`` into runs of letters (with their combining marks) and everything else."""
    runs: list[str] = []
    current: list[str] = []
    in_word = False
    for ch in text:
        is_word = ch.isalpha() or (in_word and _is_mark(ch))
        if current and is_word != in_word:
            runs.append("".join(current))
            current = []
        current.append(ch)
        in_word = is_word
    if current:
        runs.append("".join(current))
    return runs


# Every combining mark (the accents after NFD), as one character class: removing them is
# one pass in C, which matters when a million product names are folded at start-up.
_COMBINING = re.compile(
    "[" + "".join(chr(cp) for cp in range(0x300, 0x10000) if unicodedata.combining(chr(cp))) + "]"
)


def fold(text: str) -> str:
    """Lower-case, strip every diacritic (đ → d) and collapse whitespace.

    This is how users type on keyboards without Vietnamese input, so search and address
    matching compare folded text.

    >>> fold("Bưởi  Năm Roi\\tĐồng Tháp")
    'buoi nam roi dong thap'
    """
    lowered = unicodedata.normalize("NFD", text).lower()
    lowered = unicodedata.normalize("NFD", lowered)
    stripped = _COMBINING.sub("", lowered)
    if not stripped.isascii():
        stripped = stripped.translate(_D_LIKE)
    return " ".join(stripped.split())


def name_key(text: str) -> str:
    """A compact comparison key: folded, ASCII letters and digits only, no spaces.

    Comparable with the keys of the administrative-unit register ("xahoaloc").

    >>> name_key("Xã Hoà Lộc")
    'xahoaloc'
    >>> name_key("Phường 6, TP. Trà Vinh")
    'phuong6tptravinh'
    """
    return _NON_KEY.sub("", fold(text))
