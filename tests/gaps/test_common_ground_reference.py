"""Common ground on the shipped data, as a domain expert reads it (draft standards included where the
TLS documents are not yet RFCs in the base rows)."""

from __future__ import annotations

from datetime import date

from apps.accounts.models import User
from apps.gaps.evaluation import EvaluationDates
from apps.nations.models import Nation
from apps.reports.common_ground import CommonGround, common_ground
from apps.standards.models import Protocol, WorkItem

EVERYONE = User(is_superuser=True)


def tls(*codes: str, on: date, scope: str = "all", drafts: bool = True) -> CommonGround:
    return common_ground(
        user=EVERYONE,
        nation_ids=list(Nation.objects.filter(code__in=codes).values_list("id", flat=True)),
        protocol_id=Protocol.objects.get(code="TLS").pk,
        dates=EvaluationDates(as_of=on),
        scope=scope,
        include_drafts=drafts,
    )


def reasons(report: CommonGround, code: str) -> dict[str, str]:
    """Mechanism name -> the first reason ``code`` refuses it ("" when accepted)."""
    nid = next(n for n, c, _ in report.members if c == code)
    return {m.name: report.grid[nid, m.id].reason for m in report.mechanisms}


def test_france_and_australia_share_the_hybrid_groups_until_australia_drops_classical(reference):
    before = tls("FR", "AU", on=date(2030, 6, 1))
    assert [m.name for m in before.common] == ["SecP256r1MLKEM768", "SecP384r1MLKEM1024", "X25519MLKEM768"]
    after = tls("FR", "AU", on=date(2031, 1, 1))
    assert after.common == []
    au, fr = reasons(after, "AU"), reasons(after, "FR")
    assert au["X25519MLKEM768"].startswith("classical algorithms disallowed from 2030-12-31")
    assert fr["MLKEM1024"] == "hybrids are required, and this mechanism is pure"
    # one side alone blocks each option: France every pure group, Australia every hybrid one
    assert {m.name: b for m, b in after.nearest} == {
        "MLKEM1024": ["FR"],
        "MLKEM768": ["FR"],
        "SecP256r1MLKEM768": ["AU"],
        "SecP384r1MLKEM1024": ["AU"],
        "X25519MLKEM768": ["AU"],
    }
    assert [(s.label, s.common) for s in after.timeline][-1] == ("2030-12-31", ())


def test_us_national_security_systems_against_the_uk_defaults_share_no_group(reference):
    report = tls("US", "GB", on=date(2031, 1, 1), scope="national_security_systems")
    assert report.common == []
    us, gb = reasons(report, "US"), reasons(report, "GB")
    assert us["MLKEM1024"] == "" and gb["MLKEM1024"] == "ML-KEM-1024 is not approved on 2031-01-01"
    assert gb["X25519MLKEM768"] == "" and us["X25519MLKEM768"] == "ML-KEM-768 is not approved on 2031-01-01"
    assert {m.name: b for m, b in report.nearest}["MLKEM1024"] == ["GB"]


def test_a_final_hybrid_rfc_does_not_serve_a_nation_that_forbids_hybrids(reference, redeclare):
    # The shipped update records the draft's publication as RFC 10024 (August 2026).
    assert WorkItem.objects.get(identifier="RFC 10024 (draft-ietf-tls-ecdhe-mlkem)").statuses.filter(status="rfc")
    redeclare("GB", hybrid_policy="forbidden")
    report = tls("FR", "GB", on=date(2027, 1, 1), drafts=False)
    fr, gb = reasons(report, "FR"), reasons(report, "GB")
    assert fr["X25519MLKEM768"] == ""  # the RFC serves France
    assert gb["X25519MLKEM768"] == "hybrids are forbidden (pure post-quantum only)"
    assert gb["MLKEM768"].startswith("its standard is not final on 2027-01-01: draft-ietf-tls-mlkem")
    assert report.common == []
