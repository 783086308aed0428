/*
 * Filters and URL state: the panel's form, the same filter rules as /api/products applied
 * to the loaded products (a text search is asked of the API itself, so its rules live in
 * one place), and the page URL and export link kept in step with them so a view can be
 * shared.
 */
import { el } from './dom.js';
import { COLLATOR } from './text.js';

const FILTER_KEYS = ['q', 'category', 'brand_type', 'min_stars', 'ocop_status', 'value_chain', 'commune',
  'region', 'near', 'radius_km', 'bbox'];
// Filters that may be repeated in a URL (any value matches); the panel picks one of them.
const LIST_KEYS = ['commune', 'ocop_status'];

/** Great-circle distance in km (the API's near= filter measures the same way). */
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

/** Is the point inside the drawn (multi)polygon, holes excluded? */
function geometryContains(geometry, lon, lat) {
  var polygons = geometry.type === 'Polygon' ? [geometry.coordinates] :
    geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  return polygons.some(function (rings) {
    if (!ringContains(rings[0], lon, lat)) return false;
    for (var k = 1; k < rings.length; k++) if (ringContains(rings[k], lon, lat)) return false;
    return true;
  });
}

/** Products per request when the page asks the API which products a search finds. */
const SEARCH_PAGE = 10000;

/**
 * Ask /api/products which products a search finds, best first: the page uses the API's one
 * set of search rules (any word order, accents, typos, product words in either language).
 */
function fetchSearch(base, q) {
  var url = function (offset) {
    return base + '?limit=' + SEARCH_PAGE + '&offset=' + offset + '&q=' + encodeURIComponent(q);
  };
  var getPage = function (offset) {
    return fetch(url(offset)).then(function (response) {
      if (!response.ok && response.status !== 400) throw new Error(url(offset) + ' → HTTP ' + response.status);
      return response.json();
    });
  };
  return getPage(0).then(function (first) {
    var ids = (first.features || []).map(function (f) { return f.properties.id; });
    var pages = [];
    for (var offset = ids.length; offset < (first.numberMatched || 0); offset += SEARCH_PAGE) pages.push(getPage(offset));
    return Promise.all(pages).then(function (rest) {
      rest.forEach(function (page) { page.features.forEach(function (f) { ids.push(f.properties.id); }); });
      var rank = new Map();
      ids.forEach(function (id, i) { rank.set(id, i); });
      return { q: q, rank: rank, suggestions: first.suggestions || [] };
    });
  });
}

export const filtering = {
  applyInitialFilters(filters) {
    var self = this;
    FILTER_KEYS.forEach(function (key) { if (filters[key] != null) self.filters[key] = filters[key]; });
    LIST_KEYS.forEach(function (key) {
      if (Array.isArray(self.filters[key]) && !self.filters[key].length) delete self.filters[key];
    });
    if (filters.near) {
      this.near = { lat: filters.near[0], lon: filters.near[1], radius: Number(filters.radius_km) || 5 };
      document.getElementById('bm-near-radius').value = String(this.near.radius);
    }
    var form = document.getElementById('bm-filters');
    ['q', 'category', 'brand_type', 'min_stars', 'value_chain', 'ocop_status'].forEach(function (key) {
      var value = self.filters[key];
      if (value != null) form.elements[key].value = String(Array.isArray(value) ? value[0] : value);
    });
  },

  bindFilters() {
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
      if (LIST_KEYS.indexOf(target.name) >= 0) value = value ? [value] : null;
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
  },

  setFilter(key, value) {
    if (value == null || value === '' || (Array.isArray(value) && !value.length)) delete this.filters[key];
    else this.filters[key] = value;
    var form = document.getElementById('bm-filters');
    if (form.elements[key] && key !== 'q') {
      form.elements[key].value = value == null ? '' : String(Array.isArray(value) ? value[0] : value);
    }
    this.applyFilters();
  },

  fillCommuneSelect() {
    var select = document.querySelector('#bm-filters select[name=commune]');
    var features = this.communes.features.slice().sort(function (a, b) {
      return COLLATOR.compare(String(a.properties.name), String(b.properties.name));
    });
    features.forEach(function (f) {
      select.appendChild(el('option', { value: f.properties.code, text: f.properties.name }));
    });
    if (this.filters.commune) select.value = this.filters.commune[0];
  },

  /** Does a product pass every filter? Same rules as /api/products. */
  matches(item) {
    var f = this.filters, p = item.props;
    if (f.commune && f.commune.indexOf(p.commune_code) < 0) return false;
    if (f.region && p.region !== f.region &&
        !(this.regionCommunes[f.region] && this.regionCommunes[f.region].has(p.commune_code))) return false;
    if (f.category && p.category !== f.category) return false;
    if (f.value_chain && p.value_chain !== f.value_chain) return false;
    if (f.brand_type && item.brandTypes.indexOf(f.brand_type) < 0) return false;
    if (f.min_stars && item.stars < f.min_stars) return false;
    if (f.ocop_status && f.ocop_status.indexOf(p.ocop_status || 'unknown') < 0) return false;
    if (f.q && !this.search.rank.has(p.id)) return false;
    if (f.bbox && (item.lon < f.bbox[0] || item.lon > f.bbox[2] || item.lat < f.bbox[1] || item.lat > f.bbox[3])) return false;
    if (this.near && haversineKm(item.lat, item.lon, this.near.lat, this.near.lon) > this.near.radius) return false;
    if (this.drawnGeometry && !geometryContains(this.drawnGeometry, item.lon, item.lat)) return false;
    return true;
  },

  /**
   * Show the products that pass every filter. A search is answered by the API first (once
   * per text); the other filters are applied here, to the products already loaded.
   */
  applyFilters() {
    var self = this, q = this.filters.q;
    if (q && (!this.search || this.search.q !== q)) {
      this.startSearch(q);
      return;
    }
    this.matched = this.products.filter(function (item) { return self.matches(item); });
    if (q) this.matched.sort(function (a, b) { return self.search.rank.get(a.props.id) - self.search.rank.get(b.props.id); });
    this.showMarkers(this.matched.map(function (item) { return self.markerOf(item); }));
    this.renderResults();
    this.updateUrl();
    this.updateNear();
    this.updateDrawState();
    document.documentElement.setAttribute('data-matched', String(this.matched.length));
  },

  /** Ask the API about a search unless that question is already out; the filters are
   * applied when it answers, if the search is still the one typed. */
  startSearch(q) {
    var self = this;
    if (this.searching && this.searching.q === q) return this.searching.done;
    this.searching = {
      q: q,
      done: fetchSearch(this.config.api.products, q).then(function (found) {
        if (self.filters.q !== q) return;
        self.search = found;
        self.applyFilters();
      }, function (err) {
        self.status(self.msg('load_error', { what: err && err.message ? err.message : String(err) }));
      })
    };
    return this.searching.done;
  },

  queryParams(forApi) {
    var params = new URLSearchParams(), f = this.filters;
    if (!forApi && this.config.lang !== 'vi') params.set('lang', this.config.lang);
    ['q', 'category', 'brand_type', 'min_stars', 'value_chain', 'region'].forEach(function (key) {
      if (f[key] != null && f[key] !== '') params.set(key, String(f[key]));
    });
    LIST_KEYS.forEach(function (key) {
      (f[key] || []).forEach(function (value) { params.append(key, value); });
    });
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
  },

  updateUrl() {
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
  }
};
