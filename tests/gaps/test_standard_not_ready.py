"""Rule 5 at mechanism level on hand-built worlds: each case with the near miss that must not produce it."""

from __future__ import annotations

from datetime import date

from apps.gaps.snapshot import WorkItemRow
from tests.gaps.world import World


def tls(
    lifecycle_hybrid: str = "final", lifecycle_pure: str = "draft", **fields: object
) -> tuple[World, WorkItemRow, WorkItemRow]:
    """US in NATO; TLS with a hybrid document and a pure one defining X25519MLKEM768, MLKEM768, MLKEM1024."""
    w = World(date(2027, 1, 1)).nist()
    w.nation("US", "NATO")
    hybrid = w.work_item("TLS", "RFC 10024 (draft-ietf-tls-ecdhe-mlkem)", ["ML-KEM"], lifecycle_hybrid)
    pure = w.work_item("TLS", "draft-ietf-tls-mlkem", ["ML-KEM"], lifecycle_pure, **fields)
    w.mechanism("X25519MLKEM768", "ML-KEM-768", items=[hybrid], hybrid=True)
    w.mechanism("MLKEM768", "ML-KEM-768", items=[pure])
    w.mechanism("MLKEM1024", "ML-KEM-1024", items=[pure])
    return w, hybrid, pure


def test_a_protocol_whose_only_mechanism_is_still_a_draft_is_not_ready():
    w = World().nist()
    w.nation("US", "NATO")
    w.approve("US", "ML-KEM")
    w.mechanism(
        "mlkem768x25519-sha256",
        "ML-KEM-768",
        items=[w.work_item("SSH", "draft-ssh", ["ML-KEM"], "adopted")],
        hybrid=True,
    )
    w.mechanism("ML-KEM-768", "ML-KEM-768", items=[w.work_item("CMS", "RFC 9936", ["ML-KEM"], "final")])
    [gap] = w.run("standard_not_ready")
    assert gap.key == "standard_not_ready:US:SSH" and gap.object == "ML-KEM"
    assert "mlkem768x25519-sha256: its standard is not final on 2026-06-01: draft-ssh is adopted" in gap.explanation
    models = {e["model"] for e in gap.evidence}
    assert models == {"standards.mechanism", "positions.approval", "standards.workitem"}


def test_a_final_hybrid_rfc_does_not_serve_a_nation_that_forbids_hybrids():
    w, _, _ = tls()
    w.approve("US", "ML-KEM")
    w.position("US", hybrid_policy="forbidden")
    [gap] = w.run("standard_not_ready")
    assert gap.key == "standard_not_ready:US:TLS"
    assert "X25519MLKEM768: hybrids are forbidden (pure post-quantum only)" in gap.explanation
    assert "MLKEM768: its standard is not final on 2027-01-01: draft-ietf-tls-mlkem is draft" in gap.explanation
    w.position("US", hybrid_policy="optional")  # the near miss: the RFC serves a nation that allows hybrids
    assert w.run("standard_not_ready") == []


def test_an_ml_kem_768_group_does_not_serve_a_nation_that_accepts_only_ml_kem_1024():
    w, _, _ = tls()
    w.approve("US", "ML-KEM-1024", "mandated")
    [gap] = w.run("standard_not_ready")
    assert "X25519MLKEM768: ML-KEM-768 is not approved on 2027-01-01" in gap.explanation
    w.approve("US", "ML-KEM-768")  # the near miss: the hybrid 768 group is final and now usable
    assert w.run("standard_not_ready") == []


def test_a_nation_that_needs_no_algorithm_of_the_protocol_has_no_gap_in_it():
    w, _, _ = tls(lifecycle_hybrid="draft")
    w.approve("US", "ML-DSA")
    w.approve("US", "ML-KEM", "tolerated")  # tolerated for transition is not a need
    assert w.run("standard_not_ready") == []
    w.approve("US", "ML-KEM-768", "preferred")
    assert w.keys("standard_not_ready") == {"standard_not_ready:US:TLS"}


def test_a_scope_is_judged_apart_only_where_it_declares_something_of_its_own():
    w, _, _ = tls()
    w.approve("US", "ML-KEM")
    w.position("US", hybrid_policy="forbidden")
    w.approve("US", "ML-DSA-87", scope="national_security_systems")  # nothing TLS key exchange reads
    assert w.keys("standard_not_ready") == {"standard_not_ready:US:TLS"}
    w.position("US", hybrid_policy="optional")
    w.position("US", scope="national_security_systems", hybrid_policy="forbidden")
    [gap] = w.run("standard_not_ready")
    assert gap.key == "standard_not_ready:US:TLS:national_security_systems"
    assert gap.title.endswith("(national security systems)")


def test_completion_expected_after_the_classical_cut_off_raises_the_severity():
    def score(expected: date) -> int:
        w, _, _ = tls(lifecycle_hybrid="draft", expected_completion_on=expected)
        w.approve("US", "ML-KEM-1024", "preferred")
        w.milestone("US", "exclusive_pqc", date(2030, 12, 31))
        [gap] = w.run("standard_not_ready")
        return gap.score

    assert score(date(2032, 1, 1)) > score(date(2027, 6, 1))


def test_the_status_in_force_on_the_snapshot_date_decides():
    w, _, _ = tls(lifecycle_hybrid="")  # no status recorded yet on that date
    w.approve("US", "ML-KEM-768")
    [gap] = w.run("standard_not_ready")
    assert "X25519MLKEM768: its standard is not final on 2027-01-01: RFC 10024" in gap.explanation
