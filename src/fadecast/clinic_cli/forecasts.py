"""``fadecast clinic due`` and ``fadecast clinic calendar``: the recalls the forecasts
drive.

Both first bring the clinic's forecast cache up to date
(:func:`fadecast.records.forecasts.refresh_forecasts`): the clients whose profile,
sessions or photos changed since their forecast, or whose forecast an older fadecast
made, are forecast again all at once, with a progress bar on standard error while that
runs. The records are read, the forecasts computed and the results stored in separate
steps, so that a long computation keeps no other command of the clinic waiting.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
    from fadecast.records.database import Database
    from fadecast.records.forecasts import DueRow, PerfectingRow, RefreshSummary

__all__ = ["CSV_COLUMNS", "DEFAULT_SAMPLES", "calendar", "due", "due_csv", "due_table"]

#: Monte Carlo draws per client when none are asked for: the same number as
#: :data:`fadecast.records.forecasts.DEFAULT_SAMPLES` (kept here so that the command
#: line starts without loading the records).
DEFAULT_SAMPLES = 500

#: The columns of ``due --csv``: one row per reminder, ``touch-up`` rows first (ranked),
#: then ``perfecting`` rows. Dates are ``YYYY-MM-DD``; ``probability`` is a share (0-1).
CSV_COLUMNS = (
    "reminder",
    "rank",
    "client",
    "name",
    "email",
    "phone",
    "probability",
    "p10",
    "p50",
    "p90",
    "personal",
    "initial_session",
    "perfecting_from",
    "perfecting_until",
    "next_booked",
    "next_booked_kind",
)

TodayOpt = Annotated[
    str | None,
    typer.Option("--today", help="Date taken as today, YYYY-MM-DD (default: today)."),
]
SamplesOpt = Annotated[
    int,
    typer.Option(
        "--samples",
        min=10,
        max=200_000,
        help="Monte Carlo draws per client forecast (10-200000); forecasts made with "
        "another number are made again.",
    ),
]


def _today(value: str | None, now: dt.datetime) -> dt.date:
    """The date ``--today`` names, or the day of ``now``."""
    if value is None:
        return now.date()
    from fadecast.forecasting import EARLIEST_TODAY, LATEST_TODAY

    day = parse_date("--today", value)
    if not EARLIEST_TODAY <= day <= LATEST_TODAY:
        raise InputError(
            "--today", f"must be a date from {EARLIEST_TODAY} to {LATEST_TODAY}, got {value!r}"
        )
    return day


def _span_day(field: str, value: str) -> dt.date:
    from fadecast.forecasting import EARLIEST_TODAY, LATEST_TODAY

    day = parse_date(field, value)
    if not EARLIEST_TODAY <= day <= LATEST_TODAY:
        raise InputError(
            field, f"must be a date from {EARLIEST_TODAY} to {LATEST_TODAY}, got {value!r}"
        )
    return day


def _progress(total: int) -> tuple[Any, Callable[[int], None]]:
    """A progress bar on a terminal's standard error (silent when it is not one)."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    bar = Progress(console=console, transient=True, disable=not console.is_terminal)
    task = bar.add_task("forecasting clients", total=total)
    return bar, lambda done: bar.update(task, completed=done)


def _refresh(
    records: Database,
    *,
    clinic: str | None,
    today: dt.date,
    samples: int,
    actor: str,
    now: dt.datetime,
) -> tuple[int, RefreshSummary]:
    """Bring the clinic's forecasts up to date: read, compute (holding no transaction),
    store. Returns the clinic's id and what was done."""
    from fadecast.records.clinics import clinic_for
    from fadecast.records.forecasts import compute_forecasts, plan_refresh, store_forecasts

    with records.transaction() as session:
        clinic_id = clinic_for(session, clinic).id
        plan = plan_refresh(session, clinic_id=clinic_id, today=today, samples=samples)
    if plan.pending:
        bar, advance = _progress(len(plan.pending))
        with bar:
            results = compute_forecasts(plan, progress=advance)
    else:
        results = []
    with records.transaction() as session:
        summary = store_forecasts(session, plan, results, actor=actor, now=now)
    return clinic_id, summary


def _left_out(summary: RefreshSummary) -> list[str]:
    if not summary.failed:
        return []
    lines = [
        "",
        f"Left out: the records of {len(summary.failed)} client(s) do not make a forecast "
        "(correct them and run again):",
    ]
    lines += [f"  {ref}: {' '.join(reason.split())}" for ref, reason in summary.failed]
    return lines


def _percent(share: float) -> str:
    """A chance as a percentage: whole from 1 %, with one or two decimals below it
    (never 0 % or 100 % unless exact)."""
    if 0.0 < share < 0.001:
        return f"{max(100.0 * share, 0.01):.2f} %"
    if 0.0 < share < 0.0095:
        return f"{100.0 * share:.1f} %"
    pct = round(100.0 * share)
    if share < 1.0:
        pct = min(pct, 99)
    if share > 0.0:
        pct = max(pct, 1)
    return f"{pct} %"


def _visit(day: dt.date | None, kind: str | None) -> str:
    return "none" if day is None else f"{day.isoformat()} ({kind})"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    lines = []
    for row in (header, *rows):
        cells = [str(c).ljust(w) for c, w in zip(row, widths, strict=True)]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def due_table(
    start: dt.date,
    end: dt.date,
    due_rows: Sequence[DueRow],
    perfecting_rows: Sequence[PerfectingRow],
    *,
    min_probability: float | None = None,
    limit: int = 50,
) -> str:
    """The ``due`` report as plain text: the ranked touch-ups, then the perfecting
    reminders. ``min_probability`` is the least chance listed (default
    :func:`fadecast.records.forecasts.least_chance`), named when nobody is listed; at most
    ``limit`` touch-ups are shown (the rest are counted)."""
    from fadecast.records.forecasts import due_window_text, least_chance

    least = least_chance(start, end) if min_probability is None else min_probability
    shown = due_rows[:limit]

    span = f"from {start.isoformat()} to {end.isoformat()}"
    lines = [f"Touch-ups likely due {span}: {len(due_rows)} client(s)"]
    if due_rows:
        expected = sum(r.probability for r in due_rows)
        lines.append(
            f"  about {expected:.0f} of them are expected to fall due in this span (the sum "
            "of their chances): a touch-up window spans years, so many clients share a "
            "small chance of any one month"
            if expected >= 1.5
            else f"  together their chances add up to {expected:.1f} touch-ups in this span"
        )
    if due_rows:
        lines += [
            "  chance: how likely the client's touch-up falls due in this span, from their "
            "forecast;",
            "  likely due: 8 in 10 forecasts put the touch-up between these months, half "
            "before the median;",
            "  (from photos): the forecast is calibrated by the client's own photos.",
            "",
        ]
        header: tuple[str, ...] = (
            "#",
            "chance",
            "client",
            "likely due",
            "contacts",
            "next booked visit",
        )
        body: list[tuple[str, ...]] = [
            (
                str(i),
                _percent(r.probability),
                f"{r.client_ref} {r.name}",
                due_window_text(r.p10, r.p50, r.p90).removeprefix("likely due ")
                + (" (from photos)" if r.personal else ""),
                r.contacts,
                _visit(r.next_booked, r.next_booked_kind),
            )
            for i, r in enumerate(shown, start=1)
        ]
        lines += _table(header, body)
        if len(due_rows) > len(shown):
            lines.append(
                f"  and {len(due_rows) - len(shown)} more with a smaller chance "
                "(--limit shows more; --csv writes them all)"
            )
    else:
        lines.append(
            f"  No client's touch-up has a chance of {_percent(least)} or more of falling due "
            "in this span."
        )
        if (end - start).days < 92:
            lines.append(
                "  A touch-up window usually spans a few years, so a month or two holds only a "
                "small share of it: try a longer span, or a lower --min-chance."
            )
    lines += [
        "",
        f"Perfecting sessions due {span}: {len(perfecting_rows)} client(s)",
        "  the fixed clinical reminder: 6 to 8 weeks after the initial session, when no "
        "perfecting session is recorded since.",
    ]
    if perfecting_rows:
        lines.append("")
        header = ("client", "initial session", "perfecting due", "contacts", "next booked visit")
        body = [
            (
                f"{r.client_ref} {r.name}",
                r.initial.isoformat(),
                f"{r.due_from.isoformat()} to {r.due_until.isoformat()}",
                r.contacts,
                _visit(r.next_booked, r.next_booked_kind),
            )
            for r in perfecting_rows
        ]
        lines += _table(header, body)
    else:
        lines.append("  None falls due in this span.")
    return "\n".join(lines) + "\n"


def _iso(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def due_csv(due_rows: Sequence[DueRow], perfecting_rows: Sequence[PerfectingRow]) -> bytes:
    """The ``due`` report as CSV (:data:`CSV_COLUMNS`), UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for i, r in enumerate(due_rows, start=1):
        writer.writerow(
            [
                "touch-up",
                i,
                r.client_ref,
                r.name,
                r.email or "",
                r.phone or "",
                f"{r.probability:.4f}",
                _iso(r.p10),
                _iso(r.p50),
                _iso(r.p90),
                "yes" if r.personal else "no",
                "",
                "",
                "",
                _iso(r.next_booked),
                r.next_booked_kind or "",
            ]
        )
    for p in perfecting_rows:
        writer.writerow(
            [
                "perfecting",
                "",
                p.client_ref,
                p.name,
                p.email or "",
                p.phone or "",
                "",
                "",
                "",
                "",
                "",
                _iso(p.initial),
                _iso(p.due_from),
                _iso(p.due_until),
                _iso(p.next_booked),
                p.next_booked_kind or "",
            ]
        )
    return out.getvalue().encode("utf-8")


@clinic_app.command("due")
def due(
    start: Annotated[
        str, typer.Option("--from", help="First day of the span, YYYY-MM-DD.", show_default=False)
    ],
    end: Annotated[
        str, typer.Option("--to", help="Last day of the span, YYYY-MM-DD.", show_default=False)
    ],
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    today: TodayOpt = None,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Also write the lists to this CSV file.")
    ] = None,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    min_chance: Annotated[
        float | None,
        typer.Option(
            "--min-chance",
            min=0.01,
            max=100.0,
            help="List the clients whose chance is at least this many percent (0.01-100; "
            "default 5 for a span of a year or more, in proportion for a shorter one).",
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option("--limit", min=1, help="Show at most this many touch-ups (default 50)."),
    ] = 50,
    actor: ActorOpt = None,
) -> None:
    """The clients whose touch-up is likely due from --from to --to, most likely first,
    and the perfecting sessions due then.

    The chance comes from each client's forecast (calibrated by their photos where they
    have some): the time from the first session to the touch-up is taken as log-normal,
    its median the forecast's and its spread from the forecast's P10 and P90; clients
    with a chance of 5 % or more (--min-chance) are listed. Stale forecasts are made
    again first.
    """
    now = now_utc()
    day = _today(today, now)
    first = _span_day("--from", start)
    last = _span_day("--to", end)
    if first > last:
        raise InputError("--from", f"must be on or before --to ({last}), got {first}")
    target = None
    if csv_file is not None:
        from fadecast.report.files import check_output_file

        target = check_output_file(csv_file, option="--csv", example="due.csv", suffix=".csv")
    from fadecast.records.audit import audit
    from fadecast.records.forecasts import due_clients, perfecting_due

    who = default_actor(actor)
    records = open_records(db)
    try:
        clinic_id, summary = _refresh(
            records, clinic=clinic, today=day, samples=samples, actor=who, now=now
        )
        with records.transaction() as session:
            due_rows = due_clients(
                session,
                clinic_id=clinic_id,
                start=first,
                end=last,
                today=day,
                min_probability=None if min_chance is None else min_chance / 100.0,
            )
            reminders = perfecting_due(
                session, clinic_id=clinic_id, start=first, end=last, today=day
            )
            if target is not None:
                from fadecast.report.files import write_files

                audit(
                    session,
                    clinic_id=clinic_id,
                    actor=who,
                    action="export",
                    entity="due_list",
                    detail={
                        "from": first.isoformat(),
                        "to": last.isoformat(),
                        "touchups": len(due_rows),
                        "perfecting": len(reminders),
                    },
                    at=now,
                )
                session.flush()
                write_files(
                    target.parent, {target.name: due_csv(due_rows, reminders)}, option="--csv"
                )
    finally:
        records.close()
    text = due_table(
        first,
        last,
        due_rows,
        reminders,
        min_probability=None if min_chance is None else min_chance / 100.0,
        limit=limit,
    )
    sys.stdout.write(text + "\n".join(_left_out(summary)) + ("\n" if summary.failed else ""))
    if target is not None:
        typer.echo(f"\nwritten: {target}")


@clinic_app.command("calendar")
def calendar(
    out: Annotated[Path, typer.Option("--out", help="The calendar file to write (.ics).")],
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    today: TodayOpt = None,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    actor: ActorOpt = None,
) -> None:
    """Write the clinic's booked sessions and forecast touch-ups to an iCalendar file.

    Each booked session is an all-day event on its day; each client's forecast touch-up
    an all-day event on its median date, with the likely window in its description.
    Events keep their identity from one export to the next, so a calendar app that
    imports the file again updates them instead of adding copies.
    """
    now = now_utc()
    day = _today(today, now)
    from fadecast.report.files import check_output_file

    target = check_output_file(out, option="--out", example="clinic.ics", suffix=".ics")
    from fadecast.records.calendar import clinic_calendar
    from fadecast.report.files import write_files

    who = default_actor(actor)
    records = open_records(db)
    try:
        clinic_id, summary = _refresh(
            records, clinic=clinic, today=day, samples=samples, actor=who, now=now
        )
        with records.transaction() as session:
            content = clinic_calendar(session, clinic_id=clinic_id, today=day, actor=who, now=now)
            session.flush()
            write_files(target.parent, {target.name: content}, option="--out")
    finally:
        records.close()
    events = content.count(b"BEGIN:VEVENT")
    typer.echo(f"written: {target} ({events} events: booked sessions and forecast touch-ups)")
    for line in _left_out(summary):
        typer.echo(line)
