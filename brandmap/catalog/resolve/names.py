"""The names an address may mention, indexed once: pre-merger units, 2025 communes,
districts and provinces of the register, with one-letter typos forgiven.

Every name is indexed by its folded key (:func:`brandmap.text.name_key`); a key may stand for
several places ("Châu Thành" is a district in each of the three former provinces).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from brandmap.catalog.resolve.tokens import is_number
from brandmap.geo.register import communes, legacy_units
from brandmap.text import name_key

__all__ = ["District", "Entity", "fuzzy_keys", "name_index"]

_PROVINCE_SHORT = {"vl": "Vĩnh Long", "bt": "Bến Tre", "tv": "Trà Vinh"}


@dataclass(frozen=True)
class Entity:
    """A place a name may stand for; ``alias`` when it is an earlier name of the unit."""

    kind: str  # "L" legacy unit, "N" 2025 commune, "D" district, "P" province
    ref: object
    alias: bool = False


@dataclass(frozen=True)
class District:
    """A pre-2025 district (huyện, thị xã or thành phố) of a former province."""

    name: str  # "Huyện Châu Thành"
    kind: str  # "huyện" | "thị xã" | "thành phố"
    province: str


@cache
def name_index() -> dict[str, list[Entity]]:
    """Folded name -> every place it may stand for; built on first use."""
    index: dict[str, list[Entity]] = {}

    def add(key: str, entity: Entity) -> None:
        bucket = index.setdefault(key, [])
        if entity not in bucket:
            bucket.append(entity)

    for unit in legacy_units():
        add(name_key(unit.short_name), Entity("L", unit))
        for alias in unit.alias_keys:
            add(alias, Entity("L", unit, alias=True))
        kind, _, short = unit.district.partition(" ")
        for prefix in ("Thị xã ", "Thành phố "):
            if unit.district.startswith(prefix):
                kind, short = prefix.strip(), unit.district[len(prefix) :]
        add(name_key(short), Entity("D", District(unit.district, kind.lower(), unit.province)))
    for item in communes():
        add(name_key(item.short_name), Entity("N", item))
    for province in ("Bến Tre", "Trà Vinh", "Vĩnh Long"):
        add(name_key(province), Entity("P", province))
    for short, province in _PROVINCE_SHORT.items():
        add(short, Entity("P", province))
    add("vlong", Entity("P", "Vĩnh Long"))  # "V.Long"
    add("btre", Entity("P", "Bến Tre"))  # "B.Tre"
    return index


@cache
def _fuzzy_index() -> dict[str, set[str]]:
    """Every key of five letters or more under itself and each one-letter deletion."""
    out: dict[str, set[str]] = {}
    for key in name_index():
        if len(key) >= 5 and not is_number(key):
            for variant in {key, *_deletions(key)}:
                out.setdefault(variant, set()).add(key)
    return out


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    """Levenshtein distance <= 1, or a single swap of neighbouring letters."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def fuzzy_keys(query: str) -> list[str]:
    """Index keys one typo away from ``query`` (five letters or more), in order."""
    if len(query) < 5:
        return []
    found: set[str] = set()
    for variant in {query, *_deletions(query)}:
        found |= _fuzzy_index().get(variant, set())
    return sorted(k for k in found if _edit_distance_at_most_one(query, k))
