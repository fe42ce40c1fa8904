"""The OpenAPI schema builds without warnings, and schemathesis finds no 5xx and no response that breaks
it when it drives the API (in process, through WSGI) with an authorised token."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.accounts.models import Role, TokenScope, User
from apps.accounts.services import token_issue
from apps.nations.models import Coalition, Nation
from pqctrack.wsgi import application
from tests.api.scenario import build_world
from tests.factories import UserFactory


def test_schema_builds_without_warnings(db: None) -> None:
    call_command("spectacular", "--fail-on-warn", "--validate", stdout=StringIO(), stderr=StringIO())


def _load_schema() -> Any:
    """The schema the API serves, generated in process (no database needed) and handed to schemathesis
    with the WSGI application to call."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application
    return loaded


schema = _load_schema()


@pytest.fixture
def authorised(
    transactional_db: None, settings: Any, nation_a: Nation, nation_b: Nation, ally: Coalition
) -> dict[str, str]:
    """The scenario world, and a token that may read, write for A and triage: the widest a
    non-administrator can hold."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    build_world(nation_a, nation_b, ally)
    owner = UserFactory(username="st_planner", role=Role.LIAISON_OFFICER, nation=nation_a, liaison_for=[nation_a])
    _, secret = token_issue(
        user=owner,
        name="schemathesis",
        scopes=[TokenScope.READ, TokenScope.WRITE, TokenScope.TRIAGE],
        write_nations=[nation_a],
        expires_at=timezone.now() + timedelta(hours=1),
        actor=None,
    )
    assert isinstance(owner, User)
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case: Any, authorised: dict[str, str]) -> None:
    case.call_and_validate(
        headers=authorised,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
