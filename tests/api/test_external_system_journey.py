"""An external system's journey over real HTTP against a live server (issue 13): with a write token for its
nation it previews a draft position (the gaps it would open and resolve, nothing written), then declares it
as the successor of the position in force, and after the recompute the findings changed as the preview
said."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from apps.accounts.models import Role, User
from apps.gaps import engine
from apps.gaps.models import RunTrigger
from apps.nations.models import Coalition, Nation
from apps.positions.models import Position
from tests.api.conftest import CITATION, _issue
from tests.factories import UserFactory, declare

pytestmark = pytest.mark.django_db(transaction=True)

DRAFT = {"pqc_stance": "adopt_mandated", "qkd_stance": "deploying", "hybrid_policy": "optional", "source": CITATION}


def _open_keys(session: requests.Session, base: str) -> set[str]:
    response = session.get(f"{base}/api/v1/findings/?nation=AA", timeout=30)
    assert response.status_code == 200, response.text
    return {f["key"] for f in response.json()["results"] if f["status"] != "resolved"}


def test_a_system_previews_a_draft_then_submits_it(
    live_server: Any, nation_a: Nation, nation_b: Nation, ally: Coalition
) -> None:
    declare(nation_a, pqc_stance="undeclared", qkd_stance="undeclared", hybrid_policy="undeclared")
    declare(nation_b)  # a PQC adopter that rejects QKD
    engine.recompute(trigger=RunTrigger.SWEEP)
    system: User = UserFactory(username="feed_aa", role=Role.SYSTEM, nation=nation_a, liaison_for=[nation_a])
    token = _issue(system, ["read", "write"], [nation_a])
    base = live_server.url
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token.secret}"

    assert "positions" in session.get(f"{base}/api/v1/", timeout=30).json()
    before = _open_keys(session, base)
    assert "undeclared_stance:AA" in before

    positions = Position.objects.count()
    preview = session.post(f"{base}/api/v1/positions/preview/", json={"nation": "AA", **DRAFT}, timeout=60)
    assert preview.status_code == 200, preview.text
    said = preview.json()
    opens, resolves = {f["key"] for f in said["opens"]}, {f["key"] for f in said["resolves"]}
    assert opens == {"qkd_divergence:AA:BB"} and resolves == {"undeclared_stance:AA"}
    assert {c["field"]: c["after"] for c in said["changes"]}["qkd_stance"] == "Deploying"
    assert Position.objects.count() == positions  # the preview wrote nothing

    # The draft changes the position in force, so it is declared as its successor, with its ETag.
    in_force = session.get(f"{base}/api/v1/positions/{said['current']['id']}/", timeout=30)
    submitted = session.put(in_force.url, json=DRAFT, headers={"If-Match": in_force.headers["ETag"]}, timeout=60)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["qkd_stance"] == "deploying" and submitted.json()["is_current"] is True

    engine.drain_requests()  # the worker's part: the recompute the declaration asked for
    after = _open_keys(session, base)
    assert after == (before - resolves) | opens
    for finding in said["resolves"]:
        assert session.get(f"{base}/api/v1/findings/{finding['id']}/", timeout=30).json()["status"] == "resolved"
