"""``scripts/devstack.py`` loaded as a module for its tests: it is a script run by path, not a package."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "devstack", Path(__file__).resolve().parents[1] / "scripts" / "devstack.py"
)
assert _spec is not None and _spec.loader is not None
devstack = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(devstack)
