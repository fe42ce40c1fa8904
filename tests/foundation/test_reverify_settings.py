"""Issue 10: the re-verification age is a setting read from the environment; the stale-age variable it
replaced is refused by name."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings


def test_the_default_age_is_180_days() -> None:
    assert settings.PQCTRACK_REVERIFY_AFTER_DAYS == 180
    assert not hasattr(settings, "PQCTRACK_STALE_AFTER_DAYS")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PQCTRACK_STALE_AFTER_DAYS", "730", "PQCTRACK_STALE_AFTER_DAYS is retired; set PQCTRACK_REVERIFY_AFTER_DAYS"),
        ("PQCTRACK_REVERIFY_AFTER_DAYS", "0", "PQCTRACK_REVERIFY_AFTER_DAYS must be at least 1"),
        ("PQCTRACK_REVERIFY_AFTER_DAYS", "half a year", "PQCTRACK_REVERIFY_AFTER_DAYS must be an integer"),
    ],
)
def test_the_settings_refuse_the_retired_variable_and_a_bad_age(variable: str, value: str, message: str) -> None:
    """The settings module read afresh, as a deployment starts it."""
    env = {**os.environ, variable: value}
    result = subprocess.run(
        [sys.executable, "-c", "import pqctrack.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_the_settings_read_the_age_from_the_environment() -> None:
    env = {**os.environ, "PQCTRACK_REVERIFY_AFTER_DAYS": "90"}
    code = "import pqctrack.settings as s; print(s.PQCTRACK_REVERIFY_AFTER_DAYS)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "90"
