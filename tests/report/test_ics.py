"""Tests of the plan as an iCalendar file."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar, Event

import fadecast
from fadecast.inputs.profile import Profile, parse_profile
from fadecast.planning import PlanResult, plan
from fadecast.report.ics import client_label, plan_calendar, session_uid

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)
LATER = dt.date(2027, 11, 23)
SAMPLES = 300
#: All three kinds of session: fading, hair loss past the treated area, a design goal.
SECTIONS: dict[str, Any] = {
    "hair": {"stage": 3, "family_history": True},
    "goals": {"mature_hairline_age": 50},
}


def make(today: dt.date = TODAY, **sections: Any) -> Profile:
    data = tomllib.loads((EXAMPLES / "temperate-office-worker.toml").read_text("utf-8"))
    data.update(sections)
    return parse_profile(data, today=today)


def run(profile: Profile, *, today: dt.date = TODAY, seed: int = 0, **kw: Any) -> PlanResult:
    return plan(profile, samples=SAMPLES, seed=seed, today=today, **kw)


@pytest.fixture(scope="module")
def planned() -> PlanResult:
    return run(make(**SECTIONS))


@pytest.fixture(scope="module")
def replanned() -> PlanResult:
    """The same client's plan made a year later, with other draws."""
    return run(make(LATER, **SECTIONS), today=LATER, seed=1)


def events(ical: bytes) -> list[Event]:
    cal = Calendar.from_ical(ical)
    assert cal.name == "VCALENDAR"
    return [c for c in cal.walk("VEVENT") if isinstance(c, Event)]


def uids_by_session(result: PlanResult, ical: bytes) -> dict[tuple[str, int], str]:
    """UIDs keyed by (kind, number): the events come in the order of the sessions."""
    shown = [s for s in result.sessions if result.date_of(s.p50_years) is not None]
    found = events(ical)
    assert len(found) == len(shown)
    return {(s.kind, s.number): e.uid for s, e in zip(shown, found, strict=True)}


def p50_dates(result: PlanResult) -> dict[tuple[str, int], dt.date | None]:
    return {(s.kind, s.number): result.date_of(s.p50_years) for s in result.sessions}


def test_calendar_header() -> None:
    profile = make()
    ical = plan_calendar(run(profile), client="  J. Smith ")
    cal = Calendar.from_ical(ical)
    assert str(cal["PRODID"]) == f"-//fadecast//fadecast {fadecast.__version__}//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["X-WR-CALNAME"]) == "SMP touch-up plan: J. Smith"
    unnamed = Calendar.from_ical(plan_calendar(run(profile)))
    assert str(unnamed["X-WR-CALNAME"]) == "SMP touch-up plan"
    assert ical.endswith(b"END:VCALENDAR\r\n")


def test_one_all_day_event_per_session_before_the_horizon(planned: PlanResult) -> None:
    shown = [s for s in planned.sessions if planned.date_of(s.p50_years) is not None]
    assert {s.kind for s in shown} == {"fade", "extension", "design"}
    assert len(shown) < len(planned.sessions)  # some medians lie beyond the horizon
    found = events(plan_calendar(planned))
    assert len(found) == len(shown)
    horizon = planned.date_of(planned.horizon_years)
    assert horizon is not None
    for session, event in zip(shown, found, strict=True):
        on = planned.date_of(session.p50_years)
        assert on is not None
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is dt.date and start == on  # a DATE value: all day
        assert end == on + dt.timedelta(days=1)
        text = str(event["DESCRIPTION"])
        assert session.reason in text
        p10, p90 = planned.date_of(session.p10_years), planned.date_of(session.p90_years)
        assert p10 is not None and p10.isoformat() in text
        if p90 is None:
            assert f"after the horizon ({horizon.isoformat()})" in text
        else:
            assert p90.isoformat() in text
        share = re.search(r"in (\d+) % of the simulated futures", text)
        assert share is not None and abs(int(share[1]) - 100 * session.share) <= 1
        age = planned.scenario.age_at_first_session() + session.p50_years
        assert f"about {int(age)}" in text
        assert f"version {fadecast.__version__}" in text and TODAY.isoformat() in text
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert event.categories == ["SMP"]
        stamp = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
        assert event.decoded("DTSTAMP") == stamp
        assert event.decoded("LAST-MODIFIED") == stamp


def test_summaries_name_the_kind(planned: PlanResult) -> None:
    summaries = {str(e["SUMMARY"]) for e in events(plan_calendar(planned))}
    assert "SMP touch-up 1 (fading)" in summaries
    assert "SMP area extension 1 (hair loss past the treated area)" in summaries
    assert "SMP design session: a more mature hairline" in summaries


def test_uids_are_unique_and_stable(planned: PlanResult, replanned: PlanResult) -> None:
    first, again = plan_calendar(planned), plan_calendar(replanned)
    before, after = uids_by_session(planned, first), uids_by_session(replanned, again)
    for ical in (first, again):
        uids = [e.uid for e in events(ical)]
        assert len(set(uids)) == len(uids)
    common = before.keys() & after.keys()
    assert {("fade", 1), ("extension", 1), ("design", 1)} <= common
    # The dates moved but the same sessions keep their UIDs.
    dates_before, dates_after = p50_dates(planned), p50_dates(replanned)
    moved = [k for k in common if dates_before[k] != dates_after[k]]
    assert moved
    assert all(before[k] == after[k] for k in common)
    # ... and the later export supersedes the earlier one.
    old = {e.sequence for e in events(first)}
    new = {e.sequence for e in events(again)}
    assert len(old) == len(new) == 1 and max(new) > max(old)


def test_same_plan_gives_the_same_bytes(planned: PlanResult) -> None:
    assert plan_calendar(planned) == plan_calendar(planned)
    assert plan_calendar(planned) == plan_calendar(run(make(**SECTIONS)))
    assert plan_calendar(planned, client="A") == plan_calendar(planned, client="A")


def test_the_client_keys_the_uids(planned: PlanResult) -> None:
    default = set(uids_by_session(planned, plan_calendar(planned)).values())
    alice = set(uids_by_session(planned, plan_calendar(planned, client="Alice")).values())
    bob = set(uids_by_session(planned, plan_calendar(planned, client="Bob")).values())
    assert not alice & bob and not alice & default and not bob & default
    assert session_uid("client:Alice", "fade", 1) in alice
    # Another client by the fallback key: another birth year.
    other = make(person={**make().person.model_dump(), "birth_year": 1990}, **SECTIONS)
    other_plan = run(other)
    elsewhere = set(uids_by_session(other_plan, plan_calendar(other_plan)).values())
    assert not elsewhere & default


@pytest.mark.parametrize(
    "name", ["Ada\nLovelace", "Ada\r\nLovelace", " Ada\tLovelace\x00", "Ada\u2028Lovelace"]
)
def test_a_name_with_line_breaks_or_control_characters_is_one_line(
    planned: PlanResult, name: str
) -> None:
    ical = plan_calendar(planned, client=name)
    cal = Calendar.from_ical(ical)
    assert str(cal["x-wr-calname"]) == "SMP touch-up plan: Ada Lovelace"
    assert b"\x00" not in ical
    assert all(len(line) <= 75 for line in ical.split(b"\r\n"))
    assert ical == plan_calendar(planned, client="Ada Lovelace")
    assert client_label("\n\t") is None


def test_no_sessions_gives_an_empty_calendar() -> None:
    fresh = make(treatment={"pigment": "carbon-black"})  # a course starting today
    age_today = TODAY.year - fresh.person.birth_year - 0.5 + (TODAY.timetuple().tm_yday - 1) / 365
    result = run(fresh, until_age=age_today + 1.5)
    assert not any(result.date_of(s.p50_years) for s in result.sessions)
    ical = plan_calendar(result)
    cal = Calendar.from_ical(ical)
    assert events(ical) == []
    assert str(cal["VERSION"]) == "2.0" and str(cal["X-WR-CALNAME"]) == "SMP touch-up plan"


def test_an_overdue_session_is_due_now() -> None:
    # A course of 2008: the first touch-up is long overdue, so the plan puts it today.
    result = run(make(treatment={"sessions": ["2008-03-01", "2008-03-15", "2008-04-05"]}))
    found = events(plan_calendar(result))
    due = [e for e in found if e.decoded("DTSTART") == TODAY]
    assert due and all("Due now" in str(e["DESCRIPTION"]) for e in due)
    assert not any("Due now" in str(e["DESCRIPTION"]) for e in found if e not in due)
