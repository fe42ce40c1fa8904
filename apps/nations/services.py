"""Writing nations, coalitions and memberships: administrators' work (clearance is computed from them).

``first`` (the API's POST): the caller means a new record, so one that exists already is a conflict, said
only after the caller's authority is checked."""

from __future__ import annotations

import re

from django.db import models, transaction

from apps.accounts.models import User
from apps.accounts.permissions import ensure_can_administer_clearance, ensure_can_administer_nations
from apps.audit.context import attribute
from apps.core.dates import DatePrecision, PartialDate
from apps.core.exceptions import Conflict, InvalidInput, Unprocessable
from apps.core.services import upsert
from apps.gaps.services import request_recompute
from apps.nations.models import Coalition, Membership, Nation, NationKind


def _ensure_new(model: type[models.Model], what: str, **lookup: object) -> None:
    if model._default_manager.filter(**lookup).exists():
        raise Conflict(f"{what} exists already; update it with PUT and its ETag.")


@transaction.atomic
def nation_upsert(
    *, code: str, name: str, kind: str = NationKind.STATE, actor: User | None, first: bool = False
) -> Nation:
    """Create the nation ``code`` or bring its name and kind up to date. A state's code is its ISO 3166-1
    alpha-2 code. A change asks for the nation's gaps to be recomputed: its name is in their titles and
    explanations, and its kind decides whether it is a subject of the rules at all."""
    ensure_can_administer_nations(actor)
    if first:
        _ensure_new(Nation, f"Nation {code}", code=code)
    if kind == NationKind.STATE and not re.fullmatch(r"[A-Z]{2}", code):
        message = f"{code} is not an ISO 3166-1 alpha-2 code: a state has one (a multinational body may not)."
        raise Unprocessable(message, errors={"kind": [message]})
    attribute(actor=actor, reason=f"nation {code}")
    nation, changed = upsert(Nation, lookup={"code": code}, values={"name": name, "kind": kind})
    if changed:
        request_recompute(nation_ids=[nation.pk], reason=f"nation {code} changed")
    return nation


@transaction.atomic
def coalition_upsert(
    *, code: str, name: str, kind: str, is_defence: bool, note: str = "", actor: User | None, first: bool = False
) -> Coalition:
    """Create the coalition ``code`` or bring its details up to date."""
    ensure_can_administer_nations(actor)
    if first:
        _ensure_new(Coalition, f"Coalition {code}", code=code)
    attribute(actor=actor, reason=f"coalition {code}")
    values = {"name": name, "kind": kind, "is_defence": is_defence, "note": note}
    coalition, changed = upsert(Coalition, lookup={"code": code}, values=values)
    if changed:
        request_recompute(nation_ids=None, reason=f"coalition {code} changed")
    return coalition


@transaction.atomic
def membership_set(
    *,
    coalition: Coalition,
    nation: Nation,
    joined: PartialDate | None = None,
    left: PartialDate | None = None,
    actor: User | None,
    reason: str = "",
    first: bool = False,
) -> Membership:
    """Record that ``nation`` belongs to ``coalition`` (since ``joined``, where known), or belonged until
    ``left`` (its last day as a member). Memberships are what clearance is computed from: only
    administrators change them, and a person says why (kept with the change in the audit trail)."""
    ensure_can_administer_clearance(actor)
    if first:
        _ensure_new(Membership, f"{nation.code}'s membership of {coalition.code}", coalition=coalition, nation=nation)
    if actor is not None and not reason.strip():
        raise InvalidInput("Say why the membership changes.", errors={"reason": ["Say why the membership changes."]})
    attribute(actor=actor, reason=f"membership {nation.code} in {coalition.code}: {reason.strip()}".rstrip(": "))
    if joined and left and left.value <= joined.value:
        message = f"the membership cannot end ({left}) before or as it begins ({joined})"
        raise Unprocessable(message, errors={"left_on": [message]})
    values = {
        "joined_on": joined.value if joined else None,
        "joined_precision": joined.precision if joined else DatePrecision.DAY,
        "left_on": left.value if left else None,
        "left_precision": left.precision if left else DatePrecision.DAY,
    }
    membership, changed = upsert(Membership, lookup={"coalition": coalition, "nation": nation}, values=values)
    if changed:
        request_recompute(nation_ids=[nation.pk], reason=f"membership {nation.code} in {coalition.code} changed")
    return membership
