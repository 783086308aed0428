"""Where things are: the 2025 commune register, boundaries, CRS and value-chain regions.

Owns the register of communes and former units (:mod:`~brandmap.geo.register`), real and
approximate commune polygons in one layer schema (:mod:`~brandmap.geo.boundaries`), fetched
from their pinned source (:mod:`~brandmap.geo.fetch`), read from a provincial GIS file
(:mod:`~brandmap.geo.boundary_file`) or drawn offline (:mod:`~brandmap.geo.approx`,
:mod:`~brandmap.geo.outline`), the served coordinate reference systems and the pinned
VN-2000 step (:mod:`~brandmap.geo.crs`) and region definitions (:mod:`~brandmap.geo.regions`).
May import the foundations (``errors``, ``settings``, ``text``) only.
"""
