"""Pages answer hostile query strings and paths with a 4xx, never a 500: NUL bytes, huge or over-numerous
parameters, malformed UTF-8."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import User


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/findings/?nation=A%00A&rule=%00", 400),
        ("/findings/export.csv?protocol=%00", 400),
        ("/matrix/?coalition=AL%00LY", 400),
        ("/changes/?since=%00", 400),
        ("/nations/A%00A/", 404),
        (f"/findings/?nation={'A' * 9000}", 414),
        ("/findings/?" + "&".join(f"p{i}=1" for i in range(1001)), 400),
        ("/findings/?nation=%FF&page=%FF", 200),
    ],
)
def test_pages_answer_hostile_requests_with_a_4xx(planner: User, url: str, status: int) -> None:
    client = Client()
    client.force_login(planner)
    response = client.get(url)
    assert response.status_code == status
    assert b"\x00" not in response.content
