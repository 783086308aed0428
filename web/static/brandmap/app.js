/*
 * The map app: its state, its labels, and the order things start in. Each concern adds
 * its methods to the app from its own module (data loading, filters and URL state, layers,
 * styling, cards, panel, tools), so every method reaches the shared state as `this`.
 */
import { cards } from './cards.js';
import { dataLoading } from './data.js';
import { filtering } from './filters.js';
import { layers } from './layers.js';
import { panel } from './panel.js';
import { styling } from './style.js';
import { format } from './text.js';
import { tools } from './tools.js';

export class BrandMap {
  constructor(config, handles) {
    this.config = config;
    this.t = config.messages;
    this.h = handles;
    this.map = handles.map;
    this.products = [];          // {props, lat, lon, marker}
    this.communes = null;        // FeatureCollection
    this.communeByCode = {};
    this.regions = null;
    this.regionCommunes = {};
    this.filters = {};
    this.search = null;          // the API's answer to the search typed: {q, rank, suggestions}
    this.searching = null;       // the question out to the API: {q, done}
    this.near = null;            // {lat, lon, radius}
    this.drawnGeometry = null;
    this.matched = [];
    this.choropleth = 'product_count';
    this.iconCache = {};
  }

  /** A label in the page language, with {placeholders} filled in. */
  msg(key, values) {
    var text = this.t[key] != null ? this.t[key] : key;
    return values ? format(text, values) : text;
  }

  /** The label of a code (category, brand type, value chain…), or the code itself. */
  label(prefix, code) {
    if (code == null || code === '') return '';
    var key = prefix + code;
    return this.t[key] != null ? this.t[key] : String(code);
  }

  /** Wire up the page, then load the layers; resolves when the page is ready. */
  start() {
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
    return this.load();
  }
}

Object.assign(BrandMap.prototype, dataLoading, filtering, layers, styling, cards, panel, tools);
