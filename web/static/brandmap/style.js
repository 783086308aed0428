/*
 * Styling: marker icons by category and OCOP stars, the commune choropleth (product count,
 * OCOP 4–5★, main value chain) and its legend.
 */
import { el } from './dom.js';

const CATEGORY_STYLE = {
  thuc_pham: { color: '#c2410c', icon: 'fa-bowl-food' },
  do_uong: { color: '#1d4ed8', icon: 'fa-mug-hot' },
  thao_duoc: { color: '#15803d', icon: 'fa-leaf' },
  vai_may_mac: { color: '#7e22ce', icon: 'fa-shirt' },
  luu_niem_noi_that: { color: '#a16207', icon: 'fa-gift' },
  du_lich_cong_dong: { color: '#0e7490', icon: 'fa-person-hiking' }
};

const FALLBACK_STYLE = { color: '#475569', icon: 'fa-tag' };

const COUNT_COLOURS = ['#f8fafc', '#fdd49e', '#fdbb84', '#fc8d59', '#ef6548', '#d7301f', '#990000'];

const CHAIN_COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d',
  '#666666', '#1f78b4', '#b2df8a', '#fb9a99', '#cab2d6', '#ffff99', '#b15928'];

export const styling = {
  iconFor(p) {
    var category = CATEGORY_STYLE[p.category] ? p.category : 'other';
    var stars = [3, 4, 5].indexOf(Number(p.ocop_stars)) >= 0 ? Number(p.ocop_stars) : 0;
    var expired = p.ocop_status === 'expired';
    var key = category + stars + (expired ? 'x' : '');
    if (!this.iconCache[key]) {
      var style = CATEGORY_STYLE[category] || FALLBACK_STYLE;
      // Only constants go into this HTML: class names from the table and a digit. An expired
      // certificate's badge is grey and struck through; the legend and the popup say it in words.
      var badge = expired ? '<span class="bm-star bm-star-expired"><s>' + stars + '★</s></span>' :
        '<span class="bm-star">' + stars + '★</span>';
      var html = '<span class="bm-pin" style="background:' + style.color + '">' +
        '<i class="fa-solid ' + style.icon + '" aria-hidden="true"></i></span>' +
        (stars ? badge : '');
      this.iconCache[key] = L.divIcon({ className: 'bm-marker', html: html, iconSize: [28, 28],
        iconAnchor: [14, 14], popupAnchor: [0, -12] });
    }
    return this.iconCache[key];
  },

  mainChains() {
    var tally = {};
    this.products.forEach(function (item) {
      var code = item.props.commune_code, chain = item.props.value_chain;
      if (!code || !chain) return;
      tally[code] = tally[code] || {};
      tally[code][chain] = (tally[code][chain] || 0) + 1;
    });
    var main = {};
    Object.keys(tally).forEach(function (code) {
      main[code] = Object.keys(tally[code]).sort(function (a, b) { return tally[code][b] - tally[code][a] || (a < b ? -1 : 1); })[0];
    });
    return main;
  },

  chainColour(chain) {
    var index = (this.config.value_chains || []).indexOf(chain);
    return index >= 0 ? CHAIN_COLOURS[index % CHAIN_COLOURS.length] : '#94a3b8';
  },

  countField() {
    return this.choropleth === 'ocop45' ? 'ocop_4_5_count' : 'product_count';
  },

  /** Class breaks for counts: 0, then up to six classes of the non-zero values. */
  breaks() {
    if (!this.communes) return [];
    var field = this.countField();
    var values = this.communes.features.map(function (f) { return Number(f.properties[field]) || 0; })
      .filter(function (v) { return v > 0; }).sort(function (a, b) { return a - b; });
    if (!values.length) return [];
    var edges = [];
    [0, 0.2, 0.4, 0.6, 0.8, 0.95].forEach(function (q) {
      var v = values[Math.min(values.length - 1, Math.floor(q * values.length))];
      if (edges.indexOf(v) < 0) edges.push(v);
    });
    return edges;
  },

  communeStyle(f) {
    var base = { color: '#475569', weight: 0.8, fillOpacity: 0.55, fillColor: '#f7f7f7' };
    if (this.choropleth === 'none') return { color: '#475569', weight: 0.8, fillOpacity: 0.05, fillColor: '#ffffff' };
    if (this.choropleth === 'value_chain') {
      var chain = this.chainByCommune && this.chainByCommune[f.properties.code];
      base.fillColor = chain ? this.chainColour(chain) : '#f1f5f9';
      return base;
    }
    var value = Number(f.properties[this.countField()]) || 0, edges = this.currentBreaks || [];
    var cls = 0;
    for (var i = 0; i < edges.length; i++) if (value >= edges[i]) cls = i + 1;
    base.fillColor = COUNT_COLOURS[Math.min(cls, COUNT_COLOURS.length - 1)];
    return base;
  },

  paintCommunes() {
    if (!this.communeLayer) return;
    var self = this;
    this.currentBreaks = this.breaks();
    this.communeLayer.setStyle(function (f) { return self.communeStyle(f); });
    this.drawLegend();
  },

  makeLegend() {
    var control = L.control({ position: 'bottomright' });
    var self = this;
    control.onAdd = function () {
      self.legendNode = el('div', { className: 'bm-legend leaflet-control', id: 'bm-legend', 'aria-live': 'polite' });
      L.DomEvent.disableClickPropagation(self.legendNode);
      L.DomEvent.disableScrollPropagation(self.legendNode);
      return self.legendNode;
    };
    control.addTo(this.map);
    this.map.on('popupopen', function () {
      var box = self.legendNode && self.legendNode.querySelector('details');
      if (box) box.open = false;
    });
    return control;
  },

  drawLegend() {
    var self = this, node = this.legendNode, items = [];
    if (!node) return;
    function swatch(colour, text) {
      items.push(el('li', null, [el('span', { className: 'bm-swatch', style: 'background:' + colour }), text]));
    }
    var title = this.msg(this.choropleth === 'ocop45' ? 'choro_ocop45' :
      this.choropleth === 'value_chain' ? 'choro_value_chain' :
      this.choropleth === 'none' ? 'legend' : 'choro_product_count');
    if (this.choropleth === 'value_chain') {
      var used = {};
      Object.keys(this.chainByCommune || {}).forEach(function (code) { used[self.chainByCommune[code]] = true; });
      (this.config.value_chains || []).filter(function (c) { return used[c]; })
        .forEach(function (c) { swatch(self.chainColour(c), self.label('vc_', c)); });
    } else if (this.choropleth !== 'none') {
      var edges = this.currentBreaks || [];
      swatch(COUNT_COLOURS[0], '0');
      edges.forEach(function (edge, i) {
        var next = edges[i + 1];
        swatch(COUNT_COLOURS[Math.min(i + 1, COUNT_COLOURS.length - 1)],
          next == null ? '≥ ' + edge : (next - 1 > edge ? edge + '–' + (next - 1) : String(edge)));
      });
    }
    var categories = el('ul', { className: 'bm-legend-cats' }, (this.config.categories || []).map(function (c) {
      var style = CATEGORY_STYLE[c] || FALLBACK_STYLE;
      return el('li', null, [el('span', { className: 'bm-swatch bm-swatch-round', style: 'background:' + style.color }), self.label('cat_', c)]);
    }));
    var details = el('details', { className: 'bm-legend-box', open: window.innerWidth >= 768 ? 'open' : null }, [
      el('summary', { text: this.msg('legend') }),
      el('strong', { text: title }),
      items.length ? el('ul', null, items) : null,
      el('strong', { text: this.msg('layer_products') }),
      categories,
      el('p', { className: 'bm-legend-expired' }, [
        el('span', { className: 'bm-star bm-star-expired bm-star-inline' }, [el('s', { text: '4★' })]),
        ' ' + this.msg('legend_expired')
      ])
    ]);
    node.replaceChildren(details);
  }
};
