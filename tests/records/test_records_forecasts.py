"""The forecasts a clinic's recalls run on: profiles from the records (versioned by
date), the forecast cache and when it goes stale, the chance of a touch-up in a span,
the due list and the perfecting reminder, scoped by clinic; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import pytest
from conftest import NOW
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.forecasting import forecast_many
from fadecast.records.audit import audit_entries
from fadecast.records.clinics import add_client, add_clinic, set_profile
from fadecast.records.consents import add_form, sign_consent
from fadecast.records.database import Database
from fadecast.records.forecasts import (
    DEFAULT_SAMPLES,
    RefreshSummary,
    client_profile,
    due_clients,
    due_window_text,
    inputs_sha256,
    least_chance,
    perfecting_due,
    plan_refresh,
    refresh_forecasts,
    touchup_lognormal,
    touchup_probability,
)
from fadecast.records.models import Client, Clinic, Course, ForecastCache, Photo, PigmentLot
from fadecast.records.treatments import add_course, add_lot, add_product, add_session
from fadecast.version import __version__

#: A profile's content as a clinic keeps it: the example's tables without birth_year
#: (src/fadecast/examples/temperate-office-worker.toml).
OFFICE: dict[str, Any] = {
    "person": {"skin": {"fitzpatrick": 2}, "smoker": False, "immune": "normal"},
    "place": {"city": "Manchester", "altitude_m": 40},
    "lifestyle": {
        "outdoor_hours_weekday": 1.0,
        "outdoor_hours_weekend": 4.0,
        "outdoor_job": False,
        "holiday_weeks": 2,
        "holiday_city": "Malaga",
        "hat_share": 0.2,
        "sunscreen": {"spf": 30, "share": 0.5, "mg_per_cm2": 1.0},
        "sunbed_sessions_per_year": 0,
        "hair_length_mm": 0.5,
    },
}
#: The same client after moving to a sunnier city.
MOVED: dict[str, Any] = {**OFFICE, "place": {"city": "Malaga"}}
TODAY = NOW.date()
SAMPLES = 30
ACTOR = "test"


def later(minutes: int) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minutes)


def new_clinic(session: Session, name: str = "Northern SMP") -> tuple[Clinic, PigmentLot]:
    clinic = add_clinic(session, name=name, actor=ACTOR, now=NOW)
    product = add_product(
        session,
        clinic_id=clinic.id,
        brand="Acme",
        name="Iron Shade",
        pigment_class="iron-oxide",
        actor=ACTOR,
        now=NOW,
    )
    lot = add_lot(
        session,
        product=product,
        lot_number=f"L-{clinic.id}",
        expiry=dt.date(2030, 1, 1),
        actor=ACTOR,
        now=NOW,
    )
    return clinic, lot


def new_client(
    session: Session,
    clinic: Clinic,
    ref: str,
    *,
    content: Mapping[str, Any] | None = OFFICE,
    profile_from: dt.date = dt.date(2023, 1, 1),
    sessions: tuple[tuple[dt.date, str], ...] = (
        (dt.date(2024, 3, 1), "initial"),
        (dt.date(2024, 4, 15), "perfecting"),
    ),
    lot: PigmentLot | None = None,
    placement: str = "optimal",
    now: dt.datetime = NOW,
) -> Client:
    client = add_client(
        session,
        clinic_id=clinic.id,
        ref=ref,
        name=f"Client {ref}",
        birth_date=dt.date(1985, 5, 1),
        email=f"{ref.lower()}@example.org",
        phone="+44 161 000 0000",
        profile=content,
        profile_from=profile_from,
        actor=ACTOR,
        now=now,
    )
    if sessions:
        course = add_course(
            session,
            client=client,
            started_on=sessions[0][0],
            area_cm2=250.0,
            placement=placement,
            actor=ACTOR,
            now=now,
        )
        for day, kind in sessions:
            add_session(session, course=course, date=day, kind=kind, lot=lot, actor=ACTOR, now=now)
    return client


def course_of(session: Session, client: Client) -> Course:
    course = session.scalar(select(Course).where(Course.client_id == client.id))
    assert course is not None
    return course


def add_measured_photo(
    session: Session,
    client: Client,
    taken_on: dt.date,
    contrast: float | None,
    flags: tuple[str, ...] = (),
    *,
    number: int = 0,
) -> Photo:
    """A photo row with a measurement as ``fadecast measure --json`` writes it."""
    form = add_form(
        session,
        clinic_id=client.clinic_id,
        scope="photos_record",
        version=f"{client.id}.{number}",
        text="Photos of my scalp may be kept in my record.",
        actor=ACTOR,
        now=NOW,
    )
    consent = sign_consent(
        session,
        client=client,
        scope="photos_record",
        version=form.version,
        signed_name=client.name,
        source="in clinic, on paper",
        signed_at=NOW,
        actor=ACTOR,
        now=NOW,
    )
    measurement = {
        "fadecast_version": __version__,
        "contrast": {"social_delta_e00": contrast, "delta_e00": None},
        "flags": list(flags),
        "advice": [],
    }
    photo = Photo(
        clinic_id=client.clinic_id,
        client_id=client.id,
        consent_id=consent.id,
        sha256=f"{client.id:08d}{number:056d}",
        media_type="image/jpeg",
        taken_on=taken_on,
        width_px=1200,
        height_px=900,
        mm_per_px=0.05,
        measurement=measurement,
        imported_at=NOW,
    )
    session.add(photo)
    session.flush()
    return photo


def refresh(
    session: Session,
    clinic: Clinic,
    *,
    today: dt.date = TODAY,
    minutes: int = 0,
    samples: int = SAMPLES,
) -> RefreshSummary:
    return refresh_forecasts(
        session,
        clinic_id=clinic.id,
        today=today,
        samples=samples,
        actor=ACTOR,
        now=later(minutes),
    )


def cache_of(session: Session, client: Client) -> ForecastCache:
    row = session.get(ForecastCache, client.id)
    assert row is not None
    session.refresh(row)
    return row


# --- the profile from the records -------------------------------------------------


def test_a_profile_is_put_together_from_the_records(records: Database) -> None:
    with records.transaction() as session:
        clinic, lot = new_clinic(session)
        other = add_product(
            session,
            clinic_id=clinic.id,
            brand="Acme",
            name="Blend",
            pigment_class="organic-blend",
            actor=ACTOR,
            now=NOW,
        )
        blend = add_lot(
            session,
            product=other,
            lot_number="B-1",
            expiry=dt.date(2030, 1, 1),
            actor=ACTOR,
            now=NOW,
        )
        client = new_client(session, clinic, "C-001", placement="deep", sessions=())
        course = add_course(
            session,
            client=client,
            started_on=dt.date(2024, 3, 1),
            area_cm2=250.0,
            placement="deep",
            actor=ACTOR,
            now=NOW,
        )
        for day, kind, used in (
            (dt.date(2024, 3, 1), "design", None),  # draws, puts no ink in
            (dt.date(2024, 3, 8), "initial", lot),  # the first lot: the pigment
            (dt.date(2024, 3, 8), "touch-up", None),  # the same day, once
            (dt.date(2024, 4, 20), "perfecting", blend),
            (dt.date(2024, 6, 1), "correction", blend),  # changes the design only
            (dt.date(2027, 3, 1), "touch-up", blend),  # booked: not in the forecast
        ):
            add_session(session, course=course, date=day, kind=kind, lot=used, actor=ACTOR, now=NOW)
        add_measured_photo(session, client, dt.date(2024, 1, 10), 14.0, number=1)  # before
        add_measured_photo(session, client, dt.date(2025, 6, 1), 11.25, ("no_bare_skin",), number=2)
        add_measured_photo(session, client, dt.date(2026, 2, 1), None, number=3)  # unmeasurable
        profile = client_profile(session, client=client, today=TODAY)
    assert profile is not None
    assert profile.person.birth_year == 1985
    assert profile.person.skin.fitzpatrick == 2
    assert profile.place.city == "Manchester"
    assert profile.lifestyle.holiday_city == "Malaga"
    assert profile.treatment.pigment == "iron-oxide"
    assert profile.treatment.placement == "deep"
    assert profile.treatment.sessions == (dt.date(2024, 3, 8), dt.date(2024, 4, 20))
    assert [(m.date, m.social_delta_e00, m.flags) for m in profile.measurements] == [
        (dt.date(2025, 6, 1), 11.25, ("no_bare_skin",))
    ]


def test_without_a_lot_the_pigment_is_carbon_black_and_photos_stop_at_today(
    records: Database,
) -> None:
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        client = new_client(session, clinic, "C-001")
        add_measured_photo(session, client, dt.date(2025, 6, 1), 12.0, number=1)
        add_measured_photo(session, client, dt.date(2026, 6, 1), 10.0, number=2)
        then = client_profile(session, client=client, today=dt.date(2025, 12, 31))
    assert then is not None
    assert then.treatment.pigment == "carbon-black"
    assert [m.date for m in then.measurements] == [dt.date(2025, 6, 1)]


def test_no_profile_version_or_no_session_held_gives_no_profile(records: Database) -> None:
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        unprofiled = new_client(session, clinic, "C-001", content=None)
        booked_only = new_client(
            session, clinic, "C-002", sessions=((dt.date(2027, 1, 10), "initial"),)
        )
        design_only = new_client(
            session, clinic, "C-003", sessions=((dt.date(2026, 1, 10), "design"),)
        )
        no_course = new_client(session, clinic, "C-004", sessions=())
        recent = new_client(session, clinic, "C-005", profile_from=dt.date(2026, 6, 1))
        for client in (unprofiled, booked_only, design_only, no_course):
            assert client_profile(session, client=client, today=TODAY) is None
        # the profile version starts after the day asked about
        assert client_profile(session, client=recent, today=dt.date(2026, 5, 31)) is None
        assert client_profile(session, client=recent, today=TODAY) is not None


def test_records_that_do_not_make_a_profile_name_the_field(records: Database) -> None:
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        client = new_client(session, clinic, "C-001")
        # a first session before the client was 16: the records allow it, a profile not
        add_session(
            session,
            course=course_of(session, client),
            date=dt.date(1995, 1, 1),
            kind="initial",
            actor=ACTOR,
            now=NOW,
        )
        with pytest.raises(InputError, match=r"^treatment\.sessions: .*before the client was 16"):
            client_profile(session, client=client, today=TODAY)


def test_the_profile_in_force_on_a_past_day_reproduces_the_forecast_made_then(
    records: Database,
) -> None:
    then = TODAY  # 2026-12-01: the forecast made then
    moved_on = dt.datetime(2029, 7, 1, 9, 0, 0)
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        client = new_client(session, clinic, "C-001")
        made = refresh(session, clinic, today=then)
        assert made.recomputed == 1
        first = cache_of(session, client)
        first_dates, first_sha = (first.p10, first.p50, first.p90), first.inputs_sha256
    with records.transaction() as session:  # 2029: the client moved, and had a touch-up
        client = session.get_one(Client, client.id)
        set_profile(
            session,
            client=client,
            content=MOVED,
            valid_from=dt.date(2029, 6, 1),
            actor=ACTOR,
            now=moved_on,
        )
        add_session(
            session,
            course=course_of(session, client),
            date=dt.date(2029, 5, 2),
            kind="touch-up",
            actor=ACTOR,
            now=moved_on,
        )
    with records.transaction() as session:
        client = session.get_one(Client, client.id)
        past = client_profile(session, client=client, today=then)
        present = client_profile(session, client=client, today=moved_on.date())
        assert past is not None and present is not None
        assert past.place.city == "Manchester"
        assert past.treatment.sessions == (dt.date(2024, 3, 1), dt.date(2024, 4, 15))
        assert present.place.city == "Malaga"
        assert present.treatment.sessions == (
            dt.date(2024, 3, 1),
            dt.date(2024, 4, 15),
            dt.date(2029, 5, 2),
        )
        # the 2026 forecast's inputs, taken again from the records years later
        assert inputs_sha256(past) == first_sha
        again = refresh(session, clinic, today=then, minutes=5)
        assert (again.recomputed, again.up_to_date) == (0, 1)
        redone = forecast_many([past], samples=SAMPLES, seed=0, today=then, attribution=False)[0]
        assert redone.touchup_dates == first_dates
        # and on the later day, the move and the touch-up make a new forecast
        moved = refresh(session, clinic, today=moved_on.date(), minutes=10)
        assert moved.recomputed == 1
        row = cache_of(session, client)
        assert row.inputs_sha256 == inputs_sha256(present) != first_sha
        assert row.summary["first_session"] == "2024-03-01"
        assert row.summary["last_session"] == "2029-05-02"


# --- the cache --------------------------------------------------------------------


def test_the_cache_recomputes_exactly_what_changed(records: Database) -> None:
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        ana = new_client(session, clinic, "C-001")
        ben = new_client(session, clinic, "C-002", content=MOVED)
        first = refresh(session, clinic)
        assert (first.clients, first.recomputed, first.up_to_date) == (2, 2, 0)
        assert cache_of(session, ana).model_version == __version__
        entries = len(audit_entries(session, clinic_id=clinic.id))

        def computed() -> tuple[dt.datetime, dt.datetime]:
            return cache_of(session, ana).computed_at, cache_of(session, ben).computed_at

        at_first = computed()
        unchanged = refresh(session, clinic, minutes=1)
        assert (unchanged.recomputed, unchanged.up_to_date) == (0, 2)
        assert computed() == at_first  # not recomputed, not rewritten
        assert len(audit_entries(session, clinic_id=clinic.id)) == entries  # nothing written

        # a changed profile (a new version) makes that client's forecast stale
        set_profile(
            session,
            client=ana,
            content={**OFFICE, "lifestyle": {**OFFICE["lifestyle"], "hat_share": 0.9}},
            valid_from=dt.date(2026, 11, 1),
            actor=ACTOR,
            now=NOW,
        )
        step = refresh(session, clinic, minutes=2)
        assert (step.recomputed, step.up_to_date) == (1, 1)
        assert computed() == (later(2), at_first[1])

        # a session held since, for the other
        add_session(
            session,
            course=course_of(session, ben),
            date=dt.date(2026, 10, 1),
            kind="touch-up",
            actor=ACTOR,
            now=NOW,
        )
        step = refresh(session, clinic, minutes=3)
        assert step.recomputed == 1
        assert computed() == (later(2), later(3))

        # a booked session is not in the forecast: nothing to recompute
        add_session(
            session,
            course=course_of(session, ben),
            date=dt.date(2027, 6, 1),
            kind="touch-up",
            actor=ACTOR,
            now=NOW,
        )
        assert refresh(session, clinic, minutes=4).recomputed == 0

        # a photo measurement, which makes the forecast personal
        add_measured_photo(session, ana, dt.date(2026, 9, 1), 6.0)
        step = refresh(session, clinic, minutes=5)
        assert step.recomputed == 1
        assert computed() == (later(5), later(3))
        row = cache_of(session, ana)
        assert row.personal is True and row.summary["personal"] is True
        assert row.summary["measurements"] == 1

        # a forecast another fadecast version made
        session.execute(
            update(ForecastCache)
            .where(ForecastCache.client_id == ben.id)
            .values(model_version="0.0.1")
        )
        step = refresh(session, clinic, minutes=6)
        assert step.recomputed == 1
        assert computed() == (later(5), later(6))
        assert cache_of(session, ben).model_version == __version__

        # other draws
        assert refresh(session, clinic, minutes=7, samples=SAMPLES + 10).recomputed == 2
        entries_now = audit_entries(session, clinic_id=clinic.id)
        refreshes = [e for e in entries_now if e.entity == "forecast_cache"]
        assert len(refreshes) == 6  # one entry per refresh that changed the cache
        assert refreshes[-1].detail["recomputed"] == 2


def test_the_cache_keeps_the_personal_dates_when_photos_calibrate_it(records: Database) -> None:
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        client = new_client(session, clinic, "C-001")
        add_measured_photo(session, client, dt.date(2026, 3, 1), 7.5)
        refresh(session, clinic)
        row = cache_of(session, client)
        profile = client_profile(session, client=client, today=TODAY)
    assert profile is not None
    result = forecast_many([profile], samples=SAMPLES, seed=0, today=TODAY, attribution=False)[0]
    assert result.personal is not None
    assert (row.p10, row.p50, row.p90) == result.personal_dates
    assert row.personal is True
    assert row.summary["touchup_years"][1] == pytest.approx(result.touchup_years[1], abs=1e-3)


def test_clients_who_cannot_be_forecast_are_named_and_the_others_are(records: Database) -> None:
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        new_client(session, clinic, "C-001")
        lost = new_client(session, clinic, "C-002")
        assert refresh(session, clinic).recomputed == 2
        # a session at 9 years old: the records take it, a forecast cannot
        add_session(
            session,
            course=course_of(session, lost),
            date=dt.date(1994, 6, 1),
            kind="initial",
            actor=ACTOR,
            now=NOW,
        )
        summary = refresh(session, clinic, minutes=1)
        assert (summary.recomputed, summary.up_to_date, summary.removed) == (0, 1, 1)
        assert [ref for ref, _ in summary.failed] == ["C-002"]
        assert summary.failed[0][1].startswith("treatment.sessions: the first session")
        session.expire_all()
        assert session.get(ForecastCache, lost.id) is None  # its old forecast no longer stands


def test_a_forecast_that_no_longer_stands_is_removed(records: Database) -> None:
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        client = new_client(session, clinic, "C-001")
        refresh(session, clinic)
        assert session.get(ForecastCache, client.id) is not None
        # on a day before the first session there is no forecast to keep
        gone = refresh(session, clinic, today=dt.date(2024, 2, 1), minutes=1)
        assert (gone.clients, gone.removed) == (0, 1)
        session.expire_all()
        assert session.get(ForecastCache, client.id) is None


def test_the_plan_reads_only_and_refuses_bad_draws(records: Database) -> None:
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        new_client(session, clinic, "C-001")
        plan = plan_refresh(session, clinic_id=clinic.id, today=TODAY, samples=SAMPLES)
        assert [p.ref for p in plan.pending] == ["C-001"]
        assert session.scalars(select(ForecastCache)).all() == []
        for bad in (5, 300_000):
            with pytest.raises(InputError, match=r"^samples: must be a whole number from 10"):
                plan_refresh(session, clinic_id=clinic.id, today=TODAY, samples=bad)
    assert 10 <= DEFAULT_SAMPLES <= 1000


# --- the chance of a touch-up in a span -------------------------------------------

FIRST = dt.date(2024, 3, 1)


@st.composite
def windows(draw: st.DrawFn) -> tuple[dt.date, dt.date, dt.date]:
    """P10 <= P50 <= P90 dates after the first session."""
    t10 = draw(st.integers(1, 6000))
    t50 = t10 + draw(st.integers(0, 3000))
    t90 = t50 + draw(st.integers(0, 4000))
    return FIRST + days(t10), FIRST + days(t50), FIRST + days(t90)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@given(windows(), st.integers(-2000, 14000), st.integers(0, 5000))
def test_a_chance_is_between_0_and_1(
    window: tuple[dt.date, dt.date, dt.date], offset: int, length: int
) -> None:
    start = FIRST + days(offset)
    chance = touchup_probability(FIRST, *window, start, start + days(length))
    assert 0.0 <= chance <= 1.0


@given(
    windows(),
    st.integers(-2000, 14000),
    st.integers(0, 3000),
    st.integers(0, 3000),
    st.integers(0, 3000),
)
def test_a_wider_span_is_at_least_as_likely(
    window: tuple[dt.date, dt.date, dt.date], offset: int, length: int, before: int, after: int
) -> None:
    start = FIRST + days(offset)
    end = start + days(length)
    inner = touchup_probability(FIRST, *window, start, end)
    outer = touchup_probability(FIRST, *window, start - days(before), end + days(after))
    assert outer >= inner - 1e-12


@given(windows(), st.integers(-2000, 14000), st.integers(0, 3000), st.integers(1, 3000))
def test_the_chances_of_adjacent_spans_add_up(
    window: tuple[dt.date, dt.date, dt.date], offset: int, first_days: int, second_days: int
) -> None:
    start = FIRST + days(offset)
    middle = start + days(first_days)
    end = middle + days(second_days)
    whole = touchup_probability(FIRST, *window, start, end)
    first = touchup_probability(FIRST, *window, start, middle)
    second = touchup_probability(FIRST, *window, middle + days(1), end)
    assert first + second == pytest.approx(whole, abs=1e-12)


def test_the_log_normal_is_fitted_to_the_window() -> None:
    p10, p50, p90 = FIRST + days(1000), FIRST + days(2000), FIRST + days(4000)
    fitted = touchup_lognormal(FIRST, p10, p50, p90)
    assert fitted is not None
    median, sigma = fitted
    assert median == 2000.0
    assert sigma == pytest.approx(math.log(4000 / 1000) / (2 * 1.2815515655446004))
    # the median splits it in two halves; all of time holds all of it
    before = touchup_probability(FIRST, p10, p50, p90, FIRST, p50 - days(1))
    assert before == pytest.approx(0.5)
    assert touchup_probability(FIRST, p10, p50, p90, FIRST, FIRST + days(400_000)) == (
        pytest.approx(1.0, abs=1e-9)
    )
    # the window is symmetric in the logarithm: 1 in 10 before the P10, 1 in 10 after the P90
    early = touchup_probability(FIRST, p10, p50, p90, FIRST, p10 - days(1))
    late = touchup_probability(FIRST, p10, p50, p90, p90, FIRST + days(400_000))
    assert early == pytest.approx(0.1, abs=1e-9)
    assert late == pytest.approx(0.1, abs=1e-3)


def test_no_median_no_chance_and_a_single_day_is_certain() -> None:
    end = FIRST + days(100_000)
    assert touchup_probability(FIRST, FIRST + days(3000), None, None, FIRST, end) == 0.0
    assert touchup_lognormal(FIRST, None, None, None) is None
    on = FIRST + days(2000)
    assert touchup_probability(FIRST, on, on, on, on, on) == 1.0
    assert touchup_probability(FIRST, on, on, on, on + days(1), end) == 0.0
    assert touchup_probability(FIRST, on, on, on, FIRST, on - days(1)) == 0.0
    # an empty span
    assert touchup_probability(FIRST, on, on, on, on, on - days(1)) == 0.0


def test_the_window_in_words() -> None:
    text = due_window_text(dt.date(2031, 3, 2), dt.date(2031, 7, 1), dt.date(2031, 11, 20))
    assert text == "likely due between March and November 2031, median July 2031"
    same = due_window_text(dt.date(2031, 7, 2), dt.date(2031, 7, 10), dt.date(2031, 7, 20))
    assert same == "likely due in July 2031"


# --- who is due -------------------------------------------------------------------


def put_forecast(
    session: Session,
    client: Client,
    window: tuple[dt.date | None, dt.date | None, dt.date | None],
    *,
    first: dt.date = FIRST,
    personal: bool = False,
) -> None:
    """A cached forecast with chosen dates (as refresh_forecasts writes them)."""
    session.add(
        ForecastCache(
            client_id=client.id,
            clinic_id=client.clinic_id,
            model_version=__version__,
            inputs_sha256="0" * 64,
            computed_at=NOW,
            p10=window[0],
            p50=window[1],
            p90=window[2],
            personal=personal,
            summary={"first_session": first.isoformat(), "personal": personal},
        )
    )
    session.flush()


def test_due_ranks_the_clients_by_their_chance(records: Database) -> None:
    year = (dt.date(2031, 1, 1), dt.date(2031, 12, 31))
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        people = {ref: new_client(session, clinic, ref) for ref in ("A", "B", "C", "D", "E")}
        put_forecast(
            session,
            people["A"],
            (dt.date(2029, 1, 1), dt.date(2031, 6, 1), dt.date(2034, 1, 1)),
            personal=True,
        )
        put_forecast(  # narrower, centred on the span: the likeliest
            session, people["B"], (dt.date(2030, 9, 1), dt.date(2031, 7, 1), dt.date(2032, 5, 1))
        )
        put_forecast(  # the span is in its early tail
            session, people["C"], (dt.date(2031, 10, 1), dt.date(2033, 6, 1), dt.date(2036, 1, 1))
        )
        put_forecast(  # long after the span: below the least chance listed
            session, people["D"], (dt.date(2040, 1, 1), dt.date(2045, 1, 1), dt.date(2050, 1, 1))
        )
        put_forecast(session, people["E"], (None, None, None))  # none forecast
        add_session(
            session,
            course=course_of(session, people["A"]),
            date=dt.date(2027, 5, 1),
            kind="touch-up",
            actor=ACTOR,
            now=NOW,
        )
        rows = due_clients(session, clinic_id=clinic.id, start=year[0], end=year[1], today=TODAY)
        again = due_clients(session, clinic_id=clinic.id, start=year[0], end=year[1], today=TODAY)
    assert [r.client_ref for r in rows] == ["B", "A", "C"]
    assert rows == again
    chances = [r.probability for r in rows]
    assert chances == sorted(chances, reverse=True)
    assert all(c >= least_chance(*year) for c in chances)
    b, a, c = rows
    assert b.probability == pytest.approx(
        touchup_probability(FIRST, b.p10, b.p50, b.p90, year[0], year[1])
    )
    assert a.personal is True and b.personal is False
    assert (a.next_booked, a.next_booked_kind) == (dt.date(2027, 5, 1), "touch-up")
    assert b.next_booked is None
    assert a.contacts == "a@example.org, +44 161 000 0000"
    assert (a.p10, a.p50, a.p90) == (dt.date(2029, 1, 1), dt.date(2031, 6, 1), dt.date(2034, 1, 1))
    assert c.name == "Client C"


def test_due_after_a_real_refresh(records: Database) -> None:
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        client = new_client(session, clinic, "C-001")
        refresh(session, clinic)
        row = cache_of(session, client)
        assert row.p50 is not None
        start, end = row.p50 - days(90), row.p50 + days(90)
        found = due_clients(session, clinic_id=clinic.id, start=start, end=end)
    assert [r.client_ref for r in found] == ["C-001"]
    assert found[0].probability == pytest.approx(
        touchup_probability(dt.date(2024, 3, 1), row.p10, row.p50, row.p90, start, end)
    )
    assert 0.05 < found[0].probability < 1.0


def test_a_span_that_ends_before_it_starts_is_refused(records: Database) -> None:
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        for reminder in (due_clients, perfecting_due):
            with pytest.raises(InputError, match=r"^start: must be on or before the end"):
                reminder(
                    session, clinic_id=clinic.id, start=dt.date(2027, 2, 1), end=dt.date(2027, 1, 1)
                )


# --- the perfecting reminder ------------------------------------------------------

INITIAL = dt.date(2026, 9, 1)


def test_the_perfecting_session_is_due_6_to_8_weeks_after_the_initial(records: Database) -> None:
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        new_client(session, clinic, "C-001", sessions=((INITIAL, "initial"),))
        listed = {}
        for offset in (41, 42, 49, 56, 57):
            day = INITIAL + days(offset)
            rows = perfecting_due(session, clinic_id=clinic.id, start=day, end=day)
            listed[offset] = [r.client_ref for r in rows]
        wide = perfecting_due(
            session, clinic_id=clinic.id, start=INITIAL + days(20), end=INITIAL + days(42)
        )
        late = perfecting_due(
            session, clinic_id=clinic.id, start=INITIAL + days(57), end=INITIAL + days(90)
        )
    assert listed == {41: [], 42: ["C-001"], 49: ["C-001"], 56: ["C-001"], 57: []}
    assert [r.client_ref for r in wide] == ["C-001"]
    row = wide[0]
    assert (row.initial, row.due_from, row.due_until) == (
        INITIAL,
        INITIAL + days(42),
        INITIAL + days(56),
    )
    assert late == []


def test_a_perfecting_session_since_ends_the_reminder(records: Database) -> None:
    span = (INITIAL + days(42), INITIAL + days(56))
    with records.transaction() as session:
        clinic, _ = new_clinic(session)
        new_client(  # perfected already
            session,
            clinic,
            "C-001",
            sessions=((INITIAL, "initial"), (INITIAL + days(30), "perfecting")),
        )
        new_client(  # a perfecting session booked: the clinic has seen to it
            session,
            clinic,
            "C-002",
            sessions=((INITIAL, "initial"), (dt.date(2027, 1, 3), "perfecting")),
        )
        new_client(session, clinic, "C-003", sessions=((INITIAL + days(1), "initial"),))
        # a booked visit of another kind does not end it: it is shown
        new_client(
            session,
            clinic,
            "C-004",
            sessions=((INITIAL, "initial"), (dt.date(2027, 1, 5), "touch-up")),
        )
        rows = perfecting_due(session, clinic_id=clinic.id, start=span[0], end=span[1], today=TODAY)
    assert [(r.client_ref, r.next_booked, r.next_booked_kind) for r in rows] == [
        ("C-004", dt.date(2027, 1, 5), "touch-up"),
        ("C-003", None, None),
    ]
    assert rows[1].contacts == "c-003@example.org, +44 161 000 0000"


# --- one clinic's records only ----------------------------------------------------


def test_another_clinics_clients_never_appear(records: Database) -> None:
    with records.transaction() as session:
        north, _ = new_clinic(session, "Northern SMP")
        south, _ = new_clinic(session, "Southern SMP")
        mine = new_client(session, north, "C-001")
        theirs = new_client(session, south, "C-001")  # the same reference, elsewhere
        new_client(session, south, "S-002", sessions=((INITIAL, "initial"),))
        refreshed = refresh(session, north)
        assert refreshed.clients == 1
        assert session.get(ForecastCache, theirs.id) is None
        refresh(session, south)
        row = cache_of(session, mine)
        assert row.clinic_id == north.id
        assert row.p50 is not None
        span = (row.p50 - days(200), row.p50 + days(200))
        due = due_clients(session, clinic_id=north.id, start=span[0], end=span[1])
        assert [r.client_id for r in due] == [mine.id]
        elsewhere = due_clients(session, clinic_id=south.id, start=span[0], end=span[1])
        assert theirs.id in {r.client_id for r in elsewhere}
        assert mine.id not in {r.client_id for r in elsewhere}
        day = INITIAL + days(45)
        assert perfecting_due(session, clinic_id=north.id, start=day, end=day) == []
        assert [
            r.client_ref for r in perfecting_due(session, clinic_id=south.id, start=day, end=day)
        ] == ["S-002"]
        # refreshing one clinic leaves the other's forecasts alone
        computed = cache_of(session, theirs).computed_at
        refresh(session, north, samples=SAMPLES + 5, minutes=9)
        assert cache_of(session, theirs).computed_at == computed
