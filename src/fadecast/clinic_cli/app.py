"""The ``fadecast clinic`` command group and what its commands share: the options
naming the database, the clinic and who acts, and the one place they read the clock.

The commands' modules import the records (and so SQLAlchemy) inside the commands, so
that the rest of the command line starts as fast as before. Every command opens the
records with :func:`open_records`, does its work in one
transaction (all or nothing) and prints a plain line of what it did; a user error is
an :class:`~fadecast.errors.InputError`, which the command line prints as one line with
exit code 2.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Annotated

import typer

from fadecast.errors import InputError

if TYPE_CHECKING:
    from fadecast.records.database import Database

__all__ = [
    "ActorOpt",
    "ClinicOpt",
    "DbOpt",
    "clinic_app",
    "default_actor",
    "now_utc",
    "open_records",
    "parse_date",
]

clinic_app = typer.Typer(
    name="clinic",
    help="A clinic's records: clients, courses, sessions with pigment lots, consents, "
    "photos, and the recalls the forecast drives.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The records: a SQLite file or a postgresql:// URL (default: "
        "$FADECAST_DATABASE_URL, else clinic.sqlite in the user's data folder).",
    ),
]
ClinicOpt = Annotated[
    str | None,
    typer.Option(
        "--clinic",
        envvar="FADECAST_CLINIC",
        help="The clinic acted for, by name (default: $FADECAST_CLINIC, or the only one).",
    ),
]
ActorOpt = Annotated[
    str | None,
    typer.Option("--actor", help="Who does it, for the audit log (default: $USER)."),
]


def now_utc() -> dt.datetime:
    """Now, naive UTC to the second: the only place the clinic commands read the clock."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def default_actor(actor: str | None) -> str:
    """Who acts: the option, else the login name."""
    return actor or os.environ.get("USER") or "unknown"


def open_records(db: str | None) -> Database:
    """The records named by ``--db`` (``InputError`` when they cannot be used)."""
    from fadecast.records.database import open_database

    return open_database(db)


def parse_date(field: str, value: str) -> dt.date:
    """A ``YYYY-MM-DD`` date given for ``field``.

    Examples
    --------
    >>> parse_date("--date", "2027-03-01")
    datetime.date(2027, 3, 1)
    """
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"must be a date as YYYY-MM-DD, got {value!r}") from None
