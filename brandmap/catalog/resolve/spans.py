"""Runs of tokens that spell a known name (*spans*), with what each may stand for.

A span after "xã" can only be a commune, one after "huyện" only a district; an unmarked
span may be any of them. Runs that spell no name exactly are tried for one-letter typos.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from brandmap.catalog.resolve.names import Entity, fuzzy_keys, name_index
from brandmap.catalog.resolve.tokens import Token, marker_before

__all__ = ["Span", "find_spans"]

_MAX_SPAN = 6


@dataclass
class Span:
    """Tokens ``start:end`` spelling ``key``, the places it may be and the roles it may play."""

    start: int
    end: int
    key: str
    raw: str
    marker: str | None
    entities: list[Entity]
    fuzzy: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)


def _roles(marker: str | None, entities: list[Entity]) -> frozenset[str]:
    """What a span may stand for, from the marker before it.

    An unmarked "Bến Tre" or "Trà Vinh" is the province or city, not the 2025 ward named
    after it.
    """
    if marker is not None:
        return frozenset({marker.split(":")[0]})
    if any(e.kind == "P" for e in entities):
        return frozenset({"district", "province"})
    return frozenset({"ward", "district", "province"})


def find_spans(tokens: list[Token]) -> list[Span]:
    """Every longest run of tokens that spells a known name, then the typo spans."""
    index = name_index()
    spans: list[Span] = []
    for start in range(len(tokens)):
        key = ""
        for end in range(start, min(len(tokens), start + _MAX_SPAN)):
            token = tokens[end]
            if token.separator or token.excluded:
                break
            key += token.key
            if key in index:
                marker = marker_before(tokens, start)
                raw = " ".join(t.raw for t in tokens[start : end + 1])
                spans.append(
                    Span(
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


def _nested(span: Span, spans: list[Span]) -> bool:
    """ "Trung Thành" inside "Trung Thành Tây" is not a name of its own."""
    return any(
        o.start <= span.start and span.end <= o.end and o.end - o.start > span.end - span.start
        for o in spans
    )


def _fuzzy_spans(tokens: list[Token], exact: list[Span]) -> list[Span]:
    """One-letter typos: runs of name tokens that no exact span touches."""
    covered = {i for s in exact for i in range(s.start, s.end)}
    in_marker = {i + k for i, t in enumerate(tokens) for k in range(t.marker_len)}
    out: list[Span] = []
    start = 0
    while start < len(tokens):
        end = start
        while end < len(tokens) and not (
            tokens[end].separator or tokens[end].excluded or end in in_marker
        ):
            end += 1
        if end > start and not covered & set(range(start, end)):
            query = "".join(t.key for t in tokens[start:end])
            keys = fuzzy_keys(query)
            entities = [e for k in keys for e in name_index()[k]]
            if entities:
                marker = marker_before(tokens, start)
                raw = " ".join(t.raw for t in tokens[start:end])
                out.append(
                    Span(start, end, query, raw, marker, entities, True, _roles(marker, entities))
                )
        start = end + 1 if end == start else end
    return out
