"""What a request leaves behind: a page of findings is freed when its response has been sent, not when the
cycle collector next runs (its pauses were the API's slowest answers, issue 15)."""

from __future__ import annotations

import gc
import io
import sys
from collections.abc import Iterator

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from apps.nations.models import Nation
from tests.api.conftest import IssuedToken
from tests.api.scenario import make_finding


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _serve(path: str, secret: str) -> bytes:
    """One request as a WSGI server makes it: call the application, read the body, close the response."""
    statuses: list[str] = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "page_size=100",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "HTTP_ACCEPT": "application/json",
        "HTTP_AUTHORIZATION": f"Bearer {secret}",
    }
    # As Django's test client does: the test's transaction holds the connection, so no request closes it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
        try:
            body = b"".join(response)
        finally:
            response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses == ["200 OK"], statuses
    return body


def test_a_served_page_of_findings_is_freed_without_the_cycle_collector(
    nation_a: Nation, nation_b: Nation, read_token: IssuedToken, collector_off: None
) -> None:
    for i in range(20):
        make_finding(nation_a, nation_b, object=f"object {i}")
    assert b"object 19" in _serve("/api/v1/findings/", read_token.secret)  # warm: imports, caches
    body = _serve("/api/v1/findings/", read_token.secret)
    assert body.count(b'"rests_on"') == 20
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        rows = [o for o in gc.garbage if type(o) is dict and "rests_on" in o]  # not isinstance: lazy objects
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert rows == []


def test_the_wsgi_application_leaves_what_it_loaded_out_of_the_collectors_reach() -> None:
    before = gc.get_freeze_count()
    import pqctrack.wsgi  # noqa: F401  (already imported by an earlier test, if any: then it froze then)

    try:
        assert gc.get_freeze_count() > 0 and gc.get_freeze_count() >= before
    finally:
        gc.unfreeze()
