"""Running the service: gunicorn with several workers, or Flask's reloader for development."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from brandmap.service.web import create_app

__all__ = ["run_dev", "run_production"]


# Browsers open several connections at once for a page; threads keep one slow client from
# holding a whole worker.
THREADS_PER_WORKER = 4


class _Gunicorn(BaseApplication):
    """gunicorn driven from Python, so `brandmap serve` needs no separate config file."""

    def __init__(self, store: str, options: dict[str, Any]) -> None:
        self.store = store
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return create_app(self.store)


def run_production(
    store: str, host: str, port: int, workers: int, access_log: str | None = None
) -> None:
    """Load the store once in the master (checked before binding), then fork the workers.

    Errors are always logged; the access log (a fifth of a worker's time on a cached
    layer) only when asked for.
    """
    _Gunicorn(
        store,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": THREADS_PER_WORKER,
            "preload_app": True,
            "accesslog": access_log,
            "timeout": 60,
        },
    ).run()


def run_dev(store: str, host: str, port: int) -> None:
    create_app(store).run(host=host, port=port, debug=True, use_reloader=True)
