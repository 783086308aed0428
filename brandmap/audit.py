"""Who changed the data, when, and how it ended: one JSON line per write in var/audit.log.

Writes (build, import, fetch) are only possible from the command line on the server; the
web service has no write route. The log answers "who loaded this list?" months later.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from brandmap import settings
from brandmap.redaction import logger, redact

__all__ = ["audit_log_path", "audited", "record", "who"]

log = logger("brandmap.audit")
F = TypeVar("F", bound=Callable[..., Any])


def audit_log_path() -> Path:
    return settings.var_dir() / "audit.log"


def who() -> str:
    """The operating-system user behind a command (the one who ran sudo, if so), at this host."""
    user = os.environ.get("SUDO_USER") or getpass.getuser()
    return f"{user}@{socket.gethostname()}"


def record(action: str, outcome: str, **details: Any) -> None:
    """Append one entry; a log that cannot be written is reported, never fatal.

    Every detail is redacted: a store given as ``postgresql://user:password@...`` is
    recorded without its password.
    """
    entry = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "who": who(),
        "action": action,
        "outcome": outcome,
        **{k: redact(str(v)) for k, v in details.items() if v is not None},
    }
    log.info("%s", entry)
    path = audit_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError as exc:
        log.error("cannot write the audit log %s: %s", path, exc)


def audited(action: str) -> Callable[[F], F]:
    """Record every run of a data-changing command, with its arguments and outcome."""

    def wrap(command: F) -> F:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                result = command(*args, **kwargs)
            except BaseException as exc:
                # Redacted before it is cut: a cut could split a password from its "@".
                message = redact(str(exc))[:300]
                record(action, "failed", error=type(exc).__name__, message=message, **kwargs)
                raise
            record(action, "done", **kwargs)
            return result

        return run  # type: ignore[return-value]

    return wrap
