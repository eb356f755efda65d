"""The records' database: URLs, migrations up and down, schema versions, the audit
log's guard, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from sqlalchemy import delete, inspect, text, update
from sqlalchemy.exc import DatabaseError

from fadecast.errors import InputError
from fadecast.records.audit import audit, audit_entries
from fadecast.records.clinics import add_clinic
from fadecast.records.database import (
    Database,
    database_url,
    downgrade,
    head_revision,
    make_engine,
    open_database,
    schema_revision,
    upgrade,
)
from fadecast.records.models import AuditEntry, Base


def test_upgrade_makes_every_table_and_downgrade_removes_them(db_url: str) -> None:
    assert upgrade(db_url) == head_revision()
    engine = make_engine(database_url(db_url))
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert downgrade(db_url, revision="base") is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        assert upgrade(db_url) == head_revision()  # and up again
        assert schema_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_the_migrated_schema_is_the_models_schema(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    upgrade(db_url)
    engine = make_engine(database_url(db_url))
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_records_without_a_schema_are_refused_with_the_way_on(db_url: str) -> None:
    engine = make_engine(database_url(db_url))
    if database_url(db_url).get_backend_name() == "sqlite":
        with pytest.raises(InputError, match="fadecast clinic init"):
            open_database(db_url)  # no file yet
        Path(db_url).parent.mkdir(parents=True)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE other (x INTEGER)"))
    engine.dispose()
    with pytest.raises(InputError, match="holds no records: run 'fadecast clinic init'"):
        open_database(db_url)


def test_a_newer_schema_is_refused_clearly(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(database_url(db_url))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    for action in (open_database, upgrade):
        with pytest.raises(InputError, match=r"schema \(revision 9999\) is newer than this"):
            action(db_url)


def test_a_server_that_does_not_answer_is_one_line() -> None:
    with pytest.raises(InputError, match="--db: cannot connect: "):
        open_database("postgresql://nobody@127.0.0.1:1/none")


@pytest.mark.parametrize("given", ["mysql://me@host/db", "oracle://x", "://"])
def test_only_sqlite_and_postgresql_are_allowed(given: str) -> None:
    with pytest.raises(InputError, match="--db: must be a SQLite file or"):
        database_url(given)


def test_the_url_comes_from_the_environment_then_the_default() -> None:
    env = {"FADECAST_DATABASE_URL": "postgresql://me@127.0.0.1/group", "HOME": "/home/x"}
    assert database_url(None, env).database == "group"
    assert database_url(None, {"HOME": "/home/x"}).database == (
        "/home/x/.local/share/fadecast/clinic.sqlite"
    )
    assert database_url("given.sqlite", env).get_backend_name() == "sqlite"


def test_the_audit_log_is_append_only(records: Database) -> None:
    with records.transaction() as session:
        clinic = add_clinic(session, name="Northside", actor="owner", now=NOW)
        audit(
            session,
            clinic_id=clinic.id,
            actor="owner",
            action="view",
            entity="client",
            entity_id=1,
            at=NOW,
        )
    for statement in (
        update(AuditEntry).values(actor="someone else"),
        delete(AuditEntry),
    ):
        with pytest.raises(DatabaseError, match="append-only"), records.transaction() as session:
            session.execute(statement)
    with records.transaction() as session:
        entries = audit_entries(session, clinic_id=clinic.id)
    assert [(e.action, e.entity, e.actor) for e in entries] == [
        ("create", "clinic", "owner"),
        ("view", "client", "owner"),
    ]


def test_an_unknown_audit_action_is_a_bug(records: Database) -> None:
    with pytest.raises(ValueError, match="action must be one of"), records.transaction() as s:
        audit(s, clinic_id=None, actor="x", action="erase", entity="client", at=NOW)


def test_sqlite_runs_in_wal_with_a_busy_timeout(tmp_path: Path) -> None:
    url = database_url(str(tmp_path) + "/wal.sqlite")
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_each_migration_goes_up_and_down_in_turn(db_url: str) -> None:
    assert upgrade(db_url, revision="0001") == "0001"
    with pytest.raises(InputError, match=r"older than this fadecast's .*fadecast clinic upgrade"):
        open_database(db_url)
    assert upgrade(db_url) == head_revision() == "0004"
    assert downgrade(db_url, revision="0001") == "0001"
    assert downgrade(db_url, revision="base") is None


def test_the_notes_of_a_health_screen_come_with_revision_0004(db_url: str) -> None:
    """Health screens recorded before the notes keep their rows, with no notes."""
    assert upgrade(db_url, revision="0003") == "0003"
    engine = make_engine(database_url(db_url))

    def columns() -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("health_screen")}

    try:
        assert "notes" not in columns()
        with engine.begin() as connection:
            for statement in (
                "INSERT INTO clinic (id, name, created_at) VALUES (1, 'North', '2026-01-01')",
                "INSERT INTO client (id, clinic_id, ref, name, birth_date, created_at) "
                "VALUES (1, 1, 'C-1', 'Ana', '1980-01-01', '2026-01-01')",
                "INSERT INTO health_screen (id, clinic_id, client_id, taken_on, answers, flagged) "
                "VALUES (1, 1, 1, '2026-01-02', '{\"keloid\": true}', '[]')",
            ):
                connection.execute(text(statement))
        assert upgrade(db_url) == "0004"
        assert "notes" in columns()
        with engine.connect() as connection:
            row = connection.execute(text("SELECT client_id, notes FROM health_screen")).one()
        assert tuple(row) == (1, None)
        assert downgrade(db_url, revision="0003") == "0003"
        assert "notes" not in columns()
    finally:
        engine.dispose()
