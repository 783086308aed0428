/*
 * Data loading: the commune, region and product layers and the service facts, fetched
 * from the JSON API once; filters then work on the loaded products in the browser.
 */

function getJson(url) {
  // Plain GET with default options, so the browser reuses the page's preloads.
  return fetch(url)
    .then(function (response) {
      if (!response.ok) throw new Error(url + ' → HTTP ' + response.status);
      return response.json();
    });
}

function nextTask() {
  return new Promise(function (resolve) { setTimeout(resolve, 0); });
}

export const dataLoading = {
  /**
   * Fetch the layers from the API (the page preloads these URLs) and show them. Each step
   * is its own task, so a big catalog never freezes the page for long.
   */
  load() {
    var self = this;
    var health = getJson(this.config.api.healthz_data).catch(function () { return null; });
    var communes = getJson(this.config.api.communes_data);
    var regions = getJson(this.config.api.regions_data).catch(function () { return null; });
    var products = this.loadProducts();
    var search = this.filters.q ? this.startSearch(this.filters.q) : null;
    communes.then(function (fc) { self.addCommunes(fc); }, function (err) { self.fail(err); });
    regions.then(function (fc) { if (fc) self.addRegions(fc); });
    health.then(function (info) { self.health = info; self.showAbout(); });
    // Markers wait only for what they need: the regions only when a region filter is set.
    var needed = [communes, products];
    if (this.filters.region) needed.push(regions);
    return Promise.all(needed).then(function (all) {
      if (window.performance && performance.mark) performance.mark('brandmap-data');
      self.addProducts(all[1]);
      return self.prepareMarkers();
    }).then(function () {
      self.applyFilters();
      return Promise.all([regions, health, search, nextTask()]);
    }).then(function () {
      self.paintCommunes();
      self.showAbout();
      self.status('');
      if (window.performance && performance.mark) performance.mark('brandmap-ready');
      document.documentElement.setAttribute('data-brandmap', 'ready');
    }).catch(function (err) { self.fail(err); });
  },

  fail(err) {
    this.status(this.msg('load_error', { what: err && err.message ? err.message : String(err) }));
    document.documentElement.setAttribute('data-brandmap', 'error');
  },

  /** All products, in pages of at most 10,000 (the API's limit). */
  loadProducts() {
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
  },

  addProducts(features) {
    var self = this;
    this.products = [];
    for (var i = 0; i < features.length; i++) {
      var f = features[i], p = f.properties || {};
      if (!f.geometry || f.geometry.type !== 'Point') continue;
      var lon = f.geometry.coordinates[0], lat = f.geometry.coordinates[1];
      var name = this.config.lang === 'en' && p.name_en ? p.name_en : p.name_vi;
      this.products.push({
        props: p, lat: lat, lon: lon, name: name || p.id,
        brandTypes: Array.isArray(p.brand_types) ? p.brand_types : [],
        stars: Number(p.ocop_stars) || 0,
        marker: null
      });
    }
    this.byId = {};
    this.products.forEach(function (item) { self.byId[item.props.id] = item; });
    this.chainByCommune = this.mainChains();
  }
};
