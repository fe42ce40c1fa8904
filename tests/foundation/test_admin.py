"""The admin lists, filters and searches every model, and writes only through the services."""

import inspect

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.core.admin import ServiceAdmin
from apps.nations.models import Nation
from apps.positions.models import Position
from apps.sources.models import Source
from tests.factories import declare, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for(administrator: User) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def test_every_registered_model_lists_and_searches(admin_client_for: Client, officer_a: User, nation_a) -> None:
    declare(nation_a, officer_a)
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client_for.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert admin_client_for.get(url, {"q": "AA"}).status_code == 200, url


def test_adding_a_position_in_the_admin_supersedes_through_the_service(
    new_audit_events, admin_client_for: Client, administrator: User, officer_a: User, nation_a: Nation
) -> None:
    old = declare(nation_a, officer_a)
    source = make_source(document="Revised guidance")
    response = admin_client_for.post(
        reverse("admin:positions_position_add"),
        {
            "nation": nation_a.pk,
            "scope": "all",
            "source": source.pk,
            "declared_on": "2026-01-01",
            "declared_precision": "month",
            "pqc_stance": "adopt_mandated",
            "qkd_stance": "rejects",
            "hybrid_policy": "required",
            "note": "",
            "algorithms_named": "",
        },
    )
    assert response.status_code == 302
    old.refresh_from_db()
    new = Position.objects.current().get(nation=nation_a)
    assert old.superseded_by == new
    assert (new.hybrid_policy, new.recorded_by, str(new.declared)) == ("required", administrator, "2026-01")
    assert new_audit_events(table_name="positions_position", row_id=str(new.pk), actor_id=administrator.pk).exists()


def test_the_position_page_shows_its_history_and_cannot_be_edited(
    admin_client_for: Client, officer_a: User, nation_a: Nation
) -> None:
    declare(nation_a, officer_a, hybrid_policy="recommended")
    current = declare(nation_a, officer_a, hybrid_policy="required")
    url = reverse("admin:positions_position_change", args=[current.pk])
    page = admin_client_for.get(url).content.decode()
    assert "hybrid recommended (superseded)" in page and "hybrid required" in page
    response = admin_client_for.post(url, {"hybrid_policy": "forbidden"})
    assert response.status_code == 403
    current.refresh_from_db()
    assert current.hybrid_policy == "required"


def test_nothing_can_be_deleted_in_the_admin(admin_client_for: Client, officer_a: User, nation_a: Nation) -> None:
    position = declare(nation_a, officer_a)
    response = admin_client_for.post(reverse("admin:positions_position_delete", args=[position.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Position.objects.filter(pk=position.pk).exists()


SERVICE_ADMINS = [(m, a) for m, a in admin.site._registry.items() if isinstance(a, ServiceAdmin)]


@pytest.mark.parametrize(("model", "model_admin"), SERVICE_ADMINS, ids=[m._meta.label for m, _ in SERVICE_ADMINS])
def test_each_admin_gives_its_service_exactly_the_arguments_it_takes(model, model_admin: ServiceAdmin) -> None:
    given = [*model_admin.service_fields, *model_admin.renamed_fields, *model_admin.form_fields]
    if model_admin.service_takes_actor:
        given.append("actor")
    parameters = inspect.signature(type(model_admin).service).parameters
    inspect.signature(type(model_admin).service).bind(**dict.fromkeys(given))  # no unknown or missing argument
    assert "actor" not in parameters or model_admin.service_takes_actor
    for name in [*model_admin.service_fields, *model_admin.renamed_fields.values()]:
        assert hasattr(model, name) or name in {f.attname for f in model._meta.concrete_fields}, name


def test_adding_a_source_in_the_admin_records_it_through_the_service(admin_client_for: Client) -> None:
    response = admin_client_for.post(
        reverse("admin:sources_source_add"),
        {
            "authority": " BSI ",
            "document": "TR-02102-1",
            "url": "",
            "primary_url": "https://www.bsi.bund.de/tr-02102",
            "primary_seen": "",
            "published_on": "2025-01-01",
            "published_precision": "month",
            "note": "",
        },
    )
    assert response.status_code == 302
    source = Source.objects.get(document="TR-02102-1")
    assert (source.authority, str(source.published)) == ("BSI", "2025-01")  # stripped by ``source_record``
