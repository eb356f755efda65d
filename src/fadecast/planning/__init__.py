"""The lifetime plan: every touch-up until old age, why it comes, and what it costs.

:func:`plan` composes the steps, one module each:

- :mod:`~fadecast.planning.draws`: the forecast's draws, resampled by photo measurements,
  and the plan's random streams;
- :mod:`~fadecast.planning.sessions`: the plan's span and time grid, and the sessions draw
  by draw: fade-driven touch-ups, area extensions as hair loss
  (:mod:`~fadecast.planning.hair`) moves on, design sessions from ``[goals]``;
- :mod:`~fadecast.planning.schedule`: the k-th session of each kind over draws;
- :mod:`~fadecast.planning.costs`: counts and money per draw and their summary;
- :mod:`~fadecast.planning.whatifs`: what each aftercare habit
  (:mod:`~fadecast.planning.habits`) buys, on the same draws;
- :mod:`~fadecast.planning.permanence`: what remains without touch-ups;
- :mod:`~fadecast.planning.removal`: the Kirby–Desai laser-removal estimate;
- :mod:`~fadecast.planning.result`: :class:`PlanResult` (its JSON is in
  :mod:`fadecast.report.json`).

Every session deposits pigment over the treated area as a course session does, so all
three kinds restore the fading. The first fade-driven touch-up is the forecast's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np

from fadecast.forecasting import check_samples
from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.params import Params
from fadecast.forecasting.scenario import DAYS_PER_YEAR, scenario_from_profile
from fadecast.inputs.profile import Costs, Profile
from fadecast.planning.accumulation import accumulation
from fadecast.planning.costs import (
    Pricing,
    cost_summary,
    count_sessions,
    spend_by_kind,
)
from fadecast.planning.draws import HAIR_LOSS_STREAM, personal_draws, stream
from fadecast.planning.permanence import permanence
from fadecast.planning.removal import removal_outlook
from fadecast.planning.result import Permanence, PlannedSession, PlanResult, WhatIf
from fadecast.planning.schedule import planned_sessions
from fadecast.planning.sessions import (
    MAX_UNTIL_AGE,
    SESSION_KINDS,
    FadeSetting,
    SessionTimes,
    design_session_times,
    design_sessions,
    extension_sessions,
    fade_course,
    plan_span,
    scenario_rates,
)
from fadecast.planning.whatifs import FadeBaseline, weigh_habits

__all__ = [
    "DEFAULT_UNTIL_AGE",
    "MAX_UNTIL_AGE",
    "SESSION_KINDS",
    "Permanence",
    "PlanResult",
    "PlannedSession",
    "WhatIf",
    "default_until_age",
    "plan",
]

#: The plan's usual horizon, an age. [yr]
DEFAULT_UNTIL_AGE = 75


def default_until_age(profile: Profile, today: dt.date) -> float:
    """The plan's default horizon: age 75, or ten years ahead for a client over 65.

    Never beyond :data:`MAX_UNTIL_AGE`; for a client within a year of it no plan is
    possible and :func:`plan` says so.

    Parameters
    ----------
    profile
        The client.
    today
        The day the plan is made.

    Returns
    -------
    float
        An age, in whole years. [yr]

    Examples
    --------
    >>> import datetime
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> today = datetime.date(2026, 6, 1)
    >>> path = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> profile = load_profile(path, today=today)
    >>> default_until_age(profile, today)
    75.0
    >>> person = profile.person.model_copy(update={"birth_year": 1956})
    >>> default_until_age(profile.model_copy(update={"person": person}), today)  # aged 70
    80.0
    """
    sc = scenario_from_profile(profile, today=today)
    age_today = sc.age_at_first_session() + max((today - sc.first_session).days, 0) / DAYS_PER_YEAR
    return float(max(DEFAULT_UNTIL_AGE, min(math.ceil(age_today) + 10, MAX_UNTIL_AGE)))


def plan(
    profile: Profile,
    *,
    until_age: float = DEFAULT_UNTIL_AGE,
    samples: int = 2000,
    seed: int = 0,
    today: dt.date,
    costs: Costs | None = None,
    what_ifs: bool = True,
) -> PlanResult:
    """Plan every session until an age: fade-driven, hair-loss and design-driven.

    Parameters
    ----------
    profile
        The client, with optional ``[hair]``, ``[goals]`` and ``[costs]``.
    until_age
        The plan's horizon, an age. [yr]
    samples, seed
        Monte Carlo draws and seed, as for :func:`fadecast.forecast` (the same draws, so
        the first fade-driven touch-up is the forecast's); the hair-loss paths come from
        the same seed.
    today
        The date the plan is made.
    costs
        Prices to use instead of the profile's ``[costs]``.
    what_ifs
        Whether to weigh the aftercare habits of :mod:`fadecast.planning.habits` (each one
        more run of the fade-driven touch-ups, with the same draws).

    Returns
    -------
    PlanResult

    Raises
    ------
    InputError
        If ``until_age`` is not more than a year ahead or is over 110.
    ValueError
        If ``samples`` is out of range.

    Examples
    --------
    >>> import datetime
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> today = datetime.date(2026, 6, 1)
    >>> path = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> profile = load_profile(path, today=today)
    >>> result = plan(profile, until_age=60, samples=100, seed=0, today=today)
    >>> [s.kind for s in result.sessions[:2]]
    ['fade', 'fade']
    >>> int(result.counts["fade"][1])  # P50 of the fade-driven touch-ups until 60
    4
    >>> result.cost_summary.priced  # the example gives no prices
    False
    """
    check_samples(samples)
    forecast_draws = Params.sampled(samples, seed)
    sc = scenario_from_profile(profile, today=today, central=forecast_draws.central)
    span = plan_span(sc, today, until_age)
    sc = dataclasses.replace(sc, horizon_years=span.horizon_years)
    cache = ModelCache(forecast_draws.central)
    draws = personal_draws(sc, forecast_draws, cache, seed)
    params = draws.params

    extensions = extension_sessions(
        sc, profile.hair, span, rng=stream(seed, HAIR_LOSS_STREAM), draws=samples
    )
    design = design_sessions(sc, profile.goals, span)
    design_times = design_session_times(design, samples)
    setting = FadeSetting(
        params=params,
        cache=cache,
        span=span,
        other_sessions=np.concatenate([extensions.times, design_times], axis=1),
    )
    rates = scenario_rates(sc, params, cache)
    course = fade_course(sc, setting, rates)
    times = SessionTimes(fade=course.times, extension=extensions.times, design=design_times)

    counts = count_sessions(times)
    pricing = Pricing(
        costs=costs or profile.costs,
        stage_paths=extensions.stage_paths,
        today_years=span.today_years,
        present_stage=profile.hair.stage if profile.hair else 0,
    )
    spend = spend_by_kind(times, pricing)
    count_quantiles = counts.quantiles()
    weighed = (
        weigh_habits(
            profile, today, setting, pricing, FadeBaseline(times.fade, counts.fade, spend.fade)
        )
        if what_ifs
        else ()
    )
    removal = removal_outlook(sc, round(count_quantiles["total"][1]))
    return PlanResult(
        scenario=sc,
        samples=samples,
        seed=seed,
        today=today,
        until_age=float(until_age),
        horizon_years=span.horizon_years,
        today_years=span.today_years,
        sessions=planned_sessions(times, design, span.horizon_years),
        counts=count_quantiles,
        cost_summary=cost_summary(pricing.costs, spend),
        hair_scale=profile.hair.scale if profile.hair else None,
        stage_p50_at_horizon=extensions.median_stage_at_horizon(),
        fade_years=times.fade,
        what_ifs=weighed,
        permanence=permanence(sc, params, cache, rates),
        accumulation=accumulation(sc, setting, course),
        removal_now=removal.now,
        removal_at_horizon=removal.at_horizon,
        personal_effective_sample_size=draws.effective_sample_size,
    )
