"""Issuing and revoking API tokens for external systems."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import ApiToken, TokenScope, User
from apps.accounts.permissions import may_curate_catalogue
from apps.audit.context import attribute
from apps.core.exceptions import Conflict, InvalidInput, NotPermitted
from apps.nations.models import Nation

TOKEN_PREFIX = "pqt_"  # noqa: S105 - a public marker, not a secret


def token_digest(raw_secret: str) -> str:
    """The stored form of a secret. The secrets are 256 random bits, so a plain SHA-256 is enough."""
    return hashlib.sha256(raw_secret.encode()).hexdigest()


def _ensure_administrator(actor: User | None) -> None:
    if actor is not None and not actor.sees_everything:
        raise NotPermitted("Only administrators may issue or revoke API tokens.")


@transaction.atomic
def token_issue(
    *,
    user: User,
    name: str,
    scopes: Iterable[str],
    write_nations: Iterable[Nation] = (),
    expires_at: datetime,
    actor: User | None,
) -> tuple[ApiToken, str]:
    """Issue a token acting as ``user`` within ``scopes``. Returns the token and its raw secret, which is
    never stored and cannot be shown again."""
    _ensure_administrator(actor)
    scopes = sorted(set(scopes))
    nations = list(write_nations)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Name the token after the system that uses it."]
    unknown = [s for s in scopes if s not in TokenScope.values]
    if unknown or not scopes:
        errors["scopes"] = [f"Choose scopes among {', '.join(TokenScope.values)}."]
    if expires_at <= timezone.now():
        errors["expires_at"] = ["The expiry must be in the future."]
    if not user.may_hold_token:
        errors["user"] = ["A token may not act as an administrator: it would bypass releasability."]
    if TokenScope.CATALOGUE in scopes and not may_curate_catalogue(user):
        errors["scopes"] = [
            f"{user.username} may not curate the catalogues: a catalogue token is for a standards analyst"
            " or an external system registered as a standards feed."
        ]
    if TokenScope.WRITE in scopes and not nations:
        errors["write_nations"] = ["A write token names the nations it may write for."]
    if nations and TokenScope.WRITE not in scopes:
        errors["write_nations"] = ["Only a token with the write scope names nations."]
    outside = {n.pk for n in nations} - user.writable_nation_ids()
    if nations and outside:
        errors["write_nations"] = [f"{user.username} may not write for every nation named."]
    if errors:
        raise InvalidInput("; ".join(m for ms in errors.values() for m in ms), errors=errors)
    attribute(actor=actor, reason=f"API token {name} issued for {user.username}")
    raw_secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=raw_secret[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(raw_secret),
        scopes=scopes,
        expires_at=expires_at,
        created_by=actor,
    )
    token.write_nations.set(nations)
    return token, raw_secret


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User | None) -> ApiToken:
    """Revoke ``token`` from now on. Revoking twice is refused, so the first revocation time stays."""
    _ensure_administrator(actor)
    attribute(actor=actor, reason=f"API token {token.name} revoked")
    now = timezone.now()
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        raise Conflict("This token is already revoked.")
    token.revoked_at = now
    return token


def token_mark_used(*, token: ApiToken, at: datetime) -> None:
    """Stamp ``token``'s last use. The change is the owner's doing (their system called the API), so the
    audit trail attributes it to them, like every other change to a token."""
    with transaction.atomic(savepoint=False):  # one statement more, whatever transaction the request is in
        attribute(actor=token.user, reason=f"API token {token.name} used")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    token.last_used_at = at
