"""Every records test runs on both databases: a fresh SQLite file and a fresh
PostgreSQL database (on the server at ``FADECAST_TEST_POSTGRES``, by default
``postgresql://postgres@127.0.0.1:5432/test``, which ``.ci/run`` starts), each made
for the test and dropped after it."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from fadecast.records.database import Database, open_database, upgrade

#: The server the PostgreSQL runs use (its database ``test`` is where new ones are made).
POSTGRES = os.environ.get("FADECAST_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
#: The moment the tests take as now (naive UTC).
NOW = dt.datetime(2026, 12, 1, 10, 0, 0)


def _admin_url() -> URL:
    return make_url(POSTGRES).set(drivername="postgresql+psycopg")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database, of each kind."""
    if request.param == "sqlite":
        yield str(tmp_path / "records" / "clinic.sqlite")
        return
    admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"fadecast_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # the server is part of the test set-up: say so plainly
        admin.dispose()
        pytest.fail(f"PostgreSQL at {POSTGRES} is needed for the records tests: {error}")
    try:
        yield _admin_url().set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def records(db_url: str) -> Iterator[Database]:
    """Open records at the newest schema, of each kind."""
    upgrade(db_url)
    database = open_database(db_url)
    try:
        yield database
    finally:
        database.close()
