"""Published address -> 2025 commune of Vĩnh Long.

Product pages give addresses as they were written, mostly before 1 July 2025: old commune,
district and province names, abbreviations ("X.", "TT.", "H.", "TP."), no diacritics, hamlets
and house numbers. :func:`resolve` reads such a text and answers which 2025 commune it lies
in, how sure it is and why, so the map can place a product or flag it for a person to check.

How it works: the text is cut into tokens; markers ("xã", "huyện", "tỉnh", "ấp"...) tag the
name that follows; every run of tokens that spells a known name becomes a *span*. Each
commune reading (a pre-merger unit or a 2025 commune named in a span) is scored by the
evidence in the other spans (its district, its province, the marker before it) and the best
reading wins; close readings that lead elsewhere lower the confidence. Each step has its
module: :mod:`.tokens` (tokens and markers), :mod:`.names` (the register's names, typos
forgiven), :mod:`.spans`, :mod:`.scoring` (readings) and :mod:`.answers` (the decision, its
confidence and reason).

>>> r = resolve("ấp Mỹ Lợi, xã Mỹ Hòa, TX Bình Minh")
>>> (r.code, r.name, r.method)
('29770', 'Phường Cái Vồn', 'legacy_exact')
>>> resolve("xa Kim Son, h. Tra Cu, Tra Vinh").name
'Xã Hàm Giang'
"""

from __future__ import annotations

from collections.abc import Iterable

from brandmap.catalog.resolve.answers import (
    Resolution,
    decide,
    district_answer,
    district_or_town,
    without_commune,
)
from brandmap.catalog.resolve.scoring import score_readings
from brandmap.catalog.resolve.spans import find_spans
from brandmap.catalog.resolve.tokens import tokenize
from brandmap.errors import ValidationError

__all__ = ["Resolution", "resolve", "resolve_many"]

_MAX_CHARS = 1000


def resolve(address: str) -> Resolution:
    """The 2025 commune of a published address, with method, confidence and reason.

    >>> resolve("TT. Vũng Liêm, H. Vũng Liêm, T. Vĩnh Long").name
    'Xã Trung Thành'
    >>> resolve("Phường 6, TP Trà Vinh").code
    '29242'
    >>> resolve("huyện Bình Tân").method
    'district_only'
    """
    if not isinstance(address, str):
        raise ValidationError(f"an address must be text, not {type(address).__name__}")
    if not address.strip():
        return Resolution(address, None, None, "unresolved", 0.0, (), "empty address")
    tokens = tokenize(address[:_MAX_CHARS])
    flags = {t.raw for t in tokens if t.raw in ("mới", "cũ")}
    spans = find_spans(tokens)
    readings = score_readings(spans, flags)
    if not readings:
        return without_commune(address, spans)
    answer, best = decide(address, readings)
    districts = district_or_town(spans, best) if answer.code else []
    if districts:
        return district_answer(address, districts, answer.code)
    return answer


def resolve_many(addresses: Iterable[str]) -> list[Resolution]:
    """:func:`resolve` for each address, in order."""
    return [resolve(address) for address in addresses]
