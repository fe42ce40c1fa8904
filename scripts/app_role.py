"""Print the ``DATABASE_URL`` of the same database as ``$DATABASE_URL``, as the unprivileged login role
``pqctrack_app`` (created if missing: not a superuser, owning nothing). ``make lint`` runs the production
``check --deploy --database default`` through it, the way production connects (README, "Running in
production"); the configured role, which created the tables, would rightly fail that check.

``PQCTRACK_APP_DATABASE_URL``, when set, is printed as it is instead (a server that wants a password)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dj_database_url
import psycopg

from pqctrack.database_url import database_url

ROLE = "pqctrack_app"


def main() -> None:
    if os.environ.get("PQCTRACK_APP_DATABASE_URL"):
        print(os.environ["PQCTRACK_APP_DATABASE_URL"])
        return
    configured = dj_database_url.parse(os.environ["DATABASE_URL"])
    with psycopg.connect(database_url(configured), autocommit=True, connect_timeout=10) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone() is None:
            conn.execute(f"CREATE ROLE {ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
    print(database_url({**configured, "USER": ROLE, "PASSWORD": ""}))


if __name__ == "__main__":
    main()
