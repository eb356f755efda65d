"""The sessions of a plan, draw by draw: fade-driven touch-ups, extensions and design.

Three kinds of session follow the course:

- **fade**: when a draw's look (the lower of the mean tone's contrast and the dots'
  definition, :attr:`~fadecast.forecasting.chain.ContrastCurves.look`) falls below the
  touch-up level (or a
  photolabile pigment has discoloured past acceptability), the draw gets a session; its
  pigment is added to what is left, and detection starts again once it has healed. The
  intervals follow from the model, draw by draw, not from a fixed cycle
  (:func:`fade_sessions`).
- **extension**: when a draw's hair loss (:mod:`fadecast.planning.hair`) moves past the
  treated stage, the new area is tattooed in a session in the middle of that year
  (:func:`extension_sessions`).
- **design**: the client's wishes in ``[goals]``, one session at each chosen age
  (:func:`design_sessions`).

Every session deposits pigment over the treated area as a course session does, so all
three restore the fading. The first fade-driven touch-up is the forecast's. Times are in
years since the first session, per draw, in arrays of shape ``(n, k)`` padded with ``inf``
where a draw has fewer than ``k`` sessions before the horizon.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.errors import InputError
from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.chain import (
    ClearanceRates,
    PigmentLoad,
    clearance_rates,
    contrast_of_dots,
    course_load,
    dot_state,
    kinetic_inputs,
    scalp_exposure,
    session_deposit,
)
from fadecast.forecasting.detection import detection, first_crossing, time_grid
from fadecast.forecasting.params import Params
from fadecast.forecasting.personal import measured_due_years
from fadecast.forecasting.scenario import DAYS_PER_YEAR, Scenario
from fadecast.inputs.profile import MAX_AGE_YEARS, Goals, Hair
from fadecast.planning import hair
from fadecast.skin import kinetics

__all__ = [
    "GOAL_LABELS",
    "MAX_FADE_SESSIONS",
    "MAX_UNTIL_AGE",
    "PLAN_STEP_YEARS",
    "SESSION_KINDS",
    "DesignSession",
    "ExtensionSessions",
    "FadeCourse",
    "FadeSetting",
    "PlanSpan",
    "SessionTimes",
    "design_session_times",
    "design_sessions",
    "extension_sessions",
    "fade_course",
    "fade_sessions",
    "plan_grid",
    "plan_span",
    "scenario_rates",
]

Array = NDArray[np.float64]

#: The kinds of session a plan holds, in the order counts and costs list them.
SESSION_KINDS: tuple[str, ...] = ("fade", "extension", "design")
#: The reason of each design wish in ``[goals]``, by field, in the order they are read.
GOAL_LABELS: Mapping[str, str] = {
    "mature_hairline_age": "a more mature hairline",
    "added_density_age": "added density",
    "side_profile_age": "a changed side profile",
}
#: Grid step of the plan beyond the forecast's own grid (which is fine up to 15 years). [yr]
PLAN_STEP_YEARS = 0.25
#: Safety bound on fade-driven touch-ups per draw (each needs healing plus fading).
MAX_FADE_SESSIONS = 200
#: Oldest age a plan may run to, as for a profile's birth year. [yr]
MAX_UNTIL_AGE = MAX_AGE_YEARS


@dataclass(frozen=True)
class PlanSpan:
    """The stretch of time a plan covers, in years since the first session.

    Attributes
    ----------
    today_years
        The day the plan is made (0 for a course that has not started). [yr]
    horizon_years
        The plan's horizon, the age it runs to. [yr]
    """

    today_years: float
    horizon_years: float


def plan_span(sc: Scenario, today: dt.date, until_age: float) -> PlanSpan:
    """The span of a plan made ``today`` until the age ``until_age``.

    Parameters
    ----------
    sc
        The client's scenario.
    today
        The day the plan is made.
    until_age
        The age the plan runs to. [yr]

    Returns
    -------
    PlanSpan

    Raises
    ------
    InputError
        If ``until_age`` is not more than a year after the client's age today, or is over
        :data:`MAX_UNTIL_AGE`.
    """
    age0 = sc.age_at_first_session()
    today_years = max((today - sc.first_session).days / DAYS_PER_YEAR, 0.0)
    horizon_years = float(until_age) - age0
    age_today = age0 + today_years
    if not (horizon_years > today_years + 1.0 and until_age <= MAX_UNTIL_AGE):
        raise InputError(
            "until_age",
            f"must be an age more than a year from the client's age today "
            f"({age_today:.1f}) and at most {MAX_UNTIL_AGE}, got {until_age:g}",
        )
    return PlanSpan(today_years=today_years, horizon_years=horizon_years)


def plan_grid(last_session_years: float, horizon_years: float) -> Array:
    """The times a plan reads the model at: the forecast's grid up to 15 years, then
    every :data:`PLAN_STEP_YEARS` to the horizon.

    Parameters
    ----------
    last_session_years
        The last recorded session. [yr]
    horizon_years
        The plan's horizon. [yr]

    Returns
    -------
    ndarray
        Sorted, distinct times up to and including the horizon. [yr]

    Examples
    --------
    >>> grid = plan_grid(0.1, 30.0)
    >>> float(grid[-1]), bool((grid[grid > 15.0] % 0.25 == 0.0).all())
    (30.0, True)
    """
    grid = time_grid(last_session_years, horizon_years)
    grid = grid[grid <= horizon_years]
    later = np.arange(15.0, horizon_years, PLAN_STEP_YEARS)
    return np.unique(np.round(np.concatenate([grid, later, [horizon_years]]), 10))


def scenario_rates(sc: Scenario, params: Params, cache: ModelCache) -> ClearanceRates:
    """Clearance and photolysis rates of a scenario's draws, from its scalp exposure."""
    expo = scalp_exposure(sc, params, cache)
    return clearance_rates(sc, params, expo.dermal, cache, placement=sc.placement)


@dataclass(frozen=True)
class FadeSetting:
    """What every run of the fade-driven touch-ups of one plan shares.

    Attributes
    ----------
    params
        The draws (the forecast's, resampled by photo measurements if any).
    cache
        The model's tables for the draws' central values.
    span
        The plan's span of time.
    other_sessions
        The draws' extension and design sessions, shape ``(n, m)``, inf-padded: they add
        pigment too. [yr]
    """

    params: Params
    cache: ModelCache
    span: PlanSpan
    other_sessions: Array


def _rows(mapping: Mapping[str, Any], rows: NDArray[np.intp], n: int) -> dict[str, Any]:
    """Per-draw arrays (first axis ``n``) of a mapping restricted to some draws."""
    return {
        k: (v[rows] if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == n else v)
        for k, v in mapping.items()
    }


@dataclass(frozen=True)
class FadeCourse:
    """The fade-driven touch-ups of a plan and the pigment every session leaves.

    Attributes
    ----------
    times
        Touch-up times per draw, shape ``(n, K)``, inf-padded. [yr]
    grid
        The plan's model times, shape ``(T,)``. [yr]
    load
        The pigment of the course, the other sessions and the touch-ups together on
        ``grid`` (:class:`~fadecast.forecasting.chain.PigmentLoad`).
    """

    times: Array
    grid: Array
    load: PigmentLoad


def fade_sessions(sc: Scenario, setting: FadeSetting, rates: ClearanceRates) -> Array:
    """Fade-driven touch-up times per draw, shape ``(n, K)``, inf-padded
    (:attr:`FadeCourse.times` of :func:`fade_course`). [yr]"""
    return fade_course(sc, setting, rates).times


def fade_course(sc: Scenario, setting: FadeSetting, rates: ClearanceRates) -> FadeCourse:
    """Fade-driven touch-ups per draw, and the pigment all the plan's sessions leave.

    A draw's touch-up falls due when its look (the lower of the mean tone's contrast and
    the dots' definition) crosses the touch-up level (or a
    photolabile pigment's drift passes acceptability), from the time its last session has
    healed; each one adds a session's pigment. A photo that already showed the look clearly
    below the level (:func:`fadecast.forecasting.personal.measured_due_years`) makes the
    first one due by then at the latest. A touch-up that fell due before today has not
    happened (it would be among the profile's sessions), so it is due today.

    Parameters
    ----------
    sc
        The client's scenario, its horizon the plan's.
    setting
        Draws, tables, span and the other sessions of the plan.
    rates
        The draws' clearance and photolysis rates (:func:`scenario_rates`).

    Returns
    -------
    FadeCourse
        The k-th touch-up of each draw in column k of its times (a draw's times increase
        along the row and ``inf`` follows its last one before the horizon) [yr], and the
        pigment of every session on the plan's grid.
    """
    params, cache = setting.params, setting.cache
    horizon_years, today_years = setting.span.horizon_years, setting.span.today_years
    central = params.central
    n = params.samples
    placement = sc.placement
    det = detection(sc, cache)
    times = plan_grid(float(sc.session_years()[-1]), horizon_years)
    course = course_load(sc, params, rates, times, cache, placement=placement)
    per_component = course.per_component.copy()
    age_weighted = course.mean_age * per_component.sum(axis=1)
    sharp = course.sharp.copy()
    inputs = kinetic_inputs(sc, params, rates, cache, placement=placement)
    deposit = session_deposit(sc, params, cache)
    for column in setting.other_sessions.T:
        if np.isfinite(column).any():
            load, weighted, sharp_load = kinetics.session_load(times, column, deposit, **inputs)
            per_component += load
            age_weighted += weighted
            sharp += sharp_load
    healed_after = central["healed_after_years"]
    acceptable = central["acceptability_delta_e00"]
    start = np.full(n, det.healed_years)
    active = np.arange(n)
    found: list[Array] = []
    measured_due = measured_due_years(sc, det.target)

    def due_in_window(rows: NDArray[np.intp], first: int) -> Array:
        """When each of ``rows`` first falls due from ``times[first]`` on, else inf."""
        window = times[first:]
        loads = per_component[rows, :, first:]
        mean_age = kinetics.load_mean_age(age_weighted[rows, first:], loads.sum(axis=1))
        state = dot_state(
            sc,
            params.rows(rows),
            PigmentLoad(loads, mean_age, sharp[rows, first:]),
            cache,
            placement=placement,
        )
        curves = contrast_of_dots(sc, state, cache, placement=placement, closeup=False)
        due = first_crossing(window, curves.look, det.level, start[rows])
        if curves.drift is not None:
            shifted = first_crossing(window, -curves.drift, -acceptable, start[rows])
            due = np.minimum(due, shifted)
        return np.asarray(due, dtype=np.float64)

    while active.size and len(found) < MAX_FADE_SESSIONS:
        # Only times from the last grid point at or before the earliest start matter:
        # the crossing interpolates from there, and the model is pointwise in time.
        first = max(int(np.searchsorted(times, start[active].min(), side="right")) - 1, 0)
        due = due_in_window(active, first)
        if not found and measured_due is not None:
            # A photo already showed the look below the level: due by then at the latest.
            due = np.minimum(due, measured_due)
        due = np.where(due <= horizon_years, np.maximum(due, today_years), np.inf)
        column = np.full(n, np.inf)
        column[active] = due
        found.append(column)
        more = np.isfinite(due)
        if not more.any():
            break
        rows = active[more]
        # A session adds nothing before it: only later times are computed.
        after = int(np.searchsorted(times, due[more].min()))
        load, weighted, sharp_load = kinetics.session_load(
            times[after:], due[more], deposit[rows], **_rows(inputs, rows, n)
        )
        per_component[rows, :, after:] += load
        age_weighted[rows, after:] += weighted
        sharp[rows, after:] += sharp_load
        start[rows] = due[more] + healed_after
        active = rows
    total = per_component.sum(axis=1)
    return FadeCourse(
        times=np.stack(found, axis=1) if found else np.full((n, 0), np.inf),
        grid=times,
        load=PigmentLoad(per_component, kinetics.load_mean_age(age_weighted, total), sharp),
    )


@dataclass(frozen=True)
class ExtensionSessions:
    """Area-extension sessions per draw and the hair-loss paths they follow.

    Attributes
    ----------
    times
        Session times, shape ``(n, m)``, one column per stage past the treated area that
        some draw reaches before the horizon, inf-padded. [yr]
    stage_paths
        Each draw's stage at the end of each whole year from today, shape ``(n, years)``;
        None without ``[hair]``. [stage]
    """

    times: Array
    stage_paths: NDArray[np.int_] | None

    def median_stage_at_horizon(self) -> float | None:
        """P50 over draws of the stage in the plan's last year (None without paths)."""
        if self.stage_paths is None or self.stage_paths.shape[1] == 0:
            return None
        return float(np.median(self.stage_paths[:, -1]))


def extension_sessions(
    sc: Scenario,
    hair_profile: Hair | None,
    span: PlanSpan,
    *,
    rng: np.random.Generator,
    draws: int,
) -> ExtensionSessions:
    """Area-extension sessions per draw, from sampled hair-loss paths.

    Parameters
    ----------
    sc
        The client's scenario.
    hair_profile
        The profile's ``[hair]``, or None (no extensions, no paths).
    span
        The plan's span; paths are sampled year by year from today.
    rng
        Source of the paths' randomness.
    draws
        Number of paths, one per Monte Carlo draw.

    Returns
    -------
    ExtensionSessions
        A stage past the treated area first reached in year k is covered in the middle of
        year k.
    """
    if hair_profile is None:
        return ExtensionSessions(np.full((draws, 0), np.inf), None)
    today_years, horizon_years = span.today_years, span.horizon_years
    model = hair.hair_loss_model(hair_profile.scale)
    years = max(math.ceil(horizon_years - today_years), 0)
    age_today = sc.age_at_first_session() + today_years
    paths = hair.sample_stages(
        model,
        hair_profile.stage,
        age_today,
        years,
        family_history=hair_profile.family_history,
        rng=rng,
        draws=draws,
    )
    treated = hair_profile.treated_stage if hair_profile.treated_stage is not None else 0
    treated = max(treated, hair_profile.stage)
    # A stage past the treated area, first reached in year k, is covered mid-year k.
    when = today_years + np.arange(years) + 0.5
    columns = []
    for stage in range(treated + 1, model.last_stage + 1):
        reached = paths >= stage
        first = np.where(reached.any(axis=1), np.argmax(reached, axis=1), -1)
        times = np.where(first >= 0, when[np.maximum(first, 0)], np.inf)
        times = np.where(times <= horizon_years, times, np.inf)
        if np.isfinite(times).any():
            columns.append(times)
    if not columns:
        return ExtensionSessions(np.full((draws, 0), np.inf), paths)
    return ExtensionSessions(np.stack(columns, axis=1), paths)


@dataclass(frozen=True)
class DesignSession:
    """One design session from the client's goals.

    Attributes
    ----------
    reason
        The wish, for people (a value of :data:`GOAL_LABELS`).
    years
        When, since the first session; the same for every draw. [yr]
    """

    reason: str
    years: float


def design_sessions(sc: Scenario, goals: Goals, span: PlanSpan) -> tuple[DesignSession, ...]:
    """The design sessions of the goals that fall from today to the horizon, in time order.

    Parameters
    ----------
    sc
        The client's scenario (for the age at the first session).
    goals
        The profile's ``[goals]``: an age per wish, or None.
    span
        The plan's span.

    Returns
    -------
    tuple of DesignSession
        Sorted by time; wishes at the same age keep the order of :data:`GOAL_LABELS`.
    """
    out = []
    age0 = sc.age_at_first_session()
    for field, label in GOAL_LABELS.items():
        age = getattr(goals, field)
        if age is None:
            continue
        years = float(age) - age0
        if span.today_years <= years <= span.horizon_years:
            out.append(DesignSession(label, years))
    return tuple(sorted(out, key=lambda session: session.years))


def design_session_times(design: tuple[DesignSession, ...], draws: int) -> Array:
    """The design sessions' times for every draw, shape ``(draws, len(design))``. [yr]

    Examples
    --------
    >>> design_session_times((DesignSession("added density", 4.5),), 3).tolist()
    [[4.5], [4.5], [4.5]]
    >>> design_session_times((), 2).shape
    (2, 0)
    """
    return np.tile(np.array([s.years for s in design], dtype=np.float64), (draws, 1))


@dataclass(frozen=True)
class SessionTimes:
    """Every planned session per draw, by kind, each ``(n, k)`` and inf-padded. [yr]

    Attributes
    ----------
    fade
        Fade-driven touch-ups (:func:`fade_sessions`).
    extension
        Area extensions (:func:`extension_sessions`).
    design
        Design sessions (:func:`design_session_times`).
    """

    fade: Array
    extension: Array
    design: Array

    def by_kind(self) -> tuple[tuple[str, Array], ...]:
        """``(kind, times)`` for each kind, in the order of :data:`SESSION_KINDS`."""
        return (("fade", self.fade), ("extension", self.extension), ("design", self.design))
