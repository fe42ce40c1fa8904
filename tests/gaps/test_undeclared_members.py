"""On the shipped data, every coalition member that has declared nothing is named by the undeclared rule."""

from __future__ import annotations

import pytest

from apps.gaps.models import Finding, Rule
from apps.nations.models import Membership, Nation, NationKind
from apps.positions.models import Position

pytestmark = pytest.mark.django_db


def test_every_member_with_no_declaration_has_an_undeclared_finding(swept: dict[str, Finding]) -> None:
    members = Nation.objects.filter(kind=NationKind.STATE, memberships__in=Membership.objects.all()).distinct()
    silent = set(members.exclude(pk__in=Position.objects.values("nation_id")).values_list("code", flat=True))
    assert {"EE", "GR", "TR", "RO", "HU"} <= silent
    named = {
        f.nation_a.code
        for f in Finding.objects.filter(rule=Rule.UNDECLARED_STANCE).select_related("nation_a")
        if "recorded no position at all" in f.explanation
    }
    assert silent <= named
