"""What a product is and how a product file becomes checked rows placed in a 2025 commune.

Owns the exchange format (:mod:`~brandmap.catalog.schema`); checking and loading product
files (:mod:`~brandmap.catalog.product_file`), which reads them (:mod:`~brandmap.catalog.rows`
with :mod:`~brandmap.catalog.csv_file`, :mod:`~brandmap.catalog.xlsx_file`,
:mod:`~brandmap.catalog.geojson_file`, :mod:`~brandmap.catalog.cells`), applies the rules
(:mod:`~brandmap.catalog.rules`) and words the problems (:mod:`~brandmap.catalog.problems`);
and resolving published addresses to 2025 communes (:mod:`~brandmap.catalog.resolve`). May
import the foundations and :mod:`brandmap.geo`.
"""
