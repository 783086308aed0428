"""Questions asked of a snapshot: request parameters → a checked filter → matching rows.

Owns parsing the product filters and paging (:mod:`~brandmap.query.filters`), the spatial
parameters and distances (:mod:`~brandmap.query.spatial`) and the product index that
answers a filter with rows (:mod:`~brandmap.query.index`). No HTTP and no serialization
here. May import the foundations, :mod:`brandmap.geo` and :mod:`brandmap.catalog` (the
enumerations of the exchange format).
"""
