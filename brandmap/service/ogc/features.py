"""A collection's features: one page of items, or one item, with their links.

``limit`` defaults to 10 and is capped at 10 000; a larger value is lowered to the cap, not
refused (Part 1, /req/core/fc-limit-response-1 C). ``limit=0`` is a 400. Pages carry
next/prev links that keep every filter of the request.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import geopandas as gpd
import numpy as np

from brandmap.errors import QueryError
from brandmap.present.dataset import Dataset
from brandmap.present.geojson import GEOJSON_MEDIA_TYPE, collection_bytes
from brandmap.query.filters import MAX_LIMIT, WHOLE_NUMBER, Page, parse_filter, parse_page
from brandmap.service.api import ApiResponse, error_response
from brandmap.service.ogc.layers import (
    COLLECTIONS,
    CollectionSpec,
    frame_of,
    snapshot_cache,
    unknown_collection,
)
from brandmap.service.ogc.negotiation import (
    HTML_MEDIA_TYPE,
    JSON_MEDIA_TYPE,
    OgcRequest,
    Params,
    check_params,
    href,
    json_response,
    link,
    output_format,
    query_string,
    self_links,
    single,
)
from brandmap.service.ogc.pages import html_response
from brandmap.service.ogc.spatial import bbox_match, features_at, parse_bbox, parse_crs_param
from brandmap.service.ogc.temporal import parse_datetime, temporal_mask

__all__ = ["DEFAULT_LIMIT", "ITEMS_PARAMS", "item", "items"]

DEFAULT_LIMIT = 10
#: Parameters every items request may carry, beyond a collection's own property filters.
ITEMS_PARAMS = ("f", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime")


def items(dataset: Dataset, collection_id: str, request: OgcRequest) -> ApiResponse:
    """One page of a collection's features, filtered, in the requested CRS."""
    spec = COLLECTIONS.get(collection_id)
    if spec is None:
        return unknown_collection(collection_id)
    params = request.params
    check_params(params, (*ITEMS_PARAMS, *spec.filters))
    fmt = output_format(request)
    target = parse_crs_param(single(params, "crs"), "crs")
    page = parse_page(_clamped_limit(params), default_limit=DEFAULT_LIMIT)
    chosen, matched = _matching_page(dataset, spec, params, page)
    features = features_at(dataset, spec, target, chosen)
    url = f"{request.base}/collections/{spec.id}/items"
    links = _items_links(url, params, fmt, page.offset, page.limit, matched)
    links.append(
        link(f"{request.base}/collections/{spec.id}", "collection", JSON_MEDIA_TYPE, spec.title)
    )
    members = {
        "numberMatched": matched,
        "numberReturned": len(features),
        "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": links,
    }
    headers = {"Content-Crs": f"<{target.uri}>"}
    if fmt == "html":
        return html_response(
            "items.html",
            request,
            headers,
            spec=spec,
            members=members,
            crs=target,
            features=[json.loads(s) for s in features],
            offset=page.offset,
            title=f"{spec.title} — features",
            item_href=_item_href(request, spec),
        )
    body = collection_bytes(features, **members)
    return ApiResponse(200, body, GEOJSON_MEDIA_TYPE, headers)


def _items_links(
    url: str, params: Params, fmt: str, offset: int, limit: int, matched: int
) -> list[dict]:
    """self/alternate, and next/prev pages that keep every filter of this request."""
    json_type = GEOJSON_MEDIA_TYPE if fmt == "json" else HTML_MEDIA_TYPE
    links = self_links(url, params, fmt, GEOJSON_MEDIA_TYPE)
    kept = query_string(params, dropped=("offset", "limit"))
    if offset + limit < matched:
        links.append(
            link(
                href(url, kept, f"limit={limit}&offset={offset + limit}"),
                "next",
                json_type,
                "Next page",
            )
        )
    if offset > 0:
        links.append(
            link(
                href(url, kept, f"limit={limit}&offset={max(0, offset - limit)}"),
                "prev",
                json_type,
                "Previous page",
            )
        )
    return links


def _item_href(request: OgcRequest, spec: CollectionSpec) -> Callable[[Any], str]:
    kept = query_string({k: v for k, v in request.params.items() if k in ("crs", "f")})

    def item_href(feature_id: Any) -> str:
        base = f"{request.base}/collections/{spec.id}/items/{quote(str(feature_id), safe='')}"
        return href(base, kept)

    return item_href


def item(dataset: Dataset, collection_id: str, feature_id: str, request: OgcRequest) -> ApiResponse:
    spec = COLLECTIONS.get(collection_id)
    if spec is None:
        return unknown_collection(collection_id)
    check_params(request.params, ("f", "crs"))
    fmt = output_format(request)
    target = parse_crs_param(single(request.params, "crs"), "crs")
    position = _positions_by_id(dataset, spec).get(feature_id)
    if position is None:
        return error_response(
            404, "not_found", f"no feature {feature_id[:100]!r} in collection {spec.id!r}"
        )
    feature = json.loads(features_at(dataset, spec, target, np.array([position]))[0])
    url = f"{request.base}/collections/{spec.id}/items/{quote(feature_id, safe='')}"
    feature["links"] = [
        *self_links(url, request.params, fmt, GEOJSON_MEDIA_TYPE),
        link(f"{request.base}/collections/{spec.id}", "collection", JSON_MEDIA_TYPE, spec.title),
    ]
    headers = {"Content-Crs": f"<{target.uri}>"}
    if fmt == "html":
        return html_response(
            "item.html",
            request,
            headers,
            spec=spec,
            feature=feature,
            crs=target,
            title=f"{spec.title}: {feature_id}",
        )
    return json_response(feature, GEOJSON_MEDIA_TYPE, headers)


def _positions_by_id(dataset: Dataset, spec: CollectionSpec) -> dict[str, int]:
    if spec.id == "products":  # built before the workers fork
        return dataset.product_positions
    key = ("ids", spec.id)
    cache = snapshot_cache(dataset)
    if key not in cache:
        ids = frame_of(dataset, spec.id)[spec.id_column].astype(str)
        cache[key] = {value: i for i, value in enumerate(ids)}
    return cache[key]


def _matching_page(
    dataset: Dataset, spec: CollectionSpec, params: Params, page: Page
) -> tuple[np.ndarray, int]:
    """Row positions (in layer order) of one page of the features that pass the property,
    bbox and datetime filters, and how many pass in all."""
    frame = frame_of(dataset, spec.id)
    own = {k: v for k, v in params.items() if k in spec.filters}
    bbox_text = single(params, "bbox")
    bbox_crs = parse_crs_param(single(params, "bbox-crs"), "bbox-crs")
    box = parse_bbox(bbox_text, bbox_crs) if bbox_text is not None else None
    indexed = box is not None and not bbox_crs.projected and box[0] <= box[2]
    datetime_text = single(params, "datetime")
    if spec.id == "products":
        product_filter = parse_filter(own, dataset.commune_codes, dataset.region_ids)
        if indexed:  # a lon/lat box goes through the product index
            product_filter = dataclasses.replace(product_filter, bbox=box)
        if datetime_text is None and (box is None or indexed):
            return dataset.index.page(product_filter, page.offset, page.limit)
        positions = dataset.index.match(product_filter)
    else:
        positions = _property_match(frame, own)
    if box is not None and not (indexed and spec.id == "products"):
        inside = np.zeros(len(frame), dtype=bool)
        inside[bbox_match(frame, box, bbox_crs)] = True
        positions = positions[inside[positions]]
    if datetime_text is not None:
        positions = positions[
            temporal_mask(dataset, spec, parse_datetime(datetime_text))[positions]
        ]
    return positions[page.offset : page.offset + page.limit], len(positions)


def _property_match(frame: gpd.GeoDataFrame, params: Params) -> np.ndarray:
    """Equality filters on an enumerated column; an unknown value is a 400 naming the choices."""
    mask = np.ones(len(frame), dtype=bool)
    for name in params:
        value = single(params, name)
        if name not in frame:
            raise QueryError(f"{name} is not available for this collection", name)
        column = frame[name].fillna("").astype(str)
        allowed = sorted(v for v in set(column) if v)
        if value not in allowed:
            raise QueryError(
                f"unknown {name} {str(value)[:50]!r}; expected one of: {', '.join(allowed[:20])}",
                name,
            )
        mask &= (column == value).to_numpy()
    return np.flatnonzero(mask)


def _clamped_limit(params: Params) -> Params:
    """A limit above the maximum means the maximum (Part 1, fc-limit-response-1 C)."""
    text = single(params, "limit")
    if text is not None and WHOLE_NUMBER.fullmatch(text.strip()) and int(text) > MAX_LIMIT:
        return {**params, "limit": [str(MAX_LIMIT)]}
    return params
