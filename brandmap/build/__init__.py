"""Joining the repository's data into one snapshot and writing it to a store.

Owns placing products (by point, commune or region) and importing product files into a
store all-or-nothing. May import the foundations, :mod:`brandmap.geo`,
:mod:`brandmap.catalog` and :mod:`brandmap.store`.
"""
