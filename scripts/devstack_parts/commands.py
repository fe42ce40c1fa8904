"""The devstack's commands: ``run`` (setup steps, then worker, beat and runserver supervised), ``test``,
``exec`` and ``clean``."""

from __future__ import annotations

import http.client
import os
import shlex
import shutil
import socket
import sys
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from .postgres import PGDATA, live_handles, running_postmaster_pid, stop_orphan_postgres
from .services import services
from .supervision import (
    LOCAL,
    ROOT,
    Child,
    DevstackError,
    SignalState,
    StopRequested,
    check_stop,
    describe_exit,
    log,
    run_foreground,
    sleep_checking,
    stop_children,
)

SERVE_HOST, SERVE_PORT = "127.0.0.1", 8000
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
                SignalState.stopping = True
                stop_children(children)
    except StopRequested as stop:
        log(f"{stop} received; everything stopped")
        return 0
    return 0


def cmd_clean() -> int:
    if PGDATA.exists():
        others = [p for p in live_handles(PGDATA) if p != os.getpid()]
        if others and running_postmaster_pid(PGDATA):
            raise DevstackError(f"a devstack (pid {', '.join(map(str, others))}) is still using .local/; stop it first")
        stop_orphan_postgres(PGDATA)
    shutil.rmtree(LOCAL, ignore_errors=True)
    log(f"removed {LOCAL}")
    return 0
