"""What every HTTP adapter does: find the served data, send an ApiResponse, map errors.

A bad parameter is a 400 JSON naming it; no readable store is a 503 JSON.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request

from brandmap.api import ApiResponse, error_response
from brandmap.dataset import Dataset
from brandmap.errors import QueryError
from brandmap.web import served

__all__ = ["Unavailable", "answer", "current_dataset", "query_params", "send"]


class Unavailable(Exception):
    """No snapshot can be served (missing or unreadable store)."""


def current_dataset() -> Dataset:
    dataset = served().current()
    if dataset is None:
        raise Unavailable(served().problem)
    return dataset


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
