"""The pages people share and print: a product's own page ``/p/<id>`` and its JSON
(a thin adapter over :mod:`brandmap.present.pages`)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from brandmap import settings
from brandmap.present.map import LANGS
from brandmap.present.pages import PageLinks, render_product_page
from brandmap.service import api
from brandmap.service.web.adapter import (
    Unavailable,
    answer,
    current_dataset,
    page_params,
    send,
    service_root,
)

__all__ = ["bp", "page_links"]

bp = Blueprint("product_pages", __name__)


def page_links() -> PageLinks:
    """The public address (``BRANDMAP_PUBLIC_URL``, else this request's, proxies honoured)
    and the mount point of in-site links."""
    return PageLinks(settings.get("public_url") or service_root(), request.script_root)


def _lang() -> str:
    lang = (page_params().get("lang") or ["vi"])[0]
    return lang if lang in LANGS else "vi"


def _html(status: int, html: str, lang: str) -> Response:
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Content-Language"] = lang
    return response


@bp.get("/p/<product_id>")
def product(product_id: str) -> Response:
    """The product's page in ``?lang=`` (Vietnamese by default); unknown id → 404 page."""
    lang = _lang()
    try:
        status, html = render_product_page(current_dataset(), product_id, lang, page_links())
    except Unavailable:
        return send(api.error_response(503, "unavailable", "the data store is not available"))
    return _html(status, html, lang)


@bp.get("/p/<product_id>.json")
def product_json(product_id: str) -> Response:
    """The product as a GeoJSON Feature, or a JSON 404."""
    return answer(lambda: api.product(current_dataset(), product_id))
