"""The OpenAPI schema builds without warnings, and the API keeps it exactly: schemathesis (its command line,
every phase) drives the live server through the schema it serves, with every one of its checks, once each
with a read, a write and a triage token. Examples are bounded to keep the three runs short on 2 cores."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.models import Role, TokenScope
from apps.accounts.services import token_issue
from apps.nations.models import Coalition, Nation
from tests.api.scenario import build_world
from tests.factories import UserFactory

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_schema_builds_without_warnings(db: None) -> None:
    call_command("spectacular", "--fail-on-warn", "--validate", stdout=StringIO(), stderr=StringIO())


@pytest.fixture(params=["read", "write", "triage"])
def token(
    request: pytest.FixtureRequest,
    transactional_db: None,
    settings: Any,
    nation_a: Nation,
    nation_b: Nation,
    ally: Coalition,
) -> str:
    """The scenario world, and a token of one kind: read only, write for A, or triage (a planner's)."""
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    build_world(nation_a, nation_b, ally)
    kind = request.param
    role = Role.PLANNER if kind == "triage" else Role.SYSTEM
    owner = UserFactory(username=f"st_{kind}", role=role, nation=nation_a, liaison_for=[nation_a])
    scopes = [TokenScope.READ] + ([TokenScope(kind)] if kind != "read" else [])
    _, secret = token_issue(
        user=owner,
        name=f"schemathesis {kind}",
        scopes=scopes,
        write_nations=[nation_a] if kind == "write" else [],
        expires_at=timezone.now() + timedelta(hours=1),
        actor=None,
    )
    return secret


def test_api_keeps_its_contract(live_server: Any, token: str, tmp_path: Path) -> None:
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(CONFIG),
            "run",
            f"{live_server.url}/api/schema/?format=json",
            "--url",
            live_server.url,
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {token}",
            "--max-examples",
            "5",
            "--workers",
            "1",
            "--seed",
            "1",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    # Exit code 0: no check failed, no server error, in any phase (the report says which and why otherwise).
    assert run.returncode == 0, run.stdout[-20000:]
