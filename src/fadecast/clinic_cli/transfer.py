"""``fadecast clinic import-csv``, ``export``, ``import`` and ``purge``: bringing records
in from other software, taking everything out and back, and the retention period.

Each runs in one transaction (a failed CSV import or archive import leaves the records
as they were) and prints one line of what it did; a dry run of ``purge`` lists the
clients it would anonymise.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fadecast.clinic_cli.app import (
    ActorOpt,
    ClinicOpt,
    DbOpt,
    clinic_app,
    default_actor,
    now_utc,
    open_records,
    parse_date,
)
from fadecast.errors import InputError

if TYPE_CHECKING:
    from fadecast.records.retention import PurgeResult

__all__ = ["export", "import_archive", "import_csv", "purge", "purge_lines", "size_text"]


def size_text(n: int) -> str:
    """A file's size for people.

    Examples
    --------
    >>> size_text(2_100_000), size_text(15_300), size_text(512)
    ('2.1 MB', '15.3 kB', '512 bytes')
    """
    if n >= 1_000_000_000:
        return f"{n / 1e9:.1f} GB"
    if n >= 1_000_000:
        return f"{n / 1e6:.1f} MB"
    if n >= 1_000:
        return f"{n / 1e3:.1f} kB"
    return f"{n} bytes"


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


_NOUNS = {
    "clients": "client",
    "products": "pigment product",
    "lots": "pigment lot",
    "courses": "course",
    "sessions": "session",
    "consents": "consent",
}


@clinic_app.command("import-csv")
def import_csv(
    kind: Annotated[
        str,
        typer.Argument(
            help="What the file holds: clients, products, lots, courses, sessions or "
            "consents (the columns of each: docs/records-csv.md)."
        ),
    ],
    file: Annotated[Path, typer.Argument(help="The CSV file (UTF-8, with a header row).")],
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Import rows from a CSV file (from other software), all or none: a bad row is
    named by its line and column, and nothing is imported."""
    from fadecast.records.bulk import CSV_KINDS
    from fadecast.records.bulk import import_csv as import_rows
    from fadecast.records.clinics import clinic_for

    kind = kind.strip().lower()
    if kind not in CSV_KINDS:
        raise InputError("KIND", f"must be one of {', '.join(CSV_KINDS)}, got {kind!r}")
    if not file.is_file():
        raise InputError("FILE", f"{file} is not a file")
    now = now_utc()
    records = open_records(db)
    try:
        with records.transaction() as session:
            chosen = clinic_for(session, clinic)
            result = import_rows(
                session,
                clinic_id=chosen.id,
                kind=kind,
                path=file,
                actor=default_actor(actor),
                now=now,
            )
    finally:
        records.close()
    noun = _NOUNS[kind]
    text = f"imported {_plural(result.rows, noun)} from {result.file} into {chosen.name}"
    if result.new_practitioners:
        names = ", ".join(result.new_practitioners)
        text += f" (new practitioners added: {names})"
    typer.echo(text)


@clinic_app.command("export")
def export(
    out: Annotated[
        Path, typer.Option("--out", help="The archive to write (a .zip file; replaced if there).")
    ],
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    all_clinics: Annotated[
        bool, typer.Option("--all-clinics", help="Export every clinic the records hold.")
    ] = False,
    actor: ActorOpt = None,
) -> None:
    """Export everything of a clinic (or every clinic) to one zip archive: a JSON file
    per table, CSV copies, the photos and a manifest with their hashes."""
    from fadecast.records.archive import export_archive
    from fadecast.records.clinics import clinic_for
    from fadecast.records.photos import photo_store_root

    if all_clinics and clinic is not None:
        raise InputError("--all-clinics", "give --clinic or --all-clinics, not both")
    now = now_utc()
    records = open_records(db)
    written: Path | None = None
    try:
        with records.transaction() as session:
            clinic_id = None
            if not all_clinics:
                try:
                    clinic_id = clinic_for(session, clinic).id
                except InputError as error:
                    if clinic is not None:
                        raise
                    raise InputError(error.field, f"{error.message} (or --all-clinics)") from None
            summary = export_archive(
                session,
                clinic_id=clinic_id,
                out_path=out,
                photo_root=photo_store_root(records.engine.url),
                actor=default_actor(actor),
                now=now,
            )
            written = summary.path
    except BaseException:
        if written is not None:  # written, but its audit entry not committed: take it back
            written.unlink(missing_ok=True)
        raise
    finally:
        records.close()
    text = f"exported {summary.describe()} to {summary.path} ({size_text(summary.size_bytes)})"
    if summary.photos_missing:
        n = len(summary.photos_missing)
        text += (
            f"; {_plural(n, 'photo file')} missing from the photo store "
            f"{'was' if n == 1 else 'were'} left out (listed in the manifest)"
        )
    typer.echo(text)


@clinic_app.command("import")
def import_archive(
    archive: Annotated[Path, typer.Argument(help="An archive 'fadecast clinic export' wrote.")],
    db: DbOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Import an archive into empty records (made by 'fadecast clinic init' without
    --clinic), every row with its id, the photos into the photo store."""
    from fadecast.records.archive import import_archive as import_all
    from fadecast.records.photos import photo_store_root

    now = now_utc()
    records = open_records(db)
    try:
        summary = import_all(
            records,
            archive,
            photo_store_root(records.engine.url),
            actor=default_actor(actor),
            now=now,
        )
        where = records.engine.url.render_as_string(hide_password=True)
    finally:
        records.close()
    clinics = ", ".join(summary.clinics)
    typer.echo(f"imported {summary.describe()} of {clinics} from {summary.path.name} into {where}")


def purge_lines(result: PurgeResult) -> list[str]:
    """What ``purge`` prints: one line of what was done, or on a dry run what would be,
    and the clients, one a line.

    Examples
    --------
    >>> import datetime as dt
    >>> from fadecast.records.retention import PurgeCandidate, PurgeResult
    >>> who = PurgeCandidate(4, "C-004", "Ana Ruiz", dt.date(2018, 3, 2), True, 2, 1)
    >>> result = PurgeResult("Northside", 7, dt.date(2019, 12, 1), True, (who,), 0)
    >>> for line in purge_lines(result):
    ...     print(line)
    would anonymise 1 client of Northside last seen before 2019-12-01 (7 years ago):
      C-004  Ana Ruiz  last session 2018-03-02  (2 photos, 1 health screen)
    """
    n = len(result.clients)
    since = f"last seen before {result.cutoff} ({_plural(result.older_than_years, 'year')} ago)"
    if n == 0:
        return [f"no client of {result.clinic} was {since}: nothing to anonymise"]
    if result.dry_run:
        lines = [f"would anonymise {_plural(n, 'client')} of {result.clinic} {since}:"]
        for c in result.clients:
            seen = "last session" if c.had_sessions else "added"
            what = f"{_plural(c.photos, 'photo')}, {_plural(c.health_screens, 'health screen')}"
            lines.append(f"  {c.ref}  {c.name}  {seen} {c.last_seen}  ({what})")
        return lines
    removed = (
        f"{_plural(result.photos, 'photo')} and "
        f"{_plural(result.health_screens, 'health screen')} removed"
    )
    return [
        f"anonymised {_plural(n, 'client')} of {result.clinic} {since}: names, contacts, "
        f"signatures and notes cleared; {removed}"
    ]


@clinic_app.command("purge")
def purge(
    older_than: Annotated[
        int,
        typer.Option(
            "--older-than",
            help="The retention period in years: clients last seen (their latest session, "
            "or when added) longer ago are anonymised.",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List who would be anonymised; change nothing.")
    ] = False,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Date taken as today, YYYY-MM-DD (default: today)."),
    ] = None,
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Anonymise the clients not seen within the retention period (name, contacts,
    signatures, notes, photos and health screens; the treatment record stays)."""
    from fadecast.records.clinics import clinic_for
    from fadecast.records.photos import photo_store_root
    from fadecast.records.retention import purge as purge_clients

    if older_than < 1:
        raise InputError("--older-than", f"must be at least 1 year, got {older_than}")
    now = now_utc()
    day = now.date() if today is None else parse_date("--today", today)
    records = open_records(db)
    try:
        with records.transaction() as session:
            clinic_id = clinic_for(session, clinic).id
        result = purge_clients(
            records,
            clinic_id=clinic_id,
            older_than_years=older_than,
            today=day,
            photo_root=photo_store_root(records.engine.url),
            dry_run=dry_run,
            actor=default_actor(actor),
            now=now,
        )
    finally:
        records.close()
    for line in purge_lines(result):
        typer.echo(line)
