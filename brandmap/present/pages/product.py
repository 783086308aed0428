"""A product's own page: what it is, its brands and certificate, who makes it and where,
where to buy it, and its source, in Vietnamese or English, with the tags that let a shared
link show a card (Open Graph, Twitter) and search engines read it (schema.org JSON-LD).

Everything comes from the served :class:`~brandmap.present.dataset.Dataset`: a request reads
no store.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import numpy as np

from brandmap.present.dataset import PRODUCT_PROPERTIES, Dataset
from brandmap.present.map.messages import LANGS, load_messages, other_lang
from brandmap.present.pages.links import PageLinks
from brandmap.present.pages.place_svg import PlaceDrawing, place_drawing
from brandmap.present.pages.render import render
from brandmap.present.pages.schema_org import product_json_ld
from brandmap.values import json_value

__all__ = ["render_product_not_found", "render_product_page"]

RELATED_SHOWN = 6
DESCRIPTION_CHARS = 200
WHOLE_NUMBERS = ("ocop_stars", "ocop_year")
RELATED_BY = (("commune_code", "page_related_commune"), ("value_chain", "page_related_chain"))


def render_product_page(
    dataset: Dataset, product_id: str, lang: str, links: PageLinks
) -> tuple[int, str]:
    """The page of ``product_id`` (200), or the not-found page in ``lang`` (404)."""
    lang = lang if lang in LANGS else "vi"
    position = dataset.product_positions.get(product_id)
    if position is None:
        return 404, render_product_not_found(lang, links)
    labels = load_messages(lang)
    product = _product(dataset, position)
    facts = _facts(dataset, product, labels, lang)
    canonical = links.product(product_id, lang)
    page = {
        "lang": lang,
        "other_lang": other_lang(lang),
        "msg": labels,
        "links": links,
        "product": product,
        "facts": facts,
        "canonical": canonical,
        "alternates": {code: links.product(product_id, code) for code in LANGS},
        "description": _summary(product, facts, labels, lang),
        "related": _related(dataset, product, links, lang),
        "drawing": _drawing(dataset, product),
        "approximate": dataset.snapshot.meta.get("geometry_quality") != "official",
        "json_ld": product_json_ld(product, facts, canonical),
    }
    return 200, render("product.html", **page)


def render_product_not_found(lang: str, links: PageLinks) -> str:
    """The page a link to an unknown (or withdrawn) product opens, in its language."""
    lang = lang if lang in LANGS else "vi"
    return render(
        "product_not_found.html",
        lang=lang,
        other_lang=other_lang(lang),
        msg=load_messages(lang),
        links=links,
    )


def _product(dataset: Dataset, position: int) -> dict[str, Any]:
    """The product's served properties as plain values, with its point."""
    row = dataset.products.iloc[position]
    product = {name: json_value(row.get(name)) for name in (*PRODUCT_PROPERTIES, "buy_links")}
    for name in WHOLE_NUMBERS:  # a year read into a float column says 2022, not 2022.0
        if isinstance(product[name], float):
            product[name] = int(product[name])
    product["point"] = row.geometry
    return product


def _name(product: dict[str, Any], lang: str) -> str:
    first, second = ("name_en", "name_vi") if lang == "en" else ("name_vi", "name_en")
    return product.get(first) or product.get(second) or product["id"]


def _label(labels: dict[str, str], prefix: str, code: Any) -> str | None:
    return labels.get(f"{prefix}{code}", str(code)) if code else None


def _facts(
    dataset: Dataset, product: dict[str, Any], labels: dict[str, str], lang: str
) -> dict[str, Any]:
    """What the page says about the product, labelled in ``lang``."""
    name = _name(product, lang)
    other = product.get("name_vi" if lang == "en" else "name_en")
    status = product.get("ocop_status")
    return {
        "name": name,
        "other_name": other if other and other != name else None,
        "other_name_lang": "vi" if lang == "en" else "en",
        "category": _label(labels, "cat_", product.get("category")),
        "brands": _brands(product, labels),
        "certificate": labels.get(f"cert_{status}") if status and status != "unknown" else None,
        "producer_kind": _label(labels, "pk_", product.get("producer_kind")),
        "value_chain": _label(labels, "vc_", product.get("value_chain")),
        "region": _region_name(dataset, product.get("region"), lang),
        "description": _description(product, lang),
        "phone_href": _phone_href(product.get("phone")),
        "website_href": _web_href(product.get("website"), assume_https=True),
        "source_href": _web_href(product.get("source_url")),
        "source_host": urlsplit(str(product.get("source_url") or "")).hostname,
        "buy_links": _buy_links(product.get("buy_links")),
        "location": labels.get(f"location_quality_{product.get('location_quality')}"),
    }


def _brands(product: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Each brand type with its numbers: the GI number, the OCOP stars and decision."""
    codes = product.get("brand_types") or []
    codes = codes.split(";") if isinstance(codes, str) else codes
    brands = []
    for code in (c.strip() for c in codes if c and c.strip()):
        brand: dict[str, Any] = {"code": code, "label": _label(labels, "bt_", code)}
        if code == "gi":
            brand["number"] = product.get("gi_number")
        if code == "ocop":
            brand["stars"] = product.get("ocop_stars")
            brand["year"] = product.get("ocop_year")
            brand["decision"] = product.get("ocop_decision")
            brand["decision_date"] = product.get("ocop_decision_date")
        brands.append(brand)
    return brands


def _region_name(dataset: Dataset, region_id: Any, lang: str) -> str | None:
    if not region_id:
        return None
    regions = dataset.snapshot.regions
    found = regions[regions["id"] == region_id]
    if found.empty:
        return str(region_id)
    names = found.iloc[0]
    first, second = ("name_en", "name_vi") if lang == "en" else ("name_vi", "name_en")
    return json_value(names.get(first)) or json_value(names.get(second)) or str(region_id)


def _description(product: dict[str, Any], lang: str) -> str | None:
    first, second = (
        ("description_en", "description_vi")
        if lang == "en"
        else (
            "description_vi",
            "description_en",
        )
    )
    return product.get(first) or product.get(second)


def _summary(
    product: dict[str, Any], facts: dict[str, Any], labels: dict[str, str], lang: str
) -> str:
    """The meta description: what the page is, then the start of the product's own text."""
    place = product.get("commune_name") or labels["page_province"]
    said = labels["page_description"].format(
        name=facts["name"], category=facts["category"] or labels["page_product"], place=place
    )
    text = facts["description"]
    if text:
        said = f"{said} {text}"
    return said if len(said) <= DESCRIPTION_CHARS else said[: DESCRIPTION_CHARS - 1] + "…"


def _phone_href(phone: Any) -> str | None:
    digits = "".join(c for c in str(phone or "") if c.isdigit() or c == "+")
    return f"tel:{digits}" if digits else None


def _web_href(url: Any, assume_https: bool = False) -> str | None:
    """An http(s) address to link to, or None (no ``javascript:`` from the data)."""
    text = str(url or "").strip()
    if assume_https and text and "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    return text if parts.scheme in ("http", "https") and parts.netloc else None


def _buy_links(value: Any) -> list[dict[str, str]]:
    """Where to buy: each http(s) address with the host it goes to."""
    items = value.split(";") if isinstance(value, str) else value or []
    found = []
    for item in items:
        url = item.get("url") if isinstance(item, dict) else item
        href = _web_href(url)
        if href:
            label = item.get("name") if isinstance(item, dict) else None
            found.append({"href": href, "label": label or urlsplit(href).hostname or href})
    return found


def _related(
    dataset: Dataset, product: dict[str, Any], links: PageLinks, lang: str
) -> list[dict[str, Any]]:
    """Products of the same commune, then of the same value chain, as links."""
    frame = dataset.products
    others = frame["id"].to_numpy() != product["id"]
    groups = []
    for key, heading in RELATED_BY:
        value = product.get(key)
        if not value:
            continue
        positions = np.flatnonzero(others & (frame[key].to_numpy() == value))[:RELATED_SHOWN]
        if len(positions):
            items = [_related_item(frame, position, links, lang) for position in positions]
            groups.append({"heading": heading, "items": items})
    return groups


def _related_item(frame, position: int, links: PageLinks, lang: str) -> dict[str, Any]:
    product = {
        name: json_value(frame[name].iat[position])
        for name in ("id", "name_vi", "name_en", "ocop_stars")
    }
    return {
        "name": _name(product, lang),
        "href": links.site_product(product["id"], lang),
        "stars": product["ocop_stars"],
    }


def _drawing(dataset: Dataset, product: dict[str, Any]) -> PlaceDrawing | None:
    communes = dataset.snapshot.communes
    found = np.flatnonzero(communes["code"].to_numpy() == product.get("commune_code"))
    outline = communes.geometry.values[found[0]] if len(found) else None
    return place_drawing(outline, product.get("point"))
