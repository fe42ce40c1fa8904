"""A change asks for its recompute in its own transaction, and a burst of changes sends one message."""

from __future__ import annotations

from django.db import transaction

from apps.gaps.models import RecomputeRequest
from apps.gaps.services import request_recompute
from apps.gaps.tasks import drain_recompute_requests


def test_a_burst_of_changes_in_one_transaction_sends_one_message(
    small_world, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[str] = []
    # The broker is the edge here: count what would be published.
    monkeypatch.setattr(drain_recompute_requests, "delay", lambda: sent.append("drain"))
    before = RecomputeRequest.objects.count()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for code in ("IT", "US", "GB"):
            request_recompute(nation_ids=[small_world[code].pk], reason=f"{code} changed")
    assert sent == ["drain"]
    assert RecomputeRequest.objects.count() == before + 3
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        request_recompute(nation_ids=None, reason="next change")
    assert sent == ["drain", "drain"]
