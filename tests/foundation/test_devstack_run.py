"""`make run`'s last words: one banner with the URL and the demo logins, printed once everything is up."""

from __future__ import annotations

import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.accounts.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS
from tests.factories import NationFactory
from tests.scripts import devstack


def test_the_banner_names_the_url_every_demo_login_and_the_logs(db, settings, tmp_path):
    settings.DEBUG = True
    for code in ("GB", "FR", "US"):
        NationFactory(code=code)
    out = StringIO()
    call_command("seed_demo", stdout=out)
    logs = [devstack.LOGS / "worker.log", devstack.LOGS / "beat.log"]

    text = devstack.banner(url="http://127.0.0.1:8000/", logins=out.getvalue(), logs=logs, timings="Took 1.0s.")

    assert "open http://127.0.0.1:8000/" in text
    assert DEMO_PASSWORD in text
    for username, role, *_ in DEMO_USERS:
        assert any(username in line and role.label in line for line in text.splitlines()), username
    assert ".local/logs/worker.log, .local/logs/beat.log" in text
    assert text.rstrip().endswith("=" * 78)  # nothing of it trails after the closing rule


def _child(tmp_path: Path, script: str) -> tuple[object, Path]:
    log_file = tmp_path / "child.log"
    log_file.write_text("an earlier run was ready.\n")  # what came before the start does not count
    child = devstack.Child("child", [sys.executable, "-c", script], {}, quiet_log=log_file)
    return child, log_file


def test_a_process_is_up_once_its_log_says_so(tmp_path):
    child, log_file = _child(tmp_path, "import time; print('starting', flush=True); time.sleep(1); print('ready.')")
    offset = len("an earlier run was ready.\n")
    try:
        devstack.wait_for_log_line(child, log_file, offset, "ready.", timeout=30)
        assert log_file.read_text().endswith("starting\nready.\n")
    finally:
        devstack.stop_children([child], timeout=5)


def test_a_process_that_exits_before_it_is_up_is_reported_with_its_log(tmp_path):
    child, log_file = _child(tmp_path, "import sys; print('cannot connect to the broker'); sys.exit(3)")
    with pytest.raises(devstack.DevstackError, match=r"(?s)exit code 3.*cannot connect to the broker"):
        devstack.wait_for_log_line(child, log_file, len("an earlier run was ready.\n"), "ready.", timeout=30)
