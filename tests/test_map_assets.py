"""Which files the map page loads: all from this service, Folium's CDN links replaced by
npm files under /static/vendor/, and nothing else served from web/node_modules."""

from __future__ import annotations

import re

import pytest

from brandmap.present.map import assets
from brandmap.present.map.files import NODE_MODULES, STATIC_DIR
from brandmap.present.map.page import render_map_page


def test_page_has_no_cdn_and_no_external_assets():
    html = render_map_page()
    assert assets.external_asset_urls(html) == []
    for host in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "unpkg", "googleapis"):
        assert host not in html
    # The basemap tile template is the only outside URL on the page.
    outside = set(re.findall(r"https?://[^\"'\s)<>]+", html))
    assert outside <= {"https://tile.openstreetmap.org/{z}/{x}/{y}.png"}


def test_every_folium_asset_is_mapped_to_an_npm_file():
    import folium
    from folium import plugins

    used = [
        folium.Map,
        plugins.MarkerCluster,
        plugins.Draw,
        plugins.LocateControl,
        plugins.Fullscreen,
    ]
    for element in used:
        for name, _url in [*element.default_js, *element.default_css]:
            assert name in assets.VENDOR_ASSETS or name in assets.DROPPED_ASSETS, name


def test_an_unmapped_asset_is_refused():
    import folium

    fmap = folium.Map(tiles=None)
    fmap.default_js = [*fmap.default_js, ("new_plugin", "https://cdn.example/plugin.js")]
    with pytest.raises(ValueError, match="new_plugin"):
        assets.self_host_assets(fmap)


@pytest.mark.skipif(not NODE_MODULES.is_dir(), reason="npm ci --prefix web has not run")
def test_vendor_files_exist():
    html = render_map_page()
    for url in re.findall(r'(?:src|href)="(/static/vendor/[^"]+)"', html):
        assert assets.vendor_file(url.removeprefix("/static/vendor/")) is not None, url


def test_vendor_file_refuses_other_paths():
    assert assets.vendor_file("../package.json") is None
    assert assets.vendor_file("leaflet/package.json") is None  # not an asset type
    assert assets.vendor_file("left-pad/index.js") is None  # not one of our packages


def test_page_modules_are_the_script_folder():
    modules = assets.page_modules()
    assert assets.ENTRY_MODULE in modules
    on_disk = {p.name for p in (STATIC_DIR / assets.SCRIPT_FOLDER).glob("*.js")}
    assert {url.rsplit("/", 1)[1] for url in modules} == on_disk
    html = render_map_page()
    assert f'<script type="module" src="{assets.ENTRY_MODULE}"></script>' in html
    assert html.count('rel="modulepreload"') == len(modules) - 1
