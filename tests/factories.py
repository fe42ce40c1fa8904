"""Factories for tests. National records are written through the services, as the product writes them."""

from __future__ import annotations

from typing import Any

import factory

from apps.accounts.models import Role, User
from apps.core.dates import PartialDate
from apps.nations.models import Coalition, CoalitionKind, Membership, Nation
from apps.positions.models import HybridPolicy, Milestone, Position, PqcStance, QkdStance
from apps.positions.services import milestone_set, position_declare
from apps.sources.models import Source
from apps.sources.services import SourceCitation, source_record

#: A citation a person may give (who said it and when, and what kind of source: issue 10), unsaved.
CITED = SourceCitation(
    authority="Ministry",
    document="Guidance",
    kind="guidance",
    url="https://example.org/g",
    published=PartialDate.parse("2025-04"),
)


class NationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{chr(65 + (n // 26) % 26)}{chr(65 + n % 26)}")
    name = factory.LazyAttribute(lambda o: f"Nation {o.code}")


class CoalitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coalition
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.LazyAttribute(lambda o: f"Coalition {o.code}")
    kind = CoalitionKind.DEFENCE
    is_defence = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    coalition = factory.SubFactory(CoalitionFactory)
    nation = factory.SubFactory(NationFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.PLANNER
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def liaison_for(self, create: bool, extracted: list[Nation] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.liaison_for.set(extracted)
        if create:
            self.save()


def make_source(**overrides: Any) -> Source:
    values: dict[str, Any] = {
        "authority": "Test Authority",
        "document": "Test guidance",
        "url": "https://example.org/guidance",
        "published": PartialDate.parse("2025-03"),
        "verified": True,
        "kind": "guidance",
    }
    values.update(overrides)
    return source_record(**values)


def declare(nation: Nation, actor: User | None = None, **overrides: Any) -> Position:
    """Declare a position for ``nation`` through the service (defaults: a sourced, public PQC adopter)."""
    values: dict[str, Any] = {
        "pqc_stance": PqcStance.ADOPT_RECOMMENDED,
        "qkd_stance": QkdStance.REJECTS,
        "hybrid_policy": HybridPolicy.OPTIONAL,
        "declared": PartialDate.parse("2025-03-20"),
    }
    values.update(overrides)
    values.setdefault("source", make_source())
    return position_declare(nation=nation, actor=actor, **values)


def set_milestone(nation: Nation, *, kind: str, title: str, target: str, **overrides: Any) -> Milestone:
    """Record a milestone for ``nation`` through the service, ``target`` a partial date as written ("2031",
    "2030-12-31"); defaults: no actor, unsourced, public."""
    values: dict[str, Any] = {"actor": None, "source": None}
    values.update(overrides)
    return milestone_set(nation=nation, kind=kind, title=title, target=PartialDate.parse(target), **values)
