"""Who may change what. Services call these before writing; views only decide what to show."""

from __future__ import annotations

from collections.abc import Collection

from apps.accounts.models import Role, User
from apps.core.exceptions import NotPermitted


def ensure_can_write_nation(
    actor: User | None, nation_id: int, *, token_nations: Collection[int] | None = None
) -> None:
    """Liaison officers and systems write only for their own nations. ``actor=None`` is the loader.
    ``token_nations``: when the caller acts through an API token, the nations that token may write for
    (it narrows the owner's rights, never widens them); None when no token is involved."""
    if actor is not None and not actor.sees_everything and not _writes_for(actor, nation_id):
        raise NotPermitted("You may record positions only for your own nation.")
    if token_nations is not None and nation_id not in token_nations:
        raise NotPermitted("This token may not write for that nation.")


def _writes_for(actor: User, nation_id: int) -> bool:
    return actor.role in (Role.LIAISON_OFFICER, Role.SYSTEM) and nation_id in actor.writable_nation_ids()


def may_curate_catalogue(actor: User | None) -> bool:
    """Algorithms and standards work are global catalogues, curated by standards analysts and by external
    systems an administrator registered as standards feeds. ``actor=None`` is the loader."""
    if actor is None or actor.sees_everything or actor.role == Role.STANDARDS_ANALYST:
        return True
    return actor.role == Role.SYSTEM and actor.standards_feed


def ensure_can_curate_catalogue(actor: User | None) -> None:
    """See ``may_curate_catalogue``; checked on every write, so it is the actor's role now that counts."""
    if may_curate_catalogue(actor):
        return
    raise NotPermitted(
        "Only standards analysts (and external systems registered as standards feeds) may change the algorithm "
        "and standards catalogues."
    )


def ensure_can_administer_clearance(actor: User | None) -> None:
    """Coalition memberships decide what every user of a nation is cleared to see, so only administrators
    change them (a standards analyst curating catalogues must not be able to clear themselves)."""
    if actor is None or actor.sees_everything:
        return
    raise NotPermitted("Only administrators may change coalition memberships.")


def ensure_can_administer_nations(actor: User | None) -> None:
    """Nations and coalitions are what clearance and the gap rules are built on (a nation's kind decides
    whether rules treat it as a state; a coalition's defence flag raises severity): administrators change
    them, like the memberships."""
    if actor is None or actor.sees_everything:
        return
    raise NotPermitted("Only administrators may change nations and coalitions.")


def ensure_can_triage(actor: User | None) -> None:
    """Acknowledging, waiving and recomputing gaps is the planners' work."""
    if actor is None or actor.sees_everything or actor.role == Role.PLANNER:
        return
    raise NotPermitted("Only interoperability planners may triage gaps.")
