/*
 * brandmap.js: the data side of the map page.
 *
 * The Folium-built page creates the map, empty layers and controls, then calls
 * brandmap.start(config, handles). This script loads the layers from the JSON API,
 * filters the loaded products in the browser (no second download), and keeps the URL in
 * step with the filters so a view can be shared.
 *
 * Safety rule: data never goes through innerHTML. Every text from the API is written with
 * textContent (or as an attribute value), so a product name like <img onerror=...> is
 * shown as text.
 */
(function () {
  'use strict';

  var CATEGORY_STYLE = {
    thuc_pham: { color: '#c2410c', icon: 'fa-bowl-food' },
    do_uong: { color: '#1d4ed8', icon: 'fa-mug-hot' },
    thao_duoc: { color: '#15803d', icon: 'fa-leaf' },
    vai_may_mac: { color: '#7e22ce', icon: 'fa-shirt' },
    luu_niem_noi_that: { color: '#a16207', icon: 'fa-gift' },
    du_lich_cong_dong: { color: '#0e7490', icon: 'fa-person-hiking' }
  };
  var FALLBACK_STYLE = { color: '#475569', icon: 'fa-tag' };
  var COUNT_COLOURS = ['#f8fafc', '#fdd49e', '#fdbb84', '#fc8d59', '#ef6548', '#d7301f', '#990000'];
  var CHAIN_COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d',
    '#666666', '#1f78b4', '#b2df8a', '#fb9a99', '#cab2d6', '#ffff99', '#b15928'];
  var MAX_LISTED = 200;
  var FIRST_MARKER_BATCH = 2000;  // shown at once; the rest follow in bigger batches
  var MARKER_BATCH = 10000;
  var COLLATOR = new Intl.Collator('vi');
  var FILTER_KEYS = ['q', 'category', 'brand_type', 'min_stars', 'value_chain', 'commune', 'region',
    'near', 'radius_km', 'bbox'];

  // ---------------------------------------------------------------- small helpers

  /**
   * Accent-insensitive folding, the same as the server's (brandmap.text.fold): lower case,
   * no combining marks, đ → d, runs of white space as one space.
   */
  function fold(text) {
    return String(text == null ? '' : text)
      .normalize('NFD').toLowerCase().normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[đĐðÐɖƉ]/g, 'd')
      .split(/\s+/).filter(Boolean).join(' ');
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value == null || value === false) return;
        if (key === 'text') node.textContent = String(value);
        else if (key === 'className') node.className = value;
        else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child == null || child === false) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, key) {
      return values[key] == null ? all : String(values[key]);
    });
  }

  function safeUrl(url) {
    try {
      var parsed = new URL(String(url), window.location.href);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function htmlToText(html) {
    // Attribution settings may hold entities (&copy;); an inert document decodes them.
    return new DOMParser().parseFromString(String(html || ''), 'text/html').body.textContent;
  }

  function escapeHtml(text) {
    var div = document.createElement('div');
    div.textContent = String(text);
    return div.innerHTML;
  }

  function haversineKm(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * 6371.0088 * Math.asin(Math.sqrt(a));
  }

  function ringContains(ring, lon, lat) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if (((yi > lat) !== (yj > lat)) && (lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)) inside = !inside;
    }
    return inside;
  }

  function geometryContains(geometry, lon, lat) {
    var polygons = geometry.type === 'Polygon' ? [geometry.coordinates] :
      geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
    return polygons.some(function (rings) {
      if (!ringContains(rings[0], lon, lat)) return false;
      for (var k = 1; k < rings.length; k++) if (ringContains(rings[k], lon, lat)) return false;
      return true;
    });
  }

  function nextTask() {
    return new Promise(function (resolve) { setTimeout(resolve, 0); });
  }

  /** The text a search looks in: the same columns as the API's q filter. */
  function searchText(item) {
    if (item.text === null) {
      var p = item.props;
      item.text = fold([p.name_vi, p.name_en, p.producer, p.commune_name, p.address_published]
        .map(function (v) { return v == null ? '' : v; }).join(' | '));
    }
    return item.text;
  }

  function getJson(url) {
    // Plain GET with default options, so the browser reuses the page's preloads.
    return fetch(url)
      .then(function (response) {
        if (!response.ok) throw new Error(url + ' → HTTP ' + response.status);
        return response.json();
      });
  }

  // ---------------------------------------------------------------- the app

  function BrandMap(config, handles) {
    this.config = config;
    this.t = config.messages;
    this.h = handles;
    this.map = handles.map;
    this.products = [];          // {props, lat, lon, text, marker}
    this.communes = null;        // FeatureCollection
    this.communeByCode = {};
    this.regions = null;
    this.regionCommunes = {};
    this.filters = {};
    this.near = null;            // {lat, lon, radius}
    this.drawnGeometry = null;
    this.matched = [];
    this.choropleth = 'product_count';
    this.iconCache = {};
  }

  BrandMap.prototype.msg = function (key, values) {
    var text = this.t[key] != null ? this.t[key] : key;
    return values ? format(text, values) : text;
  };

  BrandMap.prototype.label = function (prefix, code) {
    if (code == null || code === '') return '';
    var key = prefix + code;
    return this.t[key] != null ? this.t[key] : String(code);
  };

  BrandMap.prototype.status = function (text) {
    var node = document.getElementById('bm-status');
    node.textContent = text || '';
    node.hidden = !text;
  };

  BrandMap.prototype.start = function () {
    var self = this;
    if (window.performance && performance.mark) performance.mark('brandmap-start');
    this.localizeDraw();
    this.localizeControls();
    this.bindPanel();
    this.bindFilters();
    this.bindNear();
    this.bindDraw();
    this.bindProductClicks();
    this.watchTiles();
    this.legend = this.makeLegend();
    this.applyInitialFilters(this.config.filters || {});
    this.showGeometryNote(this.config.geometry_quality);
    this.status(this.msg('loading'));
    var health = getJson(this.config.api.healthz_data).catch(function () { return null; });
    var communes = getJson(this.config.api.communes_data);
    var regions = getJson(this.config.api.regions_data).catch(function () { return null; });
    var products = this.loadProducts();
    communes.then(function (fc) { self.addCommunes(fc); }, function (err) { self.fail(err); });
    regions.then(function (fc) { if (fc) self.addRegions(fc); });
    health.then(function (info) { self.health = info; self.showAbout(); });
    // Each step is its own task, so a big catalog never freezes the page for long.
    // Markers wait only for what they need: the regions only when a region filter is set.
    var needed = [communes, products];
    if (this.filters.region) needed.push(regions);
    return Promise.all(needed).then(function (all) {
      if (window.performance && performance.mark) performance.mark('brandmap-data');
      self.addProducts(all[1]);
      return self.prepareMarkers();
    }).then(function () {
      self.applyFilters();
      return Promise.all([regions, health, nextTask()]);
    }).then(function () {
      self.paintCommunes();
      self.showAbout();
      self.status('');
      if (window.performance && performance.mark) performance.mark('brandmap-ready');
      document.documentElement.setAttribute('data-brandmap', 'ready');
      self.prepareSearch(0);
    }).catch(function (err) { self.fail(err); });
  };

  BrandMap.prototype.fail = function (err) {
    this.status(this.msg('load_error', { what: err && err.message ? err.message : String(err) }));
    document.documentElement.setAttribute('data-brandmap', 'error');
  };

  /** All products, in pages of at most 10,000 (the API's limit). */
  BrandMap.prototype.loadProducts = function () {
    var base = this.config.api.products_data;
    return getJson(base).then(function (first) {
      var total = first.numberMatched || first.features.length;
      var pages = [];
      for (var offset = first.features.length; offset < total; offset += 10000) {
        pages.push(getJson(base + '&offset=' + offset));
      }
      return Promise.all(pages).then(function (rest) {
        return rest.reduce(function (all, page) { return all.concat(page.features); }, first.features);
      });
    });
  };

  // ---------------------------------------------------------------- layers

  BrandMap.prototype.addCommunes = function (fc) {
    var self = this;
    this.communes = fc;
    fc.features.forEach(function (f) { self.communeByCode[f.properties.code] = f; });
    this.communeLayer = L.geoJSON(fc, {
      style: function (f) { return self.communeStyle(f); },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(el('span', { text: f.properties.name }), { sticky: true });
        layer.bindPopup(function () { return self.communeCard(f); });
      }
    }).addTo(this.h.communes);
    this.addOutline(fc);
    var box = this.config.filters.bbox;
    var bounds = box ? L.latLngBounds([box[1], box[0]], [box[3], box[2]]) : this.communeLayer.getBounds();
    if (this.config.filters.near) bounds = L.latLng(this.config.filters.near).toBounds(2000 * (this.config.filters.radius_km || 5));
    if (bounds.isValid()) this.map.fitBounds(bounds, { padding: [8, 8] });
    this.fillCommuneSelect();
    this.showGeometryNote(this.config.geometry_quality || (fc.geometry_quality || null));
  };

  /** The province outline: commune edges that belong to a single commune. */
  BrandMap.prototype.addOutline = function (fc) {
    var counts = new Map(), segments = new Map();
    // Neighbours share their edges exactly (the API simplifies communes as a coverage).
    function key(a, b) {
      var ka = a[0] + ',' + a[1], kb = b[0] + ',' + b[1];
      return ka < kb ? ka + '|' + kb : kb + '|' + ka;
    }
    fc.features.forEach(function (f) {
      var g = f.geometry;
      if (!g) return;
      var polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
      polygons.forEach(function (rings) {
        rings.forEach(function (ring) {
          for (var i = 1; i < ring.length; i++) {
            var k = key(ring[i - 1], ring[i]);
            counts.set(k, (counts.get(k) || 0) + 1);
            segments.set(k, [[ring[i - 1][1], ring[i - 1][0]], [ring[i][1], ring[i][0]]]);
          }
        });
      });
    });
    var outer = [];
    counts.forEach(function (n, k) { if (n === 1) outer.push(segments.get(k)); });
    L.polyline(outer, { color: '#1e293b', weight: 2.5, interactive: false }).addTo(this.h.outline);
  };

  BrandMap.prototype.addRegions = function (fc) {
    var self = this;
    this.regions = fc;
    var select = document.querySelector('#bm-filters select[name=region]');
    fc.features.forEach(function (f) {
      var p = f.properties;
      self.regionCommunes[p.id] = new Set(p.commune_codes || []);
      var name = self.config.lang === 'en' && p.name_en ? p.name_en : p.name_vi;
      select.appendChild(el('option', { value: p.id, text: name || p.id }));
    });
    if (this.filters.region) select.value = this.filters.region;
    L.geoJSON(fc, {
      style: function (f) {
        return { color: self.chainColour(f.properties.value_chain), weight: 2, dashArray: '6 4', fillOpacity: 0.08 };
      },
      onEachFeature: function (f, layer) { layer.bindPopup(function () { return self.regionCard(f); }); }
    }).addTo(this.h.regions);
  };

  BrandMap.prototype.iconFor = function (p) {
    var category = CATEGORY_STYLE[p.category] ? p.category : 'other';
    var stars = [3, 4, 5].indexOf(Number(p.ocop_stars)) >= 0 ? Number(p.ocop_stars) : 0;
    var key = category + stars;
    if (!this.iconCache[key]) {
      var style = CATEGORY_STYLE[category] || FALLBACK_STYLE;
      // Only constants go into this HTML: a class name from the table and a digit.
      var html = '<span class="bm-pin" style="background:' + style.color + '">' +
        '<i class="fa-solid ' + style.icon + '" aria-hidden="true"></i></span>' +
        (stars ? '<span class="bm-star">' + stars + '★</span>' : '');
      this.iconCache[key] = L.divIcon({ className: 'bm-marker', html: html, iconSize: [28, 28],
        iconAnchor: [14, 14], popupAnchor: [0, -12] });
    }
    return this.iconCache[key];
  };

  BrandMap.prototype.addProducts = function (features) {
    var self = this;
    this.products = [];
    for (var i = 0; i < features.length; i++) {
      var f = features[i], p = f.properties || {};
      if (!f.geometry || f.geometry.type !== 'Point') continue;
      var lon = f.geometry.coordinates[0], lat = f.geometry.coordinates[1];
      var name = this.config.lang === 'en' && p.name_en ? p.name_en : p.name_vi;
      this.products.push({
        props: p, lat: lat, lon: lon, name: name || p.id,
        text: null,  // folded search text, made when idle or at the first search
        brandTypes: Array.isArray(p.brand_types) ? p.brand_types : [],
        stars: Number(p.ocop_stars) || 0,
        marker: null
      });
    }
    this.byId = {};
    this.products.forEach(function (item) { self.byId[item.props.id] = item; });
    this.chainByCommune = this.mainChains();
  };

  /** Make the markers of every product, a slice per task (a big catalog stays responsive). */
  BrandMap.prototype.prepareMarkers = function () {
    var self = this, products = this.products, start = 0;
    return new Promise(function (resolve) {
      (function slice() {
        var end = Math.min(start + 20000, products.length);
        for (var i = start; i < end; i++) self.markerOf(products[i]);
        start = end;
        if (start < products.length) setTimeout(slice, 0); else setTimeout(resolve, 0);
      }());
    });
  };

  /** Fold the search texts in the background, a slice per task. */
  BrandMap.prototype.prepareSearch = function (start) {
    var self = this, end = Math.min(start + 5000, this.products.length);
    for (var i = start; i < end; i++) searchText(this.products[i]);
    if (end < this.products.length) setTimeout(function () { self.prepareSearch(end); }, 0);
  };

  BrandMap.prototype.markerOf = function (item) {
    var self = this;
    if (!item.marker) {
      // Popups are made on first click (see bindProductClicks), not for every marker up front.
      item.marker = L.marker([item.lat, item.lon], {
        icon: this.iconFor(item.props), title: item.name, alt: item.name, riseOnHover: true
      });
      item.marker.brandmapItem = item;
    }
    return item.marker;
  };

  BrandMap.prototype.openProduct = function (marker) {
    var self = this, item = marker.brandmapItem;
    if (!marker.getPopup()) {
      marker.bindPopup(function () { return self.productCard(item, true); },
        { maxWidth: 320, minWidth: 220, autoPanPadding: [20, 60] });
    }
    marker.openPopup();
    this.showDetail(item);
  };

  BrandMap.prototype.bindProductClicks = function () {
    var self = this;
    this.h.products.on('click', function (event) {
      if (event.layer && event.layer.brandmapItem) self.openProduct(event.layer);
    });
    this.h.products.on('keypress', function (event) {
      var key = event.originalEvent && event.originalEvent.key;
      if ((key === 'Enter' || key === ' ') && event.layer && event.layer.brandmapItem) self.openProduct(event.layer);
    });
  };

  // ---------------------------------------------------------------- cards (DOM, no innerHTML)

  BrandMap.prototype.productCard = function (item, compact) {
    var p = item.props, self = this, rows = [];
    function row(label, value, node) {
      if ((value == null || value === '') && !node) return;
      rows.push(el('dt', { text: label }), el('dd', null, [node || String(value)]));
    }
    var brands = item.brandTypes.map(function (b) { return self.label('bt_', b); }).join(', ');
    var stars = item.stars ? '★'.repeat(item.stars) + ' (' + item.stars + ' ' + this.msg('stars_suffix') + ')' +
      (p.ocop_year ? ', ' + this.msg('popup_year') + ' ' + p.ocop_year : '') : '';
    row(this.msg('popup_category'), this.label('cat_', p.category));
    row(this.msg('popup_brand_types'), brands);
    row(this.msg('popup_stars'), stars);
    row(this.msg('popup_gi_number'), p.gi_number);
    row(this.msg('popup_producer'), p.producer ?
      p.producer + (p.producer_kind ? ' (' + this.label('pk_', p.producer_kind) + ')' : '') : null);
    row(this.msg('popup_commune'), p.commune_name);
    row(this.msg('popup_address'), p.address_published);
    row(this.msg('popup_value_chain'), this.label('vc_', p.value_chain));
    if (p.region) {
      var region = this.regions && this.regions.features.filter(function (f) { return f.properties.id === p.region; })[0];
      row(this.msg('popup_region'), region ? (this.config.lang === 'en' && region.properties.name_en ?
        region.properties.name_en : region.properties.name_vi) : p.region);
    }
    var contact = [];
    if (p.phone) contact.push(el('a', { href: 'tel:' + String(p.phone).replace(/[^0-9+]/g, ''), text: p.phone }));
    var website = p.website && safeUrl(/^https?:/i.test(p.website) ? p.website : 'https://' + p.website);
    if (website) {
      if (contact.length) contact.push(' · ');
      contact.push(el('a', { href: website, target: '_blank', rel: 'noopener noreferrer', text: p.website }));
    }
    if (contact.length) row(this.msg('popup_contact'), null, el('span', null, contact));
    var source = safeUrl(p.source_url);
    if (source || p.source_url) {
      var sourceNode = source ? el('a', { href: source, target: '_blank', rel: 'noopener noreferrer',
        text: new URL(source).hostname }) : el('span', { text: p.source_url });
      row(this.msg('popup_source'), null, el('span', null, [sourceNode,
        p.source_date ? ' (' + this.msg('popup_source_date') + ' ' + p.source_date + ')' : null]));
    }
    if (p.location_quality) row(this.msg('popup_location'), this.msg('location_quality_' + p.location_quality));
    var other = this.config.lang === 'en' ? p.name_vi : p.name_en;
    var description = this.config.lang === 'en' ? (p.description_en || p.description_vi) :
      (p.description_vi || p.description_en);
    return el('div', { className: 'bm-card', 'data-product-id': p.id }, [
      el('h3', { className: 'bm-card-title', text: item.name }),
      other && other !== item.name ? el('p', { className: 'bm-card-sub', lang: this.config.lang === 'en' ? 'vi' : 'en', text: other }) : null,
      description && !compact ? el('p', { className: 'bm-card-desc', text: description }) : null,
      el('dl', { className: 'bm-card-facts' }, rows)
    ]);
  };

  BrandMap.prototype.communeCard = function (f) {
    var p = f.properties, self = this;
    var area = p.area_km2 != null ? Number(p.area_km2).toLocaleString(this.config.lang === 'en' ? 'en' : 'vi', { maximumFractionDigits: 1 }) : null;
    var chain = this.chainByCommune && this.chainByCommune[p.code];
    return el('div', { className: 'bm-card' }, [
      el('h3', { className: 'bm-card-title', text: p.name }),
      el('p', { text: this.msg('commune_products', { n: p.product_count || 0 }) }),
      el('p', { text: this.msg('commune_ocop45', { n: p.ocop_4_5_count || 0 }) }),
      chain ? el('p', { text: this.msg('popup_value_chain') + ': ' + this.label('vc_', chain) }) : null,
      area ? el('p', { text: this.msg('commune_area', { a: area }) }) : null,
      el('button', { type: 'button', className: 'btn btn-sm btn-outline-primary', text: this.msg('filter_commune') + ': ' + p.name,
        onclick: function () { self.setFilter('commune', [p.code]); self.map.closePopup(); } })
    ]);
  };

  BrandMap.prototype.regionCard = function (f) {
    var p = f.properties, self = this;
    var name = this.config.lang === 'en' && p.name_en ? p.name_en : p.name_vi;
    var source = safeUrl(p.source_url);
    return el('div', { className: 'bm-card' }, [
      el('h3', { className: 'bm-card-title', text: name || p.id }),
      el('p', { text: this.msg('popup_value_chain') + ': ' + this.label('vc_', p.value_chain) }),
      el('p', { text: this.msg('region_communes', { n: (p.commune_codes || []).length }) + ' · ' +
        this.msg('commune_products', { n: p.product_count || 0 }) }),
      source ? el('p', null, [this.msg('popup_source') + ': ', el('a', { href: source, target: '_blank', rel: 'noopener noreferrer', text: new URL(source).hostname })]) : null,
      el('button', { type: 'button', className: 'btn btn-sm btn-outline-primary', text: this.msg('filter_region') + ': ' + (name || p.id),
        onclick: function () { self.setFilter('region', p.id); self.map.closePopup(); } })
    ]);
  };

  BrandMap.prototype.showDetail = function (item) {
    var section = document.getElementById('bm-detail');
    section.replaceChildren(this.productCard(item, false));
    section.hidden = false;
  };

  // ---------------------------------------------------------------- choropleth & legend

  BrandMap.prototype.mainChains = function () {
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
  };

  BrandMap.prototype.chainColour = function (chain) {
    var index = (this.config.value_chains || []).indexOf(chain);
    return index >= 0 ? CHAIN_COLOURS[index % CHAIN_COLOURS.length] : '#94a3b8';
  };

  BrandMap.prototype.countField = function () {
    return this.choropleth === 'ocop45' ? 'ocop_4_5_count' : 'product_count';
  };

  /** Class breaks for counts: 0, then up to six classes of the non-zero values. */
  BrandMap.prototype.breaks = function () {
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
  };

  BrandMap.prototype.communeStyle = function (f) {
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
  };

  BrandMap.prototype.paintCommunes = function () {
    if (!this.communeLayer) return;
    var self = this;
    this.currentBreaks = this.breaks();
    this.communeLayer.setStyle(function (f) { return self.communeStyle(f); });
    this.drawLegend();
  };

  BrandMap.prototype.makeLegend = function () {
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
  };

  BrandMap.prototype.drawLegend = function () {
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
      categories
    ]);
    node.replaceChildren(details);
  };

  // ---------------------------------------------------------------- filters

  BrandMap.prototype.applyInitialFilters = function (filters) {
    var self = this;
    FILTER_KEYS.forEach(function (key) { if (filters[key] != null) self.filters[key] = filters[key]; });
    if (Array.isArray(this.filters.commune) && !this.filters.commune.length) delete this.filters.commune;
    if (filters.near) {
      this.near = { lat: filters.near[0], lon: filters.near[1], radius: Number(filters.radius_km) || 5 };
      document.getElementById('bm-near-radius').value = String(this.near.radius);
    }
    var form = document.getElementById('bm-filters');
    ['q', 'category', 'brand_type', 'min_stars', 'value_chain'].forEach(function (key) {
      if (self.filters[key] != null) form.elements[key].value = String(self.filters[key]);
    });
  };

  BrandMap.prototype.bindFilters = function () {
    var self = this, form = document.getElementById('bm-filters'), timer = null;
    form.addEventListener('input', function (event) {
      var target = event.target;
      if (target.name === 'q') {
        clearTimeout(timer);
        timer = setTimeout(function () { self.setFilter('q', target.value.trim() || null); }, 180);
      }
    });
    form.addEventListener('change', function (event) {
      var target = event.target;
      if (!target.name || target.name === 'q') return;
      var value = target.value || null;
      if (target.name === 'commune') value = value ? [value] : null;
      if (target.name === 'min_stars' && value) value = Number(value);
      self.setFilter(target.name, value);
    });
    document.getElementById('bm-reset').addEventListener('click', function () {
      self.filters = {};
      self.near = null;
      self.clearDrawn();
      form.reset();
      self.applyFilters();
    });
    document.getElementById('bm-share').addEventListener('click', function () {
      var link = window.location.href;
      var done = function () { self.status(self.msg('copied') + ': ' + link); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(link).then(done, done);
      else done();
    });
    document.getElementById('bm-choropleth').addEventListener('change', function (event) {
      self.choropleth = event.target.value;
      self.paintCommunes();
    });
    document.getElementById('bm-export-client').addEventListener('click', function () { self.exportClient(); });
  };

  BrandMap.prototype.setFilter = function (key, value) {
    if (value == null || value === '' || (Array.isArray(value) && !value.length)) delete this.filters[key];
    else this.filters[key] = value;
    var form = document.getElementById('bm-filters');
    if (form.elements[key] && key !== 'q') {
      form.elements[key].value = value == null ? '' : String(Array.isArray(value) ? value[0] : value);
    }
    this.applyFilters();
  };

  BrandMap.prototype.fillCommuneSelect = function () {
    var select = document.querySelector('#bm-filters select[name=commune]');
    var features = this.communes.features.slice().sort(function (a, b) {
      return COLLATOR.compare(String(a.properties.name), String(b.properties.name));
    });
    features.forEach(function (f) {
      select.appendChild(el('option', { value: f.properties.code, text: f.properties.name }));
    });
    if (this.filters.commune) select.value = this.filters.commune[0];
  };

  /** Does a product pass every filter? Same rules as /api/products. */
  BrandMap.prototype.matches = function (item) {
    var f = this.filters, p = item.props;
    if (f.commune && f.commune.indexOf(p.commune_code) < 0) return false;
    if (f.region && p.region !== f.region &&
        !(this.regionCommunes[f.region] && this.regionCommunes[f.region].has(p.commune_code))) return false;
    if (f.category && p.category !== f.category) return false;
    if (f.value_chain && p.value_chain !== f.value_chain) return false;
    if (f.brand_type && item.brandTypes.indexOf(f.brand_type) < 0) return false;
    if (f.min_stars && item.stars < f.min_stars) return false;
    if (this.foldedQ && searchText(item).indexOf(this.foldedQ) < 0) return false;
    if (f.bbox && (item.lon < f.bbox[0] || item.lon > f.bbox[2] || item.lat < f.bbox[1] || item.lat > f.bbox[3])) return false;
    if (this.near && haversineKm(item.lat, item.lon, this.near.lat, this.near.lon) > this.near.radius) return false;
    if (this.drawnGeometry && !geometryContains(this.drawnGeometry, item.lon, item.lat)) return false;
    return true;
  };

  BrandMap.prototype.applyFilters = function () {
    var self = this;
    this.foldedQ = this.filters.q ? fold(this.filters.q) : '';
    this.matched = this.products.filter(function (item) { return self.matches(item); });
    this.showMarkers(this.matched.map(function (item) { return self.markerOf(item); }));
    this.renderResults();
    this.updateUrl();
    this.updateNear();
    this.updateDrawState();
    document.documentElement.setAttribute('data-matched', String(this.matched.length));
  };

  /**
   * Hand markers to the cluster layer in batches: the first batch shows at once, the rest
   * follow in the background, and a newer filter result replaces an unfinished load.
   */
  BrandMap.prototype.showMarkers = function (markers) {
    this.wantedMarkers = markers;
    if (!this.markerLoad) this.loadMarkers(markers);
  };

  BrandMap.prototype.loadMarkers = function (markers) {
    var self = this, cluster = this.h.products, offset = 0;
    this.markerLoad = markers;
    cluster.clearLayers();
    document.documentElement.setAttribute('data-markers', 'loading');
    function step() {
      if (self.wantedMarkers !== markers) { self.loadMarkers(self.wantedMarkers); return; }
      if (offset >= markers.length) {
        self.markerLoad = null;
        cluster.options.chunkProgress = null;
        document.documentElement.setAttribute('data-markers', 'done');
        return;
      }
      if (!self.map.hasLayer(cluster)) {  // layer switched off: no chunking, add the rest now
        cluster.addLayers(markers.slice(offset));
        offset = markers.length;
        step();
        return;
      }
      var part = markers.slice(offset, offset + (offset ? MARKER_BATCH : FIRST_MARKER_BATCH));
      offset += part.length;
      cluster.options.chunkProgress = function (done, total) { if (done === total) setTimeout(step, 0); };
      cluster.addLayers(part);
    }
    step();
  };

  BrandMap.prototype.queryParams = function (forApi) {
    var params = new URLSearchParams(), f = this.filters;
    if (!forApi && this.config.lang !== 'vi') params.set('lang', this.config.lang);
    ['q', 'category', 'brand_type', 'min_stars', 'value_chain', 'region'].forEach(function (key) {
      if (f[key] != null && f[key] !== '') params.set(key, String(f[key]));
    });
    (f.commune || []).forEach(function (code) { params.append('commune', code); });
    if (f.bbox) params.set('bbox', f.bbox.join(','));
    if (this.near) {
      params.set('near', this.near.lat.toFixed(5) + ',' + this.near.lon.toFixed(5));
      params.set('radius_km', String(this.near.radius));
    }
    // The drawn area goes to the server's export as polygon=lon,lat,… (outer ring, open).
    var drawn = this.drawnGeometry;
    if (forApi && drawn && drawn.type === 'Polygon') {
      var ring = drawn.coordinates[0].slice(0, -1);
      if (ring.length >= 3 && ring.length <= 500) {
        params.set('polygon', ring.map(function (c) { return c[0].toFixed(6) + ',' + c[1].toFixed(6); }).join(','));
      }
    }
    return params;
  };

  BrandMap.prototype.updateUrl = function () {
    var query = this.queryParams(false).toString();
    var url = window.location.pathname + (query ? '?' + query : '') + window.location.hash;
    window.history.replaceState(null, '', url);
    var exportParams = this.queryParams(true);
    exportParams.set('layer', 'products');
    exportParams.set('format', 'geojson');
    document.getElementById('bm-export-api').setAttribute('href', this.config.api['export'] + '?' + exportParams.toString());
    var langLink = document.getElementById('bm-lang');
    var other = new URLSearchParams(query);
    if (this.config.lang === 'vi') other.set('lang', 'en'); else other.delete('lang');
    langLink.setAttribute('href', window.location.pathname + (other.toString() ? '?' + other.toString() : ''));
  };

  BrandMap.prototype.renderResults = function () {
    var self = this, list = document.getElementById('bm-results');
    document.getElementById('bm-count').textContent =
      this.msg('results_count', { n: this.matched.length, total: this.products.length });
    // Best-rated first: walk the star levels, then sort only what is listed.
    var listed = [];
    [5, 4, 3, 0].forEach(function (stars) {
      for (var i = 0; i < self.matched.length && listed.length < MAX_LISTED; i++) {
        if (self.matched[i].stars === stars) listed.push(self.matched[i]);
      }
    });
    listed.sort(function (a, b) { return (b.stars - a.stars) || COLLATOR.compare(a.name, b.name); });
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
      ])]);
    });
    if (!this.matched.length) items.push(el('li', { className: 'bm-empty', text: this.msg('no_results') }));
    if (this.matched.length > listed.length) {
      items.push(el('li', { className: 'bm-more', text: this.msg('results_more', { n: this.matched.length - listed.length }) }));
    }
    list.replaceChildren.apply(list, items);
  };

  BrandMap.prototype.zoomTo = function (item) {
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
  };

  BrandMap.prototype.exportClient = function () {
    var features = this.matched.map(function (item) {
      return { type: 'Feature', id: item.props.id, geometry: { type: 'Point', coordinates: [item.lon, item.lat] }, properties: item.props };
    });
    var blob = new Blob([JSON.stringify({ type: 'FeatureCollection', features: features })], { type: 'application/geo+json' });
    var link = el('a', { href: URL.createObjectURL(blob), download: 'brandmap-products.geojson' });
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  };

  // ---------------------------------------------------------------- near me

  BrandMap.prototype.bindNear = function () {
    var self = this, picking = false;
    this.nearLayer = L.layerGroup().addTo(this.map);
    document.getElementById('bm-near-pick').addEventListener('click', function () {
      picking = true;
      self.map.getContainer().classList.add('bm-picking');
      self.status(self.msg('near_click_now'));
      if (window.innerWidth < 768) self.setPanel(false);
    });
    this.map.on('click', function (event) {
      if (!picking) return;
      picking = false;
      self.map.getContainer().classList.remove('bm-picking');
      self.status('');
      self.setNear(event.latlng.lat, event.latlng.lng);
    });
    this.map.on('locationfound', function (event) { self.setNear(event.latlng.lat, event.latlng.lng); });
    document.getElementById('bm-near-radius').addEventListener('change', function (event) {
      var radius = Number(event.target.value);
      if (self.near && radius > 0 && radius <= 500) { self.near.radius = radius; self.applyFilters(); }
    });
    document.getElementById('bm-near-clear').addEventListener('click', function () {
      self.near = null;
      self.applyFilters();
    });
  };

  BrandMap.prototype.setNear = function (lat, lon) {
    var radius = Number(document.getElementById('bm-near-radius').value) || 5;
    this.near = { lat: lat, lon: lon, radius: Math.min(Math.max(radius, 0.1), 500) };
    this.applyFilters();
    if (this.nearCircle) this.map.fitBounds(this.nearCircle.getBounds());
  };

  BrandMap.prototype.updateNear = function () {
    var state = document.getElementById('bm-near-state'), clear = document.getElementById('bm-near-clear');
    this.nearLayer.clearLayers();
    this.nearCircle = null;
    if (!this.near) { state.hidden = true; clear.hidden = true; return; }
    this.nearCircle = L.circle([this.near.lat, this.near.lon], { radius: this.near.radius * 1000, color: '#2563eb', weight: 2, fillOpacity: 0.06, interactive: false });
    this.nearLayer.addLayer(this.nearCircle);
    state.textContent = this.msg('near_active', { r: this.near.radius, lat: this.near.lat.toFixed(4), lon: this.near.lon.toFixed(4) }) +
      ': ' + this.msg('commune_products', { n: this.matched.length });
    state.hidden = false;
    clear.hidden = false;
  };

  // ---------------------------------------------------------------- planner tools (draw)

  BrandMap.prototype.localizeDraw = function () {
    if (!L.drawLocal || !this.h.draw) return;
    var d = L.drawLocal;
    d.draw.toolbar.buttons.polygon = this.msg('draw_polygon');
    d.draw.toolbar.buttons.rectangle = this.msg('draw_rectangle');
    d.draw.toolbar.actions = { title: this.msg('draw_cancel'), text: this.msg('draw_cancel') };
    d.draw.toolbar.finish = { title: this.msg('draw_finish'), text: this.msg('draw_finish') };
    d.draw.toolbar.undo = { title: this.msg('draw_undo'), text: this.msg('draw_undo') };
    d.draw.handlers.polygon.tooltip = { start: this.msg('draw_polygon_start'), cont: this.msg('draw_polygon_cont'), end: this.msg('draw_polygon_end') };
    d.draw.handlers.rectangle.tooltip.start = this.msg('draw_rectangle_start');
    d.draw.handlers.simpleshape.tooltip.end = this.msg('draw_shape_end');
    d.edit.toolbar.buttons.remove = this.msg('draw_clear');
    d.edit.toolbar.buttons.removeDisabled = this.msg('draw_clear');
    d.edit.toolbar.actions.save = { title: this.msg('draw_save'), text: this.msg('draw_save') };
    d.edit.toolbar.actions.cancel = { title: this.msg('draw_cancel'), text: this.msg('draw_cancel') };
    d.edit.toolbar.actions.clearAll = { title: this.msg('draw_clear'), text: this.msg('draw_clear') };
    d.edit.handlers.remove.tooltip.text = this.msg('draw_remove_hint');
    // The toolbar was built before this script ran: rebuild it with the new labels.
    this.h.draw.remove();
    this.h.draw.addTo(this.map);
  };

  /** Leaflet's own controls carry English titles: give them ours. */
  BrandMap.prototype.localizeControls = function () {
    var container = this.map.getContainer(), self = this;
    [['.leaflet-control-zoom-in', 'zoom_in'], ['.leaflet-control-zoom-out', 'zoom_out'],
      ['.leaflet-control-layers-toggle', 'layers_title']].forEach(function (pair) {
      var node = container.querySelector(pair[0]);
      if (node) { node.title = self.msg(pair[1]); node.setAttribute('aria-label', self.msg(pair[1])); }
    });
  };

  BrandMap.prototype.bindDraw = function () {
    var self = this;
    if (!this.h.drawn) return;
    this.map.on('draw:created', function (event) {
      self.h.drawn.eachLayer(function (layer) { if (layer !== event.layer) self.h.drawn.removeLayer(layer); });
      if (!self.h.drawn.hasLayer(event.layer)) self.h.drawn.addLayer(event.layer);
      self.drawnGeometry = event.layer.toGeoJSON().geometry;
      self.applyFilters();
    });
    this.map.on('draw:deleted', function () {
      if (!self.h.drawn.getLayers().length) { self.drawnGeometry = null; self.applyFilters(); }
    });
    document.getElementById('bm-draw-clear').addEventListener('click', function () { self.clearDrawn(); self.applyFilters(); });
  };

  BrandMap.prototype.clearDrawn = function () {
    if (this.h.drawn) this.h.drawn.clearLayers();
    this.drawnGeometry = null;
  };

  BrandMap.prototype.updateDrawState = function () {
    var state = document.getElementById('bm-draw-state'), clear = document.getElementById('bm-draw-clear'), self = this;
    if (!this.drawnGeometry) { state.hidden = true; clear.hidden = true; return; }
    var byCategory = {};
    this.matched.forEach(function (item) { byCategory[item.props.category] = (byCategory[item.props.category] || 0) + 1; });
    state.replaceChildren(
      el('p', { className: 'bm-draw-count', text: this.msg('draw_active', { n: this.matched.length }) }),
      el('ul', { className: 'bm-draw-cats', 'aria-label': this.msg('draw_by_category') },
        Object.keys(byCategory).sort().map(function (c) {
          return el('li', { text: self.label('cat_', c) + ': ' + byCategory[c] });
        }))
    );
    state.hidden = false;
    clear.hidden = false;
  };

  // ---------------------------------------------------------------- panel, tiles, honesty

  BrandMap.prototype.setPanel = function (open) {
    document.body.classList.toggle('bm-panel-open', open);
    document.body.classList.toggle('bm-panel-closed', !open);
    document.getElementById('bm-toggle').setAttribute('aria-expanded', String(open));
    var map = this.map;
    setTimeout(function () { map.invalidateSize(); }, 260);
  };

  BrandMap.prototype.bindPanel = function () {
    var self = this;
    this.setPanel(window.innerWidth >= 768);
    document.getElementById('bm-toggle').addEventListener('click', function () {
      self.setPanel(!document.body.classList.contains('bm-panel-open'));
    });
    document.getElementById('bm-close').addEventListener('click', function () { self.setPanel(false); });
  };

  BrandMap.prototype.watchTiles = function () {
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
  };

  BrandMap.prototype.showGeometryNote = function (quality) {
    // Unknown quality is shown as approximate: never claim more precision than we know.
    // The note explains in the panel; the badge keeps it visible while the panel is closed.
    document.getElementById('bm-geometry-note').hidden = quality === 'official';
    document.getElementById('bm-geometry-badge').hidden = quality === 'official';
  };

  BrandMap.prototype.showAbout = function () {
    var info = this.health || {}, self = this;
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
    void self;
  };

  window.brandmap = {
    fold: fold,
    start: function (config, handles) {
      var app = new BrandMap(config, handles);
      window.brandmap.app = app;
      app.ready = app.start();
      return app;
    }
  };
}());
