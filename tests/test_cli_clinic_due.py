"""``fadecast clinic due`` and ``fadecast clinic calendar`` on a real SQLite file: the
ranked list, the perfecting reminders, the CSV and the calendar; and every bad input as
one line with exit code 2 and nothing written."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from fadecast.cli import main
from fadecast.clinic_cli.forecasts import CSV_COLUMNS
from fadecast.clinic_cli.forecasts import DEFAULT_SAMPLES as CLI_SAMPLES
from fadecast.records.audit import audit_entries
from fadecast.records.clinics import add_client, add_clinic
from fadecast.records.database import open_database, upgrade
from fadecast.records.forecasts import DEFAULT_SAMPLES
from fadecast.records.models import AuditEntry, ForecastCache
from fadecast.records.treatments import add_course, add_session

NOW = dt.datetime(2026, 12, 1, 10, 0, 0)
TODAY = "2026-12-01"
#: The example's tables without birth_year (src/fadecast/examples/temperate-office-worker.toml).
OFFICE: dict[str, Any] = {
    "person": {"skin": {"fitzpatrick": 2}},
    "place": {"city": "Manchester", "altitude_m": 40},
    "lifestyle": {
        "outdoor_hours_weekday": 1.0,
        "outdoor_hours_weekend": 4.0,
        "holiday_weeks": 2,
        "holiday_city": "Malaga",
        "hat_share": 0.2,
        "sunscreen": {"spf": 30, "share": 0.5, "mg_per_cm2": 1.0},
    },
}
SPAN = ("--from", "2026-12-01", "--to", "2036-12-31")


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in this process: exit code, standard output, standard error."""
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    out, err = capsys.readouterr()
    code = stop.value.code
    return (code if isinstance(code, int) else 0), out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    """Records with one clinic: two treated clients and one who had an initial session a
    month ago (a perfecting session due in December)."""
    path = str(tmp_path / "clinic.sqlite")
    upgrade(path)
    records = open_database(path)
    try:
        with records.transaction() as session:
            clinic = add_clinic(session, name="Northern SMP", actor="test", now=NOW)
            for ref, dates in (
                ("C-001", ((dt.date(2024, 3, 1), "initial"), (dt.date(2024, 4, 12), "perfecting"))),
                ("C-002", ((dt.date(2025, 5, 1), "initial"), (dt.date(2025, 6, 20), "perfecting"))),
                ("C-003", ((dt.date(2026, 11, 1), "initial"), (dt.date(2027, 1, 8), "touch-up"))),
            ):
                client = add_client(
                    session,
                    clinic_id=clinic.id,
                    ref=ref,
                    name=f"Client {ref}",
                    birth_date=dt.date(1984, 2, 1),
                    email=f"{ref.lower()}@example.org",
                    phone="0161 496 0000",
                    profile=OFFICE,
                    profile_from=dt.date(2023, 1, 1),
                    actor="test",
                    now=NOW,
                )
                course = add_course(
                    session,
                    client=client,
                    started_on=dates[0][0],
                    area_cm2=300.0,
                    actor="test",
                    now=NOW,
                )
                for day, kind in dates:
                    add_session(session, course=course, date=day, kind=kind, actor="test", now=NOW)
    finally:
        records.close()
    return path


def due_args(db: str, *extra: str) -> tuple[str, ...]:
    return ("clinic", "due", *SPAN, "--db", db, "--today", TODAY, "--samples", "20", *extra)


def counts(db: str) -> tuple[int, int]:
    """Cached forecasts and audit entries in the records."""
    records = open_database(db)
    try:
        with records.transaction() as session:
            cached = session.scalar(select(func.count()).select_from(ForecastCache)) or 0
            entries = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    finally:
        records.close()
    return cached, entries


def test_due_ranks_the_clients_and_lists_the_perfecting_sessions(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    table = tmp_path / "out" / "due.csv"
    code, out, err = cli(capsys, *due_args(db, "--csv", str(table)))
    assert code == 0, err
    assert "Touch-ups likely due from 2026-12-01 to 2036-12-31: 3 client(s)" in out
    assert "chance: how likely the client's touch-up falls due in this span" in out
    lines = out.splitlines()
    ranked = [line for line in lines if line.lstrip()[:2] in ("1 ", "2 ", "3 ")]
    assert len(ranked) == 3
    assert all(" %" in line and "likely due" not in line for line in ranked)
    assert any("between" in line and ", median " in line for line in ranked)
    assert "c-001@example.org, 0161 496 0000" in out
    assert "2027-01-08 (touch-up)" in out  # C-003's next booked visit
    perfecting = out[out.index("Perfecting sessions due") :]
    assert "Perfecting sessions due from 2026-12-01 to 2036-12-31: 1 client(s)" in perfecting
    assert "C-003 Client C-003" in perfecting
    assert "2026-12-13 to 2026-12-27" in perfecting  # 6 to 8 weeks after 2026-11-01
    assert f"written: {table}" in out

    with table.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == CSV_COLUMNS
    kinds = [row[0] for row in rows[1:]]
    assert kinds == ["touch-up", "touch-up", "touch-up", "perfecting"]
    chances = [float(row[CSV_COLUMNS.index("probability")]) for row in rows[1:4]]
    assert chances == sorted(chances, reverse=True)
    assert all(0.05 <= c <= 1.0 for c in chances)
    perfecting_row = dict(zip(CSV_COLUMNS, rows[4], strict=True))
    assert perfecting_row["client"] == "C-003"
    assert perfecting_row["initial_session"] == "2026-11-01"
    assert perfecting_row["perfecting_from"] == "2026-12-13"

    # a second run finds every forecast up to date: it recomputes nothing
    assert counts(db)[0] == 3
    code, again, err = cli(capsys, *due_args(db))
    assert code == 0, err
    assert again.splitlines()[: len(lines) - 2] == lines[: len(lines) - 2]
    records = open_database(db)
    try:
        with records.transaction() as session:
            log = audit_entries(session, clinic_id=1)
    finally:
        records.close()
    assert [e.entity for e in log].count("forecast_cache") == 1
    assert [e.entity for e in log].count("due_list") == 1  # the CSV export


def test_a_span_with_nobody_due_says_so(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = cli(
        capsys,
        "clinic",
        "due",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-02",
        "--db",
        db,
        "--today",
        TODAY,
        "--samples",
        "20",
        "--min-chance",
        "5",
    )
    assert code == 0, err
    assert "Touch-ups likely due from 2026-12-01 to 2026-12-02: 0 client(s)" in out
    assert "No client's touch-up has a chance of 5 % or more" in out
    assert "try a longer span, or a lower --min-chance" in out
    assert "Perfecting sessions due from 2026-12-01 to 2026-12-02: 0 client(s)" in out


def test_clients_whose_records_make_no_forecast_are_named(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    records = open_database(db)
    try:
        with records.transaction() as session:
            client = add_client(
                session,
                clinic_id=1,
                ref="C-009",
                name="Client C-009",
                birth_date=dt.date(1990, 1, 1),
                profile=OFFICE,
                profile_from=dt.date(2023, 1, 1),
                actor="test",
                now=NOW,
            )
            course = add_course(
                session,
                client=client,
                started_on=dt.date(2000, 1, 1),
                area_cm2=100.0,
                actor="test",
                now=NOW,
            )  # a session at ten years old: the records take it, a forecast cannot
            add_session(
                session,
                course=course,
                date=dt.date(2000, 1, 1),
                kind="initial",
                actor="test",
                now=NOW,
            )
    finally:
        records.close()
    code, out, err = cli(capsys, *due_args(db))
    assert code == 0, err
    assert "Touch-ups likely due from 2026-12-01 to 2036-12-31: 3 client(s)" in out
    assert "Left out: the records of 1 client(s) do not make a forecast" in out
    assert "  C-009: treatment.sessions: the first session (2000-01-01) is before" in out


def test_the_least_chance_listed_can_be_chosen(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = cli(capsys, *due_args(db, "--min-chance", "100"))
    assert code == 0, err
    assert "Touch-ups likely due from 2026-12-01 to 2036-12-31: 0 client(s)" in out
    assert "a chance of 100 % or more" in out
    assert "try a longer span" not in out  # ten years is long enough


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--from", "2027-02-01", "--to", "2027-01-01"), "--from"),
        (("--from", "2027-02-30", "--to", "2027-03-01"), "--from"),
        (("--from", "2027-02-01", "--to", "soon"), "--to"),
        (("--from", "0001-01-01", "--to", "2027-03-01"), "--from"),
        (("--from", "2027-01-01", "--to", "2027-03-01", "--today", "1900-01-01"), "--today"),
        (("--from", "2027-01-01", "--to", "2027-03-01", "--clinic", "Nowhere"), "--clinic"),
        (("--from", "2027-01-01", "--to", "2027-03-01", "--csv", "due.txt"), "--csv"),
        (("--from", "2027-01-01", "--to", "2027-03-01", "--samples", "3"), "--samples"),
    ],
)
def test_bad_input_is_one_line_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str],
    db: str,
    tmp_path: Path,
    args: tuple[str, ...],
    field: str,
) -> None:
    before = counts(db)
    target = tmp_path / "due.csv"
    extra = () if "--csv" in args else ("--csv", str(target))
    code, out, err = cli(capsys, "clinic", "due", *args, "--db", db, *extra)
    assert code == 2, err
    assert err.count("\n") == 1, err
    assert err.startswith("fadecast: error: "), err
    assert field in err
    assert out == ""
    assert not target.exists()
    assert counts(db) == before  # no forecast stored, no audit entry


def test_a_csv_that_is_a_folder_is_refused_before_any_work(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    before = counts(db)
    code, _, err = cli(capsys, *due_args(db, "--csv", str(tmp_path)))
    assert code == 2
    assert err.startswith("fadecast: error: --csv: ") and err.count("\n") == 1
    assert counts(db) == before


def test_no_records_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = cli(capsys, *due_args(str(tmp_path / "none.sqlite")))
    assert code == 2
    assert err.startswith("fadecast: error: --db: no records at") and err.count("\n") == 1


def test_calendar_writes_the_same_events_every_time(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    target = tmp_path / "cal" / "clinic.ics"
    args = ("clinic", "calendar", "--out", str(target), "--db", db, "--today", TODAY)
    code, out, err = cli(capsys, *args, "--samples", "20")
    assert code == 0, err
    assert out.startswith(f"written: {target} (")
    first = target.read_bytes()
    calendar = Calendar.from_ical(first)
    uids = sorted(str(e["UID"]) for e in calendar.walk("VEVENT"))
    # C-003's booked touch-up, and the three forecast touch-ups
    assert len(uids) == 4
    assert sum(uid.startswith("touchup-") for uid in uids) == 3
    assert all(uid.endswith("@clinic-1.fadecast") for uid in uids)
    code, _, err = cli(capsys, *args, "--samples", "20")
    assert code == 0, err
    assert target.read_bytes() == first


def test_calendar_refuses_a_file_that_is_not_ics(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    before = counts(db)
    target = tmp_path / "clinic.txt"
    code, _, err = cli(capsys, "clinic", "calendar", "--out", str(target), "--db", db)
    assert code == 2
    assert err.startswith("fadecast: error: --out: must name a .ics file") and err.count("\n") == 1
    assert not target.exists()
    assert counts(db) == before


def test_the_command_lines_default_draws_are_the_records() -> None:
    assert CLI_SAMPLES == DEFAULT_SAMPLES
