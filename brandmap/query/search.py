"""Text search that forgives: every word typed must match, in any order, accents aside, with
one typo allowed per longer word, and Vietnamese and English product words as equals.

People type ``keo dua ben tre``, ``dua keo``, ``coconut candy`` or ``buoi nam roj`` and
expect the products they mean. A query is folded (:func:`brandmap.text.fold`) and split
into words; each word must be found somewhere in a product's searchable text (name in
either language, producer, address, commune, region, value chain):

* a whole word, or — for the last word, still being typed — the start of one;
* for a word of :data:`FUZZY_MIN` letters or more, also a word one edit away (insertion,
  deletion, substitution or swap of neighbours);
* or a word the product-word table (``web/i18n/search_words.json``) names as the same
  (``coconut`` ↔ ``dừa``); a member of the table may be a phrase (``sweet potato``).

Typed words are matched against the catalog's vocabulary of distinct words once, and the
rows come from each column's distinct values, so a search costs the vocabulary and the
answer, not a scan of every product's text.

>>> query_words("Kẹo  dừa, Đông-Á")
('keo', 'dua', 'dong', 'a')
>>> within_one_edit("buoi", "buoj"), within_one_edit("buoi", "boui"), within_one_edit("buoi", "bo")
(True, True, False)
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property, lru_cache
from itertools import chain
from itertools import product as combinations

import numpy as np
import pandas as pd

from brandmap import resources
from brandmap.text import fold

__all__ = [
    "FUZZY_MIN",
    "NO_MATCH",
    "SEARCH_WORDS_PATH",
    "TextSearch",
    "query_words",
    "search_columns",
    "within_one_edit",
    "word_groups",
]

SEARCH_WORDS_PATH = resources.web_dir() / "i18n" / "search_words.json"
#: Words this long or longer may carry one typo; shorter ones ("nam", "roi") must be exact.
FUZZY_MIN = 4
NO_MATCH = -1
# A term's cost: where it matched and how exactly. Lower ranks first.
NAME_EXACT, NAME_TYPO, OTHER_EXACT, OTHER_TYPO = 0, 1, 2, 3
_UNMATCHED = 99
_WORD = re.compile(r"[^\W_]+")
MAX_SUGGESTIONS = 3
_SUGGESTION_TRIALS = 24


def query_words(text: str) -> tuple[str, ...]:
    """The folded words of ``text``: what a search compares."""
    return tuple(_WORD.findall(fold(text)))


def within_one_edit(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` equal, or one insertion, deletion, substitution or swap of two
    neighbouring letters apart?"""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    a, b = a[start:], b[start:]
    if len(a) == len(b):
        return a[1:] == b[1:] or (len(a) >= 2 and a[0] == b[1] and a[1] == b[0] and a[2:] == b[2:])
    return a[1:] == b or a == b[1:]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with swaps of neighbours (optimal string alignment)."""
    previous, current = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[len(b)]


@lru_cache(maxsize=1)
def word_groups() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """The product-word table: groups of equal words, each member a tuple of folded words."""
    table = json.loads(SEARCH_WORDS_PATH.read_text(encoding="utf-8"))
    return tuple(
        tuple(words for member in group if (words := query_words(member)))
        for group in table["groups"]
    )


@lru_cache(maxsize=1)
def _equals_of() -> dict[tuple[str, ...], frozenset[tuple[str, ...]]]:
    """Each member of the table → every member of every group it belongs to."""
    equals: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for group in word_groups():
        for member in group:
            equals.setdefault(member, set()).update(group)
    return {member: frozenset(members) for member, members in equals.items()}


class _Column:
    """One searchable column: each row's value, and for each word the values holding it
    (word → a slice of one array of value codes, grouped by word)."""

    def __init__(self, values: pd.Series, is_name: bool) -> None:
        codes, uniques = pd.factorize(values.astype(object).fillna("").astype(str))
        self.codes = codes
        self.distinct = len(uniques)
        self.is_name = is_name
        words_of = [query_words(value) for value in np.asarray(uniques, dtype=object).tolist()]
        counts = np.fromiter(map(len, words_of), np.int64, len(words_of))
        word_ids, words = pd.factorize(np.array(list(chain.from_iterable(words_of)), dtype=object))
        order = np.argsort(word_ids, kind="stable")
        self._value_codes = np.repeat(np.arange(len(uniques)), counts)[order]
        self._ends = np.cumsum(np.bincount(word_ids, minlength=len(words)))
        self.words = {word: i for i, word in enumerate(words)}

    def rows(self, words: Iterable[str]) -> np.ndarray | None:
        """Mask of the rows whose value holds any of ``words``; None when no value does
        (most words are in one or two columns: the others cost nothing)."""
        found = [self.words[word] for word in words if word in self.words]
        if not found:
            return None
        holding = np.zeros(self.distinct, bool)
        for i in found:
            holding[self._value_codes[(self._ends[i - 1] if i else 0) : self._ends[i]]] = True
        return holding[self.codes]


class TextSearch:
    """The searchable text of a product layer, and the rows and ranks a query matches.

    ``columns`` are (values, is_name) pairs, one value per product: a match in a name
    ranks above a match in the producer, address or place.
    """

    def __init__(self, columns: Sequence[tuple[pd.Series, bool]], rows: int) -> None:
        self._columns = [_Column(values, is_name) for values, is_name in columns]
        self._rows = rows
        self.scores = lru_cache(maxsize=16)(self._scores)

    @cached_property
    def vocabulary(self) -> list[str]:
        """Every distinct word of the searchable text, sorted (for prefixes)."""
        return sorted(set().union(*(column.words for column in self._columns)))

    @cached_property
    def _near(self) -> dict[str, list[str]]:
        """Each vocabulary word, and each word less one letter → the words it comes from:
        two words one edit apart share a key (the symmetric-deletion index)."""
        near: dict[str, list[str]] = {}
        for word in self.vocabulary:
            for key in _deletions(word) | {word}:
                near.setdefault(key, []).append(word)
        return near

    def warm(self) -> None:
        """Build the vocabulary and its typo index now rather than at the first search."""
        _ = self._near

    def similar(self, word: str, distance: int = 1) -> set[str]:
        """Vocabulary words at most ``distance`` (1 or 2) edits from ``word``."""
        keys = _deletions(word) | {word}
        if distance > 1:
            keys |= {shorter for key in list(keys) for shorter in _deletions(key)}
        found = {w for key in keys for w in self._near.get(key, ())}
        if distance == 1:
            return {w for w in found if within_one_edit(word, w)}
        return {w for w in found if _edit_distance(word, w) <= distance}

    def completions(self, prefix: str) -> list[str]:
        """Vocabulary words that start with ``prefix``."""
        start = bisect_left(self.vocabulary, prefix)
        stop = bisect_left(self.vocabulary, prefix + "\U0010ffff", start)
        return self.vocabulary[start:stop]

    def _scores(self, q: str) -> np.ndarray:
        """Every row's rank for query ``q`` (lower is better), :data:`NO_MATCH` where a
        word is missing. Cached: the map and paging clients ask again for the same text."""
        total = np.zeros(self._rows, np.int32)
        matched = np.ones(self._rows, bool)
        terms = _terms(query_words(q))
        for i, typed in enumerate(terms):
            cost = self._term_cost(typed, last=i == len(terms) - 1)
            total += cost
            matched &= cost < _UNMATCHED
        return np.where(matched, total, NO_MATCH).astype(np.int32)

    def _term_cost(self, typed: tuple[str, ...], last: bool) -> np.ndarray:
        """A term's cost per row: the best of its typed words and of their equals."""
        cost = self._all_words_cost(
            [self._typed_forms(word, last and j == len(typed) - 1) for j, word in enumerate(typed)]
        )
        spellings = {typed: False}
        if len(typed) == 1 and len(typed[0]) >= FUZZY_MIN:
            spellings.update({(word,): True for word in self.similar(typed[0]) - {typed[0]}})
        for spelling, is_typo in spellings.items():
            for member in _equals_of().get(spelling, ()):
                equal = self._all_words_cost([({word}, set()) for word in member])
                if is_typo:
                    equal = np.where(equal < _UNMATCHED, equal | 1, equal)
                np.minimum(cost, equal, out=cost)
        return cost

    def _typed_forms(self, word: str, last: bool) -> tuple[set[str], set[str]]:
        """The vocabulary words a typed word stands for: exact ones (the word, its
        completions when it is the last word), and those one typo away."""
        exact = {word} | (set(self.completions(word)) if last and len(word) > 1 else set())
        typo = self.similar(word) - exact if len(word) >= FUZZY_MIN else set()
        return exact, typo

    def _all_words_cost(self, forms: Sequence[tuple[set[str], set[str]]]) -> np.ndarray:
        """Cost per row of finding every word (given as its exact and typo forms): the
        worst of the words' best matches."""
        worst = np.zeros(self._rows, np.int32)
        for exact, typo in forms:
            best = np.full(self._rows, _UNMATCHED, np.int32)
            for column in self._columns:
                name_shift = 0 if column.is_name else OTHER_EXACT
                for words, cost in (
                    (typo, NAME_TYPO + name_shift),
                    (exact, NAME_EXACT + name_shift),
                ):
                    rows = column.rows(words)
                    if rows is not None:
                        best[rows & (best > cost)] = cost
            np.maximum(worst, best, out=worst)
        return worst

    def suggest(self, q: str, has_results) -> list[str]:
        """Queries close to ``q`` — words corrected (up to two edits) or left out — for
        which ``has_results(text)`` holds, closest first; else the nearest catalog words."""
        words = query_words(q)[:8]
        options = [_word_options(word, self.similar(word, 2), len(words) > 1) for word in words]
        trials = sorted(combinations(*options), key=lambda combo: sum(d for d, _ in combo))
        found: list[str] = []
        for combo in trials[:_SUGGESTION_TRIALS]:
            text = " ".join(word for _, word in combo if word)
            if text and text != " ".join(words) and text not in found and has_results(text):
                found.append(text)
                if len(found) == MAX_SUGGESTIONS:
                    break
        if not found:
            found = [word for option in options for _, word in option[1:] if word]
        return found[:MAX_SUGGESTIONS]


def _word_options(word: str, similar: set[str], droppable: bool) -> list[tuple[int, str]]:
    """A query word, then up to three corrections, then (in a longer query) leaving it
    out — each with its distance."""
    corrections = sorted((_edit_distance(word, other), other) for other in similar - {word})
    return [(0, word)] + corrections[:3] + ([(3, "")] if droppable else [])


def _terms(words: Sequence[str]) -> list[tuple[str, ...]]:
    """Group words into terms: a run of words that is a phrase of the product-word table
    (``sweet potato``) is one term; every other word is a term of its own."""
    phrases = {member for member in _equals_of() if len(member) > 1}
    terms: list[tuple[str, ...]] = []
    i = 0
    while i < len(words):
        size = next(
            (n for n in (3, 2) if tuple(words[i : i + n]) in phrases and i + n <= len(words)), 1
        )
        terms.append(tuple(words[i : i + size]))
        i += size
    return terms


def search_columns(
    products: pd.DataFrame,
    region_names: Mapping[str, str],
    value_chain_labels: Mapping[str, str],
) -> list[tuple[pd.Series, bool]]:
    """The searchable columns of a product layer as (values, is_name): names in both
    languages, producer, address as published, commune, region and value-chain labels."""
    empty = pd.Series([""] * len(products), index=products.index)
    columns = [
        (products.get(c, empty), c in ("name_vi", "name_en"))
        for c in ("name_vi", "name_en", "producer", "address_published", "commune_name")
    ]
    columns.append((products.get("region", empty).map(region_names), False))
    columns.append((products.get("value_chain", empty).map(value_chain_labels), False))
    return columns
