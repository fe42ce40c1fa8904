"""Process supervision for the devstack: signals, child process groups, and the foreground command.

Signal handlers only record the signal; long waits poll `check_stop()` at safe points, so a Ctrl-C never
leaves a half-created process or server behind.  While a foreground command (`test`/`exec`) runs, it shares
our process group, gets Ctrl-C from the terminal itself, and we just wait for it (SIGTERM/SIGHUP are
forwarded to it).
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from types import FrameType
from typing import TextIO

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / ".local"
STOP_TIMEOUT = 10.0  # seconds between TERM and KILL


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


class SignalState:
    pending: int | None = None
    stopping = False
    foreground: subprocess.Popen[bytes] | None = None


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    if SignalState.stopping:
        log(f"{signal.Signals(signum).name} received while stopping; still shutting down, please wait")
        return
    fg = SignalState.foreground
    if fg is not None and fg.poll() is None:
        if signum != signal.SIGINT:  # the terminal already delivered SIGINT to the whole process group
            fg.send_signal(signum)
        return
    SignalState.pending = signum


def install_signal_handlers() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)


def check_stop() -> None:
    if SignalState.pending is not None:
        raise StopRequested(SignalState.pending)


def sleep_checking(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        check_stop()
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.1))


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        return f"killed by {signal.Signals(-returncode).name}"
    return f"exit code {returncode}"


def pid_alive(pid: int, *, group: bool = False) -> bool:
    """True while the process (with `group`: any process of that group) exists, ours or another user's."""
    try:
        (os.killpg if group else os.kill)(pid, 0)
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
        return self.popen.poll() is not None and not pid_alive(self.pgid, group=True)


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


def run_foreground(argv: Sequence[str], env: dict[str, str]) -> int:
    """Run a command in our process group (so it owns the terminal: Ctrl-C, prompts) and return its code."""
    try:
        proc = subprocess.Popen(list(argv), cwd=ROOT, env=env)
    except FileNotFoundError as exc:
        raise DevstackError(f"cannot run {shlex.join(argv)}: {exc}") from None
    SignalState.foreground = proc
    try:
        returncode = proc.wait()
    finally:
        SignalState.foreground = None
    return returncode if returncode >= 0 else 128 - returncode
