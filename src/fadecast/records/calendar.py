"""A clinic's calendar as an iCalendar (RFC 5545) file: its booked sessions and its
clients' forecast touch-ups.

:func:`clinic_calendar` gives the bytes of a VCALENDAR that calendar apps subscribe to
or import:

- each **booked session** (in state ``booked``, on or after today) is an all-day event on
  its day;
- each client's **forecast touch-up** is an all-day event on its median (P50) date, with
  the window from P10 to P90 in the description (from the forecast cache: refresh it
  first with :func:`fadecast.records.forecasts.refresh_forecasts`).

Re-exports update rather than duplicate: every event's UID is made of the clinic's id,
the kind of entity and its row's id only (:func:`calendar_uid`), never of a date, so a
moved session or a forecast that moved with a new photo is the same event in every
export. SEQUENCE counts the days from 2000-01-01 to ``today`` (a later export
supersedes an earlier one) and DTSTAMP is ``today`` at 00:00 UTC: nothing depends on
the clock, and the same records give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.records.audit import audit
from fadecast.records.forecasts import due_window_text
from fadecast.records.models import (
    Client,
    Clinic,
    Course,
    ForecastCache,
    Practitioner,
    TreatmentSession,
)
from fadecast.report.ics import client_label
from fadecast.version import __version__

__all__ = ["CALENDAR_NAME", "SEQUENCE_EPOCH", "calendar_uid", "clinic_calendar"]

#: The calendar's name (X-WR-CALNAME), followed by the clinic's.
CALENDAR_NAME = "SMP clinic"
#: SEQUENCE is the number of days from this date to the export's ``today``. [d]
SEQUENCE_EPOCH = dt.date(2000, 1, 1)
_PRODID = f"-//fadecast//fadecast {__version__} clinic//EN"


def calendar_uid(clinic_id: int, entity: str, row_id: int) -> str:
    """The UID of an event: the entity and its row, at the clinic.

    Examples
    --------
    >>> calendar_uid(3, "session", 12)
    'session-12@clinic-3.fadecast'
    >>> calendar_uid(3, "touchup", 40)
    'touchup-40@clinic-3.fadecast'
    """
    return f"{entity}-{row_id}@clinic-{clinic_id}.fadecast"


def _who(name: str, ref: str) -> str:
    label = client_label(name) or "client"
    return f"{label} ({client_label(ref) or ref})"


def _contacts(email: str | None, phone: str | None) -> str:
    return ", ".join(client_label(c) or "" for c in (email, phone) if c) or "none recorded"


def _event(
    uid: str, on: dt.date, summary: str, description: str, stamp: dt.datetime, sequence: int
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", on)
    event.add("dtend", on + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("categories", ["SMP"])
    event.add("transp", "TRANSPARENT")
    return event


def _first_session(summary: object) -> dt.date | None:
    if not isinstance(summary, Mapping):
        return None
    try:
        return dt.date.fromisoformat(str(summary.get("first_session")))
    except ValueError:
        return None


def clinic_calendar(
    session: Session, *, clinic_id: int, today: dt.date, actor: str, now: dt.datetime
) -> bytes:
    """A clinic's booked sessions and forecast touch-ups as an iCalendar file.

    Parameters
    ----------
    clinic_id
        The clinic (only its sessions and clients are in the calendar).
    today
        Booked sessions from this day on are listed; it dates the export (SEQUENCE,
        DTSTAMP).
    actor, now
        Who exports and when, for the audit log (an export of client names and
        contacts: one entry, in the session's transaction).

    Returns
    -------
    bytes
        The VCALENDAR, UTF-8 with CRLF line endings; the same records and ``today`` give
        the same bytes. Events are ordered by day.

    Raises
    ------
    InputError
        For an unknown clinic.
    """
    clinic = session.get(Clinic, clinic_id)
    if clinic is None:
        raise InputError("--clinic", f"no clinic with id {clinic_id}")
    stamp = dt.datetime.combine(today, dt.time(0, 0), tzinfo=dt.UTC)
    sequence = max((today - SEQUENCE_EPOCH).days, 0)
    events: list[tuple[dt.date, str, Event]] = []

    booked = session.execute(
        select(
            TreatmentSession.id,
            TreatmentSession.date,
            TreatmentSession.kind,
            Practitioner.name,
            Client.name,
            Client.ref,
            Client.email,
            Client.phone,
        )
        .join(Course, TreatmentSession.course_id == Course.id)
        .join(Client, Course.client_id == Client.id)
        .outerjoin(Practitioner, TreatmentSession.practitioner_id == Practitioner.id)
        .where(
            TreatmentSession.clinic_id == clinic_id,
            Course.clinic_id == clinic_id,
            Client.clinic_id == clinic_id,
            Client.anonymised_at.is_(None),
            TreatmentSession.state == "booked",
            TreatmentSession.date >= today,
        )
    ).tuples()
    for row_id, on, kind, practitioner, name, ref, email, phone in booked:
        lines = [f"A booked {kind} session of {_who(name, ref)}."]
        if practitioner:
            lines.append(f"Practitioner: {client_label(practitioner)}.")
        lines.append(f"Contacts: {_contacts(email, phone)}.")
        uid = calendar_uid(clinic_id, "session", row_id)
        summary = f"SMP {kind} session: {_who(name, ref)}"
        events.append((on, uid, _event(uid, on, summary, "\n".join(lines), stamp, sequence)))

    forecasts = session.execute(
        select(
            ForecastCache.client_id,
            ForecastCache.p10,
            ForecastCache.p50,
            ForecastCache.p90,
            ForecastCache.personal,
            ForecastCache.model_version,
            ForecastCache.computed_at,
            ForecastCache.summary,
            Client.name,
            Client.ref,
            Client.email,
            Client.phone,
        )
        .join(Client, ForecastCache.client_id == Client.id)
        .where(
            ForecastCache.clinic_id == clinic_id,
            Client.clinic_id == clinic_id,
            Client.anonymised_at.is_(None),
            ForecastCache.p50.is_not(None),
        )
    ).tuples()
    for (
        client_id,
        p10,
        p50,
        p90,
        personal,
        version,
        at,
        summary,
        name,
        ref,
        email,
        phone,
    ) in forecasts:
        assert p50 is not None
        first = _first_session(summary)
        window = (
            f"between {p10.isoformat()} and {p90.isoformat()}"
            if p10 is not None and p90 is not None
            else f"from {(p10 or p50).isoformat()}, the later end beyond the forecast"
        )
        lines = [
            f"The touch-up of {_who(name, ref)} is {due_window_text(p10, p50, p90)}.",
            f"This day is the median (P50): half the forecasts fall before it. 8 in 10 fall "
            f"{window} (P10 to P90).",
            "From the client's own photos (a personal forecast)."
            if personal
            else "From the client's profile and sessions; photos of the SMP would make it "
            "personal.",
        ]
        if p50 < today:
            lines.append("The median has passed: the touch-up is likely due already.")
        if first is not None:
            lines.append(f"First session of the course: {first.isoformat()}.")
        lines.append(f"Contacts: {_contacts(email, phone)}.")
        lines.append(f"Forecast by fadecast {version} on {at.date().isoformat()}.")
        uid = calendar_uid(clinic_id, "touchup", client_id)
        title = f"SMP touch-up likely due: {_who(name, ref)}"
        events.append((p50, uid, _event(uid, p50, title, "\n".join(lines), stamp, sequence)))

    cal = Calendar()
    cal.add("prodid", _PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{CALENDAR_NAME}: {client_label(clinic.name) or clinic.name}")
    for _, _, event in sorted(events, key=lambda item: (item[0], item[1])):
        cal.add_component(event)
    audit(
        session,
        clinic_id=clinic_id,
        actor=actor,
        action="export",
        entity="calendar",
        detail={
            "sessions": sum(1 for _, uid, _ in events if uid.startswith("session-")),
            "touchups": sum(1 for _, uid, _ in events if uid.startswith("touchup-")),
            "today": today.isoformat(),
        },
        at=now,
    )
    ical: bytes = cal.to_ical(sorted=True)
    return ical
