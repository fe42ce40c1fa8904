"""The database itself refuses bad values: choices and identities are constraints, not form hints."""

import pytest
from django.db import IntegrityError, transaction

from apps.algorithms.models import Algorithm, ParameterSet
from apps.nations.models import Coalition, Membership, Nation
from apps.positions.models import Position
from apps.standards.models import Protocol, StandardsBody, WorkItem, WorkItemStatus

pytestmark = pytest.mark.django_db


def refused(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_position_choices_are_checked_by_the_database(nation_a: Nation) -> None:
    refused(lambda: Position.objects.create(nation=nation_a, pqc_stance="enthusiastic"))
    refused(lambda: Position.objects.create(nation=nation_a, qkd_stance="maybe"))
    refused(lambda: Position.objects.create(nation=nation_a, hybrid_policy="sometimes"))
    refused(lambda: Position.objects.create(nation=nation_a, scope="everything"))
    refused(lambda: Position.objects.create(nation=nation_a, declared_precision="week"))


def test_only_one_current_position_per_nation_and_scope(nation_a: Nation) -> None:
    Position.objects.create(nation=nation_a)
    refused(lambda: Position.objects.create(nation=nation_a))
    Position.objects.create(nation=nation_a, scope="government")


def test_state_codes_are_iso_alpha2() -> None:
    refused(lambda: Nation.objects.create(code="XYZ", name="Not a state code", kind="state"))
    refused(lambda: Nation.objects.create(code="gb", name="Lower case", kind="state"))
    Nation.objects.create(code="NATO", name="A body may use a longer code", kind="body")


def test_nation_and_coalition_codes_are_unique() -> None:
    Nation.objects.create(code="QQ", name="Q")
    refused(lambda: Nation.objects.create(code="QQ", name="Q again"))
    Coalition.objects.create(code="QC", name="Q", kind="defence")
    refused(lambda: Coalition.objects.create(code="QC", name="Q again", kind="defence"))
    refused(lambda: Coalition.objects.create(code="QD", name="Bad kind", kind="club"))


def test_membership_is_unique_and_cannot_end_before_it_began(nation_a: Nation) -> None:
    coalition = Coalition.objects.create(code="QC", name="Q", kind="defence")
    Membership.objects.create(coalition=coalition, nation=nation_a, joined_on="2020-01-01")
    refused(lambda: Membership.objects.create(coalition=coalition, nation=nation_a))
    other = Nation.objects.create(code="QQ", name="Q")
    refused(
        lambda: Membership.objects.create(
            coalition=coalition, nation=other, joined_on="2020-01-01", left_on="2019-01-01"
        )
    )


def test_security_categories_are_one_to_five() -> None:
    refused(lambda: Algorithm.objects.create(name="Bad", kind="kem", security_categories=[0, 6]))
    refused(lambda: Algorithm.objects.create(name="Bad kind", kind="cipher"))
    algorithm = Algorithm.objects.create(name="Good", kind="kem", security_categories=[1, 3, 5])
    refused(lambda: ParameterSet.objects.create(algorithm=algorithm, name="Good-9", security_category=9))
    ParameterSet.objects.create(algorithm=algorithm, name="Good-1", security_category=1)
    refused(lambda: ParameterSet.objects.create(algorithm=algorithm, name="Good-1", security_category=1))


def test_work_item_identity_and_status_lifecycle() -> None:
    body = StandardsBody.objects.create(code="IETF", name="IETF")
    protocol = Protocol.objects.create(code="TLS", name="TLS")
    item = WorkItem.objects.create(body=body, identifier="draft-x", title="X", protocol=protocol)
    refused(lambda: WorkItem.objects.create(body=body, identifier="draft-x", title="X again", protocol=protocol))
    refused(
        lambda: WorkItem.objects.create(body=body, identifier="draft-y", title="Y", protocol=protocol, hybrid="some")
    )
    refused(lambda: WorkItemStatus.objects.create(work_item=item, status="rfc", lifecycle="done"))
    WorkItemStatus.objects.create(work_item=item, status="wg_draft", lifecycle="adopted")
    refused(lambda: WorkItemStatus.objects.create(work_item=item, status="wg_draft", lifecycle="adopted"))
