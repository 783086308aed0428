"""HTTP adapters for OGC API – Features, ``/openapi.json`` and ``/docs``.

URL rules come from :data:`brandmap.service.openapi.ROUTES`, the table the API description is
generated from; each view turns the request into an :class:`~brandmap.service.ogc.OgcRequest`,
calls one function of :mod:`brandmap.service.ogc` and sends its bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Blueprint, Response, request

from brandmap.service import ogc, openapi
from brandmap.service.api import ApiResponse
from brandmap.service.web.adapter import (
    answer,
    current_dataset,
    query_params,
    refuse_unreadable_query,
    send,
    service_root,
)

__all__ = ["bp"]

bp = Blueprint("ogc", __name__)
bp.before_request(refuse_unreadable_query)


def _ogc_request() -> ogc.OgcRequest:
    return ogc.OgcRequest(
        root=service_root(),
        params=query_params(),
        accept=request.headers.get("Accept", ""),
    )


def _answer(handler: Callable[[ogc.OgcRequest], ApiResponse]) -> Response:
    """OGC answers depend on the Accept header (JSON or HTML): caches must vary on it."""
    return answer(lambda: handler(_ogc_request()), vary="Accept")


def landing() -> Response:
    return _answer(ogc.landing)


def conformance() -> Response:
    return _answer(ogc.conformance)


def collections() -> Response:
    return _answer(lambda r: ogc.collections(current_dataset(), r))


def collection(collectionId: str) -> Response:
    return _answer(lambda r: ogc.collection(current_dataset(), collectionId, r))


def items(collectionId: str) -> Response:
    return _answer(lambda r: ogc.items(current_dataset(), collectionId, r))


def item(collectionId: str, featureId: str) -> Response:
    return _answer(lambda r: ogc.item(current_dataset(), collectionId, featureId, r))


def schema(collectionId: str) -> Response:
    return _answer(lambda r: ogc.schema(collectionId, r))


def openapi_json() -> Response:
    document = openapi.openapi_document(f"{service_root()}/")
    body = json.dumps(document, ensure_ascii=False).encode()
    return send(ApiResponse(200, body, ogc.OPENAPI_MEDIA_TYPE))


def docs() -> Response:
    page = openapi.docs_html(f"{service_root()}/")
    return send(ApiResponse(200, page.encode(), "text/html; charset=utf-8"))


_VIEWS: dict[str, Callable[..., Response]] = {
    "landing": landing,
    "conformance": conformance,
    "collections": collections,
    "collection": collection,
    "items": items,
    "item": item,
    "schema": schema,
    "openapi": openapi_json,
    "docs": docs,
}

for _route in openapi.routes_for(bp.name):
    _name = _route.endpoint.partition(".")[2]
    bp.add_url_rule(
        openapi.flask_rule(_route.path),
        _name,
        _VIEWS[_name],
        methods=[_route.method.upper()],
        strict_slashes=False,
    )
