"""The parts of ``scripts/devstack.py``, one module a responsibility; the script is their entry point."""
