"""Scoring each commune reading of an address by the evidence in the rest of it.

A *reading* takes one span as a commune (a pre-merger unit or a 2025 commune). It earns
points for its spelling and the marker before it, and gains or loses points for the
district and province the other spans name: a reading whose district is named elsewhere
in the address beats one that contradicts it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from brandmap.catalog.resolve.names import Entity
from brandmap.catalog.resolve.spans import Span
from brandmap.geo.register import Commune, LegacyUnit, legacy_units

__all__ = ["Reading", "score_readings"]


@dataclass(frozen=True)
class Reading:
    """One span read as one commune: the 2025 code it leads to and how well it is supported."""

    code: str
    entity: Entity
    span: Span
    score: float
    support: float
    conflict: bool


@cache
def _district_successors() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for unit in legacy_units():
        out.setdefault(unit.district, set()).update(unit.successors)
    return {name: frozenset(codes) for name, codes in out.items()}


def _district_points(entity: Entity, span: Span) -> float:
    districts = [e.ref for e in span.entities if e.kind == "D"]
    if not districts:
        return 0.0
    marked = span.marker is not None and span.marker.startswith("district")
    marker_kind = span.marker.split(":")[1] if marked else ""
    if entity.kind == "L":
        unit: LegacyUnit = entity.ref
        for district in districts:
            if district.name == unit.district:
                bonus = (
                    0
                    if marker_kind in ("", "quận")
                    else (1 if marker_kind == district.kind else -1)
                )
                return 5.0 + bonus
        return -6.0 if marked else -2.0
    item: Commune = entity.ref
    if any(item.code in _district_successors()[d.name] for d in districts):
        return 1.0
    return -3.0 if marked else -1.0


def _province_points(entity: Entity, span: Span) -> float:
    provinces = {e.ref for e in span.entities if e.kind == "P"}
    if not provinces:
        return 0.0
    if entity.kind == "L":
        if entity.ref.province in provinces:
            return 3.0
        return 0.0 if provinces == {"Vĩnh Long"} else -4.0
    if "Vĩnh Long" in provinces:
        return 3.0
    return 1.0 if provinces & set(entity.ref.former_provinces) else -4.0


def _support(entity: Entity, ward: Span, spans: list[Span]) -> tuple[float, bool, bool]:
    """Evidence from the other spans: (points, any conflict, any district named)."""
    total, conflict, district_named, used = 0.0, False, False, set[int]()
    for span in sorted(spans, key=lambda s: s.start - s.end):
        taken = set(range(span.start, span.end))
        if taken & used or (span.start < ward.end and ward.start < span.end):
            continue
        points = []
        if "district" in span.roles:
            points.append(_district_points(entity, span))
            district_named |= any(e.kind == "D" for e in span.entities)
        if "province" in span.roles:
            points.append(_province_points(entity, span))
        if "ward" in span.roles and any(e.kind in "LN" for e in span.entities):
            points.append(0.0)
        if not points:
            continue
        best = max(points)
        if best != 0:
            used |= taken
        total += best
        conflict |= best < 0
    return total, conflict, district_named


def _ward_kind(span: Span) -> str | None:
    if span.marker and span.marker.startswith("ward:"):
        return span.marker[5:]
    if re.fullmatch(r"phuong\d+", span.key):
        return "phường"  # "Phường 6": the marker is part of the name
    return None


def _reading(entity: Entity, span: Span, spans: list[Span], flags: set[str]) -> Reading:
    unit = entity.ref
    score = 8.0 if entity.alias else 10.0
    if span.fuzzy:  # closer spelling, diacritics included, breaks ties between typo readings
        score = 6.0 + SequenceMatcher(None, span.raw, unit.short_name.lower()).ratio()
    if span.raw == unit.short_name.lower():
        score += 0.5  # spelled with the right diacritics: "Đông Thạnh", not "Đông Thành"
    kind = _ward_kind(span)
    if kind is not None:
        score += 2.0 if kind == unit.kind else -1.0
    support, conflict, district_named = _support(entity, span, spans)
    if entity.kind == "N":
        score += (2.0 if "mới" in flags else 0.0) + (0.0 if district_named else 1.0)
        code = unit.code
    else:
        score += 1.0 if "cũ" in flags else 0.0
        code = unit.successors[0]
    return Reading(code, entity, span, score + support, support, conflict)


def score_readings(spans: list[Span], flags: set[str]) -> list[Reading]:
    """Every commune reading of the spans that may name a ward, scored.

    ``flags`` holds "mới" or "cũ" when the address says the name is the new or the old one.
    """
    out = []
    for span in spans:
        if "ward" not in span.roles:
            continue
        for entity in span.entities:
            if entity.kind in ("L", "N"):
                out.append(_reading(entity, span, spans, flags))
    return out
