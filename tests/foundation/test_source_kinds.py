"""Issue 10: each source records what it is, as a database-enforced choice, set from the shipped data
where the data says it and required from people."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from apps.importer.loader import load_reference
from apps.positions.models import Milestone, Position
from apps.sources.models import Basis, Source, SourceKind
from apps.standards.models import WorkItemStatus
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def test_the_kind_is_one_of_the_choices_in_the_database() -> None:
    source = make_source()
    with pytest.raises(IntegrityError):
        Source.objects.filter(pk=source.pk).update(kind="rumour")


def test_a_source_without_a_kind_keeps_the_address_it_had_before_kinds() -> None:
    columns = {"authority": "A", "document": "D", "url": "", "primary_url": "", "primary_seen": ""}
    assert Source.compute_key({**columns, "kind": ""}) == Source.compute_key(columns)
    assert Source.compute_key({**columns, "kind": "law"}) != Source.compute_key(columns)


def test_the_shipped_data_says_the_kind_only_where_the_reference_does() -> None:
    load_reference()
    speeches = Milestone.objects.current().filter(nation__code="FR", source__kind=SourceKind.STATEMENT)
    assert speeches.count() == 2  # the ANSSI Director-General's 2025 speech (updates README)
    assert all(m.source.basis == Basis.SPEECH for m in speeches.select_related("source"))
    # Standards update rows: verified on an official IETF/RFC Editor page, or resting on a tracker.
    rfc = WorkItemStatus.objects.select_related("source").get(
        work_item__identifier__startswith="RFC 10024", status="rfc"
    )
    assert rfc.source.kind == SourceKind.GUIDANCE
    tracked = WorkItemStatus.objects.filter(source__kind=SourceKind.SECONDARY).select_related("source")
    assert tracked.exists() and not any(status.source.verified for status in tracked)
    # National positions: the reference gives no kind, so none is invented.
    assert not Position.objects.exclude(source__kind="").exists()
