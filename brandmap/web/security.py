"""Security headers for every response, set once.

The map page runs only scripts served by this app (Folium's page bootstrap is inline, so
inline scripts are allowed; no other origin is), images may come from the configured tile
server, and no other site may frame the page.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response

from brandmap import settings

__all__ = ["content_security_policy", "install_security_headers"]


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


def install_security_headers(app: Flask) -> None:
    policy = content_security_policy(settings.get("tiles_url"))

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
        return response
