"""Acceptance of mechanisms on hand-built worlds: each condition with the case that passes and the near
miss that must not."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date

import pytest

from apps.gaps.acceptance import Verdict, accepted_mechanisms, accepts
from apps.gaps.snapshot_mechanisms import MechanismRow
from tests.gaps.world import World

_ids = itertools.count(10_000)


def tls_world(as_of: date = date(2031, 1, 1), lifecycle: str = "final") -> World:
    w = World(as_of).nist()
    w.nation("AA", "NATO")
    w.work_item("TLS", "draft-ietf-tls-ecdhe-mlkem", ["ML-KEM"], lifecycle)
    w.work_item("TLS", "draft-ietf-tls-mlkem", ["ML-KEM"], lifecycle)
    return w


def mechanism(w: World, name: str, *sets: str, hybrid: bool = False, item: str = "", kind: str = "") -> MechanismRow:
    identifier = item or ("draft-ietf-tls-ecdhe-mlkem" if hybrid else "draft-ietf-tls-mlkem")
    work = next(x for x in w.snap.work_items if x.identifier == identifier)
    return MechanismRow(
        id=next(_ids),
        protocol_id=work.protocol_id,
        name=name,
        kind=kind or ("signature" if sets[0].startswith("ML-DSA") else "key_establishment"),
        hybrid=hybrid,
        classical_component="X25519" if hybrid else "",
        classical_algorithm_id=w.subject_ids["ECDH"][0] if hybrid else None,
        parameter_set_ids=tuple(w.subject_ids[s][1] for s in sets),  # type: ignore[misc]
        work_item_ids=(work.id,),
    )


def verdict(w: World, m: MechanismRow, scope: str = "all", **kwargs: bool) -> Verdict:
    return accepts(w.snap, m, w.nation_ids["AA"], scope, **kwargs)


# --- post-quantum components at parameter-set level ------------------------------------------------------


def test_an_approved_parameter_set_is_accepted_and_its_sibling_is_not():
    w = tls_world()
    w.approve("AA", "ML-KEM-768")
    assert verdict(w, mechanism(w, "MLKEM768", "ML-KEM-768")).accepted
    near_miss = verdict(w, mechanism(w, "MLKEM1024", "ML-KEM-1024"))
    assert not near_miss.accepted and near_miss.reason == "ML-KEM-1024 is not approved on 2031-01-01"


def test_an_approval_of_the_whole_algorithm_covers_every_set():
    w = tls_world()
    w.approve("AA", "ML-KEM")
    assert verdict(w, mechanism(w, "MLKEM1024", "ML-KEM-1024")).accepted


def test_an_approval_that_ended_before_the_date_no_longer_counts():
    w = tls_world()
    w.approve("AA", "ML-KEM-768", "tolerated", until=date(2030, 12, 31))
    assert not verdict(w, mechanism(w, "MLKEM768", "ML-KEM-768")).accepted
    w.snap.as_of = date(2030, 12, 31)  # the last day it holds
    assert verdict(w, mechanism(w, "MLKEM768", "ML-KEM-768")).accepted


def test_deprecated_is_not_usable_and_no_approval_of_the_kind_says_so():
    w = tls_world()
    w.approve("AA", "ML-KEM-768", "deprecated")
    assert not verdict(w, mechanism(w, "MLKEM768", "ML-KEM-768")).accepted
    signature = verdict(w, mechanism(w, "ML-DSA-65", "ML-DSA-65"))
    assert signature.reason == "no post-quantum signature algorithm is approved"


def test_a_scope_with_its_own_approvals_replaces_the_general_ones():
    w = tls_world()
    w.approve("AA", "ML-KEM-768")
    w.approve("AA", "ML-KEM-1024", "mandated", scope="national_security_systems")
    m768 = mechanism(w, "MLKEM768", "ML-KEM-768")
    assert verdict(w, m768).accepted
    assert not verdict(w, m768, "national_security_systems").accepted
    assert verdict(w, mechanism(w, "MLKEM1024", "ML-KEM-1024"), "national_security_systems").accepted
    assert verdict(w, m768, "government").accepted  # no approvals of its own: the general ones hold


# --- the classical component ------------------------------------------------------------------------------


def test_a_hybrid_is_accepted_until_classical_algorithms_are_disallowed():
    w = tls_world()
    w.approve("AA", "ML-KEM-768")
    w.milestone("AA", "disallow_classical", date(2031, 1, 1))
    group = mechanism(w, "X25519MLKEM768", "ML-KEM-768", hybrid=True)
    refused = verdict(w, group)
    assert refused.reason.startswith("classical algorithms disallowed from 2031-01-01")
    assert "X25519" in refused.reason
    assert verdict(w, mechanism(w, "MLKEM768", "ML-KEM-768")).accepted  # the pure one is untouched
    w.snap.as_of = date(2030, 12, 31)  # the day before the cut-off
    assert verdict(w, group).accepted


def test_a_cut_off_for_another_scope_does_not_apply():
    w = tls_world()
    w.approve("AA", "ML-KEM-768")
    w.milestone("AA", "exclusive_pqc", date(2030, 1, 1), scope="national_security_systems")
    group = mechanism(w, "X25519MLKEM768", "ML-KEM-768", hybrid=True)
    assert verdict(w, group).accepted
    assert not verdict(w, group, "national_security_systems").accepted


def test_a_disallowed_classical_algorithm_rules_out_its_hybrids():
    w = tls_world()
    w.approve("AA", "ML-KEM-768")
    w.approve("AA", "ECDH", "disallowed")
    refused = verdict(w, mechanism(w, "X25519MLKEM768", "ML-KEM-768", hybrid=True))
    assert refused.reason == "ECDH is disallowed, so no X25519"
    approvals = w.snap.approvals[w.nation_ids["AA"]]
    approvals[-1] = dataclasses.replace(approvals[-1], status="tolerated")  # the near miss
    assert verdict(w, mechanism(w, "X25519MLKEM768", "ML-KEM-768", hybrid=True)).accepted


# --- hybrid policy ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "policy, hybrid_ok, pure_ok, mark",
    [
        ("required", True, False, ""),
        ("forbidden", False, True, ""),
        ("discouraged", True, True, "hybrids are discouraged"),
        ("optional", True, True, ""),
        ("undeclared", True, True, ""),
    ],
)
def test_the_hybrid_policy_decides_the_shape(policy: str, hybrid_ok: bool, pure_ok: bool, mark: str):
    w = tls_world()
    w.position("AA", hybrid_policy=policy)
    w.approve("AA", "ML-KEM-768")
    hybrid = verdict(w, mechanism(w, "X25519MLKEM768", "ML-KEM-768", hybrid=True))
    pure = verdict(w, mechanism(w, "MLKEM768", "ML-KEM-768"))
    assert (hybrid.accepted, pure.accepted) == (hybrid_ok, pure_ok)
    assert hybrid.marks == ((mark,) if mark else ())
    assert pure.marks == ()


# --- the defining standard --------------------------------------------------------------------------------


def test_a_standard_still_in_the_works_blocks_unless_drafts_are_asked_for():
    w = tls_world(lifecycle="adopted")
    w.approve("AA", "ML-KEM-768")
    m = mechanism(w, "MLKEM768", "ML-KEM-768")
    refused = verdict(w, m)
    assert refused.reason == "its standard is not final on 2031-01-01: draft-ietf-tls-mlkem is adopted"
    with_drafts = verdict(w, m, include_drafts=True)
    assert with_drafts.accepted
    assert with_drafts.marks == ("draft standard: draft-ietf-tls-mlkem is adopted on 2031-01-01",)


def test_a_withdrawn_standard_blocks_even_with_drafts():
    w = tls_world(lifecycle="withdrawn")
    w.approve("AA", "ML-KEM-768")
    assert not verdict(w, mechanism(w, "MLKEM768", "ML-KEM-768"), include_drafts=True).accepted


def test_any_final_work_item_among_several_is_enough():
    w = tls_world(lifecycle="adopted")
    rfc = w.work_item("TLS", "RFC 10024 (draft-ietf-tls-ecdhe-mlkem)", ["ML-KEM"], "final")
    w.approve("AA", "ML-KEM-768")
    group = mechanism(w, "X25519MLKEM768", "ML-KEM-768", hybrid=True)
    assert not verdict(w, group).accepted
    group = dataclasses.replace(group, work_item_ids=(*group.work_item_ids, rfc.id))
    assert verdict(w, group).accepted


# --- several reasons, evidence, clearances ----------------------------------------------------------------


def test_every_reason_is_kept_in_order_and_the_records_used_carry_their_clearance():
    w = tls_world(lifecycle="draft")
    w.position("AA", hybrid_policy="forbidden", releasability_id=w.coalition_ids["NATO"])
    w.approve("AA", "ML-KEM-1024")
    refused = verdict(w, mechanism(w, "X25519MLKEM768", "ML-KEM-768", hybrid=True))
    assert [r.split(" ")[0] for r in refused.reasons] == ["hybrids", "ML-KEM-768", "its"]
    assert refused.releasabilities == {w.coalition_ids["NATO"]}
    assert {e["model"] for e in refused.evidence} == {
        "standards.mechanism",
        "positions.position",
        "positions.approval",
        "standards.workitem",
    }


def test_accepted_mechanisms_keeps_to_the_protocol_asked_for():
    w = tls_world()
    w.work_item("SSH", "draft-ietf-sshm-mlkem-hybrid-kex", ["ML-KEM"], "final")
    w.approve("AA", "ML-KEM-768")
    tls = mechanism(w, "MLKEM768", "ML-KEM-768")
    ssh = mechanism(w, "mlkem768x25519-sha256", "ML-KEM-768", hybrid=True, item="draft-ietf-sshm-mlkem-hybrid-kex")
    w.snap.mechanisms = [tls, ssh]
    verdicts = accepted_mechanisms(w.snap, w.nation_ids["AA"], protocol_id=tls.protocol_id)
    assert [v.mechanism.name for v in verdicts] == ["MLKEM768"]


def test_the_classical_record_that_decides_a_no_is_cited_with_its_clearance():
    w = tls_world()
    w.approve("AA", "ML-KEM-768")
    ecdh = w.approve("AA", "ECDH", "disallowed", releasability_id=w.coalition_ids["NATO"])
    refused = verdict(w, mechanism(w, "X25519MLKEM768", "ML-KEM-768", hybrid=True))
    assert refused.reason == "ECDH is disallowed, so no X25519"
    assert ("positions.approval", ecdh.id) in {(e["model"], e["id"]) for e in refused.evidence}
    assert refused.releasabilities == {w.coalition_ids["NATO"]}
    w.coalition("FVEY")
    cutoff = w.milestone("AA", "disallow_classical", date(2030, 1, 1), releasability_id=w.coalition_ids["FVEY"])
    refused = verdict(w, mechanism(w, "X25519MLKEM768", "ML-KEM-768", hybrid=True))
    assert refused.reason.startswith("classical algorithms disallowed from 2030-01-01")
    assert ("positions.milestone", cutoff.id) in {(e["model"], e["id"]) for e in refused.evidence}
    assert w.coalition_ids["FVEY"] in refused.releasabilities


def test_a_memo_of_usable_sets_gives_the_same_verdicts_and_keeps_each_date_apart():
    w = tls_world()
    w.approve("AA", "ML-KEM-768", "tolerated", until=date(2030, 12, 31))
    w.approve("AA", "ML-DSA-65")
    memo: dict = {}  # type: ignore[type-arg]
    kem, dsa = mechanism(w, "MLKEM768", "ML-KEM-768"), mechanism(w, "MLDSA65", "ML-DSA-65")
    for day in (date(2031, 1, 1), date(2030, 12, 31), date(2031, 1, 1)):
        w.snap.as_of = day  # the same approvals on another day: the memo must not answer for the first
        for m in (kem, dsa):
            assert verdict(w, m, usable_sets=memo) == verdict(w, m)  # type: ignore[arg-type]
    w.snap.as_of = date(2030, 12, 31)  # the last day the tolerated approval holds
    assert verdict(w, kem, usable_sets=memo).accepted  # type: ignore[arg-type]
    w.snap.as_of = date(2031, 1, 1)
    assert not verdict(w, kem, usable_sets=memo).accepted  # type: ignore[arg-type]
    assert len(memo) == 4  # two days, two kinds: each worked out once


@pytest.mark.parametrize("policy", ["required", "forbidden", "discouraged", "optional"])
@pytest.mark.parametrize("lifecycle", ["final", "draft", "withdrawn"])
def test_a_verdict_without_cites_has_the_same_answer_reasons_and_marks(policy: str, lifecycle: str):
    w = tls_world(lifecycle=lifecycle)
    w.position("AA", hybrid_policy=policy)
    w.approve("AA", "ML-KEM-768")
    w.milestone("AA", "disallow_classical", date(2030, 6, 30))
    for m in (mechanism(w, "MLKEM768", "ML-KEM-768"), mechanism(w, "X25519MLKEM1024", "ML-KEM-1024", hybrid=True)):
        for drafts in (False, True):
            full, bare = verdict(w, m, include_drafts=drafts), verdict(w, m, include_drafts=drafts, cited=False)
            assert full.cites and not bare.cites
            assert dataclasses.replace(bare, cites=full.cites) == full
