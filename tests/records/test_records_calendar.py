"""A clinic's calendar: booked sessions and forecast touch-ups as iCalendar events whose
UIDs stay the same from one export to the next; one clinic's only; on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from conftest import NOW
from icalendar import Calendar
from sqlalchemy.orm import Session

from fadecast.records.audit import audit_entries
from fadecast.records.calendar import calendar_uid, clinic_calendar
from fadecast.records.clinics import add_client, add_clinic, set_profile
from fadecast.records.database import Database
from fadecast.records.forecasts import refresh_forecasts
from fadecast.records.models import Client, Clinic, Course, ForecastCache, TreatmentSession
from fadecast.records.treatments import add_course, add_session

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
TODAY = NOW.date()
ACTOR = "test"


def client_with(
    session: Session, clinic: Clinic, ref: str, sessions: tuple[tuple[dt.date, str], ...]
) -> tuple[Client, list[TreatmentSession]]:
    client = add_client(
        session,
        clinic_id=clinic.id,
        ref=ref,
        name=f"Client {ref}",
        birth_date=dt.date(1984, 2, 1),
        email=f"{ref.lower()}@example.org",
        profile=OFFICE,
        profile_from=dt.date(2023, 1, 1),
        actor=ACTOR,
        now=NOW,
    )
    course = add_course(
        session, client=client, started_on=sessions[0][0], area_cm2=300.0, actor=ACTOR, now=NOW
    )
    rows = [
        add_session(session, course=course, date=day, kind=kind, actor=ACTOR, now=NOW)
        for day, kind in sessions
    ]
    return client, rows


def one_clinic(session: Session, name: str) -> tuple[Clinic, dict[str, Any]]:
    clinic = add_clinic(session, name=name, actor=ACTOR, now=NOW)
    treated, treated_rows = client_with(
        session,
        clinic,
        "C-001",
        (
            (dt.date(2024, 3, 1), "initial"),
            (dt.date(2024, 4, 12), "perfecting"),
            (dt.date(2026, 11, 30), "touch-up"),  # held yesterday: no longer booked
            (dt.date(2027, 2, 3), "touch-up"),  # booked
        ),
    )
    new, new_rows = client_with(session, clinic, "C-002", ((dt.date(2027, 1, 20), "initial"),))
    refresh_forecasts(session, clinic_id=clinic.id, today=TODAY, samples=30, actor=ACTOR, now=NOW)
    return clinic, {
        "treated": treated,
        "new": new,
        "booked": [treated_rows[3], new_rows[0]],
        "held": treated_rows[:3],
    }


def events(ical: bytes) -> dict[str, Any]:
    calendar = Calendar.from_ical(ical)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_booked_sessions_and_forecast_touchups_with_stable_uids(records: Database) -> None:
    with records.transaction() as session:
        clinic, made = one_clinic(session, "Northern SMP")
        first = clinic_calendar(session, clinic_id=clinic.id, today=TODAY, actor=ACTOR, now=NOW)
        second = clinic_calendar(session, clinic_id=clinic.id, today=TODAY, actor=ACTOR, now=NOW)
        forecast = session.get(ForecastCache, made["treated"].id)
        assert forecast is not None and forecast.p50 is not None
        exports = [e for e in audit_entries(session, clinic_id=clinic.id) if e.action == "export"]
    assert first == second  # the same records, the same bytes
    assert first.startswith(b"BEGIN:VCALENDAR\r\n")
    found = events(first)
    booked_uids = {calendar_uid(clinic.id, "session", row.id) for row in made["booked"]}
    touchup_uid = calendar_uid(clinic.id, "touchup", made["treated"].id)
    assert set(found) == booked_uids | {touchup_uid}  # no held session, no forecast for C-002
    for row in made["booked"]:
        event = found[calendar_uid(clinic.id, "session", row.id)]
        assert event.decoded("DTSTART") == row.date
        assert event.decoded("DTEND") == row.date + dt.timedelta(days=1)
    touchup = found[touchup_uid]
    assert touchup.decoded("DTSTART") == forecast.p50
    description = str(touchup["DESCRIPTION"])
    assert forecast.p10 is not None and forecast.p90 is not None
    assert forecast.p10.isoformat() in description and forecast.p90.isoformat() in description
    assert "median (P50)" in description
    assert "c-001@example.org" in description
    assert str(touchup["SUMMARY"]) == "SMP touch-up likely due: Client C-001 (C-001)"
    assert str(found[calendar_uid(clinic.id, "session", made["booked"][1].id)]["SUMMARY"]) == (
        "SMP initial session: Client C-002 (C-002)"
    )
    assert len(exports) == 2
    assert exports[0].entity == "calendar"
    assert exports[0].detail == {"sessions": 2, "touchups": 1, "today": TODAY.isoformat()}


def test_the_uids_survive_changes_and_a_later_export_supersedes(records: Database) -> None:
    later = NOW + dt.timedelta(days=30)
    with records.transaction() as session:
        clinic, made = one_clinic(session, "Northern SMP")
        before = events(
            clinic_calendar(session, clinic_id=clinic.id, today=TODAY, actor=ACTOR, now=NOW)
        )
        # the client moves somewhere sunnier: the forecast moves, its event stays the same
        client = made["treated"]
        set_profile(
            session,
            client=client,
            content={**OFFICE, "place": {"city": "Malaga"}},
            valid_from=TODAY,
            actor=ACTOR,
            now=NOW,
        )
        # and a booked session is moved to another day
        moved = made["booked"][1]
        moved.date = dt.date(2027, 1, 27)
        session.flush()
        refresh_forecasts(
            session, clinic_id=clinic.id, today=later.date(), samples=30, actor=ACTOR, now=later
        )
        after = events(
            clinic_calendar(
                session, clinic_id=clinic.id, today=later.date(), actor=ACTOR, now=later
            )
        )
    assert set(after) == set(before)
    touchup = calendar_uid(clinic.id, "touchup", client.id)
    assert after[touchup].decoded("DTSTART") != before[touchup].decoded("DTSTART")
    session_uid = calendar_uid(clinic.id, "session", moved.id)
    assert after[session_uid].decoded("DTSTART") == dt.date(2027, 1, 27)
    for uid in after:
        assert int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])


def test_another_clinics_sessions_and_forecasts_never_appear(records: Database) -> None:
    with records.transaction() as session:
        north, mine = one_clinic(session, "Northern SMP")
        south, theirs = one_clinic(session, "Southern SMP")
        ical = clinic_calendar(session, clinic_id=north.id, today=TODAY, actor=ACTOR, now=NOW)
        south_events = events(
            clinic_calendar(session, clinic_id=south.id, today=TODAY, actor=ACTOR, now=NOW)
        )
        course = session.get(Course, theirs["booked"][0].course_id)
        assert course is not None and course.clinic_id == south.id
    found = events(ical)
    assert all(uid.endswith(f"@clinic-{north.id}.fadecast") for uid in found)
    theirs_ids = {row.id for row in theirs["booked"]}
    assert not {calendar_uid(north.id, "session", i) for i in theirs_ids} & set(found)
    assert calendar_uid(north.id, "touchup", theirs["treated"].id) not in found
    assert b"Southern" not in ical
    assert len(found) == len(south_events) == 3
    assert calendar_uid(north.id, "touchup", mine["treated"].id) in found
