"""A draft's fingerprint is what stored findings are compared by: if its bytes changed, the first run after
a deployment would "update" every finding with nothing to show for it. Pinned to a known value."""

from __future__ import annotations

from decimal import Decimal

from apps.gaps.rules import FindingDraft


def test_the_fingerprint_of_a_draft_is_stable_across_releases() -> None:
    draft = FindingDraft(
        key="qkd_divergence:IT:US",
        rule="qkd_divergence",
        severity="high",
        score=70,
        years_left=Decimal("9.1"),
        title="QKD divergence",
        explanation="Explained.",
        nation_a_id=1,
        nation_b_id=2,
        shared_coalitions=["NATO"],
        evidence=[{"model": "positions.position", "id": 3, "label": "IT position (all)"}],
        required_clearances=[5],
    )

    assert draft.fingerprint() == "e831b40480d561cd4a84293cfc836ff907403f7b64e6fbd419f1c65b0422ba96"


def test_the_fingerprint_changes_with_any_computed_field() -> None:
    base = FindingDraft(
        key="k", rule="qkd_divergence", severity="high", score=70, years_left=Decimal("9.1"), title="t", explanation="e"
    )
    for change in ({"score": 71}, {"title": "u"}, {"evidence": [{"id": 1}]}, {"required_clearances": [1]}):
        assert FindingDraft(**{**base.__dict__, **change}).fingerprint() != base.fingerprint()
