"""A per-process circuit breaker for the services a request may do without (the shared cache, the broker).

When a call fails with one of the errors the caller names, the breaker answers with the caller's fallback
for ``cooldown`` seconds without trying again, so an outage costs one timeout per process and cooldown
instead of one per request. It logs a warning when it opens and a line when the service answers again."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Breaker:
    def __init__(self, service: str, degraded: str, *, cooldown: float = 5.0) -> None:
        self.service = service
        self.degraded = degraded  # what happens meanwhile, for the log
        self.cooldown = cooldown
        self.open_until = 0.0
        self.failing = False

    def call(self, action: Callable[[], T], *, errors: tuple[type[BaseException], ...], fallback: Callable[[], T]) -> T:
        if self.failing and time.monotonic() < self.open_until:
            return fallback()
        try:
            result = action()
        except errors as error:
            if not self.failing:
                logger.warning(
                    "Could not reach %s (%s: %s); %s", self.service, type(error).__name__, error, self.degraded
                )
            self.failing, self.open_until = True, time.monotonic() + self.cooldown
            return fallback()
        if self.failing:
            logger.warning("%s answers again", self.service.capitalize())
            self.failing = False
        return result

    def reset(self) -> None:
        """Forget any failure (tests start each case with the service presumed up)."""
        self.failing, self.open_until = False, 0.0
