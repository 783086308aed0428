"""brandmap — the digital brand map of Vĩnh Long province.

Products (OCOP, geographical indications, collective marks, S&T products) tied to the
2025 communes and to value-chain regions, served as GeoJSON layers and an interactive map.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
