"""What every HTTP adapter does: read the query, find the served data, send an
ApiResponse, map errors.

A bad parameter is a 400 JSON naming it; no readable store is a 503 JSON.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from flask import Response, g, request

from brandmap.errors import QueryError
from brandmap.present.dataset import Dataset
from brandmap.query.params import read_query, readable_query
from brandmap.service.api import ApiResponse, error_response
from brandmap.service.web import served

__all__ = [
    "Unavailable",
    "answer",
    "current_dataset",
    "page_params",
    "query_params",
    "refuse_unreadable_query",
    "send",
    "service_root",
]


class Unavailable(Exception):
    """No snapshot can be served (missing or unreadable store)."""


def current_dataset() -> Dataset:
    dataset = served().current()
    if dataset is None:
        raise Unavailable(served().problem)
    return dataset


_ROOTS: OrderedDict[tuple[str, ...], str] = OrderedDict()
_ROOTS_KEPT = 64


def service_root() -> str:
    """The service's absolute URL (``request.url_root``), remembered per scheme, host and
    mount point: links in every OGC answer start with it, and werkzeug rebuilds it (with
    IRI decoding) on each call. The Host header is the client's, so only a few are kept.
    """
    environ = request.environ
    key = tuple(
        str(environ.get(name, ""))
        for name in ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME")
    )
    root = _ROOTS.get(key)
    if root is None:
        root = _ROOTS[key] = request.url_root.rstrip("/")
        if len(_ROOTS) > _ROOTS_KEPT:
            _ROOTS.popitem(last=False)
    return root


def query_params() -> dict[str, list[str]]:
    """The request's parameters, read once: :class:`QueryError` when one is not clean text."""
    params = g.get("brandmap_params")
    if params is None:
        params = g.brandmap_params = read_query(request.query_string)
    return params


def page_params() -> dict[str, list[str]]:
    """The request's readable parameters, for pages: they open any link they are given."""
    return readable_query(request.query_string)


def refuse_unreadable_query() -> Response | None:
    """Before every API and OGC view: an unreadable parameter is a 400 naming it, even on
    routes that take no parameters (a mangled link is reported, not half-understood)."""
    try:
        query_params()
    except QueryError as exc:
        return _bad_request(exc)
    return None


def send(result: ApiResponse, vary: str | None = None) -> Response:
    response = Response(result.body, status=result.status, content_type=result.media_type)
    response.headers.update(result.headers)
    if vary:
        response.vary.add(vary)
    return response


def answer(handler: Callable[[], ApiResponse], vary: str | None = None) -> Response:
    """Run one API function and send its answer, or the error it stands for."""
    try:
        return send(handler(), vary)
    except QueryError as exc:
        return _bad_request(exc, vary)
    except Unavailable:
        return send(error_response(503, "unavailable", "the data store is not available"), vary)


def _bad_request(exc: QueryError, vary: str | None = None) -> Response:
    return send(error_response(400, "bad_request", str(exc), exc.param), vary)
