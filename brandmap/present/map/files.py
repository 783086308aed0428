"""Where the map page's own files lie on disk: labels, script modules, stylesheet and the
npm packages it serves instead of a CDN (in a checkout or inside the installed package:
:mod:`brandmap.resources` knows which)."""

from __future__ import annotations

from brandmap import resources

__all__ = ["MESSAGES_PATH", "NODE_MODULES", "STATIC_DIR", "WEB_DIR"]

WEB_DIR = resources.web_dir()
STATIC_DIR = resources.static_dir()
NODE_MODULES = resources.npm_dir()
MESSAGES_PATH = resources.messages_path()
