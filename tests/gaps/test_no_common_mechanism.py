"""Rule 9 on hand-built worlds: two allies that accept no mechanism in common, and each near miss."""

from __future__ import annotations

import dataclasses
from datetime import date

from tests.gaps.world import World


def tls(*codes: str) -> World:
    """Allies in NATO; TLS with final hybrid and pure documents: X25519MLKEM768, MLKEM768, MLKEM1024."""
    w = World(date(2031, 1, 1)).nist()
    for code in codes:
        w.nation(code, "NATO")
    hybrid = w.work_item("TLS", "RFC 10024", ["ML-KEM"], "final")
    pure = w.work_item("TLS", "RFC 10099", ["ML-KEM"], "final")
    w.mechanism("X25519MLKEM768", "ML-KEM-768", items=[hybrid], hybrid=True)
    w.mechanism("MLKEM768", "ML-KEM-768", items=[pure])
    w.mechanism("MLKEM1024", "ML-KEM-1024", items=[pure])
    return w


def test_a_nation_requiring_hybrids_and_one_forbidding_them_share_no_group():
    w = tls("FR", "AU")
    for code in ("FR", "AU"):
        w.approve(code, "ML-KEM")
    w.position("FR", hybrid_policy="required")
    w.position("AU", hybrid_policy="forbidden")
    [gap] = w.run("no_common_mechanism")
    assert gap.key == "no_common_mechanism:AU:FR:TLS:all" and gap.object == "TLS (all)"
    assert "Nation FR accepts X25519MLKEM768 (hybrid)" in gap.explanation
    assert "Nation AU accepts MLKEM768 (pure), MLKEM1024 (pure)" in gap.explanation
    assert "Nation FR refuses MLKEM768 (hybrids are required, and this mechanism is pure); MLKEM1024" in gap.explanation
    assert "Nation AU refuses X25519MLKEM768 (hybrids are forbidden (pure post-quantum only))" in gap.explanation
    assert gap.shared_coalitions == ["NATO"]
    assert {e["model"] for e in gap.evidence} >= {"standards.mechanism", "positions.position", "positions.approval"}
    w.position("AU", hybrid_policy="optional")  # the near miss: both now accept the hybrid group
    assert w.run("no_common_mechanism") == []


def test_parameter_sets_that_do_not_meet_leave_no_common_mechanism():
    w = tls("US", "GB")
    w.approve("US", "ML-KEM-1024", "mandated")
    w.approve("GB", "ML-KEM-768")
    [gap] = w.run("no_common_mechanism")
    assert "Nation GB refuses MLKEM1024 (ML-KEM-1024 is not approved on 2031-01-01)" in gap.explanation
    mandated = gap.score
    w.approve("GB", "ML-KEM-1024")  # the near miss: GB adds ML-KEM-1024
    assert w.run("no_common_mechanism") == []
    w2 = tls("US", "GB")
    w2.approve("US", "ML-KEM-1024")
    w2.approve("GB", "ML-KEM-768")
    assert w2.run("no_common_mechanism")[0].score < mandated  # a mandate makes it worse


def test_a_side_that_accepts_nothing_is_not_a_gap_between_the_two():
    w = tls("US", "GB")
    w.approve("US", "ML-KEM-1024")
    w.approve("GB", "ML-DSA")  # no key establishment approved at all: undeclared, not a divergence
    assert w.run("no_common_mechanism") == []


def test_the_classical_cut_off_ends_the_common_hybrid():
    w = tls("FR", "AU")
    for code in ("FR", "AU"):
        w.approve(code, "ML-KEM")
    w.position("FR", hybrid_policy="required")
    cutoff = w.milestone("AU", "disallow_classical", date(2030, 12, 31), releasability_id=w.coalition_ids["NATO"])
    [gap] = w.run("no_common_mechanism")
    assert "classical algorithms disallowed from 2030-12-31" in gap.explanation
    assert ("positions.milestone", cutoff.id) in {(e["model"], e["id"]) for e in gap.evidence}
    assert gap.required_clearances == [w.coalition_ids["NATO"]]
    w.snap.as_of = date(2030, 12, 30)  # the near miss: the day before the cut-off the hybrid is common
    assert w.run("no_common_mechanism") == []


def test_a_scope_is_judged_apart_only_where_one_side_declares_for_it():
    w = tls("US", "GB")
    w.approve("US", "ML-KEM")
    w.approve("GB", "ML-KEM-768")
    w.approve("US", "ML-DSA-87", scope="national_security_systems")  # nothing key establishment reads
    assert w.run("no_common_mechanism") == []
    w.approve("US", "ML-KEM-1024", "mandated", scope="national_security_systems")
    [gap] = w.run("no_common_mechanism")
    assert gap.key == "no_common_mechanism:GB:US:TLS:national_security_systems"
    assert gap.title == "No common TLS mechanism: Nation US and Nation GB (national security systems)"


def test_a_side_left_only_with_drafts_accepts_none_and_neither_accepting_is_the_standards_gap():
    def world(pure: str, gb_policy: str = "optional") -> World:
        w = tls("US", "GB")
        w.snap.work_items[-1] = dataclasses.replace(w.snap.work_items[-1], lifecycle=pure, status=pure)
        w.approve("US", "ML-KEM")
        w.approve("GB", "ML-KEM")
        w.position("US", hybrid_policy="forbidden")
        w.position("GB", hybrid_policy=gb_policy)
        return w

    assert world("final").run("no_common_mechanism") == []  # both accept the pure groups
    [gap] = world("draft").run("no_common_mechanism")
    assert "Nation US accepts none; Nation GB accepts X25519MLKEM768 (hybrid)." in gap.explanation
    assert "Nation US refuses X25519MLKEM768 (hybrids are forbidden" in gap.explanation
    neither = world("draft", gb_policy="forbidden")  # the near miss: nobody accepts anything yet
    assert neither.run("no_common_mechanism") == []
    assert neither.keys("standard_not_ready") == {"standard_not_ready:GB:TLS", "standard_not_ready:US:TLS"}


def test_the_kind_that_has_common_ground_is_cited_too_since_it_shapes_the_finding():
    # Found by the releasability property on the shipped data: the finding's text (one kind or two) rested
    # on the other kind's approvals, which it did not cite.
    w = tls("US", "GB")
    dsa = w.work_item("TLS", "RFC 10199", ["ML-DSA"], "final")
    w.mechanism("ML-DSA-65", "ML-DSA-65", items=[dsa])
    w.mechanism("ML-DSA-87", "ML-DSA-87", items=[dsa])
    restricted = w.approve("US", "ML-KEM", releasability_id=w.coalition_ids["NATO"])
    w.approve("US", "ML-DSA-87")
    w.approve("GB", "ML-KEM")
    w.approve("GB", "ML-DSA-65")
    [gap] = w.run("no_common_mechanism")
    assert "For TLS signature" in gap.explanation and "key establishment" not in gap.explanation
    assert ("positions.approval", restricted.id) in {(e["model"], e["id"]) for e in gap.evidence}
    assert gap.required_clearances == [w.coalition_ids["NATO"]]
