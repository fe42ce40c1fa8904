"""``read_together``: several ``values_list`` reads in one query, each answered as the queryset itself
answers (rows, order, types), one that can match nothing answered without being sent."""

from __future__ import annotations

import pytest

from apps.core.together import read_together
from apps.nations.models import Coalition, Membership, Nation

pytestmark = pytest.mark.django_db


def test_each_read_answers_as_its_queryset(ally: Coalition, nation_a: Nation, django_assert_num_queries) -> None:
    reads = [
        Nation.objects.values_list("id", "code", "created_at"),
        Coalition.objects.filter(code="NONE").values_list("id"),
        Nation.objects.filter(id__in=[]).values_list("id"),
        Membership.objects.order_by("-nation__code").values_list("nation_id", "coalition_id", "joined_on"),
    ]
    expected = [list(qs) for qs in reads]
    with django_assert_num_queries(1):
        got = read_together(*reads)
    assert got == expected and got[0] and got[3] and got[1] == got[2] == []
    assert [type(v) for v in got[0][0]] == [type(v) for v in expected[0][0]]


def test_only_values_list_reads_go_together(nation_a: Nation) -> None:
    with pytest.raises(ValueError):
        read_together(Nation.objects.all())
    with pytest.raises(ValueError):
        read_together(Nation.objects.values_list("id", flat=True))
    assert read_together() == []
