"""Where the map page's own files lie on disk: labels, script modules, stylesheet and the
npm packages it serves instead of a CDN."""

from __future__ import annotations

from brandmap.settings import REPO_ROOT

__all__ = ["MESSAGES_PATH", "NODE_MODULES", "STATIC_DIR", "WEB_DIR"]

WEB_DIR = REPO_ROOT / "web"
STATIC_DIR = WEB_DIR / "static"
NODE_MODULES = WEB_DIR / "node_modules"
MESSAGES_PATH = WEB_DIR / "i18n" / "messages.json"
