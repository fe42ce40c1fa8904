"""ETags for editable resources and the If-Match check, made atomic by locking the row.

A catalogue record's ETag follows its ``updated_at``. A declaration (position, approval, milestone) is never
changed in place, so its ETag names the row and whether it is still in force: once superseded, the ETag a
client read no longer matches, and an update based on it is refused with 412."""

from __future__ import annotations

import hashlib
import re
from typing import Any, TypeVar

from django.db import models
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from apps.api.exceptions import PreconditionFailed, PreconditionRequired
from apps.core.exceptions import NotFound

M = TypeVar("M", bound=models.Model)

#: RFC 9110 If-Match: ``*`` or a comma-separated list of (possibly weak) entity tags.
IF_MATCH_PATTERN = r'^(\*|(W/)?"[!#-~]*"( *, *(W/)?"[!#-~]*")*)$'


def etag_for(instance: models.Model) -> str:
    if hasattr(instance, "superseded_as_seen"):
        # As the caller may know it (``DeclaredQuerySet.seen_by``): a hidden successor changes no ETag.
        superseded = instance.superseded_as_seen
        state = "current" if superseded is None else superseded.isoformat()
    else:
        state = instance.updated_at.isoformat()  # type: ignore[attr-defined]
    digest = hashlib.sha256(f"{instance._meta.label}:{instance.pk}:{state}".encode()).hexdigest()[:20]
    return f'"{digest}"'


def _matches(header: str, current: str) -> bool:
    """RFC 9110 If-Match: ``*`` or a list of strong tags; weak tags never match."""
    if header.strip() == "*":
        return True
    return any(tag.strip() == current for tag in header.split(",") if not tag.strip().startswith("W/"))


def lock_for_update(request: Request, queryset: models.QuerySet[M], pk: Any) -> M:
    """Lock the row ``pk`` of ``queryset`` (call inside ``transaction.atomic``) and check the request's
    If-Match against it: 428 without the header, 412 when stale. Two updates sent with the same ETag queue
    on the lock; the second sees the first's change and gets 412."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    if not re.match(IF_MATCH_PATTERN, header):
        raise ValidationError({"If-Match": ['Give "*" or entity tags as sent in ETag, e.g. "abc123".']})
    instance = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
    if instance is None:
        raise NotFound("Not found.")
    if queryset.query.annotations:
        # Annotations (``seen_by``'s supersession) come from subqueries, which read the snapshot the locking
        # statement started with: read them again now that the row is ours and what we waited for is seen.
        instance = queryset.get(pk=pk)
    if not _matches(header, etag_for(instance)):
        raise PreconditionFailed()
    return instance
