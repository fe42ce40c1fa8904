"""The Celery application: configuration comes from Django settings under the CELERY_ namespace.

``send`` is how request paths publish: the broker is an optimisation there (the durable truth is in the
database), so an unreachable broker is logged and reported as False, never raised into the request."""

import os
from typing import Any

from celery import Celery, Task
from kombu.exceptions import OperationalError

from apps.core.breaker import Breaker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pqctrack.settings")

app = Celery("pqctrack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

broker = Breaker("the broker", "nothing is sent; the periodic tasks pick up what waits in the database")


def send(task: Task, *args: Any) -> bool:
    """Publish ``task(*args)``; False when the broker cannot be reached."""

    def publish() -> bool:
        task.delay(*args)
        return True

    return broker.call(publish, errors=(OperationalError,), fallback=lambda: False)


def broker_reachable() -> bool:
    """Whether the broker answers now: one connection attempt, bounded by the broker timeouts."""

    def connect() -> bool:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, interval_max=0)
        return True

    return broker.call(connect, errors=(OperationalError,), fallback=lambda: False)
