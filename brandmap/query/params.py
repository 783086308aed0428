"""Query strings → parameters: the one place a request's parameters are decoded and checked.

Every parameter name and value must be UTF-8 text without control characters (tab, line
feed and carriage return aside: pasted addresses carry them). ``q=%00%00`` or a cut
``q=%E0%A4%A`` is no search anyone meant: the API refuses it with a :class:`QueryError`
naming the parameter, and the map page, which opens any link, leaves it out.

>>> read_query(b"q=b%C6%B0%E1%BB%9Fi&commune=29659&commune=29662")
{'q': ['bưởi'], 'commune': ['29659', '29662']}
>>> read_query(b"q=%00%00")
Traceback (most recent call last):
...
brandmap.errors.QueryError: parameter 'q' holds control characters
>>> readable_query(b"q=%E0%A4%A&lang=en")
{'lang': ['en']}
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl

from brandmap.errors import QueryError

__all__ = ["read_query", "readable_query"]

# C0 and C1 controls and DEL, except the whitespace people paste.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def read_query(query: bytes) -> dict[str, list[str]]:
    """Parameter name → its values in order; :class:`QueryError` at the first unreadable one."""
    params: dict[str, list[str]] = {}
    for name, value, problem in _pairs(query):
        if problem:
            raise QueryError(f"parameter {name[:50]!r} {problem}", name)
        params.setdefault(name, []).append(value)
    return params


def readable_query(query: bytes) -> dict[str, list[str]]:
    """:func:`read_query` without the unreadable parameters, for pages that open any link."""
    params: dict[str, list[str]] = {}
    for name, value, problem in _pairs(query):
        if not problem:
            params.setdefault(name, []).append(value)
    return params


def _pairs(query: bytes) -> Iterator[tuple[str, str, str | None]]:
    """Each ``name=value`` decoded, with what is wrong with it (``None`` when nothing is).

    Percent escapes are undone byte by byte (latin-1 keeps every byte as it is), so the
    UTF-8 check sees the bytes the client sent, raw or escaped.
    """
    text = query.decode("latin-1")
    for raw_name, raw_value in parse_qsl(text, keep_blank_values=True, encoding="latin-1"):
        name, name_problem = _decoded(raw_name)
        value, value_problem = _decoded(raw_value)
        yield name, value, name_problem or value_problem


def _decoded(raw: str) -> tuple[str, str | None]:
    data = raw.encode("latin-1")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace"), "is not valid UTF-8"
    if _CONTROL.search(text):
        return text, "holds control characters"
    return text, None
