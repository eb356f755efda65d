"""``fadecast clinic init`` and the commands that add to the records, run as real
processes on a real SQLite file (the records' rules are tested on both databases in
tests/records)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from fadecast.records.consents import HEALTH_QUESTIONS
from fadecast.records.database import open_database
from fadecast.records.models import HealthScreen

PROFILE = """
[person]
birth_year = 1985
skin = { fitzpatrick = 2 }
[place]
city = "Manchester"
[lifestyle]
outdoor_hours_weekday = 1.0
outdoor_hours_weekend = 4.0
[treatment]
pigment = "iron-oxide"
"""


def clinic(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fadecast", "clinic", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ok(*args: str, db: Path) -> str:
    proc = clinic(*args, db=db)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return proc.stdout


def refused(*args: str, db: Path) -> str:
    proc = clinic(*args, db=db)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fadecast: error: "), proc.stderr
    return lines[0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "clinic.sqlite"
    assert "clinic added: Northside" in ok("init", "--clinic", "Northside", db=path)
    (tmp_path / "profile.toml").write_text(PROFILE, encoding="utf-8")
    (tmp_path / "form.txt").write_text("I consent to the procedure and its risks.\n", "utf-8")
    return path


def test_a_client_is_recorded_from_first_visit_to_closed_session(db: Path) -> None:
    folder = db.parent
    ok("add-practitioner", "Sam Lee", db=db)
    out = ok(
        "add-client",
        "--ref",
        "C-001",
        "--name",
        "Ana Ruiz",
        "--birth-date",
        "1985-04-02",
        "--profile",
        str(folder / "profile.toml"),
        db=db,
    )
    assert out.strip() == "client added: C-001 (Ana Ruiz)"
    ok(
        "add-product",
        "--brand",
        "Acme",
        "--name",
        "SMP Black",
        "--pigment-class",
        "carbon-black",
        "--ingredients",
        "Carbon black (CI 77266)",
        db=db,
    )
    ok(
        "add-lot",
        "L123",
        "--brand",
        "Acme",
        "--product",
        "SMP Black",
        "--expiry",
        "2030-01-01",
        db=db,
    )
    ok("add-course", "C-001", "--started-on", "2026-10-01", "--area-cm2", "250", db=db)
    ok(
        "add-form",
        "--scope",
        "procedure",
        "--version",
        "v1",
        "--text",
        str(folder / "form.txt"),
        db=db,
    )
    ok("sign", "C-001", "--scope", "procedure", "--name", "Ana Ruiz", "--source", "tablet", db=db)
    out = ok(
        "add-session",
        "C-001",
        "--date",
        "2026-10-01",
        "--kind",
        "initial",
        "--lot",
        "L123",
        "--practitioner",
        "Sam Lee",
        "--close",
        db=db,
    )
    assert out.strip() == "session 1 (initial, 2026-10-01) for C-001: closed"
    answers = folder / "health.toml"
    answers.write_text(
        "\n".join(
            f"{q.key} = {'true' if q.key == 'keloid' else 'false'}" for q in HEALTH_QUESTIONS
        ),
        encoding="utf-8",
    )
    out = ok("health", "C-001", "--answers", str(answers), "--notes", "Scar on the crown", db=db)
    assert "1 flagged" in out and "keloids" in out and "doctor's approval" in out
    records = open_database(str(db))
    try:
        with records.transaction() as session:
            notes = session.scalars(select(HealthScreen.notes)).all()
    finally:
        records.close()
    assert notes == ["Scar on the crown"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("add-client", "--ref", "C-2", "--name", "X", "--birth-date", "02/04/1985"),
            "--birth-date: must be a date as YYYY-MM-DD, got '02/04/1985'",
        ),
        (
            ("add-course", "C-404", "--started-on", "2026-10-01", "--area-cm2", "250"),
            "client: no client 'C-404' in this clinic",
        ),
        (
            ("add-session", "C-404", "--date", "2026-10-01", "--kind", "initial"),
            "client: no client 'C-404' in this clinic",
        ),
        (
            ("add-lot", "L1", "--brand", "No", "--product", "Such", "--expiry", "2030-01-01"),
            "product: no pigment product No Such in this clinic",
        ),
        (
            ("add-product", "--brand", "A", "--name", "B", "--pigment-class", "ink"),
            "pigment_class: must be one of carbon-black, iron-oxide, organic-blend, got 'ink'",
        ),
        (("close-session", "99"), "session: no session 99 in this clinic"),
        (
            ("sign", "C-404", "--scope", "everything", "--name", "A", "--source", "tablet"),
            "client: no client 'C-404'",
        ),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    db: Path, args: tuple[str, ...], message: str
) -> None:
    before = db.stat().st_size, _rows(db)
    assert message in refused(*args, db=db)
    assert _rows(db) == before[1]


def test_an_expired_lot_is_refused_and_the_session_not_added(db: Path) -> None:
    ok("add-client", "--ref", "C-001", "--name", "Ana Ruiz", "--birth-date", "1985-04-02", db=db)
    ok(
        "add-product",
        "--brand",
        "Acme",
        "--name",
        "SMP Black",
        "--pigment-class",
        "carbon-black",
        db=db,
    )
    ok(
        "add-lot",
        "L9",
        "--brand",
        "Acme",
        "--product",
        "SMP Black",
        "--expiry",
        "2026-01-01",
        db=db,
    )
    ok("add-course", "C-001", "--started-on", "2025-10-01", "--area-cm2", "250", db=db)
    line = refused(
        "add-session", "C-001", "--date", "2026-03-01", "--kind", "touch-up", "--lot", "L9", db=db
    )
    assert "lot: lot L9 (Acme SMP Black) expired on 2026-01-01, before the session" in line
    assert _rows(db)["treatment_session"] == 0


def test_records_that_are_not_there_say_how_to_make_them(tmp_path: Path) -> None:
    line = refused("add-practitioner", "Sam", db=tmp_path / "none.sqlite")
    assert "run 'fadecast clinic init' first" in line
    assert not (tmp_path / "none.sqlite").exists()


def _rows(db: Path) -> dict[str, int]:
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(db)) as connection:
        names = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {n: connection.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def test_a_setup_link_makes_a_further_clinics_owner(db: Path) -> None:
    """A clinic added to the group gets a one-time link for its owner; a new link voids
    the old one, and a clinic that has a user gets none."""
    import re

    from sqlalchemy import select

    from fadecast.records.database import open_database
    from fadecast.records.models import Clinic
    from fadecast.records.users import add_user, setup_token_clinic, setup_token_valid

    ok("add-clinic", "Southside", db=db)
    assert "name one of 'Northside', 'Southside'" in refused("setup-link", db=db)
    before = _rows(db)
    assert "--url: give where the server is reached" in refused(
        "setup-link", "--clinic", "Southside", "--url", "clinic.example", db=db
    )
    assert "--clinic: unknown clinic 'Westside'" in refused(
        "setup-link", "--clinic", "Westside", db=db
    )
    assert _rows(db) == before
    first = ok("setup-link", "--clinic", "Southside", db=db).strip()
    line = ok(
        "setup-link", "--clinic", "Southside", "--url", "https://clinic.example/", db=db
    ).strip()
    assert line.startswith("Open this link to make the owner of Southside (it works once")
    found = re.fullmatch(r".*: https://clinic\.example/setup/([A-Za-z0-9_-]{43})", line)
    old = re.fullmatch(r".*: http://127\.0\.0\.1:8000/setup/([A-Za-z0-9_-]{43})", first)
    assert found is not None and old is not None
    assert _rows(db)["setup_token"] == 1  # the new link voided the old one
    records = open_database(str(db))
    try:
        with records.transaction() as session:
            south = setup_token_clinic(session, token=found.group(1), now=_now())
            assert south is not None and south.name == "Southside"
            assert not setup_token_valid(session, token=old.group(1), now=_now())
            north = session.scalars(select(Clinic).where(Clinic.name == "Northside")).one()
            add_user(
                session,
                clinic_id=north.id,
                email="owner@north.example",
                display_name="Owner",
                role="owner",
                password="a long pass phrase",
                actor="test",
                now=_now(),
            )
    finally:
        records.close()
    assert "Northside has users already" in refused("setup-link", "--clinic", "Northside", db=db)
    assert "Southside" in ok("setup-link", "--clinic", "Southside", db=db)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
