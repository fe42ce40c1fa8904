"""The OpenAPI schema builds without warnings, and the API keeps it exactly: schemathesis (its command line,
every phase) drives a live server through the schema it serves, with every one of its checks, each operation
called with the token its real callers hold (read, write for a nation, catalogue, triage); administrators'
writes (nations, coalitions, memberships) are open to no token, so there schemathesis sees their 403."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from django.utils import timezone

from apps.accounts.models import Role, TokenScope, User
from apps.accounts.services import token_issue
from apps.nations.models import Coalition, Nation
from tests.api.scenario import build_world
from tests.factories import UserFactory

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_schema_builds_without_warnings(db: None) -> None:
    call_command("spectacular", "--fail-on-warn", "--validate", stdout=StringIO(), stderr=StringIO())


class _NoDelayHandler(QuietWSGIRequestHandler):
    # Responses go out in several writes; with Nagle's algorithm on, each request waits ~40 ms for the
    # client's delayed ACK, which turns a minute's run into several.
    disable_nagle_algorithm = True


class _NoDelayServerThread(LiveServerThread):
    def _create_server(self, connections_override: Any = None) -> ThreadedWSGIServer:
        return ThreadedWSGIServer(
            (self.host, self.port),
            _NoDelayHandler,
            allow_reuse_address=False,
            connections_override=connections_override,
        )


@pytest.fixture
def api_server(transactional_db: None, settings: Any) -> Iterator[str]:
    """The application served over TCP on a free port, for the schemathesis process to call."""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    thread = _NoDelayServerThread("127.0.0.1", static_handler=StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


def _secret(user: User, scopes: list[str], nations: list[Nation]) -> str:
    _, secret = token_issue(
        user=user,
        name=f"schemathesis {'+'.join(scopes)}",
        scopes=scopes,
        write_nations=nations,
        expires_at=timezone.now() + timedelta(hours=1),
        actor=None,
    )
    return secret


@pytest.fixture
def tokens(transactional_db: None, nation_a: Nation, nation_b: Nation, ally: Coalition) -> dict[str, str]:
    """The scenario world, and the four tokens the configuration hands out by operation."""
    build_world(nation_a, nation_b, ally)
    system = UserFactory(username="st_system", role=Role.SYSTEM, nation=nation_a, liaison_for=[nation_a])
    analyst = UserFactory(username="st_analyst", role=Role.STANDARDS_ANALYST, nation=nation_a)
    planner = UserFactory(username="st_planner", role=Role.PLANNER, nation=nation_a)
    return {
        "PQCTRACK_READ_TOKEN": _secret(system, [TokenScope.READ], []),
        "PQCTRACK_WRITE_TOKEN": _secret(system, [TokenScope.READ, TokenScope.WRITE], [nation_a]),
        "PQCTRACK_CATALOGUE_TOKEN": _secret(analyst, [TokenScope.READ, TokenScope.CATALOGUE], []),
        "PQCTRACK_TRIAGE_TOKEN": _secret(planner, [TokenScope.READ, TokenScope.TRIAGE], []),
    }


def test_api_keeps_its_contract(api_server: str, tokens: dict[str, str], tmp_path: Path) -> None:
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(CONFIG),
            "run",
            f"{api_server}/api/schema/?format=json",
            "--url",
            api_server,
            "--checks",
            "all",
            "--max-examples",
            "5",
            "--workers",
            "1",
            "--seed",
            "1",
            "--no-color",
        ],
        cwd=tmp_path,
        env={**os.environ, **tokens},
        capture_output=True,
        text=True,
        timeout=1800,  # about 11 minutes on 2 cores shared by six engineers
        check=False,
    )
    # Exit code 0: no check failed, no server error, in any phase (the report says which and why otherwise).
    assert run.returncode == 0, run.stdout[-30000:]
