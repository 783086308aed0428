"""Pages people share, print and embed: a product's own page, made on the server from the
served dataset (no Flask here; :mod:`brandmap.service.web` sends them)."""

from brandmap.present.pages.links import PageLinks
from brandmap.present.pages.product import render_product_not_found, render_product_page

__all__ = ["PageLinks", "render_product_not_found", "render_product_page"]
