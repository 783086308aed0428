"""Published address -> 2025 commune of Vĩnh Long.

Product pages give addresses as they were written, mostly before 1 July 2025: old commune,
district and province names, abbreviations ("X.", "TT.", "H.", "TP."), no diacritics, hamlets
and house numbers. :func:`resolve` reads such a text and answers which 2025 commune it lies
in, how sure it is and why, so the map can place a product or flag it for a person to check.

How it works: the text is cut into tokens; markers ("xã", "huyện", "tỉnh", "ấp"...) tag the
name that follows; every run of tokens that spells a known name becomes a *span*. Each
commune reading (a pre-merger unit or a 2025 commune named in a span) is scored by the
evidence in the other spans (its district, its province, the marker before it) and the best
reading wins; close readings that lead elsewhere lower the confidence.

>>> r = resolve("ấp Mỹ Lợi, xã Mỹ Hòa, TX Bình Minh")
>>> (r.code, r.name, r.method)
('29770', 'Phường Cái Vồn', 'legacy_exact')
>>> resolve("xa Kim Son, h. Tra Cu, Tra Vinh").name
'Xã Hàm Giang'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from brandmap.errors import ValidationError
from brandmap.geo.register import Commune, LegacyUnit, commune, communes, legacy_units
from brandmap.text import fold, name_key, nfc

__all__ = ["Resolution", "resolve", "resolve_many"]

_MAX_CHARS = 1000
_MAX_TOKENS = 120
_MAX_SPAN = 6


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


# --- markers -----------------------------------------------------------------------------

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
_PROVINCE_SHORT = {"vl": "Vĩnh Long", "bt": "Bến Tre", "tv": "Trà Vinh"}
_NUMBERED = re.compile(r"(?:p|f|phuong|ward)0*(\d{1,2})", re.ASCII)
_TOKEN = re.compile(r"[^\W_]+\.?|[,;|()\n–—\-]")
_SEPARATORS = frozenset(",;|()\n–—-")


@dataclass
class _Token:
    raw: str  # lower case, diacritics kept ("" for expanded abbreviations)
    key: str  # folded ("" for separators)
    separator: bool = False
    marker: str | None = None  # role of the marker starting here
    marker_len: int = 0
    excluded: bool = False


@dataclass(frozen=True)
class _Entity:
    kind: str  # "L" legacy unit, "N" 2025 commune, "D" district, "P" province
    ref: object
    alias: bool = False


@dataclass
class _Span:
    start: int
    end: int
    key: str
    raw: str
    marker: str | None
    entities: list[_Entity]
    fuzzy: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)


# --- the index, built once ---------------------------------------------------------------


@dataclass(frozen=True)
class _District:
    name: str  # "Huyện Châu Thành"
    kind: str  # "huyện" | "thị xã" | "thành phố"
    province: str


@cache
def _index() -> dict[str, list[_Entity]]:
    index: dict[str, list[_Entity]] = {}

    def add(key: str, entity: _Entity) -> None:
        bucket = index.setdefault(key, [])
        if entity not in bucket:
            bucket.append(entity)

    for unit in legacy_units():
        add(name_key(unit.short_name), _Entity("L", unit))
        for alias in unit.alias_keys:
            add(alias, _Entity("L", unit, alias=True))
        kind, _, short = unit.district.partition(" ")
        for prefix in ("Thị xã ", "Thành phố "):
            if unit.district.startswith(prefix):
                kind, short = prefix.strip(), unit.district[len(prefix) :]
        add(name_key(short), _Entity("D", _District(unit.district, kind.lower(), unit.province)))
    for item in communes():
        add(name_key(item.short_name), _Entity("N", item))
    for province in ("Bến Tre", "Trà Vinh", "Vĩnh Long"):
        add(name_key(province), _Entity("P", province))
    for short, province in _PROVINCE_SHORT.items():
        add(short, _Entity("P", province))
    add("vlong", _Entity("P", "Vĩnh Long"))  # "V.Long"
    add("btre", _Entity("P", "Bến Tre"))  # "B.Tre"
    return index


@cache
def _fuzzy_index() -> dict[str, set[str]]:
    """Every key of five letters or more under itself and each one-letter deletion."""
    out: dict[str, set[str]] = {}
    for key in _index():
        if len(key) >= 5 and not _is_number(key):
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


def _fuzzy_keys(query: str) -> list[str]:
    if len(query) < 5:
        return []
    found: set[str] = set()
    for variant in {query, *_deletions(query)}:
        found |= _fuzzy_index().get(variant, set())
    return sorted(k for k in found if _edit_distance_at_most_one(query, k))


# --- tokens, markers, spans --------------------------------------------------------------


def _tokenize(address: str) -> list[_Token]:
    text = _drop_long_remarks(nfc(address).lower())
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text):
        piece = match.group(0)
        if piece in _SEPARATORS:
            tokens.append(_Token(piece, "", separator=True))
            continue
        raw = piece.rstrip(".")
        key = fold(raw)
        numbered = _NUMBERED.fullmatch(key)
        if numbered and key not in ("p", "f"):
            tokens += [_Token("", "phuong"), _Token("", str(int(numbered.group(1))))]
        elif key.isascii() and key.isdigit():
            tokens.append(_Token(raw, str(int(key)) if len(key) < 6 else key))
        elif key in _ABBREVIATIONS and (raw == key or len(raw) <= 3):
            tokens += [_Token("", word) for word in _ABBREVIATIONS[key]]
        else:
            tokens.append(_Token(raw, key))
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


def _mark(tokens: list[_Token]) -> None:
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


def _exclude_hamlets(tokens: list[_Token]) -> None:
    """Hamlet, street and house-number names are not communes: skip what follows them."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.marker != "hamlet":
            i += 1
            continue
        j = i + token.marker_len
        if j < len(tokens) and (_is_number(tokens[j].key) or len(tokens[j].key) == 1):
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


def _is_number(key: str) -> bool:
    return key.isascii() and key.isdigit()


def _marker_before(tokens: list[_Token], start: int) -> str | None:
    for length in (2, 1):
        i = start - length
        if i >= 0 and tokens[i].marker and tokens[i].marker_len == length:
            return tokens[i].marker
    return None


def _roles(marker: str | None, entities: list[_Entity]) -> frozenset[str]:
    """What a span may stand for, from the marker before it.

    An unmarked "Bến Tre" or "Trà Vinh" is the province or city, not the 2025 ward named
    after it.
    """
    if marker is not None:
        return frozenset({marker.split(":")[0]})
    if any(e.kind == "P" for e in entities):
        return frozenset({"district", "province"})
    return frozenset({"ward", "district", "province"})


def _spans(tokens: list[_Token]) -> list[_Span]:
    index = _index()
    spans: list[_Span] = []
    for start in range(len(tokens)):
        key = ""
        for end in range(start, min(len(tokens), start + _MAX_SPAN)):
            token = tokens[end]
            if token.separator or token.excluded:
                break
            key += token.key
            if key in index:
                marker = _marker_before(tokens, start)
                raw = " ".join(t.raw for t in tokens[start : end + 1])
                spans.append(
                    _Span(
                        start,
                        end + 1,
                        key,
                        raw,
                        marker,
                        index[key],
                        roles=_roles(marker, index[key]),
                    )
                )
    spans = [s for s in spans if s.roles != {"hamlet"} and not _nested(s, spans)]
    return spans + _fuzzy_spans(tokens, spans)


def _nested(span: _Span, spans: list[_Span]) -> bool:
    """ "Trung Thành" inside "Trung Thành Tây" is not a name of its own."""
    return any(
        o.start <= span.start and span.end <= o.end and o.end - o.start > span.end - span.start
        for o in spans
    )


def _fuzzy_spans(tokens: list[_Token], exact: list[_Span]) -> list[_Span]:
    """One-letter typos: runs of name tokens that no exact span touches."""
    covered = {i for s in exact for i in range(s.start, s.end)}
    in_marker = {i + k for i, t in enumerate(tokens) for k in range(t.marker_len)}
    out: list[_Span] = []
    start = 0
    while start < len(tokens):
        end = start
        while end < len(tokens) and not (
            tokens[end].separator or tokens[end].excluded or end in in_marker
        ):
            end += 1
        if end > start and not covered & set(range(start, end)):
            query = "".join(t.key for t in tokens[start:end])
            keys = _fuzzy_keys(query)
            entities = [e for k in keys for e in _index()[k]]
            if entities:
                marker = _marker_before(tokens, start)
                raw = " ".join(t.raw for t in tokens[start:end])
                out.append(
                    _Span(start, end, query, raw, marker, entities, True, _roles(marker, entities))
                )
        start = end + 1 if end == start else end
    return out


# --- scoring readings --------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    code: str
    entity: _Entity
    span: _Span
    score: float
    support: float
    conflict: bool


@cache
def _district_successors() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for unit in legacy_units():
        out.setdefault(unit.district, set()).update(unit.successors)
    return {name: frozenset(codes) for name, codes in out.items()}


def _district_points(entity: _Entity, span: _Span) -> float:
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


def _province_points(entity: _Entity, span: _Span) -> float:
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


def _support(entity: _Entity, ward: _Span, spans: list[_Span]) -> tuple[float, bool, bool]:
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


def _ward_kind(span: _Span) -> str | None:
    if span.marker and span.marker.startswith("ward:"):
        return span.marker[5:]
    if re.fullmatch(r"phuong\d+", span.key):
        return "phường"  # "Phường 6": the marker is part of the name
    return None


def _reading(entity: _Entity, span: _Span, spans: list[_Span], flags: set[str]) -> _Reading:
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
    return _Reading(code, entity, span, score + support, support, conflict)


def _readings(spans: list[_Span], flags: set[str]) -> list[_Reading]:
    out = []
    for span in spans:
        if "ward" not in span.roles:
            continue
        for entity in span.entities:
            if entity.kind in ("L", "N"):
                out.append(_reading(entity, span, spans, flags))
    return out


# --- answers -----------------------------------------------------------------------------

_BASE_CONFIDENCE = {
    "new_name": 0.95,
    "legacy_exact": 0.95,
    "legacy_alias": 0.85,
    "legacy_split": 0.6,
    "fuzzy": 0.75,
}


def _method(reading: _Reading) -> str:
    if reading.span.fuzzy:
        return "fuzzy"
    if reading.entity.kind == "N":
        return "new_name"
    if reading.entity.ref.split:
        return "legacy_split"
    return "legacy_alias" if reading.entity.alias else "legacy_exact"


def _pair(code: str) -> tuple[str, str]:
    return (code, commune(code).name)


def _describe(reading: _Reading) -> str:
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


def _decide(address: str, readings: list[_Reading]) -> tuple[Resolution, _Reading]:
    """The best reading wins; close readings that lead elsewhere lower the confidence."""
    best_by_code: dict[str, _Reading] = {}
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


def _named_districts(spans: list[_Span], skip: _Span | None = None) -> list[_District]:
    """Districts the address names, narrowed by a former province when one is named."""
    provinces = {e.ref for s in spans if "province" in s.roles for e in s.entities if e.kind == "P"}
    old_provinces = provinces - {"Vĩnh Long"}
    found: dict[tuple[str, str], _District] = {}
    for span in spans:
        unmarked_province = span.marker is None and any(e.kind == "P" for e in span.entities)
        if span is skip or "district" not in span.roles or unmarked_province:
            continue
        for entity in span.entities:
            district = entity.ref
            if entity.kind == "D" and (not old_provinces or district.province in old_provinces):
                found[(district.name, district.province)] = district
    return list(found.values())


def _district_answer(address: str, districts: list[_District], lead: str | None) -> Resolution:
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


def _without_commune(address: str, spans: list[_Span]) -> Resolution:
    districts = _named_districts(spans)
    if districts:
        return _district_answer(address, districts, None)
    provinces = sorted({e.ref for s in spans for e in s.entities if e.kind == "P"})
    if provinces:
        reason = f"only the province is given ({', '.join(provinces)}); no commune named"
    else:
        reason = "no commune, district or province name recognised"
    return Resolution(address, None, None, "unresolved", 0.0, (), reason)


def _district_or_town(spans: list[_Span], best: _Reading) -> list[_District]:
    """An unmarked "Chợ Lách, Bến Tre" names the district as much as its town: when no other
    district is named, answer for the district (the town's commune listed first)."""
    span = best.span
    if span.marker is not None or span.fuzzy or not any(e.kind == "D" for e in span.entities):
        return []
    if _named_districts([s for s in spans if s is not span]):
        return []
    return _named_districts([span, *[s for s in spans if s is not span]])


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
    tokens = _tokenize(address[:_MAX_CHARS])
    flags = {t.raw for t in tokens if t.raw in ("mới", "cũ")}
    spans = _spans(tokens)
    readings = _readings(spans, flags)
    if not readings:
        return _without_commune(address, spans)
    answer, best = _decide(address, readings)
    districts = _district_or_town(spans, best) if answer.code else []
    if districts:
        return _district_answer(address, districts, answer.code)
    return answer


def resolve_many(addresses: Iterable[str]) -> list[Resolution]:
    """:func:`resolve` for each address, in order."""
    return [resolve(address) for address in addresses]
