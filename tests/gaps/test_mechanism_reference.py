"""The mechanism rules on the shipped reference data, as a domain expert reads them (final standards only)."""

from __future__ import annotations

from datetime import date

from apps.gaps import engine
from apps.gaps.rules import FindingDraft


def gaps(on: date, prefix: str) -> dict[str, FindingDraft]:
    return {d.key: d for d in engine.compute_gaps(as_of=on) if d.key.startswith(prefix)}


def test_france_and_australia_lose_their_common_tls_groups_when_australia_drops_classical(reference):
    # Until 2030-12-31 both accept the hybrid groups of RFC 10024 (France requires hybrids)...
    assert "no_common_mechanism:AU:FR:TLS:all" not in gaps(date(2030, 6, 1), "no_common_mechanism:AU:FR")
    # ...then Australia's ISM withdraws the classical halves, and the pure groups are still drafts.
    gap = gaps(date(2031, 1, 1), "no_common_mechanism:AU:FR")["no_common_mechanism:AU:FR:TLS:all"]
    assert "France accepts SecP256r1MLKEM768 (hybrid), SecP384r1MLKEM1024 (hybrid), X25519MLKEM768 (hybrid)" in (
        gap.explanation
    )
    assert "Australia accepts none" in gap.explanation
    assert "Australia refuses SecP256r1MLKEM768 (classical algorithms disallowed from 2030-12-31" in gap.explanation
    assert {"positions.milestone", "standards.mechanism", "standards.workitem"} <= {e["model"] for e in gap.evidence}


def test_us_national_security_systems_share_no_tls_group_with_the_uk_defaults(reference):
    found = gaps(date(2031, 1, 1), "no_common_mechanism:GB:US")
    assert "no_common_mechanism:GB:US:TLS:all" not in found  # for civil systems both accept X25519MLKEM768
    gap = found["no_common_mechanism:GB:US:TLS:national_security_systems"]
    # CNSA 2.0 allows ML-KEM-1024 only: the UK's ML-KEM-768 groups are out, and the pure group is a draft.
    assert "United Kingdom accepts SecP256r1MLKEM768 (hybrid), X25519MLKEM768 (hybrid)" in gap.explanation
    assert "United States refuses SecP256r1MLKEM768 (ML-KEM-768 is not approved on 2031-01-01)" in gap.explanation
    assert gap.severity in ("high", "critical") and "NATO" in gap.shared_coalitions
    # In CMS both sides accept a final pure mechanism, but at different parameter sets.
    cms = found["no_common_mechanism:GB:US:CMS:national_security_systems"]
    assert "United States accepts ML-KEM-1024 (pure); United Kingdom accepts ML-KEM-768 (pure)" in cms.explanation


def test_a_nation_that_forbids_hybrids_is_not_served_by_rfc_10024(reference, redeclare):
    # RFC 10024 (hybrid ECDHE-MLKEM) is final from August 2026; the pure TLS draft is not.
    before = gaps(date(2027, 1, 1), "standard_not_ready:GB:TLS")["standard_not_ready:GB:TLS"]
    assert before.object == "ML-DSA"  # only the signature schemes wait for a standard: the RFC serves the UK
    redeclare("GB", hybrid_policy="forbidden")
    after = gaps(date(2027, 1, 1), "standard_not_ready:GB:TLS")["standard_not_ready:GB:TLS"]
    assert after.object == "ML-KEM, ML-DSA"
    assert "X25519MLKEM768: hybrids are forbidden (pure post-quantum only)" in after.explanation
    assert "MLKEM768: its standard is not final on 2027-01-01: draft-ietf-tls-mlkem" in after.explanation
