"""Cutting a published address into tokens, and tagging the markers in it.

An address is written as people write it: "X. Mỹ Hòa, TX Bình Minh", "P.1, TPVL", "ấp Mỹ
Lợi", with or without diacritics. Abbreviations are expanded to the words they stand for;
markers ("xã", "huyện", "tỉnh", "ấp"...) are tagged with the role of the name that follows;
hamlet, street and house-number names are excluded, since they are never communes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from brandmap.text import fold, nfc

__all__ = ["Token", "is_number", "marker_before", "tokenize"]

# (folded words, spelling with diacritics, role). A word with other diacritics is a name,
# not a marker ("phương", "huyền", "tịnh"); ASCII is accepted too, except for roles marked
# "!" whose ASCII form is part of names ("Trà Côn", "Trà Cú").
_MARKERS: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (("thi", "tran"), ("thị trấn",), "ward:thị trấn"),
    (("thi", "xa"), ("thị xã",), "district:thị xã"),
    (("thanh", "pho"), ("thành phố",), "district:thành phố"),
    (("tinh", "lo"), ("tỉnh lộ",), "hamlet"),
    (("quoc", "lo"), ("quốc lộ",), "hamlet"),
    (("so", "nha"), ("số nhà",), "hamlet"),
    (("khu", "pho"), ("khu phố",), "hamlet"),
    (("khu", "vuc"), ("khu vực",), "hamlet"),
    (("cu", "lao"), ("cù lao",), "hamlet!"),
    (("nga", "ba"), ("ngã ba",), "hamlet!"),
    (("nga", "tu"), ("ngã tư",), "hamlet!"),
    (("xa",), ("xã",), "ward:xã"),
    (("phuong",), ("phường",), "ward:phường"),
    (("huyen",), ("huyện",), "district:huyện"),
    (("quan",), ("quận",), "district:quận"),
    (("tinh",), ("tỉnh",), "province"),
    (("ap",), ("ấp",), "hamlet"),
    (("khom",), ("khóm",), "hamlet"),
    (("to",), ("tổ",), "hamlet"),
    (("thon",), ("thôn",), "hamlet"),
    (("so",), ("số",), "hamlet"),
    (("duong",), ("đường",), "hamlet"),
    (("hem",), ("hẻm",), "hamlet"),
    (("con",), ("cồn",), "hamlet!"),
)
# Abbreviations, folded, to the words they stand for.
_ABBREVIATIONS = {
    "x": ("xa",),
    "p": ("phuong",),
    "tt": ("thi", "tran"),
    "ttr": ("thi", "tran"),
    "tx": ("thi", "xa"),
    "tp": ("thanh", "pho"),
    "h": ("huyen",),
    "t": ("tinh",),
    "q": ("quan",),
    "kp": ("khu", "pho"),
    "sn": ("so", "nha"),
    "ql": ("quoc", "lo"),
    "tl": ("tinh", "lo"),
    "tpvl": ("thanh", "pho", "vinh", "long"),
    "tpbt": ("thanh", "pho", "ben", "tre"),
    "tptv": ("thanh", "pho", "tra", "vinh"),
}
_NUMBERED = re.compile(r"(?:p|f|phuong|ward)0*(\d{1,2})", re.ASCII)
_TOKEN = re.compile(r"[^\W_]+\.?|[,;|()\n–—\-]")
_SEPARATORS = frozenset(",;|()\n–—-")
_MAX_TOKENS = 120  # a longer address is read up to here


@dataclass
class Token:
    """One word or separator of an address, and what the marker pass found in it."""

    raw: str  # lower case, diacritics kept ("" for expanded abbreviations)
    key: str  # folded ("" for separators)
    separator: bool = False
    marker: str | None = None  # role of the marker starting here
    marker_len: int = 0
    excluded: bool = False


def tokenize(address: str) -> list[Token]:
    """Lower-case tokens with abbreviations expanded, markers tagged and hamlets excluded.

    >>> [t.key for t in tokenize("X. Mỹ Hòa, TX Bình Minh")]
    ['xa', 'my', 'hoa', '', 'thi', 'xa', 'binh', 'minh']
    """
    text = _drop_long_remarks(nfc(address).lower())
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        piece = match.group(0)
        if piece in _SEPARATORS:
            tokens.append(Token(piece, "", separator=True))
            continue
        raw = piece.rstrip(".")
        key = fold(raw)
        numbered = _NUMBERED.fullmatch(key)
        if numbered and key not in ("p", "f"):
            tokens += [Token("", "phuong"), Token("", str(int(numbered.group(1))))]
        elif key.isascii() and key.isdigit():
            tokens.append(Token(raw, str(int(key)) if len(key) < 6 else key))
        elif key in _ABBREVIATIONS and (raw == key or len(raw) <= 3):
            tokens += [Token("", word) for word in _ABBREVIATIONS[key]]
        else:
            tokens.append(Token(raw, key))
        if len(tokens) >= _MAX_TOKENS:
            break
    _mark(tokens)
    _exclude_hamlets(tokens)
    return tokens


def _drop_long_remarks(text: str) -> str:
    """Remove bracketed remarks of more than four words; short ones ("(BT)") stay."""
    return re.sub(
        r"\(([^()]*)\)", lambda m: " " if len(m.group(1).split()) > 4 else m.group(0), text
    )


def _mark(tokens: list[Token]) -> None:
    i = 0
    while i < len(tokens):
        for words, spellings, role in _MARKERS:
            window = tokens[i : i + len(words)]
            if tuple(t.key for t in window) != words or any(t.separator for t in window):
                continue
            raw = " ".join(t.raw for t in window)
            ascii_ok = not role.endswith("!") and all(t.raw in ("", t.key) for t in window)
            if raw in spellings or ascii_ok or all(t.raw == "" for t in window):
                tokens[i].marker, tokens[i].marker_len = role.rstrip("!"), len(words)
                break
        i += max(1, tokens[i].marker_len)


def _exclude_hamlets(tokens: list[Token]) -> None:
    """Hamlet, street and house-number names are not communes: skip what follows them."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.marker != "hamlet":
            i += 1
            continue
        j = i + token.marker_len
        if j < len(tokens) and (is_number(tokens[j].key) or len(tokens[j].key) == 1):
            tokens[j].excluded = True
            if j + 1 < len(tokens) and len(tokens[j + 1].key) == 1 and not tokens[j + 1].separator:
                tokens[j + 1].excluded = True
            i = j + 1
            continue
        while j < len(tokens) and not tokens[j].separator:
            if tokens[j].marker and tokens[j].marker != "hamlet":
                break
            tokens[j].excluded = True
            j += 1
        i = j


def is_number(key: str) -> bool:
    """A house or ward number ("12", "6"), which only names a ward after "phường"."""
    return key.isascii() and key.isdigit()


def marker_before(tokens: list[Token], start: int) -> str | None:
    """The role of the marker ending right before ``start`` ("ward:xã"), if any."""
    for length in (2, 1):
        i = start - length
        if i >= 0 and tokens[i].marker and tokens[i].marker_len == length:
            return tokens[i].marker
    return None
