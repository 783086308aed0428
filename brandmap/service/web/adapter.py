"""What every HTTP adapter does: find the served data, send an ApiResponse, map errors.

A bad parameter is a 400 JSON naming it; no readable store is a 503 JSON.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from flask import Response, request

from brandmap.errors import QueryError
from brandmap.present.dataset import Dataset
from brandmap.service.api import ApiResponse, error_response
from brandmap.service.web import served

__all__ = ["Unavailable", "answer", "current_dataset", "query_params", "send", "service_root"]


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
    return {name: request.args.getlist(name) for name in request.args}


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
        return send(error_response(400, "bad_request", str(exc), exc.param), vary)
    except Unavailable:
        return send(error_response(503, "unavailable", "the data store is not available"), vary)
