"""The gaps a domain expert expects from the shipped reference data."""

from __future__ import annotations

from datetime import date

from apps.gaps import engine
from apps.gaps.models import Finding, RunTrigger


def test_qkd_divergence_between_nato_members_that_deploy_qkd_and_those_that_reject_it(swept):
    gap = swept["qkd_divergence:IT:US"]
    assert gap.nation_a.code == "IT" and gap.nation_b.code == "US"
    assert "NATO" in gap.shared_coalitions
    assert {"qkd_divergence:GB:IT", "qkd_divergence:PT:US", "qkd_divergence:FR:IT"} <= set(swept)
    assert "qkd_divergence:CA:IT" not in swept  # Canada only researches QKD


def test_cnsa_ml_kem_1024_only_against_the_uk_768_only_default(swept):
    gap = swept["no_common_kem:GB:US:national_security_systems"]
    assert "ML-KEM-1024 (cat. 5)" in gap.explanation and "ML-KEM-768 (cat. 3)" in gap.explanation
    assert "no_common_kem:GB:US:all" not in swept  # for civil systems both accept ML-KEM-768
    assert "no_common_kem:FR:US:national_security_systems" not in swept  # France also approves ML-KEM-1024
    assert "no_common_signature:GB:US:national_security_systems" in swept


def test_south_koreas_own_algorithm_set_shares_nothing_with_the_nist_sets(swept):
    assert {"no_common_kem:KR:US:all", "no_common_signature:KR:US:all", "no_common_kem:FR:KR:all"} <= set(swept)


def test_frances_hybrid_requirement_against_a_pure_pqc_rule(swept, redeclare):
    # The shipped rows say GB "optional": no conflict. NCSC's "tolerates hybrids only as a stopgap" reads
    # as "discouraged", a milder conflict; a pure-PQC-only rule ("forbidden") is the hard one. The update's
    # ISM reading ("not recommended; however, it is not prohibited") makes Australia's the one shipped.
    assert [k for k in swept if k.startswith("hybrid_conflict")] == ["hybrid_conflict:AU:FR"]
    redeclare("GB", hybrid_policy="discouraged")
    engine.drain_requests()
    milder = Finding.objects.get(key="hybrid_conflict:FR:GB")
    assert milder.nation_a.code == "FR" and milder.status == "open"
    redeclare("GB", hybrid_policy="forbidden")
    engine.drain_requests()
    gap = Finding.objects.get(key="hybrid_conflict:FR:GB")
    assert gap.score > milder.score and gap.severity in ("high", "critical")
    assert "France requires classical and post-quantum algorithms to be combined" in gap.explanation
    assert "forbids hybrids (pure PQC only)" in gap.explanation


def test_transition_windows_from_the_2030_cut_offs(swept):
    for key in ("transition_window:AU>GB", "transition_window:US>GB", "transition_window:AU>NZ"):
        assert key in swept
    assert swept["transition_window:AU>GB"].object == "2030-12-31 to 2031-12-31"
    assert "transition_window:AU>NL" not in swept  # NL migrates its priority systems by 2030-12-31


def test_ikev2_has_no_final_standard_for_ml_kem_and_ssh_has_one_since_rfc_10042(swept):
    assert "ML-KEM" in swept["standard_not_ready:US:IKEv2"].object
    assert "standard_not_ready:US:SSH" not in swept  # RFC 10042 (August 2026) is final, and the US allows hybrids
    # RFC 9936 is final for ML-KEM in CMS, but its mechanisms are pure ML-KEM and France requires hybrids:
    # no CMS key establishment France accepts has a final standard.
    assert "hybrids are required" in swept["standard_not_ready:FR:CMS"].explanation
    evidence = {e["label"].split(":")[0] for e in swept["standard_not_ready:US:IKEv2"].evidence}
    assert "draft-ietf-ipsecme-ikev2-mlkem" in evidence


def test_undeclared_allies(swept):
    assert swept["undeclared_stance:PT"].object == "PQC"
    assert swept["undeclared_stance:CH"].object == "PQC or QKD"
    assert swept["undeclared_stance:NO"].object == "QKD"
    assert "undeclared_stance:US" not in swept


def test_non_allies_and_multinational_bodies_are_never_subjects(swept):
    codes = {f.nation_a.code for f in swept.values()} | {f.nation_b.code for f in swept.values() if f.nation_b}
    assert not codes & {"CN", "RU", "SG", "EU", "NATO", "G7"}


def test_every_finding_links_to_its_records_and_explains_itself(swept):
    for finding in swept.values():
        assert finding.explanation.endswith((".", ")")) and len(finding.explanation) > 60
        if finding.rule != "undeclared_stance" and finding.rule != "deadline_risk":
            assert finding.evidence, finding.key


def test_gaps_as_they_stood_on_an_earlier_date(reference):
    today = {d.key for d in engine.compute_gaps(as_of=date(2026, 11, 26))}
    then = {d.key for d in engine.compute_gaps(as_of=date(2025, 6, 1))}
    # Germany's position rests on BSI TR-02102-1 of 2026-01: in June 2025 it had declared nothing.
    assert "undeclared_stance:DE" in then and "undeclared_stance:DE" not in today
    assert Finding.objects.count() == 0  # computing as of a date writes nothing


def test_a_sweep_runs_a_handful_of_queries(reference, django_assert_max_num_queries):
    # 11 snapshot reads + lock + run bookkeeping + findings read + lapse + bulk writes, not one per pair.
    with django_assert_max_num_queries(30):
        run = engine.recompute(trigger=RunTrigger.SWEEP)
    assert run.pairs_evaluated > 200
