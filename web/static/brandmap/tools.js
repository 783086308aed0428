/*
 * The planner's tools: products near a point (picked on the map or located), and products
 * inside a drawn area, with Leaflet.draw speaking the page language.
 */
import { el } from './dom.js';

export const tools = {
  bindNear() {
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
  },

  setNear(lat, lon) {
    var radius = Number(document.getElementById('bm-near-radius').value) || 5;
    this.near = { lat: lat, lon: lon, radius: Math.min(Math.max(radius, 0.1), 500) };
    this.applyFilters();
    if (this.nearCircle) this.map.fitBounds(this.nearCircle.getBounds());
  },

  updateNear() {
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
  },

  localizeDraw() {
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
  },

  bindDraw() {
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
  },

  clearDrawn() {
    if (this.h.drawn) this.h.drawn.clearLayers();
    this.drawnGeometry = null;
  },

  updateDrawState() {
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
  }
};
