/*
 * The side panel: opening and closing it, the status line, the results list and a
 * product's details, the client-side export, and what the page says about its data
 * (approximate boundaries, sources, tiles that failed to load).
 */
import { el, escapeHtml, htmlToText } from './dom.js';
import { COLLATOR } from './text.js';

const MAX_LISTED = 200;

export const panel = {
  status(text) {
    var node = document.getElementById('bm-status');
    node.textContent = text || '';
    node.hidden = !text;
  },

  setPanel(open) {
    document.body.classList.toggle('bm-panel-open', open);
    document.body.classList.toggle('bm-panel-closed', !open);
    document.getElementById('bm-toggle').setAttribute('aria-expanded', String(open));
    var map = this.map;
    setTimeout(function () { map.invalidateSize(); }, 260);
  },

  bindPanel() {
    var self = this;
    this.setPanel(window.innerWidth >= 768);
    document.getElementById('bm-toggle').addEventListener('click', function () {
      self.setPanel(!document.body.classList.contains('bm-panel-open'));
    });
    document.getElementById('bm-close').addEventListener('click', function () { self.setPanel(false); });
  },

  renderResults() {
    var self = this, list = document.getElementById('bm-results');
    document.getElementById('bm-count').textContent =
      this.msg('results_count', { n: this.matched.length, total: this.products.length });
    var listed = this.filters.q ? this.matched.slice(0, MAX_LISTED) : this.bestRated();
    var items = listed.map(function (item) {
      var meta = [self.label('cat_', item.props.category), item.props.commune_name]
        .filter(Boolean).join(' · ');
      return el('li', null, [el('button', {
        type: 'button', className: 'bm-result', 'data-product-id': item.props.id,
        title: self.msg('zoom_to'), onclick: function () { self.zoomTo(item); }
      }, [
        el('span', { className: 'bm-result-name', text: item.name }),
        item.stars ? el('span', { className: 'bm-result-stars', text: item.stars + '★' }) : null,
        meta ? el('span', { className: 'bm-result-meta', text: meta }) : null
      ]), el('a', { className: 'bm-result-page', href: self.productPage(item.props.id),
        title: self.msg('page_link'), 'aria-label': self.msg('page_link') + ': ' + item.name, text: '↗' })]);
    });
    if (!this.matched.length) items.push(el('li', { className: 'bm-empty', text: this.msg('no_results') }));
    if (!this.matched.length && this.filters.q) items.push(this.searchWayOut());
    if (this.matched.length > listed.length) {
      items.push(el('li', { className: 'bm-more', text: this.msg('results_more', { n: this.matched.length - listed.length }) }));
    }
    list.replaceChildren.apply(list, items);
  },

  /** Without a search the list shows the best-rated first: walk the star levels, then
   * sort only what is listed. (A search lists its best matches first.) */
  bestRated() {
    var self = this, listed = [];
    [5, 4, 3, 0].forEach(function (stars) {
      for (var i = 0; i < self.matched.length && listed.length < MAX_LISTED; i++) {
        if (self.matched[i].stars === stars) listed.push(self.matched[i]);
      }
    });
    return listed.sort(function (a, b) { return (b.stars - a.stars) || COLLATOR.compare(a.name, b.name); });
  },

  /** A search that finds nothing: the API's "did you mean" searches, one click each, and
   * a button that clears the search. */
  searchWayOut() {
    var self = this, input = document.getElementById('bm-search');
    var search = function (q) {
      input.value = q;
      self.setFilter('q', q);
    };
    var suggestions = this.search && this.search.q === this.filters.q ? this.search.suggestions : [];
    var children = suggestions.length ? [el('span', { text: this.msg('did_you_mean') + ' ' })] : [];
    suggestions.forEach(function (q) {
      children.push(el('button', { type: 'button', className: 'btn btn-link btn-sm bm-suggestion', text: q,
        onclick: function () { search(q); } }));
    });
    children.push(el('button', { type: 'button', className: 'btn btn-outline-secondary btn-sm bm-clear-search',
      text: this.msg('clear_search'), onclick: function () { search(''); } }));
    return el('li', { className: 'bm-did-you-mean' }, children);
  },

  zoomTo(item) {
    var marker = this.markerOf(item), self = this;
    if (window.innerWidth < 768) this.setPanel(false);
    this.showDetail(item);
    if (!this.map.hasLayer(this.h.products)) this.map.addLayer(this.h.products);
    if (this.h.products.hasLayer(marker)) {
      this.h.products.zoomToShowLayer(marker, function () { self.openProduct(marker); });
    } else {  // still being loaded into the cluster layer
      this.map.setView([item.lat, item.lon], Math.max(this.map.getZoom(), 15));
      L.popup({ maxWidth: 320, minWidth: 220 }).setLatLng([item.lat, item.lon])
        .setContent(this.productCard(item, true)).openOn(this.map);
    }
  },

  showDetail(item) {
    var section = document.getElementById('bm-detail');
    section.replaceChildren(this.productCard(item, false));
    section.hidden = false;
  },

  exportClient() {
    var features = this.matched.map(function (item) {
      return { type: 'Feature', id: item.props.id, geometry: { type: 'Point', coordinates: [item.lon, item.lat] }, properties: item.props };
    });
    var blob = new Blob([JSON.stringify({ type: 'FeatureCollection', features: features })], { type: 'application/geo+json' });
    var link = el('a', { href: URL.createObjectURL(blob), download: 'brandmap-products.geojson' });
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  },

  /** Leaflet's own controls carry English titles: give them ours. */
  localizeControls() {
    var container = this.map.getContainer(), self = this;
    [['.leaflet-control-zoom-in', 'zoom_in'], ['.leaflet-control-zoom-out', 'zoom_out'],
      ['.leaflet-control-layers-toggle', 'layers_title']].forEach(function (pair) {
      var node = container.querySelector(pair[0]);
      if (node) { node.title = self.msg(pair[1]); node.setAttribute('aria-label', self.msg(pair[1])); }
    });
  },

  watchTiles() {
    var errors = 0, note = document.getElementById('bm-tiles-note');
    this.map.eachLayer(function (layer) {
      if (!(layer instanceof L.TileLayer)) return;
      layer.on('tileerror', function () {
        errors += 1;
        if (errors === 2) {
          note.hidden = false;
          setTimeout(function () { note.hidden = true; }, 8000);
        }
      });
      layer.on('tileload', function () { errors = 0; note.hidden = true; });
    });
  },

  showGeometryNote(quality) {
    // Unknown quality is shown as approximate: never claim more precision than we know.
    // The note explains in the panel; the badge keeps it visible while the panel is closed.
    document.getElementById('bm-geometry-note').hidden = quality === 'official';
    document.getElementById('bm-geometry-badge').hidden = quality === 'official';
  },

  showAbout() {
    var info = this.health || {};
    var quality = info.geometry_quality || this.config.geometry_quality ||
      (this.communes && this.communes.geometry_quality) || 'approximate';
    var vintage = info.data_vintage || this.config.data_vintage || (this.communes && this.communes.data_vintage);
    this.showGeometryNote(quality);
    var kind = quality === 'official' ? 'official' : 'approximate';
    var boundaryText = this.msg('about_boundaries', { q: this.msg('about_boundaries_' + kind) }) +
      ' — ' + (info.boundaries_source || this.msg('source_boundaries_' + kind));
    var items = [
      el('li', { text: boundaryText }),
      el('li', { text: this.msg('about_products') }),
      el('li', { text: this.msg('about_tiles') + ': ' + htmlToText(this.config.tiles.attribution) }),
      vintage ? el('li', { text: this.msg('about_vintage') + ': ' + vintage }) : null,
      info.products != null ? el('li', { text: this.msg('about_count', { n: info.products, c: info.communes }) }) : null
    ].filter(Boolean);
    var list = document.getElementById('bm-about');
    list.replaceChildren.apply(list, items);
    if (!this.attributed && this.map.attributionControl) {
      this.map.attributionControl.addAttribution(escapeHtml(this.msg('attr_boundaries_' + (quality === 'official' ? 'official' : 'approximate'))));
      this.map.attributionControl.addAttribution(escapeHtml(this.msg('attr_products')));
      this.attributed = true;
    }
  }
};
