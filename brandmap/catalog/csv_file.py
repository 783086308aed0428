"""Reading a CSV product file, and the text encodings Vietnamese spreadsheets save in.

Excel in Vietnam saves "CSV UTF-8" (with a BOM), plain CSV in Windows-1258, or, from old
habits, text in the TCVN3 (ABC) and VNI encodings, which no reader can tell apart from
Windows-1258 by its bytes. :func:`decode_text` accepts the first ones and refuses the
legacy ones with a message telling how to save the file again; GeoJSON files are decoded
the same way.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from brandmap.catalog.cells import FileProblem, Record
from brandmap.catalog.problems import Problem

__all__ = ["decode_text", "read_csv"]

_VOWELS = "aăâeêioôơuưy"
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TONED = {unicodedata.normalize("NFC", v + tone) for v in _VOWELS for tone in _TONES}
_VIETNAMESE = set(_VOWELS) | _TONED | {"đ"}
_VIETNAMESE |= {c.upper() for c in _VIETNAMESE}
_PUNCTUATION = set("–—‘’“”…•°€§©®×·«»")


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
        raise FileProblem(Problem.of("undecodable")) from None
    guess = _legacy_guess(text)
    if guess:
        raise FileProblem(Problem.of("legacy_encoding", guess=guess))
    return text


def _legacy_guess(text: str) -> str | None:
    """'TCVN3 hoặc VNI' when the non-ASCII letters are mostly not Vietnamese letters."""
    special = [ch for ch in text if ord(ch) > 127 and ch not in _PUNCTUATION]
    if not special:
        return None
    odd = sum(ch not in _VIETNAMESE for ch in special)
    return "TCVN3/VNI" if odd / len(special) > 0.2 else None


def read_csv(path: Path) -> tuple[list[Any], Iterator[Record]]:
    """Header and numbered rows; the delimiter (comma, semicolon or tab) read off the header."""
    text = decode_text(path.read_bytes())
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise FileProblem(Problem.of("no_header"))
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        body = list(reader)
    except csv.Error as exc:
        raise FileProblem(Problem.of("unreadable", reason=str(exc))) from None
    return header, ((number, cells) for number, cells in enumerate(body, start=2))
