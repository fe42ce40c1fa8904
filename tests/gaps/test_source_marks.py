"""Issue 10: each finding built from claims says what it rests on (an official document, a speech, or
secondary pages only) and whether any of it was confirmed; a finding whose evidence is all unconfirmed says
so in its explanation. Pure rules over hand-built snapshots."""

from __future__ import annotations

from apps.sources.models import Basis, basis_of, evidence_basis, evidence_unconfirmed
from tests.gaps.world import World

UNCONFIRMED = "None of the records it rests on was confirmed in its source"


def divergence(it: dict[str, object], us: dict[str, object]) -> World:
    w = World().nist()
    w.nation("IT", "NATO")
    w.nation("US", "NATO")
    w.position("IT", qkd_stance="deploying", **it)
    w.position("US", qkd_stance="rejects", **us)
    return w


def test_a_source_rests_on_what_its_kind_and_links_say() -> None:
    assert basis_of("law", "https://gov.example/act") == Basis.OFFICIAL
    assert basis_of("", "https://gov.example/doc") == Basis.OFFICIAL  # the official link, kind not recorded
    assert basis_of("guidance", "") == Basis.SECONDARY  # no official link: secondary pages only
    assert basis_of("secondary", "https://gov.example/doc") == Basis.SECONDARY
    assert basis_of("statement", "") == Basis.SPEECH  # a speech, wherever it was read


def test_a_finding_rests_on_the_best_of_its_claims() -> None:
    w = divergence(
        {"source_basis": Basis.SPEECH, "source_verified": True},
        {"source_basis": Basis.SECONDARY, "source_verified": False},
    )
    [gap] = w.run("qkd_divergence")
    assert gap.rests_on == Basis.SPEECH and not gap.unconfirmed
    assert [e["basis"] for e in gap.evidence] == [Basis.SPEECH, Basis.SECONDARY]
    assert UNCONFIRMED not in gap.explanation


def test_a_finding_whose_evidence_is_all_unconfirmed_says_so() -> None:
    w = divergence(
        {"source_basis": Basis.SECONDARY, "source_verified": False},
        {"source_basis": Basis.OFFICIAL, "source_verified": False},
    )
    [gap] = w.run("qkd_divergence")
    assert gap.rests_on == Basis.OFFICIAL and gap.unconfirmed
    assert UNCONFIRMED in gap.explanation


def test_records_without_a_known_source_mark_nothing() -> None:
    [gap] = divergence({}, {}).run("qkd_divergence")
    assert gap.rests_on == "" and not gap.unconfirmed and UNCONFIRMED not in gap.explanation
    assert evidence_basis([]) == "" and not evidence_unconfirmed([])
