"""The web forms cite sources through the declaration services: a refused declaration stores no source."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, AlgorithmKind, ParameterSet
from apps.positions.models import Approval
from apps.sources.models import Source

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def test_a_refused_approval_leaves_no_source_behind(login: Login, officer_a: User) -> None:
    kem = Algorithm.objects.create(name="ML-KEM", kind=AlgorithmKind.KEM)
    Algorithm.objects.create(name="ML-DSA", kind=AlgorithmKind.SIGNATURE)
    ParameterSet.objects.create(algorithm=kem, name="ML-KEM-768", security_category=3)
    data = {
        "algorithm": "ML-DSA",
        "parameter_set": "ML-KEM-768",
        "status": "approved",
        "scope": "all",
        "declared": "2024",
        "source-authority": "Avalon Cyber Agency",
        "source-document": "Approved list",
        "source-url": "https://example.org/x",
        "source-published": "2024",
        "source-kind": "guidance",
    }
    response = login(officer_a).post("/nations/AA/approvals/new/", data)
    assert response.status_code == 200
    assert not Approval.objects.exists()
    assert not Source.objects.exists()
