"""Reading a query string: clean UTF-8 text in, parameters out; anything else named."""

from __future__ import annotations

import doctest
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandmap.errors import QueryError
from brandmap.query import params
from brandmap.query.params import read_query, readable_query

# Text a person can type or paste: no control characters but tab, line feed and return.
READABLE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r"),
    max_size=20,
)
PAIRS = st.lists(st.tuples(READABLE.filter(bool), READABLE), max_size=5)


def test_examples_in_the_docstrings_hold():
    assert doctest.testmod(params).failed == 0


@given(pairs=PAIRS)
def test_readable_text_comes_back_as_sent(pairs):
    expected: dict[str, list[str]] = {}
    for name, value in pairs:
        expected.setdefault(name, []).append(value)
    query = urlencode(pairs).encode()
    assert read_query(query) == expected
    assert readable_query(query) == expected


@pytest.mark.parametrize(
    ("query", "param"),
    [
        (b"q=%00%00", "q"),
        (b"q=%E0%A4%A", "q"),
        (b"lang=en&q=b%FFn", "q"),
        (b"q=%ED%A0%80", "q"),  # a UTF-16 surrogate is not UTF-8
        (b"q=\xe0\xa4", "q"),  # raw bytes, not escaped, are checked alike
        (b"bbox=1,2,3,4%1B", "bbox"),
        (b"%00=1", "\x00"),
    ],
)
def test_unreadable_parameters_are_named(query, param):
    with pytest.raises(QueryError) as caught:
        read_query(query)
    assert caught.value.param == param


@given(
    pairs=PAIRS,
    bad=st.sampled_from(["%00", "%1F", "%7F", "%C2%85", "%E0%A4%A", "%FF", "%C3"]),
)
def test_one_unreadable_value_is_refused_or_left_out(pairs, bad):
    pairs = [(name, value) for name, value in pairs if name != "broken"]
    good = urlencode(pairs)
    query = "&".join(filter(None, [good, f"broken={quote('x')}{bad}"])).encode()
    with pytest.raises(QueryError) as caught:
        read_query(query)
    assert caught.value.param == "broken"
    assert "broken" not in readable_query(query)
    assert readable_query(query) == read_query(good.encode())
