"""Each rule on a hand-built world: the case that must produce the gap and the near miss that must not."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from apps.gaps.rules import REGISTRY
from apps.gaps.rules.base import severity_of, years_left
from tests.gaps.world import World


def allies(*codes: str, coalition: str = "NATO") -> World:
    w = World().nist()
    for code in codes:
        w.nation(code, coalition)
    return w


# --- registry and shared behaviour ---------------------------------------------------------------------


def test_every_rule_of_the_domain_is_registered_once():
    assert sorted(REGISTRY) == sorted(
        [
            "qkd_divergence",
            "no_common_kem",
            "no_common_signature",
            "hybrid_conflict",
            "transition_window",
            "standard_not_ready",
            "undeclared_stance",
            "deadline_risk",
            "stale_position",
            "no_common_mechanism",
        ]
    )


def test_years_left_counts_to_the_end_of_2035():
    assert str(years_left(date(2025, 12, 31))) == "10.0"
    assert severity_of(85) == "critical" and severity_of(10) == "info"


# --- 1. QKD/PQC divergence -------------------------------------------------------------------------------


def test_qkd_divergence_between_a_deployer_and_a_rejecter():
    w = allies("IT", "US")
    w.position("IT", qkd_stance="deploying")
    w.position("US", qkd_stance="rejects")
    [gap] = w.run("qkd_divergence")
    assert gap.key == "qkd_divergence:IT:US"
    assert (gap.nation_a_id, gap.nation_b_id) == (w.nation_ids["IT"], w.nation_ids["US"])
    assert "deploys quantum key distribution" in gap.explanation
    assert gap.shared_coalitions == ["NATO"]
    assert [e["model"] for e in gap.evidence] == ["positions.position", "positions.position"]


def test_qkd_research_is_not_divergence():
    w = allies("CA", "US")
    w.position("CA", qkd_stance="research")
    w.position("US", qkd_stance="rejects")
    assert w.run("qkd_divergence") == []


def test_qkd_divergence_needs_the_two_to_be_allies():
    w = World().nist()
    w.nation("IT", "NATO")
    w.nation("CN")
    w.position("IT", qkd_stance="deploying")
    w.position("CN", qkd_stance="rejects")
    assert w.run("qkd_divergence") == []


def test_a_multinational_body_is_never_a_subject():
    w = allies("US")
    w.nation("EU", "NATO", kind="body")
    w.position("EU", qkd_stance="promotes")
    w.position("US", qkd_stance="rejects")
    assert w.run("qkd_divergence") == []


def test_a_common_defence_coalition_raises_the_severity():
    def score(defence: bool) -> int:
        w = World().nist()
        w.coalition("X", defence=defence)
        w.nation("IT", "X")
        w.nation("US", "X")
        w.position("IT", qkd_stance="deploying")
        w.position("US", qkd_stance="rejects")
        return w.run("qkd_divergence")[0].score

    assert score(True) > score(False)


def test_restricted_evidence_is_recorded_as_a_required_clearance():
    w = allies("IT", "US")
    fvey = w.coalition("FVEY")
    w.position("IT", qkd_stance="deploying")
    w.position("US", qkd_stance="rejects", releasability_id=fvey)
    assert w.run("qkd_divergence")[0].required_clearances == [fvey]


# --- 2. no common KEM / signature ------------------------------------------------------------------------


def test_cnsa_1024_only_for_security_systems_against_a_768_only_default():
    w = allies("US", "GB")
    w.approve("US", "ML-KEM-768")
    w.approve("US", "ML-KEM-1024")
    w.approve("US", "ML-KEM-1024", "mandated", scope="national_security_systems")
    w.approve("GB", "ML-KEM-768", "preferred")
    assert w.keys("no_common_kem") == {"no_common_kem:GB:US:national_security_systems"}
    [gap] = w.run("no_common_kem")
    assert "ML-KEM-1024 (cat. 5)" in gap.explanation and "ML-KEM-768 (cat. 3)" in gap.explanation


def test_a_shared_parameter_set_is_a_common_kem():
    w = allies("US", "FR")
    w.approve("US", "ML-KEM-1024", "mandated", scope="national_security_systems")
    w.approve("FR", "ML-KEM-768")
    w.approve("FR", "ML-KEM-1024", "preferred")
    assert w.run("no_common_kem") == []


def test_an_approval_of_the_whole_algorithm_covers_every_parameter_set():
    w = allies("US", "DE")
    w.approve("US", "ML-KEM-1024", "mandated")
    w.approve("DE", "ML-KEM")
    assert w.run("no_common_kem") == []


def test_a_parameter_set_disallowed_inside_an_approved_algorithm_is_not_usable():
    w = allies("US", "DE")
    w.approve("US", "ML-KEM-1024", "mandated")
    w.approve("DE", "ML-KEM")
    w.approve("DE", "ML-KEM-1024", "disallowed")
    assert w.keys("no_common_kem") == {"no_common_kem:DE:US:all"}


def test_deprecated_and_expired_approvals_are_not_usable():
    w = allies("AU", "GB")
    w.approve("AU", "ML-KEM-768", "tolerated", until=date(2026, 1, 1))
    w.approve("AU", "ML-KEM-1024", "preferred")
    w.approve("GB", "ML-KEM-768", "preferred")
    w.approve("GB", "ML-KEM-1024", "deprecated")
    assert w.keys("no_common_kem") == {"no_common_kem:AU:GB:all"}
    w.as_of = w.snap.as_of = date(2025, 6, 1)  # while AU still tolerated 768
    assert w.run("no_common_kem") == []


def test_a_nation_with_no_approvals_of_the_kind_is_not_compared():
    w = allies("US", "NO")
    w.approve("US", "ML-KEM-1024", "mandated")
    assert w.run("no_common_kem") == []


def test_classical_algorithms_do_not_count_as_a_common_kem():
    w = allies("AU", "KR")
    w.algorithm("SMAUG-T", "kem", ("SMAUG-T128", 1))
    w.approve("AU", "ML-KEM-1024")
    w.approve("AU", "ECDH", "tolerated")
    w.approve("KR", "SMAUG-T")
    w.approve("KR", "ECDH", "tolerated")
    assert w.keys("no_common_kem") == {"no_common_kem:AU:KR:all"}


def test_no_common_signature_counts_stateful_signatures():
    w = allies("US", "GB")
    w.approve("US", "ML-DSA-87", "mandated", scope="national_security_systems")
    w.approve("US", "LMS", scope="national_security_systems")
    w.approve("US", "ML-DSA-65")
    w.approve("GB", "ML-DSA-65", "preferred")
    assert w.keys("no_common_signature") == {"no_common_signature:GB:US:national_security_systems"}
    w.approve("GB", "LMS")
    assert w.run("no_common_signature") == []


# --- 3. hybrid conflict -----------------------------------------------------------------------------------


def test_hybrid_required_against_pure_pqc_only():
    w = allies("FR", "GB")
    w.position("FR", hybrid_policy="required")
    w.position("GB", hybrid_policy="forbidden")
    [gap] = w.run("hybrid_conflict")
    assert gap.key == "hybrid_conflict:FR:GB"
    assert gap.nation_a_id == w.nation_ids["FR"]
    assert gap.severity in ("high", "critical")


def test_hybrid_discouraged_is_a_milder_conflict_and_optional_none():
    w = allies("FR", "GB", "US")
    w.position("FR", hybrid_policy="required")
    w.position("GB", hybrid_policy="discouraged")
    w.position("US", hybrid_policy="optional")
    assert w.keys("hybrid_conflict") == {"hybrid_conflict:FR:GB"}


def test_hybrid_conflict_only_in_the_scope_where_it_differs():
    w = allies("FR", "US")
    w.position("FR", hybrid_policy="required")
    w.position("US", hybrid_policy="optional")
    w.position("US", hybrid_policy="forbidden", scope="national_security_systems")
    assert w.keys("hybrid_conflict") == {"hybrid_conflict:FR:US:national_security_systems"}


# --- 4. transition window -----------------------------------------------------------------------------


def test_transition_window_when_one_cuts_classical_before_the_other_supports_pqc():
    w = allies("AU", "GB")
    w.milestone("AU", "disallow_classical", date(2030, 12, 31))
    w.milestone("GB", "priority_systems_done", date(2031, 12, 31))
    [gap] = w.run("transition_window")
    assert gap.key == "transition_window:AU>GB"
    assert gap.object == "2030-12-31 to 2031-12-31"


def test_the_window_is_a_gap_while_it_is_open_and_not_once_it_has_closed():
    w = allies("AU", "GB")
    w.milestone("AU", "disallow_classical", date(2030, 12, 31))
    w.milestone("GB", "priority_systems_done", date(2031, 12, 31))
    w.snap.as_of = date(2031, 6, 1)  # inside the window
    assert w.keys("transition_window") == {"transition_window:AU>GB"}
    w.snap.as_of = date(2032, 1, 1)  # after the UK supports PQC
    assert w.keys("transition_window") == set()


def test_no_window_when_the_other_supports_pqc_in_time():
    w = allies("AU", "NL")
    w.milestone("AU", "disallow_classical", date(2030, 12, 31))
    w.milestone("NL", "priority_systems_done", date(2030, 12, 31))
    assert w.run("transition_window") == []


def test_a_longer_window_is_more_severe():
    w = allies("AU", "GB", "NZ")
    w.milestone("AU", "exclusive_pqc", date(2030, 12, 31))
    w.milestone("GB", "start_migration", date(2031, 12, 31))
    gaps = {d.key: d for d in w.run("transition_window")}
    assert gaps["transition_window:AU>NZ"].score > gaps["transition_window:AU>GB"].score


# --- 5. standard not ready: tests/gaps/test_standard_not_ready.py ----------------------------------------


# --- 6. undeclared stance -----------------------------------------------------------------------------


def test_an_ally_with_no_pqc_stance_is_undeclared():
    w = allies("PT", "FR")
    w.position("PT", pqc_stance="undeclared", qkd_stance="deploying")
    w.position("FR", pqc_stance="adopt_mandated", qkd_stance="not_recommended")
    [gap] = w.run("undeclared_stance")
    assert gap.key == "undeclared_stance:PT" and gap.object == "PQC"


def test_an_ally_with_no_position_at_all_is_undeclared():
    w = allies("NO")
    [gap] = w.run("undeclared_stance")
    assert gap.object == "PQC or QKD" and gap.evidence == []


def test_a_nation_outside_every_coalition_is_not_an_undeclared_ally():
    w = World()
    w.nation("CN")
    assert w.run("undeclared_stance") == []


# --- 7. deadline risk -----------------------------------------------------------------------------------


def test_no_milestone_completes_migration():
    w = allies("NL", "GB")
    w.milestone("NL", "priority_systems_done", date(2030, 12, 31))
    w.milestone("GB", "complete", date(2035, 12, 31))
    assert w.keys("deadline_risk") == {"deadline_risk:NL"}


def test_a_plan_that_ends_after_2035_is_a_risk():
    w = allies("XX")
    w.milestone("XX", "complete", date(2036, 6, 30))
    [gap] = w.run("deadline_risk")
    assert gap.object == "plan ends 2036-06-30"


# --- 8. stale or unsourced position --------------------------------------------------------------------


def test_stale_never_confirmed_and_unsourced_positions():
    w = allies("CA", "IL", "GB", "DE")
    w.position("CA", last_confirmed_on=date(2023, 1, 1))
    w.position("IL", source_id=None, last_confirmed_on=None)
    w.position("GB", last_confirmed_on=date(2026, 3, 20))
    w.position("DE", last_confirmed_on=None)
    assert {d.key: d.object for d in w.run("stale_position")} == {
        "stale_position:CA:all": "stale",
        "stale_position:IL:all": "unsourced",
        "stale_position:DE:all": "never confirmed",
    }


@pytest.mark.parametrize(("days_ago", "due"), [(179, False), (180, False), (181, True)])
def test_a_position_is_stale_only_once_due_for_reverification(days_ago: int, due: bool):
    """The default age is 180 days: confirmed 180 days ago is still in time, 181 is not."""
    w = allies("CA")
    w.snap.reverify_after_days = 180
    w.position("CA", last_confirmed_on=w.as_of - timedelta(days=days_ago))
    found = w.run("stale_position")
    assert [d.object for d in found] == (["stale"] if due else [])
    if due:
        assert f"last confirmed on {w.as_of - timedelta(days=181)}, 181 days ago" in found[0].explanation
        assert "due after 180 days" in found[0].explanation


def test_the_set_age_is_the_snapshots():
    w = allies("CA")
    w.snap.reverify_after_days = 30
    w.position("CA", last_confirmed_on=w.as_of - timedelta(days=31))
    assert [d.object for d in w.run("stale_position")] == ["stale"]


# --- incremental subjects ------------------------------------------------------------------------------


def test_an_incremental_evaluation_sees_only_the_changed_nations_pairs():
    w = allies("IT", "US", "PL")
    w.position("IT", qkd_stance="deploying")
    w.position("PL", qkd_stance="promotes")
    w.position("US", qkd_stance="rejects")
    assert w.keys("qkd_divergence") == {"qkd_divergence:IT:US", "qkd_divergence:PL:US"}
    assert w.keys("qkd_divergence", only=["IT"]) == {"qkd_divergence:IT:US"}
