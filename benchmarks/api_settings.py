"""Settings for the API benchmark's server only: the project's settings with a urlconf that adds the bare
comparison view. Never used outside ``python -m benchmarks.api``."""

from pqctrack.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.api_urls"
