/*
 * The map page's script, entered here.
 *
 * The page's code is a set of ES modules in this folder, served as they are: no bundler
 * and no build step. The page loads this entry with <script type="module"> and names the
 * other modules in <link rel="modulepreload"> tags, so the browser fetches them all at
 * once; everything comes from this service (the Content-Security-Policy allows 'self').
 *
 *   main.js     this entry: the page's one global, window.brandmap
 *   app.js      the app's state and start-up order; the modules below add its methods
 *   data.js     data loading: the API layers, fetched once
 *   filters.js  filters and URL state (same rules as /api/products)
 *   layers.js   commune, outline, region and product layers
 *   style.js    marker icons, choropleth and legend
 *   cards.js    product, commune and region cards
 *   panel.js    the side panel, results list and notes about the data
 *   tools.js    near me and the drawn area
 *   text.js, dom.js  folding, labels, safe element building
 *
 * Module scripts are deferred: they run after the Folium-built inline code has made the
 * map, its empty layers and controls, and before DOMContentLoaded. That inline code calls
 * brandmap.start(config, handles) on DOMContentLoaded; the app loads the layers from the
 * JSON API, filters the loaded products in the browser (no second download; a text search
 * asks /api/products which products it finds), and keeps the
 * URL in step with the filters so a view can be shared. brandmap.app is the running app.
 */
import { BrandMap } from './app.js';
import { fold } from './text.js';

window.brandmap = {
  fold: fold,
  start: function (config, handles) {
    var app = new BrandMap(config, handles);
    window.brandmap.app = app;
    app.ready = app.start();
    return app;
  }
};
