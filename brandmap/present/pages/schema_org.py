"""The schema.org description of a product page (JSON-LD), for search engines and the
apps that read a shared link."""

from __future__ import annotations

from typing import Any

__all__ = ["product_json_ld"]


def product_json_ld(product: dict[str, Any], facts: dict[str, Any], url: str) -> dict[str, Any]:
    """A ``Product``: its name, category and brands, made by an ``Organization`` located at
    a ``Place`` with its coordinates. Empty facts are left out."""
    place = _place(product)
    maker = {"@type": "Organization", "name": product.get("producer"), "location": place}
    if facts.get("website_href"):
        maker["url"] = facts["website_href"]
    if product.get("phone"):
        maker["telephone"] = product["phone"]
    document = {
        "@context": "https://schema.org",
        "@type": "Product",
        "@id": url,
        "url": url,
        "identifier": product["id"],
        "name": facts["name"],
        "alternateName": facts.get("other_name"),
        "description": facts.get("description"),
        "category": facts.get("category"),
        "brand": [{"@type": "Brand", "name": b["label"]} for b in facts.get("brands", [])],
        "award": _award(product),
        "manufacturer": _without_empty(maker),
    }
    return _without_empty(document)


def _place(product: dict[str, Any]) -> dict[str, Any]:
    point = product.get("point")
    address = {
        "@type": "PostalAddress",
        "streetAddress": product.get("address_published"),
        "addressLocality": product.get("commune_name"),
        "addressRegion": "Vĩnh Long",
        "addressCountry": "VN",
    }
    place = {"@type": "Place", "name": product.get("commune_name"), "address": address}
    if point is not None and not point.is_empty:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": round(point.y, 6),
            "longitude": round(point.x, 6),
        }
    return _without_empty(place)


def _award(product: dict[str, Any]) -> str | None:
    stars = product.get("ocop_stars")
    return f"OCOP {stars}★" if stars else None


def _without_empty(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if v not in (None, "", [], {})}
