"""Turning rows into what people and GIS programs read: GeoJSON, export files, statistics
and the map page.

Owns the served snapshot with its indexes and pre-serialized features
(:mod:`~brandmap.present.dataset`), RFC 7946 output (:mod:`~brandmap.present.geojson`),
export files (:mod:`~brandmap.present.export`, written by
:mod:`~brandmap.present.export_gdal` and :mod:`~brandmap.present.export_text` from
:mod:`~brandmap.present.export_columns`), planners' counts
(:mod:`~brandmap.present.stats`) and the Folium page (:mod:`~brandmap.present.map`).
May import every layer below it (foundations, geo, catalog, store, query); never Flask.
"""
