/*
 * Layers: communes, the province outline and value-chain regions drawn from the API's
 * GeoJSON, and the product markers handed to the cluster layer in batches.
 */
import { el } from './dom.js';

const FIRST_MARKER_BATCH = 2000;  // shown at once; the rest follow in bigger batches
const MARKER_BATCH = 10000;

export const layers = {
  addCommunes(fc) {
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
  },

  /** The province outline: commune edges that belong to a single commune. */
  addOutline(fc) {
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
  },

  addRegions(fc) {
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
  },

  /** Make the markers of every product, a slice per task (a big catalog stays responsive). */
  prepareMarkers() {
    var self = this, products = this.products, start = 0;
    return new Promise(function (resolve) {
      (function slice() {
        var end = Math.min(start + 20000, products.length);
        for (var i = start; i < end; i++) self.markerOf(products[i]);
        start = end;
        if (start < products.length) setTimeout(slice, 0); else setTimeout(resolve, 0);
      }());
    });
  },

  markerOf(item) {
    var self = this;
    if (!item.marker) {
      // Popups are made on first click (see bindProductClicks), not for every marker up front.
      item.marker = L.marker([item.lat, item.lon], {
        icon: this.iconFor(item.props), title: item.name, alt: item.name, riseOnHover: true
      });
      item.marker.brandmapItem = item;
    }
    return item.marker;
  },

  openProduct(marker) {
    var self = this, item = marker.brandmapItem;
    if (!marker.getPopup()) {
      marker.bindPopup(function () { return self.productCard(item, true); },
        { maxWidth: 320, minWidth: 220, autoPanPadding: [20, 60] });
    }
    marker.openPopup();
    this.showDetail(item);
  },

  bindProductClicks() {
    var self = this;
    this.h.products.on('click', function (event) {
      if (event.layer && event.layer.brandmapItem) self.openProduct(event.layer);
    });
    this.h.products.on('keypress', function (event) {
      var key = event.originalEvent && event.originalEvent.key;
      if ((key === 'Enter' || key === ' ') && event.layer && event.layer.brandmapItem) self.openProduct(event.layer);
    });
  },

  /**
   * Hand markers to the cluster layer in batches: the first batch shows at once, the rest
   * follow in the background, and a newer filter result replaces an unfinished load.
   */
  showMarkers(markers) {
    this.wantedMarkers = markers;
    if (!this.markerLoad) this.loadMarkers(markers);
  },

  loadMarkers(markers) {
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
  }
};
