"""The pages people share and print: a product's own page ``/p/<id>``, its JSON and its
QR codes, and the sitemap that lists them (a thin adapter over
:mod:`brandmap.present.pages`)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from brandmap import settings
from brandmap.present.map import LANGS
from brandmap.present.pages import PageLinks, render_product_page
from brandmap.present.pages.qr import QR_MEDIA_TYPES, qr_code
from brandmap.present.pages.sitemap import robots_txt, sitemap_xml
from brandmap.service import api
from brandmap.service.web.adapter import (
    Unavailable,
    answer,
    current_dataset,
    page_params,
    refuse_unreadable_query,
    send,
    service_root,
)

__all__ = ["bp", "files_bp", "page_links"]

#: Pages for people: like the map, they open whatever parameters a link carries.
bp = Blueprint("product_pages", __name__)
#: A product's files (its Feature, its QR codes): like the API, they refuse an unreadable
#: parameter with a 400 naming it.
files_bp = Blueprint("product_files", __name__)
files_bp.before_request(refuse_unreadable_query)


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


@files_bp.get("/p/<product_id>.json")
def product_json(product_id: str) -> Response:
    """The product as a GeoJSON Feature, or a JSON 404."""
    return answer(lambda: api.product(current_dataset(), product_id))


@files_bp.get("/p/<product_id>/qr.svg")
def qr_svg(product_id: str) -> Response:
    """A QR code of the product page's public address, to print at any size."""
    return _qr(product_id, "svg")


@files_bp.get("/p/<product_id>/qr.png")
def qr_png(product_id: str) -> Response:
    """The same QR code as a PNG image, for tools that take no SVG."""
    return _qr(product_id, "png")


def _qr(product_id: str, kind: str) -> Response:
    def qr() -> api.ApiResponse:
        if product_id not in current_dataset().product_positions:
            return api.error_response(404, "not_found", f"no product with id {product_id[:100]!r}")
        body = qr_code(page_links().product(product_id, _lang()), kind)
        return api.ApiResponse(200, body, QR_MEDIA_TYPES[kind])

    return answer(qr)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every public page, in both languages."""
    return answer(
        lambda: api.ApiResponse(
            200,
            sitemap_xml(current_dataset().products["id"], page_links()),
            "application/xml",
        )
    )


@bp.get("/robots.txt")
def robots() -> Response:
    return Response(robots_txt(page_links()), mimetype="text/plain")
