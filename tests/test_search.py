"""Text search that forgives: word order, accents, one typo, product words in either
language, ranking, and "did you mean" — on a small table and on the real catalog."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brandmap.query.search import (
    NO_MATCH,
    TextSearch,
    query_words,
    within_one_edit,
    word_groups,
)

NAMES = [
    "Bưởi Năm Roi Bình Minh",
    "Kẹo dừa sáp Bến Tre",
    "Gạo thơm Đặc sản",
    "Thanh trà Trà Vinh",
    "Khoai lang Bình Tân",
]
PRODUCERS = ["HTX Mỹ Hòa", "Công ty Đông Á", "", "HTX Phú Hòa", "Bánh Roi"]


def _search(names=NAMES, producers=PRODUCERS) -> TextSearch:
    columns = [(pd.Series(names), True), (pd.Series(producers), False)]
    return TextSearch(columns, len(names))


SEARCH = _search()


def _found(q: str, search: TextSearch = SEARCH) -> list[int]:
    scores = search.scores(q)
    return sorted(
        (row for row in range(len(scores)) if scores[row] != NO_MATCH),
        key=lambda row: (scores[row], row),
    )


@pytest.mark.parametrize(
    "q, rows",
    [
        ("buoi nam roi", [0]),
        ("roi nam buoi", [0]),
        ("keo dua", [1]),
        ("dua keo", [1]),
        ("kẹo dừa Đông Á", [1]),
        ("coconut candy", [1]),
        ("pomelo", [0]),
        ("rice", [2]),
        ("sweet potato", [4]),
        ("buoj nam roi", [0]),  # one typo in a 4-letter word
        ("buoi nam roj", []),  # 3-letter words must be exact
        ("binh", [0, 4, 3]),  # "Vinh" is one letter away: after the exact matches
        ("bin", [0, 4]),  # the last word may be the start of a word
        ("bin minh", []),  # ... but not a word before it
        ("roi", [0, 4]),  # the name match ranks above the producer match
    ],
)
def test_matches(q, rows):
    assert _found(q) == rows


def test_exact_ranks_above_typo():
    search = _search(["Kẹo dừa sáp", "Kẹo dứa sấy"], ["", ""])
    assert _found("keo say", search) == [1]
    assert _found("keo sap", search) == [0]
    assert _found("keo sayy", search) == [1]
    assert _found("keo sapy", search) == [0, 1]  # one typo from both: catalog order
    assert _found("keo sapp", search) == [0]
    assert _found("dua sayy", search) == [1]


def test_suggest_corrects_a_word_that_finds_nothing():
    def has_results(q):
        return bool((SEARCH.scores(q) != NO_MATCH).any())

    assert SEARCH.suggest("buoi nam roj", has_results)[0] == "buoi nam roi"
    assert SEARCH.suggest("xyzzyq", has_results) == []


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("buoi", "buoi", True),
        ("buoi", "buo", True),
        ("buoi", "buoii", True),
        ("buoi", "bupi", True),
        ("buoi", "bioi", True),
        ("buoi", "ubio", False),
        ("buoi", "bu", False),
        ("keo", "koe", True),
    ],
)
def test_within_one_edit(a, b, expected):
    assert within_one_edit(a, b) is expected
    assert within_one_edit(b, a) is expected


WORDS = st.lists(st.sampled_from(query_words(" ".join(NAMES + PRODUCERS))), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(WORDS, st.randoms(use_true_random=False))
def test_word_order_does_not_matter(words, random):
    shuffled = list(words)
    random.shuffle(shuffled)
    # The last word may be a prefix: compare with the same word last in both orders.
    last = [words[0]]
    assert set(_found(" ".join(words + last))) == set(_found(" ".join(shuffled + last)))
    assert set(_found(" ".join(words))) >= set(_found(" ".join(words) + " " + words[0]))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NAMES + PRODUCERS).filter(bool))
def test_accents_do_not_change_matches(text):
    from brandmap.text import fold

    assert _found(text) == _found(fold(text)) == _found(text.upper())
    assert _found(text)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([w for w in query_words(" ".join(NAMES)) if len(w) >= 5]),
    st.integers(0, 10),
    st.sampled_from(["substitute", "insert", "delete", "swap"]),
    st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
)
def test_one_letter_typo_still_matches(word, at, edit, letter):
    at %= len(word) - 1
    typo = {
        "substitute": word[:at] + letter + word[at + 1 :],
        "insert": word[:at] + letter + word[at:],
        "delete": word[:at] + word[at + 1 :],
        "swap": word[:at] + word[at + 1] + word[at] + word[at + 2 :],
    }[edit]
    assert set(_found(word + " zz")) <= set(_found(typo + " zz")) or not _found(word + " zz")
    assert set(_found(word)) <= set(_found(typo))


def test_the_product_word_table_pairs_words():
    groups = word_groups()
    assert len(groups) >= 30
    assert all(len(group) >= 2 and all(group) for group in groups)
    assert ("dua",) in next(g for g in groups if ("coconut",) in g)


# ------------------------------------------------------------------ the real catalog


def _product_ids(client, q: str, extra: str = "") -> list[str]:
    response = client.get(f"/api/products?limit=10000&q={q}{extra}")
    assert response.status_code == 200
    return [f["properties"]["id"] for f in response.get_json()["features"]]


def test_keo_dua_ben_tre_finds_ben_tres_coconut_candy(client):
    found = _product_ids(client, "keo dua ben tre")
    assert found[0] == "keo-dua-mo-cay-ben-tre"  # every word in the name ranks first
    assert {"keo-dua-ca-cao", "keo-dua-gung", "keo-dua-dat-dua-phu-tuc"} <= set(found)
    # Products named kẹo come before those found through producer or value chain only.
    named = [i.startswith("keo-") for i in found]
    assert named == sorted(named, reverse=True)


def test_word_order_and_accents_do_not_matter_in_the_catalog(client):
    assert set(_product_ids(client, "dua keo")) == set(_product_ids(client, "Kẹo Dừa"))
    assert "keo-dua-gung" in _product_ids(client, "dua keo")


def test_producer_words_narrow_a_search(client):
    dong_a = _product_ids(client, "kẹo dừa Đông Á")
    assert set(dong_a) == {
        "keo-dua-ca-cao",
        "keo-dua-sau-rieng-la-dua",
        "keo-dua-gung",
        "keo-dua-sau-rieng",
        "keo-dua-beo-nguyen-chat",
    }


def test_english_product_words_find_vietnamese_names(client):
    assert set(_product_ids(client, "coconut candy")) == set(_product_ids(client, "keo dua"))
    assert "buoi-nam-roi-binh-minh" in _product_ids(client, "pomelo")
    assert "gao-tim-gao-nep-cam-ba-nhut-luong-hoa" in _product_ids(client, "rice")


def test_buoi_nam_roi_with_and_without_a_typo(client):
    exact = _product_ids(client, "buoi nam roi")
    assert set(exact) == {"buoi-nam-roi-binh-minh", "buoi-nam-roi-my-hoa-cai-von"}
    assert _product_ids(client, "bươi nam roi") == exact
    assert _product_ids(client, "buoj nam roi") == exact


def test_a_search_that_finds_nothing_suggests_one_that_does(client):
    # "roj" is too short to forgive a typo; the answer says what was probably meant.
    body = client.get("/api/products?q=buoi nam roj").get_json()
    assert body["numberMatched"] == 0 and body["features"] == []
    assert body["suggestions"][0] == "buoi nam roi"
    assert _product_ids(client, body["suggestions"][0])
    assert "suggestions" not in client.get("/api/products?q=buoi").get_json()
    assert client.get("/api/products?q=xqzvwk").get_json()["suggestions"] == []


def test_ranking_is_the_same_in_ogc_items(client):
    response = client.get("/ogc/collections/products/items?f=json&limit=100&q=keo dua ben tre")
    ogc = [f["id"] for f in response.get_json()["features"]]
    assert ogc == _product_ids(client, "keo dua ben tre")
