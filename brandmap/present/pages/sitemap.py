"""What search engines are told: every public page (``/sitemap.xml``) and where the
sitemap is (``/robots.txt``)."""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import quoteattr

from brandmap.present.map.messages import LANGS
from brandmap.present.pages.links import PageLinks

__all__ = ["robots_txt", "sitemap_xml"]

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)


def sitemap_xml(product_ids: Iterable[str], links: PageLinks) -> bytes:
    """The map page and every product page, each in both languages, with its alternates.

    >>> text = sitemap_xml(["buoi"], PageLinks("https://x.vn")).decode()
    >>> text.count("<url>"), "https://x.vn/p/buoi?lang=en" in text
    (4, True)
    """
    root = links.public_root.rstrip("/")
    pages = [{lang: root + links.site("/", lang, base="") for lang in LANGS}]
    pages += [{lang: links.product(pid, lang) for lang in LANGS} for pid in product_ids]
    entries = [_entry(page[lang], page) for page in pages for lang in LANGS]
    return (_HEAD + "".join(entries) + "</urlset>\n").encode()


def _entry(url: str, alternates: dict[str, str]) -> str:
    others = "".join(
        f'<xhtml:link rel="alternate" hreflang="{lang}" href={quoteattr(href)}/>'
        for lang, href in alternates.items()
    )
    return f"<url><loc>{_text(url)}</loc>{others}</url>\n"


def _text(value: str) -> str:
    return quoteattr(value)[1:-1]


def robots_txt(links: PageLinks) -> str:
    """Crawlers are welcome on the pages, not on the data API (it is for programs)."""
    root = links.public_root.rstrip("/")
    return f"User-agent: *\nDisallow: {links.base}/api/\nSitemap: {root}/sitemap.xml\n"
