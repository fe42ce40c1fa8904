"""``Idempotency-Key`` for POST: the first response is stored with the key, in the write's own transaction,
and a retry with the same key and body replays it instead of writing again."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import cast

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.api.exceptions import IdempotencyKeyReused
from apps.api.models import IdempotencyKey

HEADER = "Idempotency-Key"
#: How long a key protects against a retry; after that the same key starts a new submission.
RETENTION = timedelta(hours=24)
REPLAYED_HEADERS = ("ETag", "Location")
#: 1 to 255 visible ASCII characters (spaces inside only: HTTP trims them at the ends).
KEY_PATTERN = r"^[!-~]([ -~]{0,253}[!-~])?$"


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(body.encode()).hexdigest()


def idempotent_create(request: Request, create: Callable[[], Response]) -> Response:
    """Run ``create`` in a transaction; with an Idempotency-Key, at most once per key and caller."""
    key = request.headers.get(HEADER)
    if key is None:
        with transaction.atomic():
            return create()
    if not re.match(KEY_PATTERN, key):
        raise ValidationError({HEADER: ["The key must be 1 to 255 visible ASCII characters."]})
    fingerprint = _fingerprint(request)
    user = cast(User, request.user)  # the views answering POST all require authentication
    method = request.method or "POST"
    with transaction.atomic():
        try:
            with transaction.atomic():
                # A concurrent request with the same key blocks here until this transaction ends.
                record = IdempotencyKey.objects.create(
                    user=user, key=key, method=method, path=request.path, fingerprint=fingerprint
                )
        except IntegrityError:
            earlier = IdempotencyKey.objects.select_for_update().get(user=user, key=key)
            if earlier.created_at < timezone.now() - RETENTION:
                earlier.delete()
                return idempotent_create(request, create)
            if (earlier.method, earlier.path, earlier.fingerprint) != (method, request.path, fingerprint):
                raise IdempotencyKeyReused() from None
            replay = Response(earlier.response_body, status=earlier.response_status, headers=earlier.response_headers)
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = create()
        record.response_status = response.status_code
        record.response_body = response.data
        record.response_headers = {h: response[h] for h in REPLAYED_HEADERS if response.has_header(h)}
        record.save(update_fields=["response_status", "response_body", "response_headers"])
        return response
