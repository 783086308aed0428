"""HTTP adapters for the JSON API: parse the request, call one function, send its bytes."""

from __future__ import annotations

from flask import Blueprint, Response

from brandmap import resources
from brandmap.service import api
from brandmap.service.web import served
from brandmap.service.web.adapter import (
    answer,
    current_dataset,
    query_params,
    refuse_unreadable_query,
    send,
)

__all__ = ["bp"]

bp = Blueprint("api", __name__)
bp.before_request(refuse_unreadable_query)


@bp.get("/healthz")
def healthz() -> Response:
    assets_problem = resources.map_assets_problem()
    if assets_problem:
        return send(api.error_response(503, "map_assets_missing", assets_problem))
    data = served()
    dataset = data.current()
    if dataset is None:
        return send(api.error_response(503, "store_unavailable", data.problem or "no store"))
    return send(api.healthz(dataset, data.problem))


@bp.get("/api/communes")
def communes() -> Response:
    return answer(lambda: api.commune_layer(current_dataset(), query_params()))


@bp.get("/api/regions")
def regions() -> Response:
    return answer(lambda: api.region_layer(current_dataset(), query_params()))


@bp.get("/api/products")
def products() -> Response:
    return answer(lambda: api.products(current_dataset(), query_params()))


@bp.get("/api/products/<product_id>")
def product(product_id: str) -> Response:
    return answer(lambda: api.product(current_dataset(), product_id))


@bp.get("/api/resolve")
def resolve() -> Response:
    return answer(lambda: api.resolve_address(query_params()))


@bp.get("/api/stats")
def stats() -> Response:
    return answer(lambda: api.stats(current_dataset(), query_params()))


@bp.get("/api/export")
def export() -> Response:
    return answer(lambda: api.export(current_dataset(), query_params()))
