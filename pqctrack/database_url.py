"""The ``DATABASE_URL`` that names a database Django is configured for, to hand to another process.

A process a test or benchmark starts (a celery worker, gunicorn) must reach exactly the database its parent
uses (under pytest that is the test database, not the configured one) whatever form the configured URL took:
a TCP host and port, a unix-socket directory percent-encoded into the host, or libpq's ``?host=`` query
parameter (``scripts/devstack.py`` writes both socket forms).  dj-database-url lower-cases a URL's host, so a
socket directory always travels in the ``host`` query parameter here: dj-database-url passes query parameters
through ``OPTIONS`` to libpq unchanged, capitals and spaces included.  libpq itself reads the same URL, so it
also serves ``psycopg.connect``.

Standard library only, so benchmarks and the CI entry point use it before Django is set up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode


def _option_value(key: str, value: Any) -> str | list[str]:
    if isinstance(value, bool):  # dj-database-url reads "true"/"false" back as booleans
        return "true" if value else "false"
    if isinstance(value, str | int):
        return str(value)
    if isinstance(value, list | tuple):
        return [str(_option_value(key, item)) for item in value]
    raise ValueError(f"database option {key}={value!r} cannot be written into a URL")


def database_url(database: Mapping[str, Any], *, name: str | None = None) -> str:
    """A ``postgres://`` URL for the database a Django ``DATABASES`` entry describes (for instance
    ``connection.settings_dict``), or for the database `name` on the same server with the same user,
    password and options.  ``dj_database_url.parse`` of the result gives Django the same connection
    parameters as `database`."""
    user = quote(str(database.get("USER") or ""), safe="")
    password = str(database.get("PASSWORD") or "")
    userinfo = user + (f":{quote(password, safe='')}" if password else "")
    host, port = str(database.get("HOST") or ""), str(database.get("PORT") or "")
    query = {key: _option_value(key, value) for key, value in (database.get("OPTIONS") or {}).items()}
    netloc = ""
    if host and not host.startswith("/"):
        netloc = (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    else:  # a socket directory, or libpq's default socket: host and port as query parameters
        if host:
            query["host"] = host  # Django lets HOST and PORT win over OPTIONS; so does this URL
        if port:
            query["port"] = port
    dbname = quote(str(database.get("NAME") or "") if name is None else name, safe="")
    authority = f"{userinfo}@{netloc}" if userinfo else netloc
    encoded = urlencode(query, doseq=True, quote_via=quote)
    return f"postgres://{authority}/{dbname}" + (f"?{encoded}" if encoded else "")
