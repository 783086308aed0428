"""What a product is and how a product file becomes checked rows placed in a 2025 commune.

Owns the exchange format (:mod:`~brandmap.catalog.schema`), reading and validating product
files (:mod:`~brandmap.catalog.reading`) and resolving published addresses to 2025 communes
(:mod:`~brandmap.catalog.resolve`). May import the foundations and :mod:`brandmap.geo`.
"""
