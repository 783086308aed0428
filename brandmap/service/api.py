"""The JSON API as plain functions: (dataset, parameters) → :class:`ApiResponse`.

No Flask here, so every rule is testable without a server; ``brandmap.service.web`` only adapts
requests and responses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from brandmap.catalog.resolve import resolve
from brandmap.errors import QueryError
from brandmap.present.dataset import Dataset
from brandmap.present.export import export_layer
from brandmap.present.geojson import GEOJSON_MEDIA_TYPE, collection_bytes
from brandmap.present.stats import STATS_GROUPS, product_stats
from brandmap.query.filters import PAGE_PARAMS, parse_filter, parse_page

__all__ = [
    "ApiResponse",
    "commune_layer",
    "error_response",
    "export",
    "healthz",
    "product",
    "products",
    "region_layer",
    "resolve_address",
    "stats",
]

JSON_MEDIA_TYPE = "application/json"
MAX_ADDRESS = 500
Params = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: bytes
    media_type: str = JSON_MEDIA_TYPE
    headers: dict[str, str] = field(default_factory=dict)


def json_response(payload: Any, status: int = 200) -> ApiResponse:
    return ApiResponse(status, json.dumps(payload, ensure_ascii=False).encode())


def error_response(status: int, error: str, detail: str, param: str | None = None) -> ApiResponse:
    body: dict[str, Any] = {"error": error, "detail": detail}
    if param:
        body["param"] = param
    return json_response(body, status)


def healthz(dataset: Dataset, store_problem: str | None = None) -> ApiResponse:
    """Service health; ``store_problem`` when the last good snapshot is served from memory."""
    meta = dataset.snapshot.meta
    return json_response(
        {
            "status": "stale" if store_problem else "ok",
            "store_problem": store_problem,
            "geometry_quality": meta.get("geometry_quality"),
            "communes": len(dataset.snapshot.communes),
            "products": len(dataset.products),
            "regions": len(dataset.snapshot.regions),
            "data_vintage": meta.get("data_vintage"),
            "built_at": meta.get("built_at"),
        }
    )


def _layer(dataset: Dataset, name: str, params: Params) -> ApiResponse:
    detail = _single(params, "detail", allowed_params=("detail",)) or "full"
    if detail not in ("full", "display"):
        raise QueryError("detail must be 'full' or 'display'", "detail")
    return ApiResponse(
        200, dataset.layer_bytes(name, simplified=detail == "display"), GEOJSON_MEDIA_TYPE
    )


def commune_layer(dataset: Dataset, params: Params) -> ApiResponse:
    """Every 2025 commune; ``detail=display`` gives lighter shapes for the web map."""
    return _layer(dataset, "communes", params)


def region_layer(dataset: Dataset, params: Params) -> ApiResponse:
    return _layer(dataset, "regions", params)


def products(dataset: Dataset, params: Params) -> ApiResponse:
    product_filter = parse_filter(params, dataset.commune_codes, dataset.region_ids, PAGE_PARAMS)
    page = parse_page(params)
    chosen, matched = dataset.index.page(product_filter, page.offset, page.limit)
    features = [dataset.product_features[i] for i in chosen]
    # A search that finds nothing offers close searches that do ("did you mean").
    suggestions = (
        {"suggestions": dataset.index.suggest(product_filter)}
        if product_filter.q and not matched
        else {}
    )
    body = collection_bytes(
        features,
        numberMatched=matched,
        numberReturned=len(features),
        **suggestions,
        **dataset.collection_meta,
    )
    return ApiResponse(200, body, GEOJSON_MEDIA_TYPE)


def product(dataset: Dataset, product_id: str) -> ApiResponse:
    position = dataset.product_positions.get(product_id)
    if position is None:
        return error_response(404, "not_found", f"no product with id {product_id[:100]!r}")
    return ApiResponse(200, dataset.product_features[position], GEOJSON_MEDIA_TYPE)


def resolve_address(params: Params) -> ApiResponse:
    address = _single(params, "address", allowed_params=("address",))
    if not address or not address.strip():
        raise QueryError("address is required, e.g. ?address=xã Kim Sơn, huyện Trà Cú", "address")
    if len(address) > MAX_ADDRESS:
        raise QueryError(f"address is longer than {MAX_ADDRESS} characters", "address")
    return json_response(resolve(address).to_dict())


def stats(dataset: Dataset, params: Params) -> ApiResponse:
    by = _single(params, "by")
    by = "commune" if by is None else by  # given empty is no grouping at all: refused
    if by not in STATS_GROUPS:
        raise QueryError(f"by must be one of {', '.join(STATS_GROUPS)}", "by")
    product_filter = parse_filter(params, dataset.commune_codes, dataset.region_ids, ("by",))
    rows = product_stats(dataset, dataset.index.match(product_filter), by)
    return json_response({"by": by, "rows": rows})


EXPORT_PARAMS = ("layer", "format", "crs")


def export(dataset: Dataset, params: Params) -> ApiResponse:
    """A file of one layer; product filters narrow the products layer."""
    layer = _single(params, "layer") or "products"
    fmt = _single(params, "format") or "geojson"
    crs = _single(params, "crs") or "EPSG:4326"
    result = export_layer(
        dataset.export_frame(layer, _filter_params(params)),
        fmt,
        crs,
        layer_name=layer,
        meta=dataset.export_meta,
    )
    disposition = f'attachment; filename="{result.filename}"'
    return ApiResponse(200, result.content, result.media_type, {"Content-Disposition": disposition})


def _filter_params(params: Params) -> Params:
    return {k: v for k, v in params.items() if k not in EXPORT_PARAMS}


def _single(params: Params, name: str, allowed_params: Sequence[str] | None = None) -> str | None:
    if allowed_params is not None:
        unknown = sorted(set(params) - set(allowed_params))
        if unknown:
            raise QueryError(f"unknown parameter(s): {', '.join(unknown)}", unknown[0])
    values = params.get(name) or ()
    if len(values) > 1:
        raise QueryError(f"parameter {name!r} may be given only once", name)
    return values[0] if values else None
