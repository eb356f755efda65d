"""The lifetime plan as an iCalendar (RFC 5545) file, one all-day event per session.

:func:`plan_calendar` turns a :class:`~fadecast.planning.PlanResult` into the bytes of a
VCALENDAR that calendar apps import: one all-day VEVENT on the median (P50) date of each
planned session, with the reason, the P10-P90 window, the share of simulated futures that
have the session and the client's age in the description. The module does no I/O: the
command line writes the bytes.

Re-exports update rather than duplicate
---------------------------------------
A plan is re-made as time passes (a later ``today``, new draws) and its dates move. So
that a calendar app replaces the events it already has instead of adding new ones:

- **UID** depends only on the client and the session's ``kind`` and ``number`` (the
  second fade-driven touch-up is the same event in every export), never on its date. It
  is ``uuid5(UID_NAMESPACE, f"{key}/{kind}/{number}")`` followed by ``@fadecast``, where
  ``key`` is the ``client`` argument when given (for example the profile's ``name``), or
  else a key from the scenario that does not change between re-exports of the same
  profile: the birth year, the home place and the date of the first session. A fresh
  (prospective) course starts on the day the plan is made, so its first session date
  moves with ``today``; such a course is keyed ``prospective`` instead. Two clients born
  in the same year in the same place with the same first session share the fallback
  key: pass ``client`` to tell them apart. Renaming the client, moving home or recording
  the sessions of a course that was prospective starts a new set of UIDs.
- **SEQUENCE** is the number of days from 2000-01-01 to ``result.today``, so a plan made
  later supersedes an earlier one; **DTSTAMP** and **LAST-MODIFIED** are ``result.today``
  at 00:00 UTC. Nothing depends on the wall clock: the same plan gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
import uuid

from icalendar import Calendar, Event

from fadecast.planning import PlannedSession, PlanResult
from fadecast.report.plan_text import session_title
from fadecast.version import __version__

__all__ = ["CALENDAR_NAME", "UID_NAMESPACE", "client_label", "plan_calendar", "session_uid"]

#: Name of the calendar (X-WR-CALNAME), followed by the client's name when known.
CALENDAR_NAME = "SMP touch-up plan"
#: Namespace of the events' name-based (version 5) UUIDs. Never change it: the UIDs of
#: calendars already exported would change with it.
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "ics.fadecast")
#: Origin of SEQUENCE: the number of days since this date. [d]
_SEQUENCE_EPOCH = dt.date(2000, 1, 1)
_PRODID = f"-//fadecast//fadecast {__version__}//EN"


def _client_key(result: PlanResult, client: str | None) -> str:
    """The key the UIDs derive from: the client, or the scenario's stable facts."""
    if client is not None:
        return "client:" + client
    sc = result.scenario
    home = sc.home.name + (f", {sc.home.country_code}" if sc.home.country_code else "")
    first = "prospective" if sc.prospective else sc.first_session.isoformat()
    return f"scenario:born {sc.birth_year}/{home}/{first}"


def client_label(client: str | None) -> str | None:
    """A client's name as one line of text: control characters (line breaks, tabs, NUL)
    become spaces and runs of space one; ``None`` when nothing is left.

    Examples
    --------
    >>> client_label("  Ada\\nLovelace\\t ")
    'Ada Lovelace'
    >>> client_label("\\n") is None
    True
    """
    if client is None:
        return None
    text = "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in client
    )
    return " ".join(text.split()) or None


def session_uid(key: str, kind: str, number: int) -> str:
    """The UID of a planned session's event.

    Parameters
    ----------
    key
        The client key (see the module's documentation).
    kind
        The session's kind: ``fade``, ``extension`` or ``design``.
    number
        The session's number within its kind, from 1.

    Returns
    -------
    str
        A version-5 UUID followed by ``@fadecast``, the same for the same arguments.

    Examples
    --------
    >>> session_uid("client:J. Smith", "fade", 1)
    '7afd07c1-8965-5d27-8db4-4cd7c40fb871@fadecast'
    """
    return f"{uuid.uuid5(UID_NAMESPACE, f'{key}/{kind}/{number}')}@fadecast"


def _summary(session: PlannedSession) -> str:
    """A readable title of a session, by its kind."""
    title = f"SMP {session_title(session)}"
    if session.kind == "design":
        return f"{title}: {session.reason}"
    return f"{title} ({'fading' if session.kind == 'fade' else session.reason})"


def _percent(share: float) -> str:
    """A share of draws as a whole percentage that reads neither 0 nor 100 unless exact."""
    pct = round(100.0 * share)
    if share < 1.0:
        pct = min(pct, 99)
    if share > 0.0:
        pct = max(pct, 1)
    return f"{pct} %"


def _description(result: PlanResult, session: PlannedSession, on: dt.date) -> str:
    """The event's description: reason, window, share of futures, age, provenance."""
    p10 = result.date_of(session.p10_years)
    p90 = result.date_of(session.p90_years)
    horizon = result.date_of(result.horizon_years)
    if session.kind == "design":
        window = f"On {on.isoformat()}, at the age the client chose."
    else:
        end = p90.isoformat() if p90 is not None else "after the horizon"
        if p90 is None and horizon is not None:
            end += f" ({horizon.isoformat()})"
        window = (
            "Window (P10 to P90 of the simulated futures): likely between "
            f"{(p10 or on).isoformat()} and {end}; this date is the median (P50)."
        )
    age = result.scenario.age_at_first_session() + session.p50_years
    lines = [
        f"Reason: {session.reason}.",
        window,
        f"This session comes in {_percent(session.share)} of the simulated futures "
        f"({result.samples} draws).",
        f"The client is about {math.floor(age)} then.",
    ]
    if on <= result.today:
        # The plan moves an overdue touch-up to today: most simulated futures need it now.
        lines.append("Due now: this is the day the plan was made.")
    lines.append(
        f"A forecast of the fadecast model version {__version__}, made on "
        f"{result.today.isoformat()}; re-make the plan to update the dates."
    )
    return "\n".join(lines)


def plan_calendar(result: PlanResult, *, client: str | None = None) -> bytes:
    """The plan as an iCalendar file: one all-day event per planned session.

    Each session of ``result.sessions`` whose median (P50) date falls before the plan's
    horizon becomes an all-day VEVENT on that date; sessions whose median is beyond the
    horizon are left out. The events keep their UIDs across re-exports of the same
    client's plan, and a plan made later has a larger SEQUENCE, so calendar apps update
    the events rather than duplicate them (see the module's documentation).

    Parameters
    ----------
    result
        A plan from :func:`fadecast.planning.plan`.
    client
        The client's name or reference (for example the profile's ``name``): it names
        the calendar and keys the events' UIDs. Without it the UIDs are keyed by the
        birth year, home place and first session date.

    Returns
    -------
    bytes
        The VCALENDAR, UTF-8 with CRLF line endings; the same plan gives the same bytes.

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> profile = load_profile(example, today=today)
    >>> from fadecast.planning import plan
    >>> result = plan(profile, samples=50, seed=0, today=today)
    >>> ical = plan_calendar(result, client="J. Smith")
    >>> ical.splitlines()[:2], ical.count(b"BEGIN:VEVENT")
    ([b'BEGIN:VCALENDAR', b'VERSION:2.0'], 7)
    >>> b"SUMMARY:SMP touch-up 1 (fading)\\r\\nDTSTART;VALUE=DATE:20310802\\r\\n" in ical
    True
    >>> plan_calendar(result, client="J. Smith") == ical
    True
    """
    client = client_label(client)
    key = _client_key(result, client)
    stamp = dt.datetime.combine(result.today, dt.time(0, 0), tzinfo=dt.UTC)
    sequence = max((result.today - _SEQUENCE_EPOCH).days, 0)

    cal = Calendar()
    cal.add("prodid", _PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{CALENDAR_NAME}: {client}" if client else CALENDAR_NAME)
    for session in result.sessions:
        on = result.date_of(session.p50_years)
        if on is None:
            continue
        event = Event()
        event.add("uid", session_uid(key, session.kind, session.number))
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", sequence)
        event.add("dtstart", on)
        event.add("dtend", on + dt.timedelta(days=1))
        event.add("summary", _summary(session))
        event.add("description", _description(result, session, on))
        event.add("categories", ["SMP"])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    # Sorted parameters; icalendar adds no UID, DTSTAMP or other value of its own.
    ical: bytes = cal.to_ical(sorted=True)  # untyped in icalendar
    return ical
