"""Two processes adding sessions to the same client at once lose nothing, on SQLite
(write-ahead log, busy timeout, transactions that take the write lock at their start)
and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from conftest import NOW
from sqlalchemy import func, select

from fadecast.records import clinics, treatments
from fadecast.records.database import open_database, upgrade
from fadecast.records.models import AuditEntry, TreatmentSession

#: Sessions each process adds, one transaction each.
EACH = 40
WRITER = """
import datetime as dt, sys
from fadecast.records import clinics, treatments
from fadecast.records.database import open_database
records = open_database(sys.argv[1])
now = dt.datetime(2026, 12, 1, 10, 0, 0)
for i in range(int(sys.argv[2])):
    with records.transaction() as session:
        client = clinics.client_by_ref(session, clinic_id=1, ref="C-001")
        course = treatments.latest_course(session, client=client)
        treatments.add_session(session, course=course, date=dt.date(2026, 11, 1), kind="touch-up",
                               notes=f"{sys.argv[3]} {i}", actor=sys.argv[3], now=now)
records.close()
print("done")
"""


def test_two_writers_at_once_lose_nothing(db_url: str) -> None:
    upgrade(db_url)
    records = open_database(db_url)
    with records.transaction() as session:
        clinic = clinics.add_clinic(session, name="Northside", actor="o", now=NOW)
        client = clinics.add_client(
            session,
            clinic_id=clinic.id,
            ref="C-001",
            name="Ana Ruiz",
            birth_date=dt.date(1985, 4, 2),
            actor="o",
            now=NOW,
        )
        treatments.add_course(
            session,
            client=client,
            started_on=dt.date(2026, 10, 1),
            area_cm2=250.0,
            actor="o",
            now=NOW,
        )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, db_url, str(EACH), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    outcomes = [w.communicate(timeout=300) for w in writers]
    for writer, (out, err) in zip(writers, outcomes, strict=True):
        assert writer.returncode == 0, err
        assert out.strip() == "done"
    with records.transaction() as session:
        notes = set(session.scalars(select(TreatmentSession.notes)))
        audited = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.entity == "treatment_session")
        )
    records.close()
    assert notes == {f"{name} {i}" for name in ("first", "second") for i in range(EACH)}
    assert audited == 2 * EACH
