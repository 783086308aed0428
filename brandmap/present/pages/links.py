"""Where a page lives: the absolute addresses shared, printed and indexed, and the
in-site links a page follows."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

__all__ = ["PageLinks"]

DEFAULT_LANG = "vi"


@dataclass(frozen=True)
class PageLinks:
    """``public_root`` is the service's public address (``BRANDMAP_PUBLIC_URL``, else the
    request's, proxies honoured) for canonical URLs, Open Graph and QR codes; ``base`` is
    the path the service is mounted at, for links within the site.

    >>> links = PageLinks("https://brandmap.example.vn/", "")
    >>> links.product("buoi nam-roi", "en")
    'https://brandmap.example.vn/p/buoi%20nam-roi?lang=en'
    >>> links.site_product("buoi", "vi")
    '/p/buoi'
    """

    public_root: str
    base: str = ""

    def product(self, product_id: str, lang: str = DEFAULT_LANG) -> str:
        """The product page's public address (Vietnamese, the default, has no ``lang``)."""
        return self.public_root.rstrip("/") + self.site_product(product_id, lang, "")

    def site_product(self, product_id: str, lang: str, base: str | None = None) -> str:
        path = f"{self.base if base is None else base}/p/{quote(product_id, safe='')}"
        return path if lang == DEFAULT_LANG else f"{path}?lang={lang}"

    def site(
        self, path: str, lang: str = DEFAULT_LANG, base: str | None = None, **query: str
    ) -> str:
        """A path of this site in ``lang`` with ``query`` (the map page is ``/``).

        >>> PageLinks("https://x.vn").site("/", "en", commune="29212")
        '/?lang=en&commune=29212'
        """
        if lang != DEFAULT_LANG:
            query = {"lang": lang, **query}
        start = self.base if base is None else base
        return f"{start}{path}" + (f"?{urlencode(query)}" if query else "")
