"""Joining the repository's data into one snapshot and writing it to a store.

Owns building the snapshot (:mod:`~brandmap.build.snapshot`), placing products by point,
commune or region (:mod:`~brandmap.build.placement`) and importing product files into a
store all-or-nothing (:mod:`~brandmap.build.importing`). May import the foundations,
:mod:`brandmap.geo`, :mod:`brandmap.catalog` and :mod:`brandmap.store`.
"""
