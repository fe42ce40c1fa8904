"""Issue 10 in the UI: every claim on the dossier shows its source's kind and what it rests on, and each
finding shows what its evidence rests on and whether any of it was confirmed."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.gaps import engine
from apps.gaps.models import Finding, Rule, RunTrigger
from apps.nations.models import Nation
from apps.positions.models import HybridPolicy
from tests.factories import declare, make_source

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def test_the_dossier_shows_each_claims_kind_and_basis(login: Login, officer_a: User, nation_a: Nation) -> None:
    speech = make_source(kind="statement", verified=False, primary_url="")
    declare(nation_a, actor=officer_a, source=speech)
    html = login(officer_a).get("/nations/AA/").content.decode()
    assert "official statement or speech" in html
    assert 'class="mark mark-speech">speech<' in html
    assert 'class="mark mark-unconfirmed">unconfirmed<' in html


def test_a_claim_without_its_official_document_rests_on_secondary_pages(
    login: Login, officer_a: User, nation_a: Nation
) -> None:
    declare(nation_a, actor=officer_a, source=make_source(kind="guidance", primary_url=""))
    html = login(officer_a).get("/nations/AA/").content.decode()
    assert "secondary pages only" in html and "mark-unconfirmed" not in html
    declare(nation_a, actor=officer_a, source=make_source(kind="law", primary_url="https://gov.example/act"))
    html = login(officer_a).get("/nations/AA/").content.decode()
    assert 'class="mark mark-official">official document<' in html


def test_a_finding_on_unconfirmed_claims_says_so_on_its_page_and_in_the_list(
    login: Login, officer_a: User, officer_b: User, planner: User, nation_a: Nation, nation_b: Nation
) -> None:
    unconfirmed = make_source(kind="secondary", verified=False)
    declare(nation_a, actor=officer_a, hybrid_policy=HybridPolicy.FORBIDDEN, source=unconfirmed)
    declare(nation_b, actor=officer_b, hybrid_policy=HybridPolicy.REQUIRED, source=unconfirmed)
    engine.recompute(trigger=RunTrigger.MANUAL)
    finding = Finding.objects.get(rule=Rule.HYBRID_CONFLICT)
    assert finding.unconfirmed and finding.rests_on == "secondary_only"
    client = login(planner)
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "None of the records it rests on was confirmed in its source" in page
    assert 'class="mark mark-secondary">secondary pages only<' in page and "mark-unconfirmed" in page
    listing = client.get("/findings/").content.decode()
    assert "mark-unconfirmed" in listing


def test_the_findings_exports_say_what_each_finding_rests_on_and_if_it_is_unconfirmed(
    login: Login, officer_a: User, officer_b: User, planner: User, nation_a: Nation, nation_b: Nation
) -> None:
    unconfirmed = make_source(kind="secondary", verified=False)
    declare(nation_a, actor=officer_a, hybrid_policy=HybridPolicy.FORBIDDEN, source=unconfirmed)
    declare(
        nation_b,
        actor=officer_b,
        hybrid_policy=HybridPolicy.REQUIRED,
        source=make_source(kind="law", primary_url="https://gov.example/act"),
    )
    engine.recompute(trigger=RunTrigger.MANUAL)
    client = login(planner)
    rows = {r["rule"]: r for r in csv.DictReader(io.StringIO(client.get("/findings/export.csv").content.decode()))}
    assert rows[Rule.HYBRID_CONFLICT]["rests_on"] == "official_document"
    assert rows[Rule.HYBRID_CONFLICT]["unconfirmed"] == "False"
    data = {r["rule"]: r for r in client.get("/findings/export.json").json()["findings"]}
    assert data[Rule.HYBRID_CONFLICT]["rests_on"] == "official_document"
    assert data[Rule.HYBRID_CONFLICT]["unconfirmed"] is False
    assert data[Rule.STALE_POSITION]["rests_on"] == "secondary_only" and data[Rule.STALE_POSITION]["unconfirmed"]
