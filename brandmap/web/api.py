"""HTTP adapters for the JSON API: parse the request, call one function, send its bytes."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, request

from brandmap import api
from brandmap.dataset import Dataset
from brandmap.errors import QueryError
from brandmap.web import served

__all__ = ["bp"]

bp = Blueprint("api", __name__)


class _Unavailable(Exception):
    """No snapshot can be served (missing or unreadable store)."""


def _dataset() -> Dataset:
    dataset = served().current()
    if dataset is None:
        raise _Unavailable(served().problem)
    return dataset


def _params() -> dict[str, list[str]]:
    return {name: request.args.getlist(name) for name in request.args}


def _send(result: api.ApiResponse) -> Response:
    response = Response(result.body, status=result.status, content_type=result.media_type)
    response.headers.update(result.headers)
    return response


def _answer(handler: Callable[[], api.ApiResponse]) -> Response:
    try:
        return _send(handler())
    except QueryError as exc:
        return _send(api.error_response(400, "bad_request", str(exc), exc.param))
    except _Unavailable:
        return _send(api.error_response(503, "unavailable", "the data store is not available"))


@bp.get("/healthz")
def healthz() -> Response:
    data = served()
    dataset = data.current()
    if dataset is None:
        return _send(api.error_response(503, "store_unavailable", data.problem or "no store"))
    return _send(api.healthz(dataset, data.problem))


@bp.get("/api/communes")
def communes() -> Response:
    return _answer(lambda: api.commune_layer(_dataset(), _params()))


@bp.get("/api/regions")
def regions() -> Response:
    return _answer(lambda: api.region_layer(_dataset(), _params()))


@bp.get("/api/products")
def products() -> Response:
    return _answer(lambda: api.products(_dataset(), _params()))


@bp.get("/api/products/<product_id>")
def product(product_id: str) -> Response:
    return _answer(lambda: api.product(_dataset(), product_id))


@bp.get("/api/resolve")
def resolve() -> Response:
    return _answer(lambda: api.resolve_address(_params()))


@bp.get("/api/stats")
def stats() -> Response:
    return _answer(lambda: api.stats(_dataset(), _params()))


@bp.get("/api/export")
def export() -> Response:
    return _answer(lambda: api.export(_dataset(), _params()))
