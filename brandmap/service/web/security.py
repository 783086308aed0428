"""Security headers for every response, set once.

The map page runs only scripts served by this app (Folium's page bootstrap is inline, so
inline scripts are allowed; no other origin is), images may come from the configured tile
server, and no other site may frame the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

__all__ = ["SecurityHeaders", "content_security_policy"]


def content_security_policy(tiles_url: str) -> str:
    """CSP allowing the app itself plus the basemap tile host for images.

    >>> policy = content_security_policy("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    >>> [p for p in policy.split("; ") if p.startswith("img-src")]
    ["img-src 'self' data: blob: https://tile.openstreetmap.org"]
    """
    parts = urlsplit(tiles_url)
    tiles = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    tiles = tiles.replace("{s}", "*")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob: {tiles}".strip(),
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


class SecurityHeaders:
    """WSGI middleware adding the security headers to every answer, errors and 304s
    included, unless a route set one itself."""

    def __init__(self, app: Callable, tiles_url: str) -> None:
        self.app = app
        self.headers = (
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "strict-origin-when-cross-origin"),
            ("X-Frame-Options", "SAMEORIGIN"),
            ("Content-Security-Policy", content_security_policy(tiles_url)),
            ("Cross-Origin-Resource-Policy", "cross-origin"),
        )

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        def with_policy(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            present = {name.lower() for name, _ in headers}
            headers.extend(h for h in self.headers if h[0].lower() not in present)
            return start_response(status, headers, exc_info)

        return self.app(environ, with_policy)
