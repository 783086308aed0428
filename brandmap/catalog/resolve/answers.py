"""Deciding the answer from scored readings: the commune, method, confidence and reason.

The best reading wins; close readings that lead elsewhere lower the confidence and are
listed as candidates. When no commune is named, the answer lists the communes of the
named district (``district_only``) or says what was missing (``unresolved``).
"""

from __future__ import annotations

from dataclasses import dataclass

from brandmap.catalog.resolve.names import District
from brandmap.catalog.resolve.scoring import Reading
from brandmap.catalog.resolve.spans import Span
from brandmap.geo.register import LegacyUnit, commune, legacy_units

__all__ = ["Resolution", "decide", "district_answer", "district_or_town", "without_commune"]


@dataclass(frozen=True)
class Resolution:
    """The answer for one address: ``code`` is None when it could not be placed.

    ``candidates`` lists (code, name) pairs worth a look: every successor of a divided
    commune, close rival readings, or the communes of a district when only that is named.
    """

    input: str
    code: str | None
    name: str | None
    # new_name | legacy_exact | legacy_alias | legacy_split | fuzzy  (code set)
    # ambiguous | district_only | unresolved                         (code None)
    method: str
    confidence: float
    candidates: tuple[tuple[str, str], ...] = ()
    reason: str = ""

    def to_dict(self) -> dict:
        """JSON-ready form used by the command line and the HTTP API."""
        return {
            "input": self.input,
            "code": self.code,
            "name": self.name,
            "method": self.method,
            "confidence": self.confidence,
            "candidates": [{"code": c, "name": n} for c, n in self.candidates],
            "reason": self.reason,
        }


_BASE_CONFIDENCE = {
    "new_name": 0.95,
    "legacy_exact": 0.95,
    "legacy_alias": 0.85,
    "legacy_split": 0.6,
    "fuzzy": 0.75,
}


def _method(reading: Reading) -> str:
    if reading.span.fuzzy:
        return "fuzzy"
    if reading.entity.kind == "N":
        return "new_name"
    if reading.entity.ref.split:
        return "legacy_split"
    return "legacy_alias" if reading.entity.alias else "legacy_exact"


def _pair(code: str) -> tuple[str, str]:
    return (code, commune(code).name)


def _describe(reading: Reading) -> str:
    if reading.entity.kind == "N":
        return f"2025 name {reading.entity.ref.name}"
    unit: LegacyUnit = reading.entity.ref
    old = f"{unit.name} ({unit.district}, {unit.province})"
    if reading.entity.alias:
        old = f"an earlier name merged into {old}"
    target = commune(unit.successors[0]).name
    if unit.split:
        others = ", ".join(commune(c).name for c in unit.successors[1:])
        return f"{old} was divided: {target} is the register's default, also {others}"
    return f"{old} is now part of {target}"


def decide(address: str, readings: list[Reading]) -> tuple[Resolution, Reading]:
    """The best reading wins; close readings that lead elsewhere lower the confidence."""
    best_by_code: dict[str, Reading] = {}
    for reading in readings:
        if reading.code not in best_by_code or reading.score > best_by_code[reading.code].score:
            best_by_code[reading.code] = reading
    ranked = sorted(best_by_code.values(), key=lambda r: (-r.score, r.code))
    best = ranked[0]
    margin = best.score - ranked[1].score if len(ranked) > 1 else 99.0
    if margin <= 0:
        tied = tuple(_pair(r.code) for r in ranked if r.score == best.score)
        reason = "the name fits several communes equally well; add the district or province"
        return Resolution(address, None, None, "ambiguous", 0.0, tied, reason), best
    method = _method(best)
    confidence = _BASE_CONFIDENCE[method]
    confidence *= 1.0 if margin >= 5 else (0.9 if margin >= 3 else 0.7)
    confidence *= 0.85 if best.support <= 0 and best.entity.kind == "L" else 1.0
    confidence *= 0.8 if best.conflict else 1.0
    close = [r.code for r in ranked[1:] if best.score - r.score < 3][:5]
    codes = [best.code]
    if best.entity.kind == "L":
        codes += list(best.entity.ref.successors[1:])
    codes += [c for c in close if c not in codes]
    reason = _describe(best) + (f"; fuzzy match of {best.span.raw!r}" if best.span.fuzzy else "")
    if close:
        reason += "; other readings: " + ", ".join(commune(c).name for c in close)
    answer = Resolution(
        address,
        best.code,
        commune(best.code).name,
        method,
        round(min(1.0, confidence), 2),
        tuple(_pair(c) for c in codes),
        reason,
    )
    return answer, best


def _named_districts(spans: list[Span], skip: Span | None = None) -> list[District]:
    """Districts the address names, narrowed by a former province when one is named."""
    provinces = {e.ref for s in spans if "province" in s.roles for e in s.entities if e.kind == "P"}
    old_provinces = provinces - {"Vĩnh Long"}
    found: dict[tuple[str, str], District] = {}
    for span in spans:
        unmarked_province = span.marker is None and any(e.kind == "P" for e in span.entities)
        if span is skip or "district" not in span.roles or unmarked_province:
            continue
        for entity in span.entities:
            district = entity.ref
            if entity.kind == "D" and (not old_provinces or district.province in old_provinces):
                found[(district.name, district.province)] = district
    return list(found.values())


def district_answer(address: str, districts: list[District], lead: str | None) -> Resolution:
    """Only a district is named: no commune, but the communes it now lies in."""
    wanted = {(d.name, d.province) for d in districts}
    counts: dict[str, int] = {}
    for unit in legacy_units():
        if (unit.district, unit.province) in wanted:
            for code in unit.successors:
                counts[code] = counts.get(code, 0) + 1
    codes = sorted(counts, key=lambda c: (c != lead, -counts[c], c))
    names = ", ".join(f"{d.name} ({d.province})" for d in districts)
    reason = f"only the district is given: {names} now lies in {len(codes)} communes"
    if lead is not None:
        reason += f"; the name also fits {commune(lead).name}, listed first"
    candidates = tuple(_pair(c) for c in codes)
    return Resolution(address, None, None, "district_only", 0.0, candidates, reason)


def without_commune(address: str, spans: list[Span]) -> Resolution:
    """No commune is named: the district's communes, or what little was recognised."""
    districts = _named_districts(spans)
    if districts:
        return district_answer(address, districts, None)
    provinces = sorted({e.ref for s in spans for e in s.entities if e.kind == "P"})
    if provinces:
        reason = f"only the province is given ({', '.join(provinces)}); no commune named"
    else:
        reason = "no commune, district or province name recognised"
    return Resolution(address, None, None, "unresolved", 0.0, (), reason)


def district_or_town(spans: list[Span], best: Reading) -> list[District]:
    """An unmarked "Chợ Lách, Bến Tre" names the district as much as its town: when no other
    district is named, answer for the district (the town's commune listed first)."""
    span = best.span
    if span.marker is not None or span.fuzzy or not any(e.kind == "D" for e in span.entities):
        return []
    if _named_districts([s for s in spans if s is not span]):
        return []
    return _named_districts([span, *[s for s in spans if s is not span]])
