"""Every page needs a signed-in user, and the header always says who, in which role, for which nation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from apps.accounts.models import User

pytestmark = pytest.mark.django_db

OPEN = {"login"}


def _sample_url(pattern: URLPattern) -> str:
    route = str(pattern.pattern)
    for part, value in (("<str:code>", "AA"), ("<int:pk>", "1"), ("<int:protocol>", "1"), ("<int:algorithm>", "1")):
        route = route.replace(part, value)
    return "/" + route


def test_every_page_but_login_redirects_an_anonymous_visitor_to_sign_in(client: Client) -> None:
    from apps.web import urls

    pages = [p for p in urls.urlpatterns if isinstance(p, URLPattern) and p.name not in OPEN | {"logout"}]
    assert len(pages) >= 15
    for pattern in pages:
        response = client.get(_sample_url(pattern))
        assert response.status_code == 302, pattern.name
        assert response["Location"].startswith("/accounts/login/"), pattern.name
    assert get_resolver().resolve("/accounts/login/").url_name == "login"


def test_login_page_signs_a_user_in(client: Client, officer_a: User) -> None:
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "officer_a", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get("/", follow=True).status_code == 200


def test_header_shows_role_and_nation(client: Client, officer_a: User) -> None:
    client.force_login(officer_a)
    html = client.get("/nations/AA/").content.decode()
    assert "Liaison officer" in html
    assert "Avalon (AA)" in html
    assert 'href="#main"' in html  # keyboard users can skip the navigation


def test_officer_lands_on_their_nation_and_planner_on_the_matrix(
    client: Client, officer_a: User, planner: User
) -> None:
    client.force_login(officer_a)
    assert client.get("/")["Location"] == "/nations/AA/"
    client.force_login(planner)
    assert client.get("/")["Location"] == "/matrix/"


def test_logout_is_a_post_and_signs_out(client: Client, planner: User) -> None:
    client.force_login(planner)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/matrix/").status_code == 302
