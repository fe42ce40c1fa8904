"""Settings for the test suite: production settings plus switches that exist only for tests."""

from pqctrack.env import env_int
from pqctrack.settings import *  # noqa: F403

# A gap run holds its results this long (PostgreSQL pg_sleep, inside the write transaction, before commit)
# so the worker-killed-mid-run test can kill it at a known point. Production settings have no such switch.
PQCTRACK_GAPS_TEST_PAUSE_BEFORE_COMMIT_MS = env_int("PQCTRACK_GAPS_TEST_PAUSE_BEFORE_COMMIT_MS", 0)
