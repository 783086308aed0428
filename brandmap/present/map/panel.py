"""The side panel of the map page: search, filters, choropleth, near-me and drawing tools,
the results list and where the data comes from. Static HTML in the page's language; the
script fills the lists and counts."""

from __future__ import annotations

from collections.abc import Mapping

from jinja2 import Environment

from brandmap.catalog.certificates import CERTIFICATE_STATUSES
from brandmap.catalog.schema import BRAND_TYPES, CATEGORIES, VALUE_CHAINS
from brandmap.present.map.messages import other_lang

__all__ = ["render_panel"]

_PANEL = Environment(autoescape=True).from_string(
    """
<a class="bm-skip" href="#bm-search">{{ t.search_label }}</a>
<header class="bm-bar">
  <button type="button" id="bm-toggle" class="bm-toggle" aria-controls="bm-panel"
          aria-expanded="false">&#9776; {{ t.panel_toggle }}</button>
  <h1 class="bm-title">{{ t.short_title }}</h1>
  <span id="bm-geometry-badge" class="bm-badge" role="note" title="{{ t.geometry_approximate }}"
        hidden>{{ t.geometry_badge }}</span>
  <a id="bm-lang" class="bm-lang" href="?lang={{ other_lang }}" hreflang="{{ other_lang }}"
     lang="{{ other_lang }}">{{ t.lang_switch }}</a>
</header>
<aside id="bm-panel" class="bm-panel" aria-label="{{ t.panel_toggle }}">
  <div class="bm-panel-head">
    <h2>{{ t.title }}</h2>
    <button type="button" id="bm-close" class="btn-close" aria-label="{{ t.panel_close }}"></button>
  </div>
  <p id="bm-geometry-note" class="bm-note" role="note" hidden>{{ t.geometry_approximate }}</p>
  <p id="bm-status" class="bm-status" role="status">{{ t.loading }}</p>
  <form id="bm-filters" class="bm-filters" role="search" onsubmit="return false">
    <label for="bm-search">{{ t.search_label }}</label>
    <input id="bm-search" name="q" type="search" class="form-control form-control-sm"
           autocomplete="off" placeholder="{{ t.search_placeholder }}">
    <div class="bm-grid">
      <label>{{ t.filter_category }}
        <select name="category" class="form-select form-select-sm">
          <option value="">{{ t.any }}</option>
          {%- for code in categories %}
          <option value="{{ code }}">{{ t['cat_' ~ code] }}</option>
          {%- endfor %}
        </select></label>
      <label>{{ t.filter_brand_type }}
        <select name="brand_type" class="form-select form-select-sm">
          <option value="">{{ t.any }}</option>
          {%- for code in brand_types %}
          <option value="{{ code }}">{{ t['bt_' ~ code] }}</option>
          {%- endfor %}
        </select></label>
      <label>{{ t.filter_min_stars }}
        <select name="min_stars" class="form-select form-select-sm">
          <option value="">{{ t.any }}</option>
          {%- for n in (3, 4, 5) %}
          <option value="{{ n }}">{{ n }}★+</option>
          {%- endfor %}
        </select></label>
      <label>{{ t.filter_ocop_status }}
        <select name="ocop_status" class="form-select form-select-sm">
          <option value="">{{ t.any }}</option>
          {%- for code in certificate_statuses %}
          <option value="{{ code }}">{{ t['cert_' ~ code] }}</option>
          {%- endfor %}
        </select></label>
      <label>{{ t.filter_value_chain }}
        <select name="value_chain" class="form-select form-select-sm">
          <option value="">{{ t.any }}</option>
          {%- for code in value_chains %}
          <option value="{{ code }}">{{ t['vc_' ~ code] }}</option>
          {%- endfor %}
        </select></label>
      <label>{{ t.filter_commune }}
        <select name="commune" class="form-select form-select-sm">
          <option value="">{{ t.any }}</option>
        </select></label>
      <label>{{ t.filter_region }}
        <select name="region" class="form-select form-select-sm">
          <option value="">{{ t.any }}</option>
        </select></label>
    </div>
    <div class="bm-row">
      <button type="button" id="bm-reset"
        class="btn btn-sm btn-outline-secondary">{{ t.reset }}</button>
      <button type="button" id="bm-share"
        class="btn btn-sm btn-outline-primary">{{ t.share }}</button>
    </div>
  </form>
  <section class="bm-section">
    <h3>{{ t.choropleth }}</h3>
    <select id="bm-choropleth" class="form-select form-select-sm" aria-label="{{ t.choropleth }}">
      <option value="product_count">{{ t.choro_product_count }}</option>
      <option value="ocop45">{{ t.choro_ocop45 }}</option>
      <option value="value_chain">{{ t.choro_value_chain }}</option>
      <option value="none">{{ t.choro_none }}</option>
    </select>
  </section>
  <section class="bm-section">
    <h3>{{ t.near_title }}</h3>
    <p class="bm-help">{{ t.near_help }}</p>
    <div class="bm-row">
      <button type="button" id="bm-near-pick"
        class="btn btn-sm btn-outline-primary">{{ t.near_pick }}</button>
      <label class="bm-inline">{{ t.near_radius }}
        <input id="bm-near-radius" type="number" min="0.5" max="100" step="0.5" value="5"
               class="form-control form-control-sm"></label>
    </div>
    <p id="bm-near-state" class="bm-help" hidden></p>
    <button type="button" id="bm-near-clear"
      class="btn btn-sm btn-link" hidden>{{ t.near_clear }}</button>
  </section>
  <section class="bm-section">
    <h3>{{ t.draw_title }}</h3>
    <p class="bm-help">{{ t.draw_help }}</p>
    <div id="bm-draw-state" hidden></div>
    <button type="button" id="bm-draw-clear"
      class="btn btn-sm btn-link" hidden>{{ t.draw_clear }}</button>
    <div class="bm-row">
      <a id="bm-export-api"
        class="btn btn-sm btn-outline-secondary" href="#" download>{{ t.export_api }}</a>
      <button type="button" id="bm-export-client"
        class="btn btn-sm btn-outline-secondary">{{ t.export_client }}</button>
    </div>
  </section>
  <section id="bm-detail" class="bm-section bm-detail" aria-live="polite" hidden></section>
  <section class="bm-section">
    <h3><span>{{ t.results }}</span> <span id="bm-count" class="bm-count"></span></h3>
    <ol id="bm-results" class="bm-results"></ol>
  </section>
  <section class="bm-section bm-about">
    <h3>{{ t.about_title }}</h3>
    <ul id="bm-about"></ul>
  </section>
</aside>
<div id="bm-tiles-note" class="bm-tiles-note" role="status" hidden>{{ t.tiles_failed }}</div>
"""
)


def render_panel(lang: str, t: Mapping[str, str]) -> str:
    """The panel's HTML with the labels ``t`` of the page language ``lang``."""
    return _PANEL.render(
        t=t,
        other_lang=other_lang(lang),
        categories=CATEGORIES,
        brand_types=BRAND_TYPES,
        certificate_statuses=CERTIFICATE_STATUSES,
        value_chains=VALUE_CHAINS,
    )
