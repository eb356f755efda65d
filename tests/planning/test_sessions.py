"""Tests of the plan's sessions draw by draw (fadecast.planning.sessions, .schedule, .draws)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.errors import InputError
from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.detection import time_grid
from fadecast.forecasting.params import Params
from fadecast.forecasting.scenario import Scenario, scenario_from_profile
from fadecast.inputs.profile import Goals, Hair, Profile, load_profile
from fadecast.planning.draws import (
    HAIR_LOSS_STREAM,
    RESAMPLING_STREAM,
    personal_draws,
    stream,
)
from fadecast.planning.schedule import planned_sessions
from fadecast.planning.sessions import (
    GOAL_LABELS,
    MAX_UNTIL_AGE,
    PLAN_STEP_YEARS,
    SESSION_KINDS,
    DesignSession,
    PlanSpan,
    SessionTimes,
    design_session_times,
    design_sessions,
    extension_sessions,
    plan_grid,
    plan_span,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)


def office_worker() -> Profile:
    return load_profile(EXAMPLES / "temperate-office-worker.toml", today=TODAY)


def office_scenario() -> Scenario:
    return scenario_from_profile(office_worker(), today=TODAY)


# ----------------------------------------------------------------------------- span, grid


def test_the_span_runs_from_today_to_the_age() -> None:
    sc = office_scenario()
    span = plan_span(sc, TODAY, 75)
    assert span.today_years == pytest.approx((TODAY - sc.first_session).days / 365.25, abs=0.01)
    assert span.horizon_years == pytest.approx(75 - sc.age_at_first_session())


def test_a_span_shorter_than_a_year_or_past_the_oldest_age_is_refused() -> None:
    sc = office_scenario()
    age_today = sc.age_at_first_session() + plan_span(sc, TODAY, 75).today_years
    for until_age in (age_today + 0.5, age_today - 3.0, MAX_UNTIL_AGE + 1):
        with pytest.raises(InputError, match="until_age"):
            plan_span(sc, TODAY, until_age)


def test_a_course_still_to_come_starts_the_span_at_zero() -> None:
    sc = office_scenario()
    assert plan_span(sc, sc.first_session - dt.timedelta(days=30), 75).today_years == 0.0


@settings(max_examples=50, deadline=None)
@given(
    last=st.floats(min_value=0.0, max_value=30.0),
    length=st.floats(min_value=1.01, max_value=90.0),
)
def test_the_plan_grid_holds_the_forecasts_grid_and_quarter_years_to_the_horizon(
    last: float, length: float
) -> None:
    horizon = last + length
    grid = plan_grid(last, horizon)
    assert np.all(np.diff(grid) > 0.0)
    assert grid[-1] == pytest.approx(horizon, abs=1e-9) and grid[0] >= 0.0
    forecast = time_grid(last, horizon)
    forecast = forecast[forecast <= horizon]
    assert np.isin(np.round(forecast, 10), grid).all()
    later = grid[(grid >= 15.0) & (grid < horizon)]
    assert np.all(np.diff(later) <= PLAN_STEP_YEARS + 1e-9)


# ----------------------------------------------------------------------------- extensions


def test_no_hair_section_means_no_extensions_and_no_paths() -> None:
    sc = office_scenario()
    ext = extension_sessions(
        sc, None, plan_span(sc, TODAY, 75), rng=stream(0, HAIR_LOSS_STREAM), draws=20
    )
    assert ext.times.shape == (20, 0)
    assert ext.stage_paths is None and ext.median_stage_at_horizon() is None


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_extensions_come_mid_year_in_stage_order_within_the_span(seed: int) -> None:
    sc = office_scenario()
    span = plan_span(sc, TODAY, 75)
    hair = Hair(stage=2, family_history=True)
    ext = extension_sessions(sc, hair, span, rng=stream(seed, HAIR_LOSS_STREAM), draws=200)
    assert ext.stage_paths is not None
    times = ext.times
    finite = np.isfinite(times)
    assert times.shape[1] >= 1 and finite.any()
    assert np.all(times[finite] >= span.today_years) and np.all(times[finite] <= span.horizon_years)
    # Mid-year: half a year past a whole number of years from today.
    offsets = (times[finite] - span.today_years) % 1.0
    np.testing.assert_allclose(offsets, 0.5, atol=1e-9)
    # A higher stage is never reached before a lower one.
    rows = np.where(finite, times, np.nan)
    gaps = np.diff(rows, axis=1)
    assert np.all(gaps[~np.isnan(gaps)] >= 0.0)
    assert np.all(finite[:, 1:] <= finite[:, :-1])
    # The paths only go up from today's stage.
    assert np.all(ext.stage_paths >= hair.stage)
    assert np.all(np.diff(ext.stage_paths, axis=1) >= 0)


def test_a_treated_area_at_the_last_stage_needs_no_extension() -> None:
    sc = office_scenario()
    span = plan_span(sc, TODAY, 75)
    hair = Hair(stage=3, treated_stage=7, family_history=True)
    ext = extension_sessions(sc, hair, span, rng=stream(0, HAIR_LOSS_STREAM), draws=50)
    assert ext.times.shape == (50, 0)
    assert ext.stage_paths is not None


# ----------------------------------------------------------------------------- design


def test_design_sessions_keep_the_wishes_within_the_span_in_time_order() -> None:
    sc = office_scenario()
    span = plan_span(sc, TODAY, 75)
    age0 = sc.age_at_first_session()
    goals = Goals(mature_hairline_age=60, added_density_age=45, side_profile_age=20)
    design = design_sessions(sc, goals, span)
    # The side profile at 20 is in the past: it is not planned.
    assert [s.reason for s in design] == [
        GOAL_LABELS["added_density_age"],
        GOAL_LABELS["mature_hairline_age"],
    ]
    assert [round(age0 + s.years, 6) for s in design] == [45.0, 60.0]
    times = design_session_times(design, 7)
    assert times.shape == (7, 2) and np.all(times == [s.years for s in design])
    assert design_sessions(sc, Goals(), span) == ()


# ----------------------------------------------------------------------------- schedule


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(10, 60),
    k=st.integers(0, 4),
    m=st.integers(0, 3),
)
def test_the_schedule_lists_each_kinds_sessions_in_order_of_their_p50(
    seed: int, n: int, k: int, m: int
) -> None:
    rng = np.random.default_rng(seed)
    horizon = 40.0

    def padded(columns: int) -> np.ndarray:
        raw = np.cumsum(rng.uniform(0.25, 15.0, (n, columns)), axis=1)
        return np.where(raw <= horizon, raw, np.inf)

    design = (DesignSession("added density", 12.0),)
    times = SessionTimes(padded(k), padded(m), design_session_times(design, n))
    sessions = planned_sessions(times, design, horizon)
    p50 = [s.p50_years for s in sessions]
    assert p50 == sorted(p50)
    assert {s.kind for s in sessions} <= set(SESSION_KINDS)
    for s in sessions:
        assert 0.0 < s.share <= 1.0
        assert s.p10_years <= s.p50_years <= s.p90_years
    fade = [s for s in sessions if s.kind == "fade"]
    assert [s.number for s in fade] == list(range(1, len(fade) + 1))
    assert len(fade) == int(np.isfinite(times.fade).any(axis=0).sum())
    assert sum(s.kind == "extension" for s in sessions) == m
    assert [s.share for s in sessions if s.kind == "design"] == [1.0]


# ----------------------------------------------------------------------------- draws


def test_streams_are_reproducible_and_independent() -> None:
    a = stream(3, HAIR_LOSS_STREAM).random(5)
    np.testing.assert_array_equal(a, stream(3, HAIR_LOSS_STREAM).random(5))
    assert not np.array_equal(a, stream(3, RESAMPLING_STREAM).random(5))
    assert not np.array_equal(a, stream(4, HAIR_LOSS_STREAM).random(5))


def test_without_measurements_the_plan_keeps_the_forecasts_draws() -> None:
    sc = office_scenario()
    params = Params.sampled(30, 0)
    draws = personal_draws(sc, params, ModelCache(params.central), seed=0)
    assert draws.params is params and draws.effective_sample_size is None


def test_a_span_is_plain_data() -> None:
    assert PlanSpan(1.0, 2.0) == PlanSpan(today_years=1.0, horizon_years=2.0)
