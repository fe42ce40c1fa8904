import pytest
from django.core.exceptions import ImproperlyConfigured

from pqctrack.env import env_bool, env_int, env_url


def test_malformed_boolean_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG")


def test_malformed_integer_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_CONN_MAX_AGE", "sixty")
    with pytest.raises(ImproperlyConfigured, match="DB_CONN_MAX_AGE"):
        env_int("DB_CONN_MAX_AGE", 60)


def test_database_url_must_be_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///db.sqlite3")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_url("DATABASE_URL", "postgres://x/y", schemes=("postgres", "postgresql"))


def test_well_formed_values_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("DB_CONN_MAX_AGE", "5")
    assert env_bool("DEBUG") is True
    assert env_int("DB_CONN_MAX_AGE", 60) == 5
