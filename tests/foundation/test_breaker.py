"""The breaker that lets a request do without the cache or the broker: one attempt per cooldown, logged once."""

from __future__ import annotations

import logging

import pytest

from apps.core.breaker import Breaker


class Service:
    def __init__(self) -> None:
        self.up = False
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if not self.up:
            raise ConnectionError("refused")
        return "answer"


def test_an_outage_is_tried_once_per_cooldown_and_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    breaker, service = Breaker("the service", "answering from memory", cooldown=3600), Service()
    with caplog.at_level(logging.WARNING):
        answers = [breaker.call(service, errors=(ConnectionError,), fallback=lambda: "fallback") for _ in range(5)]
    assert answers == ["fallback"] * 5
    assert service.calls == 1  # the other four did not wait on the dead service
    assert [r.getMessage() for r in caplog.records] == [
        "Could not reach the service (ConnectionError: refused); answering from memory"
    ]


def test_after_the_cooldown_it_tries_again_and_says_when_the_service_is_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    breaker, service = Breaker("the service", "answering from memory", cooldown=0), Service()
    with caplog.at_level(logging.WARNING):
        assert breaker.call(service, errors=(ConnectionError,), fallback=lambda: "fallback") == "fallback"
        assert breaker.call(service, errors=(ConnectionError,), fallback=lambda: "fallback") == "fallback"
        service.up = True
        assert breaker.call(service, errors=(ConnectionError,), fallback=lambda: "fallback") == "answer"
    assert service.calls == 3
    assert [r.getMessage() for r in caplog.records][-1] == "The service answers again"
    assert len(caplog.records) == 2  # failing twice in a row is one outage


def test_errors_it_was_not_told_about_are_not_hidden() -> None:
    breaker = Breaker("the service", "answering from memory")

    def broken() -> str:
        raise ValueError("a bug, not an outage")

    with pytest.raises(ValueError):
        breaker.call(broken, errors=(ConnectionError,), fallback=lambda: "fallback")
    assert not breaker.failing
