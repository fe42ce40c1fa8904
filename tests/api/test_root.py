"""``GET /api/v1/`` lists the resources (who may call it: the permission matrix)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from apps.nations.models import Coalition, Nation
from tests.api.conftest import IssuedToken, client_for

LISTS = {
    "nations", "coalitions", "memberships", "positions", "approvals", "milestones", "algorithms", "parameter-sets",
    "standards-bodies", "protocols", "work-items", "mechanisms", "findings", "gap-runs", "protocol-readiness",

}  # fmt: skip
#: Reports that need query parameters (a coalition and a protocol) answer 400 without them: not root links.
NEEDS_QUERY = {"common-ground"}


def _v1_routes() -> set[str]:
    """The first path segment (after ``reports/``) of every route under /api/v1/ that takes no argument."""
    [v1] = [p for p in get_resolver().url_patterns if str(p.pattern) == "api/"]
    assert isinstance(v1, URLResolver)
    [versioned] = [p for p in v1.url_patterns if str(p.pattern) == "v1/"]
    assert isinstance(versioned, URLResolver)
    routes = [str(p.pattern).strip("^$") for p in versioned.url_patterns if isinstance(p, URLPattern)]
    return {r.removeprefix("reports/").split("/")[0] for r in routes if r and "<" not in r and "(?P" not in r}


def test_the_root_links_every_list_and_each_link_answers(
    nation_a: Nation, nation_b: Nation, ally: Coalition, read_token: IssuedToken, django_assert_num_queries: Any
) -> None:
    client = client_for(read_token)
    client.get("/api/v1/")  # stamps the token's last use
    with django_assert_num_queries(1):  # the token and its user; the links need no query
        response = client.get("/api/v1/")
    assert response.status_code == 200
    links = response.json()
    assert set(links) == LISTS
    assert links["nations"] == "http://testserver/api/v1/nations/"
    for name, url in links.items():
        follow = {"memberships": "?coalition=ALLY"}.get(name, "")
        assert client.get(url + follow).status_code == 200, name


def test_every_list_route_is_in_the_root() -> None:
    assert _v1_routes() - NEEDS_QUERY == LISTS


def test_the_root_is_in_the_schema(client: Any) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    root = schema["paths"]["/api/v1/"]["get"]
    assert root["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ApiRoot"}
    assert set(schema["components"]["schemas"]["ApiRoot"]["properties"]) == LISTS
    assert {"401", "403"} <= set(root["responses"])
