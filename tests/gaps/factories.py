"""factory_boy factories for the gap tests."""

from __future__ import annotations

import factory

from apps.accounts.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.PLANNER


class PlannerFactory(UserFactory):
    role = Role.PLANNER


class LiaisonFactory(UserFactory):
    role = Role.LIAISON_OFFICER
