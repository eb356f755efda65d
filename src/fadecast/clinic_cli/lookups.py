"""``fadecast clinic recall``, ``missing`` and ``passport``: who got a pigment lot, what
the records lack, and the client's copy of their record.

Outputs named by the user (``--csv``, ``--out``) are written whole under a temporary
name and renamed into place, inside the transaction that adds the audit entry: a file
that cannot be written leaves no file and no entry.
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
    from fadecast.records.lookups import RecallRow

__all__ = ["missing", "passport", "passport_suffix", "recall", "recall_table"]

TodayOpt = Annotated[
    str | None,
    typer.Option("--today", help="Date taken as today, YYYY-MM-DD (default: today)."),
]
#: Widest a column of the recall table gets before its text is cut. [characters]
MAX_COLUMN = 32
#: What ``passport --out`` may end with, and the format each makes.
PASSPORT_SUFFIXES = {".html": "html", ".pdf": "pdf"}


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def recall_table(rows: list[RecallRow]) -> list[str]:
    """The recall list as lines of a text table for people, with a line on what the
    next visit means.

    Examples
    --------
    >>> import datetime as dt
    >>> from fadecast.records.lookups import RecallRow
    >>> row = RecallRow("C-1", "Ana Ruiz", "ana@example.org", None, 7,
    ...     dt.date(2026, 5, 1), "initial", "Sam", "Acme Black", "L1",
    ...     dt.date(2027, 2, 1), "booked")
    >>> for line in recall_table([row])[:4]:
    ...     print(line.rstrip())
    Lot L1 of Acme Black: 1 session, 1 client.
    <BLANKLINE>
    Client        Email            Phone  Session             Practitioner  Next visit
    C-1 Ana Ruiz  ana@example.org  -      2026-05-01 initial  Sam           booked for 2027-02-01
    """
    sessions = len(rows)
    clients = len({r.client_ref for r in rows})
    head = (
        f"Lot {rows[0].lot_number} of {rows[0].product}: {sessions} "
        f"session{'s' * (sessions != 1)}, {clients} client{'s' * (clients != 1)}."
    )
    header = ("Client", "Email", "Phone", "Session", "Practitioner", "Next visit")
    table = [
        (
            f"{r.client_ref} {r.client_name}",
            r.email or "-",
            r.phone or "-",
            f"{r.session_date} {r.session_kind}",
            r.practitioner or "-",
            r.next_visit_text(),
        )
        for r in rows
    ]
    widths = [
        min(MAX_COLUMN, max(len(cells[i]) for cells in [header, *table]))
        for i in range(len(header) - 1)
    ]

    def line(cells: tuple[str, ...]) -> str:
        parts = [_cut(c, w).ljust(w) for c, w in zip(cells[:-1], widths, strict=True)]
        return "  ".join([*parts, cells[-1]])

    return [
        head,
        "",
        line(header),
        *(line(cells) for cells in table),
        "",
        "Next visit: the client's next booked session, else the touch-up date of their "
        "forecast (the median: as likely before it as after).",
    ]


@clinic_app.command("recall")
def recall(
    lot: Annotated[str, typer.Option("--lot", help="The recalled lot's number.")],
    product: Annotated[
        str | None,
        typer.Option(
            "--product",
            help='The product, as "Brand Name", when two products have lots of that number.',
        ),
    ] = None,
    csv_file: Annotated[
        str | None,
        typer.Option("--csv", help="Also write the list to this CSV file (with a header row)."),
    ] = None,
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    today: TodayOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Every session that used a pigment lot: the clients, their contacts, the session
    and their next booked or forecast visit."""
    from fadecast.records.clinics import clinic_for
    from fadecast.records.lookups import recall_csv, sessions_with_lot
    from fadecast.report.files import check_output_file, write_files

    target = None
    if csv_file is not None:
        target = check_output_file(csv_file, option="--csv", example="recall.csv", suffix=".csv")
    now = now_utc()
    day = now.date() if today is None else parse_date("--today", today)
    records = open_records(db)
    try:
        with records.transaction() as session:
            chosen = clinic_for(session, clinic)
            rows = sessions_with_lot(
                session,
                clinic_id=chosen.id,
                lot_number=lot,
                product=product,
                today=day,
                actor=default_actor(actor),
                now=now,
                action="view" if target is None else "export",
            )
            if target is not None:
                data = recall_csv(rows).encode("utf-8")
                write_files(target.parent, {target.name: data}, option="--csv")
    finally:
        records.close()
    if rows:
        for text in recall_table(rows):
            typer.echo(text)
    else:
        typer.echo(f"no session used lot {lot.strip()}")
    if target is not None:
        count = f"{len(rows)} session{'s' * (len(rows) != 1)}"
        typer.echo(f"recall list written to {target} ({count}, with a header row)")


@clinic_app.command("missing")
def missing(db: DbOpt = None, clinic: ClinicOpt = None, today: TodayOpt = None) -> None:
    """Sessions held whose record lacks a pigment lot or a procedure consent, and
    clients treated who lack a health screen or a data processing consent."""
    from fadecast.records.clinics import clinic_for
    from fadecast.records.lookups import MISSING_RULES, missing_records

    day = now_utc().date() if today is None else parse_date("--today", today)
    records = open_records(db)
    try:
        with records.transaction() as session:
            chosen = clinic_for(session, clinic)
            report = missing_records(session, clinic_id=chosen.id, today=day)
    finally:
        records.close()
    for text in report.lines():
        typer.echo(text)
    if not report.empty:
        typer.echo("")
        typer.echo("What is checked:")
        for rule in MISSING_RULES:
            typer.echo(f"  {rule}")


def passport_suffix(out: str) -> str:
    """The format ``--out`` names by its ending: ``html`` or ``pdf``.

    Examples
    --------
    >>> passport_suffix("ana.PDF")
    'pdf'
    >>> passport_suffix("ana.txt")
    Traceback (most recent call last):
      ...
    fadecast.errors.InputError: --out: must name a .html or .pdf file, got 'ana.txt'
    """
    ending = Path(out).suffix.lower()
    if ending not in PASSPORT_SUFFIXES:
        raise InputError("--out", f"must name a .html or .pdf file, got {Path(out).name!r}")
    return PASSPORT_SUFFIXES[ending]


@clinic_app.command("passport")
def passport(
    client: Annotated[str, typer.Argument(help="The client's reference.")],
    out: Annotated[str, typer.Option("--out", help="The file to write: FILE.html or FILE.pdf.")],
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """The client's copy of their record: sessions, pigments with their lots and label
    information, consents signed and aftercare, as HTML or PDF."""
    from fadecast.records.clinics import clinic_for
    from fadecast.records.passport import client_passport
    from fadecast.report.files import check_output_file, write_files
    from fadecast.report.passport_html import passport_html, passport_pdf

    file_format = passport_suffix(out)
    target = check_output_file(out, option="--out", example=f"passport.{file_format}")
    records = open_records(db)
    try:
        with records.transaction() as session:
            chosen = clinic_for(session, clinic)
            copy = client_passport(
                session,
                clinic_id=chosen.id,
                client_ref=client,
                actor=default_actor(actor),
                now=now_utc(),
                file_format=file_format,
            )
            data = passport_pdf(copy) if file_format == "pdf" else passport_html(copy).encode()
            write_files(target.parent, {target.name: data}, option="--out")
    finally:
        records.close()
    typer.echo(f"passport of client {copy.client_ref} written to {target}")
