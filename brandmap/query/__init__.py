"""Questions asked of a snapshot: request parameters → a checked filter → matching rows.

No HTTP and no serialization here. May import the foundations, :mod:`brandmap.geo` and
:mod:`brandmap.catalog` (the enumerations of the exchange format).
"""
