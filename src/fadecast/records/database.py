"""Where the records live and how to reach them: the database URL, the engine, the
schema's version.

- **SQLite by default**: a file ``clinic.sqlite`` in the user's data folder
  (``$XDG_DATA_HOME/fadecast``, else ``~/.local/share/fadecast``). Each connection turns
  on foreign keys, write-ahead logging and a busy timeout of :data:`BUSY_TIMEOUT_MS`,
  and every transaction begins ``IMMEDIATE`` (it takes the write lock at its start, so
  that two processes writing at once wait for each other instead of failing with
  "database is locked" when a reader turns writer).
- **PostgreSQL** for a clinic group, through a URL (``--db`` or
  ``FADECAST_DATABASE_URL``), e.g. ``postgresql://user@host/db``, driven by psycopg 3.

The schema is made and changed by the Alembic migrations packaged beside this module:
:func:`upgrade` brings a database to the newest schema (``fadecast clinic init`` and
``upgrade``), :func:`downgrade` back, and :func:`open_database` refuses a database
whose schema is older than the code (run ``upgrade``) or newer (a newer fadecast wrote
it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from fadecast.errors import InputError

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DATABASE_ENV",
    "Database",
    "database_url",
    "default_database_path",
    "downgrade",
    "head_revision",
    "open_database",
    "schema_revision",
    "upgrade",
]

#: The environment variable naming the database (a URL, or a path to a SQLite file).
DATABASE_ENV = "FADECAST_DATABASE_URL"
#: How long a SQLite writer waits for another's lock before giving up. [ms]
BUSY_TIMEOUT_MS = 30_000
#: Seconds to wait for a PostgreSQL server to answer before saying it cannot. [s]
CONNECT_TIMEOUT_S = 10


def default_database_path(environ: Mapping[str, str] | None = None) -> Path:
    """The SQLite file used when no database is named: ``clinic.sqlite`` in the user's
    data folder (``$XDG_DATA_HOME/fadecast``, else ``~/.local/share/fadecast``).

    Examples
    --------
    >>> default_database_path({"XDG_DATA_HOME": "/data"}).as_posix()
    '/data/fadecast/clinic.sqlite'
    """
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".local/share")
    return Path(base) / "fadecast" / "clinic.sqlite"


def database_url(db: str | None, environ: Mapping[str, str] | None = None) -> URL:
    """The database URL from ``--db`` (or :data:`DATABASE_ENV`, or the default file).

    A value without ``://`` is a path to a SQLite file. Only SQLite and PostgreSQL are
    allowed; PostgreSQL goes through psycopg 3.

    Raises
    ------
    InputError
        For a URL that cannot be read or names another database.

    Examples
    --------
    >>> database_url("postgresql://me@127.0.0.1/test").drivername
    'postgresql+psycopg'
    >>> database_url("/tmp/clinic.sqlite").render_as_string()
    'sqlite:////tmp/clinic.sqlite'
    >>> try:
    ...     database_url("mysql://me@host/db")
    ... except InputError as error:
    ...     print(error.message)
    must be a SQLite file or a sqlite:// or postgresql:// URL, got 'mysql://me@host/db'
    """
    env = os.environ if environ is None else environ
    given = db if db is not None else env.get(DATABASE_ENV)
    if not given:
        return URL.create("sqlite", database=str(default_database_path(env)))
    allowed = "must be a SQLite file or a sqlite:// or postgresql:// URL"
    if "://" not in given:
        return URL.create("sqlite", database=str(Path(given).expanduser()))
    try:
        url = make_url(given)
    except ArgumentError:
        raise InputError("--db", f"{allowed}, got {given!r}") from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and url.get_driver_name() in ("pysqlite", "sqlite", ""):
        return url.set(drivername="sqlite")
    raise InputError("--db", f"{allowed}, got {given!r}")


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling off: transactions begin where SQLAlchemy
    # begins them (below), as BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: URL) -> Engine:
    """An engine for ``url`` with the records' connection settings (module docstring)."""
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000.0})
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(
        url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}, pool_pre_ping=True
    )


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("fadecast.records") / "migrations")
    )
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest schema revision this fadecast knows."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(resources.files("fadecast.records") / "migrations"))
    head = script.get_current_head()
    assert head is not None
    return head


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(resources.files("fadecast.records") / "migrations"))
    return {rev.revision for rev in script.walk_revisions()}


def schema_revision(engine: Engine) -> str | None:
    """The schema revision a database holds (None: no schema yet).

    Raises
    ------
    InputError
        When the database cannot be reached (named by ``--db``).
    """
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    except OperationalError as error:
        raise InputError("--db", f"cannot connect: {_first_line(error)}") from None
    return None if row is None else str(row[0])


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _ensure_sqlite_folder(url: URL) -> None:
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        folder = Path(str(url.database)).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError("--db", f"cannot make the folder {folder}: {error.strerror}") from None


def upgrade(db: str | URL | None = None, *, revision: str = "head") -> str:
    """Bring a database's schema to ``revision`` (the newest by default), creating it
    on an empty database; returns the revision it then holds.

    Raises
    ------
    InputError
        When the database cannot be reached, or holds a schema newer than this code.
    """
    from alembic import command

    url = db if isinstance(db, URL) else database_url(db)
    _ensure_sqlite_folder(url)
    engine = make_engine(url)
    try:
        _refuse_newer(schema_revision(engine))
        command.upgrade(_alembic_config(engine), revision)
        now = schema_revision(engine)
    finally:
        engine.dispose()
    assert now is not None
    return now


def downgrade(db: str | URL | None = None, *, revision: str) -> str | None:
    """Take a database's schema back to ``revision`` (``"base"``: none at all)."""
    from alembic import command

    url = db if isinstance(db, URL) else database_url(db)
    engine = make_engine(url)
    try:
        _refuse_newer(schema_revision(engine))
        command.downgrade(_alembic_config(engine), revision)
        return schema_revision(engine)
    finally:
        engine.dispose()


def _refuse_newer(revision: str | None) -> None:
    if revision is not None and revision not in _known_revisions():
        raise InputError(
            "--db",
            f"the database's schema (revision {revision}) is newer than this fadecast "
            f"knows (up to {head_revision()}): upgrade fadecast to use it",
        )


@dataclass(frozen=True)
class Database:
    """An open database whose schema is the code's: an engine and a session factory."""

    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back
        entirely if the block raises (nothing half-written)."""
        with self.sessions.begin() as session:
            yield session

    def close(self) -> None:
        """Release the database's connections."""
        self.engine.dispose()


def open_database(db: str | URL | None = None) -> Database:
    """Open the records, refusing a database whose schema is not the code's.

    Raises
    ------
    InputError
        When the database cannot be reached, has no schema (run ``fadecast clinic
        init``), an older one (``fadecast clinic upgrade``) or a newer one.
    """
    url = db if isinstance(db, URL) else database_url(db)
    local = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if local and not Path(str(url.database)).exists():
        raise InputError("--db", f"no records at {url.database}: run 'fadecast clinic init' first")
    try:
        engine = make_engine(url)
    except NoSuchModuleError as error:  # pragma: no cover - a driver not installed
        raise InputError("--db", f"no driver for {url.drivername}: {error}") from None
    revision = schema_revision(engine)
    head = head_revision()
    if revision is None:
        engine.dispose()
        raise InputError("--db", "the database holds no records: run 'fadecast clinic init' first")
    if revision != head:
        engine.dispose()
        _refuse_newer(revision)
        raise InputError(
            "--db",
            f"the records' schema (revision {revision}) is older than this fadecast's "
            f"({head}): run 'fadecast clinic upgrade'",
        )
    return Database(engine, sessionmaker(engine, expire_on_commit=False))
