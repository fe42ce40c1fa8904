"""Sources: one service makes them from a citation; a declaration recorded by a user or a token must cite
one with an authority or a document and a publication date (issue 10), stored in the declaration's own
transaction."""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.core.dates import PartialDate
from apps.core.exceptions import Conflict, InvalidInput
from apps.nations.models import Nation
from apps.positions.models import Milestone, Position
from apps.positions.services import milestone_set, position_declare
from apps.sources.models import Source, SourceKind
from apps.sources.services import SourceCitation

pytestmark = pytest.mark.django_db

CITATION = SourceCitation(
    authority="Ministry", document="Guidance", published=PartialDate.parse("2025-04"), kind=SourceKind.GUIDANCE
)


@pytest.mark.parametrize(
    "citation",
    [
        None,
        SourceCitation(url="https://example.org/g", published=PartialDate.parse("2025")),
        SourceCitation(authority="Ministry", document="Guidance", kind=SourceKind.LAW),
        SourceCitation(authority="Ministry", published=PartialDate.parse("2025")),
    ],
    ids=["none", "no authority or document", "no date", "no kind"],
)
def test_the_service_refuses_a_user_declaration_without_a_proper_source(
    officer_a: User, nation_a: Nation, citation: SourceCitation | None
) -> None:
    with pytest.raises(InvalidInput) as refused:
        position_declare(nation=nation_a, actor=officer_a, source=citation, pqc_stance="adopt_mandated")
    assert "source" in refused.value.errors
    assert not Position.objects.exists() and not Source.objects.exists()


def test_the_service_takes_the_citation_and_stores_its_source(officer_a: User, nation_a: Nation) -> None:
    position = position_declare(nation=nation_a, actor=officer_a, source=CITATION, pqc_stance="adopt_mandated")
    assert position.source == Source.objects.get()
    assert (position.source.authority, str(position.source.published)) == ("Ministry", "2025-04")


def test_the_same_citation_is_one_source(officer_a: User, nation_a: Nation) -> None:
    first = position_declare(nation=nation_a, actor=officer_a, source=CITATION, pqc_stance="adopt_mandated")
    target = PartialDate.parse("2030")
    milestone = milestone_set(nation=nation_a, actor=officer_a, source=CITATION, kind="plan", title="P", target=target)
    assert milestone.source_id == first.source_id and Source.objects.count() == 1


def test_a_refused_declaration_stores_no_source(officer_a: User, nation_a: Nation) -> None:
    position_declare(nation=nation_a, actor=officer_a, source=CITATION, pqc_stance="adopt_mandated")
    other = SourceCitation(authority="Ministry", document="Other", published=PartialDate.parse("2026"), kind="law")
    with pytest.raises(Conflict):
        position_declare(nation=nation_a, actor=officer_a, source=other, pqc_stance="evaluating", first=True)
    assert Source.objects.count() == 1


def test_the_loader_and_other_system_writes_keep_their_sources_as_given(nation_a: Nation) -> None:
    """No actor: the reference data, whose milestone rows carry only the page the fact was confirmed on."""
    page = SourceCitation(url="https://example.org/roadmap", verified=True)
    milestone = milestone_set(
        nation=nation_a, actor=None, source=page, kind="plan", title="Plan", target=PartialDate.parse("2030")
    )
    assert Milestone.objects.get() == milestone and milestone.source.url == "https://example.org/roadmap"


def test_a_citation_round_trips_through_its_source(officer_a: User, nation_a: Nation) -> None:
    position = position_declare(nation=nation_a, actor=officer_a, source=CITATION, pqc_stance="adopt_mandated")
    assert SourceCitation.of(position.source) == CITATION
