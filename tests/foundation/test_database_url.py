"""`database_url` names exactly the database Django uses, for every form a configured URL takes.

The forms: TCP host and port, a unix-socket directory percent-encoded into the host and libpq's ``?host=``
query (both written by ``scripts/devstack.py``), libpq's default socket, IPv6, and credentials, names and
socket paths with capitals, spaces and URL delimiters.  The real-connection tests reach the test database
through small forwarders this module starts (a TCP port and unix sockets in directories with and without
capitals), so each form is connected for real whatever form the suite itself was configured with."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper
from hypothesis import given
from hypothesis import strategies as st
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pqctrack.database_url import database_url
from tests.scripts import devstack

BASE_DIR = Path(__file__).resolve().parents[2]


def settings_for(url: str) -> dict[str, Any]:
    """The DATABASES entry pqctrack/settings.py builds from `url`, on top of the test connection's."""
    return {**connection.settings_dict, "OPTIONS": {}, **dj_database_url.parse(url)}


def libpq_params(settings: dict[str, Any]) -> dict[str, str]:
    """What Django's backend hands libpq for `settings`, normalised through libpq's own conninfo parser."""
    params = DatabaseWrapper(settings).get_connection_params()
    for django_only in ("context", "cursor_factory", "prepare_threshold"):
        params.pop(django_only, None)
    return conninfo_to_dict(make_conninfo("", **params))


FORMS = {
    "tcp": "postgres://postgres@127.0.0.1:5432/pqctrack",
    "tcp with credentials and options": "postgres://us%40er:p%2Fw%3Ad%20%25@db.example.org:6543/pq%20db?sslmode=prefer",
    "ipv6": "postgres://postgres@[::1]:5432/pqctrack",
    "default socket": "postgres://postgres@/pqctrack",
    "socket in host": devstack.socket_database_url(Path("/srv/pqctrack/.local/pgdata"), 5432, "pqctrack"),
    "socket in query": devstack.socket_database_url(Path("/home/Fresh Clone/pq+track/.local"), 5433, "pqctrack"),
}


def test_devstack_writes_both_socket_forms():
    assert FORMS["socket in host"] == "postgres://postgres@%2Fsrv%2Fpqctrack%2F.local%2Fpgdata:5432/pqctrack"
    assert FORMS["socket in query"].startswith("postgres://postgres@/pqctrack?host=")


@pytest.mark.parametrize("url", FORMS.values(), ids=FORMS.keys())
def test_each_form_names_the_same_server_and_the_database_asked_for(url):
    settings = settings_for(url)
    rebuilt = database_url(settings, name="test_pqctrack")
    assert libpq_params(settings_for(rebuilt)) == {**libpq_params(settings), "dbname": "test_pqctrack"}
    assert database_url(settings_for(rebuilt)) == rebuilt  # and it is stable


def test_a_socket_directory_keeps_its_capitals_and_spaces():
    settings = settings_for(FORMS["socket in query"])
    assert libpq_params(settings_for(database_url(settings)))["host"] == "/home/Fresh Clone/pq+track/.local"


def test_options_that_cannot_be_written_into_a_url_are_refused():
    with pytest.raises(ValueError, match="pool"):
        database_url({**settings_for(FORMS["tcp"]), "OPTIONS": {"pool": {"min_size": 2}}})


_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=20)
_host = st.one_of(
    st.just(""),
    st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,5})?", fullmatch=True),
    st.builds(lambda parts: "/" + "/".join(parts), st.lists(_text.filter(lambda t: "/" not in t), min_size=1)),
)


@given(
    user=_text,
    password=st.one_of(st.just(""), _text),
    host=_host,
    port=st.one_of(st.just(""), st.integers(1, 65535).map(str)),
    name=_text,
)
def test_every_database_round_trips_through_its_url(user, password, host, port, name):
    settings = {**connection.settings_dict, "USER": user, "PASSWORD": password, "HOST": host, "PORT": port}
    settings.update(NAME=name, OPTIONS={})
    assert libpq_params(settings_for(database_url(settings))) == libpq_params(settings)


# --------------------------------------------------------------------------------------------------------------
# For real: forwarders to the server the tests use, in each form.


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with suppress(OSError):
        target.shutdown(socket.SHUT_WR)


class Forwarder:
    """Accepts on `listener` and pipes each connection to a new one from `upstream`; counts what it took."""

    def __init__(self, listener: socket.socket, upstream: Callable[[], socket.socket]) -> None:
        self.listener, self.upstream, self.accepted = listener, upstream, 0
        listener.listen()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed at teardown
            self.accepted += 1
            server = self.upstream()
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=_pipe, args=(source, target), daemon=True).start()


@pytest.fixture
def forwarders(db: None) -> Iterator[dict[str, tuple[str, Forwarder]]]:
    """For each form, a URL of the test database that reaches the server only through its own forwarder."""
    connection.ensure_connection()
    info = connection.connection.info
    if info.host.startswith("/"):
        address: Any = f"{info.host}/.s.PGSQL.{info.port}"
        family = socket.AF_UNIX
    else:
        address, family = (info.host, info.port), socket.AF_INET6 if ":" in info.host else socket.AF_INET

    def upstream() -> socket.socket:
        conn = socket.socket(family, socket.SOCK_STREAM)
        conn.connect(address)
        return conn

    root = Path(tempfile.mkdtemp(prefix="pqctrack-"))  # short: a socket path has at most 107 bytes
    listeners: list[socket.socket] = []
    try:
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.bind(("127.0.0.1", 0))
        port = tcp.getsockname()[1]
        listeners.append(tcp)
        name = connection.settings_dict["NAME"]
        urls = {"tcp": f"postgres://{connection.settings_dict['USER']}@127.0.0.1:{port}/{name}"}
        for form, directory in (("socket in host", root / "lower"), ("socket in query", root / "With Space")):
            directory.mkdir()
            unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            unix.bind(str(directory / f".s.PGSQL.{port}"))
            listeners.append(unix)
            urls[form] = devstack.socket_database_url(directory, port, name)
        yield {
            form: (url, Forwarder(listener, upstream))
            for (form, url), listener in zip(urls.items(), listeners, strict=True)
        }
    finally:
        for listener in listeners:
            listener.close()
        shutil.rmtree(root, ignore_errors=True)


def current_database(settings: dict[str, Any]) -> str:
    wrapper = DatabaseWrapper(settings)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            return cursor.fetchone()[0]
    finally:
        wrapper.close()


@pytest.mark.parametrize("form", ["tcp", "socket in host", "socket in query"])
def test_each_form_reaches_the_test_database(forwarders, form):
    configured, forwarder = forwarders[form]
    url = database_url(settings_for(configured))
    assert current_database(settings_for(url)) == connection.settings_dict["NAME"]
    assert forwarder.accepted == 1  # through this form's own forwarder, not some other server


def test_a_child_process_given_the_url_uses_the_test_database(forwarders):
    configured, forwarder = forwarders["socket in query"]
    child = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.db import connection;"
         "cursor = connection.cursor(); cursor.execute('SELECT current_database()'); print(cursor.fetchone()[0])"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url(settings_for(configured)), "DJANGO_SETTINGS_MODULE": "pqctrack.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == connection.settings_dict["NAME"]
    assert forwarder.accepted >= 1


def test_the_configured_database_is_reached_as_configured(db):
    """The suite's own configuration, whatever its form (TCP in one CI run, the embedded socket in the other)."""
    url = database_url(connection.settings_dict)
    assert current_database(settings_for(url)) == connection.settings_dict["NAME"]
