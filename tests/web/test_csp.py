"""Every page carries a Content-Security-Policy that allows script from our own origin only, and no template
relies on inline script or event-handler attributes (which that policy would block)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from apps.accounts.models import User

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = sorted((Path(settings.BASE_DIR) / "apps").glob("*/templates"))
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def _policy(response: object) -> dict[str, str]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def _assert_strict(response: object) -> None:
    policy = _policy(response)
    assert policy["script-src"] == "script-src 'self'"
    assert policy["object-src"] == "object-src 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in policy.get("style-src", "")


def test_the_sign_in_page_and_every_signed_in_page_carry_the_policy(client: Client, planner: User) -> None:
    _assert_strict(client.get("/accounts/login/"))
    client.force_login(planner)
    for url in ("/matrix/", "/nations/", "/findings/", "/timeline/", "/readiness/", "/runs/", "/changes/"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_strict(response)


def test_api_responses_and_errors_carry_it(client: Client, planner: User) -> None:
    _assert_strict(client.get("/api/v1/nations/"))
    client.force_login(planner)
    _assert_strict(client.get("/api/v1/nations/"))
    _assert_strict(client.get("/api/v1/nations/ZZ/"))


def test_the_api_docs_keep_script_to_our_origin(client: Client) -> None:
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _policy(response)["script-src"] == "script-src 'self'"
        assert not [attrs for attrs in SCRIPT_TAG.findall(response.content.decode()) if "src=" not in attrs]
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


def test_no_template_uses_inline_script_or_event_handlers() -> None:
    templates = [path for directory in TEMPLATE_DIRS for path in directory.rglob("*.html")]
    assert len(templates) > 20
    offenders = []
    for path in templates:
        text = path.read_text()
        offenders += [f"{path}: inline <script{attrs}>" for attrs in SCRIPT_TAG.findall(text) if "src=" not in attrs]
        offenders += [f"{path}: {m.group(0)}" for m in EVENT_HANDLER.finditer(text)]
        offenders += [f"{path}: {m.group(0)}" for m in JS_URL.finditer(text)]
    assert offenders == []
