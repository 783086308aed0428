"""One exception hierarchy for the whole package.

Callers (CLI, HTTP) catch :class:`BrandmapError` and show its message to the user; anything
else is a bug and must surface as such.
"""

__all__ = [
    "BoundaryError",
    "BrandmapError",
    "FetchError",
    "QueryError",
    "StoreError",
    "ValidationError",
]


class BrandmapError(Exception):
    """A problem the user can understand and act on."""


class ValidationError(BrandmapError):
    """Input data (a file, a row, a parameter) breaks the rules."""


class BoundaryError(ValidationError):
    """A boundary file cannot be used as the 2025 commune layer."""


class FetchError(BrandmapError):
    """Downloading or verifying the pinned boundary files failed."""


class StoreError(BrandmapError):
    """The store is missing, unreadable or could not be written."""


class QueryError(ValidationError):
    """A query parameter is malformed, out of range or unknown.

    ``param`` names the offending parameter so HTTP can report it.
    """

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param
