"""Credentials never leave the process in clear: one redaction for every line brandmap writes.

A store is named by a libpq URL or conninfo string, and either may carry a password
(``postgresql://gis:s3cret@host/db``, ``?password=s3cret``, ``password='s3cret'``). That
text reaches the audit log (the arguments of a command), error messages and log records.
:func:`redact` hides the passwords wherever they appear in a text; :func:`logger` gives
the package's loggers a filter that applies it to every record they write.

>>> redact("cannot connect to postgresql://gis:s3cret@127.0.0.1:5432/brandmap: timeout")
'cannot connect to postgresql://gis:***@127.0.0.1:5432/brandmap: timeout'
"""

from __future__ import annotations

import logging
import re

__all__ = ["HIDDEN", "logger", "redact"]

HIDDEN = "***"
# user:password@ in the authority of any URL. The password runs to the last "@" before the
# path, so an unencoded "@" in it is hidden too.
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^\s:/?#@]*:)[^\s/?#]*(?=@)", re.I)
# password=... in a URL query or a libpq conninfo string (value quoted with '...' or bare).
_KEYWORD_PASSWORD = re.compile(
    r"(?P<head>\b(?:pg)?password\s*=\s*)(?:'(?:[^'\\]|\\.)*'?|[^\s&'\"]*)", re.I
)


def redact(text: str) -> str:
    """``text`` with every URL password and ``password=`` value replaced by ``***``.

    >>> redact("postgresql://gis@/brandmap?host=/run/postgresql&password=s3cret")
    'postgresql://gis@/brandmap?host=/run/postgresql&password=***'
    >>> redact("host=db user=gis password='a b\\\\'c' dbname=brandmap")
    'host=db user=gis password=*** dbname=brandmap'
    >>> redact("postgresql://gis@db:5432/brandmap")  # nothing secret: unchanged
    'postgresql://gis@db:5432/brandmap'
    """
    text = _URL_PASSWORD.sub(lambda m: m["head"] + HIDDEN, text)
    return _KEYWORD_PASSWORD.sub(lambda m: m["head"] + HIDDEN, text)


class _Redacting(logging.Filter):
    """Redacts a record's message, and its traceback, before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: the handler reports it
            return True
        hidden = redact(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = _Redacting()


def logger(name: str) -> logging.Logger:
    """The package's logger ``name``, whose records are redacted.

    Every module logs through one of these (never ``logging.getLogger`` directly), so no
    record it writes can carry a password.
    """
    found = logging.getLogger(name)
    if _FILTER not in found.filters:
        found.addFilter(_FILTER)
    return found
