"""The lifetime plan: every touch-up until old age, why it comes, and what it costs.

Three kinds of session follow the course:

- **fade**: when a draw's social-distance contrast falls below the touch-up level (or a
  photolabile pigment has discoloured past acceptability), the draw gets a session; its
  pigment is added to what is left, and detection starts again once it has healed. The
  intervals follow from the model, draw by draw, not from a fixed cycle.
- **extension**: when a draw's hair loss (:mod:`fadecast.planning.hair`) moves past the treated
  stage, the new area is tattooed in a session in the middle of that year.
- **design**: the client's wishes in ``[goals]``, one session at each chosen age.

Every session deposits pigment over the treated area as a course session does, so all
three restore the fading. The first fade-driven touch-up is the forecast's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.errors import InputError
from fadecast.forecasting import check_samples
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
from fadecast.forecasting.personal import (
    effective_sample_size,
    personal_weights,
    systematic_resample,
)
from fadecast.forecasting.run import simulate
from fadecast.forecasting.scenario import (
    DAYS_PER_YEAR,
    STANDARD_COURSE_DAYS,
    Scenario,
    scenario_from_profile,
)
from fadecast.forecasting.statistics import touchup_quantiles
from fadecast.inputs.profile import MAX_AGE_YEARS, Costs, Goals, Hair, Profile
from fadecast.planning import habits, hair, removal
from fadecast.skin import kinetics, tone

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

Array = NDArray[np.float64]

DEFAULT_UNTIL_AGE = 75
SESSION_KINDS: tuple[str, ...] = ("fade", "extension", "design")
GOAL_LABELS: Mapping[str, str] = {
    "mature_hairline_age": "a more mature hairline",
    "added_density_age": "added density",
    "side_profile_age": "a changed side profile",
}
#: Grid step of the plan beyond the forecast's own grid (which is fine up to 15 years). [yr]
_PLAN_STEP_YEARS = 0.25
#: Safety bound on fade-driven touch-ups per draw (each needs healing plus fading).
_MAX_FADE_SESSIONS = 200
#: Oldest age a plan may run to, as for a profile's birth year. [yr]
MAX_UNTIL_AGE = MAX_AGE_YEARS


@dataclass(frozen=True)
class PlannedSession:
    """One planned session: its kind, reason and date with its spread over draws."""

    kind: str  # fade | extension | design
    number: int  # 1 for the first of its kind, 2 for the second, ...
    reason: str
    p10_years: float  # since the first session; inf if beyond the horizon
    p50_years: float
    p90_years: float
    share: float  # share of draws that have this session before the horizon [1]


@dataclass(frozen=True)
class WhatIf:
    """What one aftercare habit buys, against the plan as it is (same draws)."""

    key: str
    label: str
    applicable: bool  # False when the client already has the habit
    years_added: float  # to the P50 of the next fade-driven touch-up [yr]
    at_least: bool  # the next touch-up moves past the horizon: years_added is a floor
    touchups_avoided: float  # mean over draws, until the horizon
    money_saved: float  # mean over draws (nan when sessions are not priced)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        money = round(self.money_saved, 2) if math.isfinite(self.money_saved) else None
        return {
            "habit": self.key,
            "label": self.label,
            "applicable": self.applicable,
            "years_added_to_next_touchup": round(self.years_added, 3),
            "years_added_is_a_floor": self.at_least,
            "touchups_avoided": round(self.touchups_avoided, 3),
            "money_saved": money,
        }


@dataclass(frozen=True)
class Permanence:
    """What remains of the recorded sessions with no touch-up ever again."""

    years: tuple[float, ...]  # after the last session [yr]
    delta_e00_p10: tuple[float, ...]  # social-distance contrast against bare skin [ΔE00]
    delta_e00_p50: tuple[float, ...]
    delta_e00_p90: tuple[float, ...]
    remaining_share_p50: tuple[float, ...]  # dermal pigment left, share of healed [1]
    fixed_share_p50: float  # share of healed pigment in the pool never cleared [1]
    perceptible_delta_e00: float  # contrast taken as perceptible [ΔE00]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "fixed_share_p50": round(self.fixed_share_p50, 3),
            "perceptible_delta_e00": self.perceptible_delta_e00,
            "after_last_session": [
                {
                    "years": y,
                    "delta_e00_p10": round(a, 2),
                    "delta_e00_p50": round(b, 2),
                    "delta_e00_p90": round(c, 2),
                    "visible_p50": b >= self.perceptible_delta_e00,
                    "remaining_share_p50": round(r, 3),
                }
                for y, a, b, c, r in zip(
                    self.years,
                    self.delta_e00_p10,
                    self.delta_e00_p50,
                    self.delta_e00_p90,
                    self.remaining_share_p50,
                    strict=True,
                )
            ],
        }


@dataclass(frozen=True)
class PlanResult:
    """A lifetime plan (see :func:`plan`)."""

    scenario: Scenario
    samples: int
    seed: int
    today: dt.date
    until_age: float
    horizon_years: float  # since the first session [yr]
    today_years: float  # today, since the first session [yr]
    sessions: tuple[PlannedSession, ...]
    counts: Mapping[str, tuple[float, float, float]]  # P10/P50/P90 per kind and "total"
    cost: Mapping[str, Any]  # currency, per-session prices, P10/P50/P90 total, mean by kind
    hair_scale: str | None
    stage_p50_at_horizon: float | None
    fade_years: Array  # (n, K) fade-driven touch-up times per draw, inf-padded [yr]
    what_ifs: tuple[WhatIf, ...]  # best first; not applicable ones last
    permanence: Permanence
    removal_now: removal.KirbyDesaiEstimate  # laser removal of what is there today
    removal_at_horizon: removal.KirbyDesaiEstimate  # ... after the plan's P50 sessions
    #: Effective sample size of the draws re-weighted by photo measurements, if any.
    personal_effective_sample_size: float | None = None

    def date_of(self, years: float) -> dt.date | None:
        """Calendar date of a time since the first session (None if beyond the horizon)."""
        if not math.isfinite(years) or years > self.horizon_years:
            return None
        return self.scenario.first_session + dt.timedelta(days=round(years * DAYS_PER_YEAR))

    def to_dict(self) -> dict[str, Any]:
        """The plan as plain data (JSON-ready)."""

        def num(x: float) -> float | None:
            return round(float(x), 3) if math.isfinite(x) else None

        def day(years: float) -> str | None:
            d = self.date_of(years)
            return d.isoformat() if d else None

        return {
            "until_age": self.until_age,
            "horizon_date": day(self.horizon_years),
            "samples": self.samples,
            "seed": self.seed,
            "sessions": [
                {
                    "kind": s.kind,
                    "number": s.number,
                    "reason": s.reason,
                    "share_of_draws": round(s.share, 3),
                    "p10_date": day(s.p10_years),
                    "p50_date": day(s.p50_years),
                    "p90_date": day(s.p90_years),
                    "p50_age": num(self.scenario.age_at_first_session() + s.p50_years),
                }
                for s in self.sessions
            ],
            "counts": {
                kind: {"p10": q[0], "p50": q[1], "p90": q[2]} for kind, q in self.counts.items()
            },
            "cost": dict(self.cost),
            "hair": (
                None
                if self.hair_scale is None
                else {"scale": self.hair_scale, "stage_p50_at_horizon": self.stage_p50_at_horizon}
            ),
            "what_ifs": [w.to_dict() for w in self.what_ifs],
            "permanence": self.permanence.to_dict(),
            "removal": {
                "now": self.removal_now.to_dict(),
                "at_horizon": self.removal_at_horizon.to_dict(),
            },
            "personal": None
            if self.personal_effective_sample_size is None
            else {
                "measurements": len(self.scenario.observations),
                "effective_sample_size": round(self.personal_effective_sample_size, 1),
            },
        }


def _plan_grid(last_session_yr: float, horizon_years: float) -> Array:
    """The forecast's grid up to 15 years, then quarter years to the horizon. [yr]"""
    grid = time_grid(last_session_yr, horizon_years)
    grid = grid[grid <= horizon_years]
    later = np.arange(15.0, horizon_years, _PLAN_STEP_YEARS)
    return np.unique(np.round(np.concatenate([grid, later, [horizon_years]]), 10))


def _rows(mapping: Mapping[str, Any], rows: NDArray[np.intp], n: int) -> dict[str, Any]:
    """Per-draw arrays (first axis ``n``) of a mapping restricted to some draws."""
    return {
        k: (v[rows] if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == n else v)
        for k, v in mapping.items()
    }


def _scenario_rates(sc: Scenario, params: Params, cache: ModelCache) -> ClearanceRates:
    """Clearance and photolysis rates of a scenario's draws (from its exposure)."""
    expo = scalp_exposure(sc, params, cache)
    return clearance_rates(sc, params, expo.dermal, cache, placement=sc.placement)


def _fade_sessions(
    sc: Scenario,
    params: Params,
    cache: ModelCache,
    *,
    rates: ClearanceRates,
    horizon_years: float,
    today_years: float,
    other_sessions: Array,
) -> Array:
    """Fade-driven touch-up times per draw, shape ``(n, K)``, inf-padded. [yr]

    ``other_sessions`` (``(n, m)``, inf-padded) are the draws' planned extension and
    design sessions: they add pigment too. A touch-up that fell due before today has not
    happened (it would be in the profile's sessions), so it is due today.
    """
    central = params.central
    n = params.samples
    placement = sc.placement
    det = detection(sc, cache)
    times = _plan_grid(float(sc.session_years()[-1]), horizon_years)
    course = course_load(sc, params, rates, times, cache, placement=placement)
    per_component = course.per_component.copy()
    age_weighted = course.mean_age * per_component.sum(axis=1)
    inputs = kinetic_inputs(sc, params, rates, cache, placement=placement)
    deposit = session_deposit(sc, params, cache)
    for column in other_sessions.T:
        if np.isfinite(column).any():
            load, weighted = kinetics.session_load(times, column, deposit, **inputs)
            per_component += load
            age_weighted += weighted
    healed_after = central["healed_after_years"]
    acceptable = central["acceptability_delta_e00"]
    start = np.full(n, det.healed_years)
    active = np.arange(n)
    found: list[Array] = []
    while active.size and len(found) < _MAX_FADE_SESSIONS:
        # Only times from the last grid point at or before the earliest start matter:
        # the crossing interpolates from there, and the model is pointwise in time.
        first = max(int(np.searchsorted(times, start[active].min(), side="right")) - 1, 0)
        window = times[first:]
        loads = per_component[active, :, first:]
        mean_age = kinetics.load_mean_age(age_weighted[active, first:], loads.sum(axis=1))
        state = dot_state(
            sc, params.rows(active), PigmentLoad(loads, mean_age), cache, placement=placement
        )
        curves = contrast_of_dots(sc, state, cache, placement=placement, closeup=False)
        due = first_crossing(window, curves.social, det.level, start[active])
        if curves.drift is not None:
            shifted = first_crossing(window, -curves.drift, -acceptable, start[active])
            due = np.minimum(due, shifted)
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
        load, weighted = kinetics.session_load(
            times[after:], due[more], deposit[rows], **_rows(inputs, rows, n)
        )
        per_component[rows, :, after:] += load
        age_weighted[rows, after:] += weighted
        start[rows] = due[more] + healed_after
        active = rows
    return np.stack(found, axis=1) if found else np.full((n, 0), np.inf)


def _extension_sessions(
    sc: Scenario,
    hair_profile: Hair | None,
    *,
    today_years: float,
    horizon_years: float,
    rng: np.random.Generator,
    draws: int,
) -> tuple[Array, NDArray[np.int_] | None]:
    """Area-extension session times per draw (inf-padded) and the stage paths."""
    if hair_profile is None:
        return np.full((draws, 0), np.inf), None
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
        return np.full((draws, 0), np.inf), paths
    return np.stack(columns, axis=1), paths


def _design_sessions(
    sc: Scenario, goals: Goals, *, today_years: float, horizon_years: float
) -> list[tuple[str, float]]:
    """Design-driven sessions from the goals: (reason, years since the first session)."""
    out = []
    age0 = sc.age_at_first_session()
    for field, label in GOAL_LABELS.items():
        age = getattr(goals, field)
        if age is None:
            continue
        years = float(age) - age0
        if today_years <= years <= horizon_years:
            out.append((label, years))
    return sorted(out, key=lambda item: item[1])


def _count_quantiles(counts: NDArray[Any]) -> tuple[float, float, float]:
    q = np.quantile(counts, [0.1, 0.5, 0.9])
    return float(q[0]), float(q[1]), float(q[2])


def _price_for_stage(costs: Costs, stage: NDArray[np.int_] | None, n: int) -> Array:
    """Price of a session per draw: by stage if a table is given, else the flat price."""
    if costs.price_by_stage and stage is not None:
        stages = np.array(sorted(costs.price_by_stage))
        prices = np.array([costs.price_by_stage[s] for s in stages])
        # The price of the highest listed stage at or below the covered one (or the lowest).
        idx = np.clip(np.searchsorted(stages, stage, side="right") - 1, 0, len(stages) - 1)
        return np.asarray(prices[idx], dtype=np.float64)
    flat = costs.price_per_session
    if flat is None and costs.price_by_stage:
        flat = costs.price_by_stage[min(costs.price_by_stage)]
    return np.full(n, float(flat) if flat is not None else math.nan)


def _stage_at(
    paths: NDArray[np.int_] | None, times: Array, today_years: float, present: int
) -> NDArray[np.int_] | None:
    """Hair-loss stage per draw at per-draw times (the year's end stage)."""
    if paths is None:
        return None
    year = np.clip(np.floor(times - today_years).astype(np.int64), -1, paths.shape[1] - 1)
    rows = np.arange(paths.shape[0])
    return np.where(year >= 0, paths[rows, np.maximum(year, 0)], present)


def _spend(
    times: Array,
    costs: Costs,
    paths: NDArray[np.int_] | None,
    today_years: float,
    present: int,
) -> Array:
    """Money spent per draw on sessions at ``times`` (``(n, m)``, inf-padded)."""
    n = times.shape[0]
    per_draw = np.zeros(n)
    for column in times.T:
        happened = np.isfinite(column)
        stage = _stage_at(paths, np.where(happened, column, today_years), today_years, present)
        per_draw += np.where(happened, _price_for_stage(costs, stage, n), 0.0)
    return per_draw


def _next_after(fade: Array, today_years: float, horizon_years: float) -> Array:
    """Per draw, the first fade-driven touch-up after today (the horizon if none). [yr]

    A touch-up due today (overdue) is not "next": the one after it is.
    """
    later = np.where(fade > today_years, fade, np.inf)
    first = later.min(axis=1) if later.shape[1] else np.full(fade.shape[0], np.inf)
    return np.asarray(np.minimum(first, horizon_years), dtype=np.float64)


@dataclass(frozen=True)
class _Setting:
    """What every run of a plan shares: draws, cache, horizon and the other sessions."""

    params: Params
    cache: ModelCache
    horizon_years: float
    today_years: float
    other_sessions: Array
    costs: Costs
    paths: NDArray[np.int_] | None
    present_stage: int


def _what_ifs(
    profile: Profile,
    today: dt.date,
    setting: _Setting,
    *,
    base_fade: Array,
    base_count: NDArray[np.int_],
    base_spend: Array,
) -> list[WhatIf]:
    """Each aftercare habit's effect on the fade-driven touch-ups, best first.

    ``base_count`` and ``base_spend`` are the plan's own fade-driven touch-ups per draw
    and their price.
    """
    horizon = setting.horizon_years
    base_next = _next_after(base_fade, setting.today_years, horizon)
    out: list[WhatIf] = []
    for habit in habits.HABITS:
        changed = habit.change(profile)
        if changed is None:
            out.append(WhatIf(habit.key, habit.label, False, 0.0, False, 0.0, 0.0))
            continue
        sc = dataclasses.replace(scenario_from_profile(changed, today=today), horizon_years=horizon)
        fade = _fade_sessions(
            sc,
            setting.params,
            setting.cache,
            rates=_scenario_rates(sc, setting.params, setting.cache),
            horizon_years=horizon,
            today_years=setting.today_years,
            other_sessions=setting.other_sessions,
        )
        nxt = _next_after(fade, setting.today_years, horizon)
        next_p50 = float(np.median(nxt))
        spend = _spend(
            fade, setting.costs, setting.paths, setting.today_years, setting.present_stage
        )
        out.append(
            WhatIf(
                key=habit.key,
                label=habit.label,
                applicable=True,
                years_added=next_p50 - float(np.median(base_next)),
                at_least=next_p50 >= horizon,
                touchups_avoided=float(np.mean(base_count - np.isfinite(fade).sum(axis=1))),
                money_saved=float(np.mean(base_spend - spend)),
            )
        )
    out.sort(key=lambda w: (not w.applicable, -w.touchups_avoided, -w.years_added, w.key))
    return out


#: Years after the last session at which the no-touch-up visibility is read. [yr]
PERMANENCE_YEARS: tuple[float, ...] = (10.0, 20.0, 50.0)


def _permanence(
    sc: Scenario, params: Params, cache: ModelCache, rates: ClearanceRates
) -> Permanence:
    """What remains of the recorded sessions if no touch-up ever follows."""
    placement = sc.placement
    last = float(sc.session_years()[-1])
    healed = last + params.central["healed_after_years"]
    times = np.array([healed, *(last + y for y in PERMANENCE_YEARS)])
    course = course_load(sc, params, rates, times, cache, placement=placement)
    state = dot_state(sc, params, course, cache, placement=placement)
    social = contrast_of_dots(sc, state, cache, placement=placement, closeup=False).social
    total = course.per_component.sum(axis=1)
    remaining = total[:, 1:] / np.where(total[:, :1] > 0, total[:, :1], 1.0)
    q = np.quantile(social[:, 1:], [0.1, 0.5, 0.9], axis=0)
    return Permanence(
        years=PERMANENCE_YEARS,
        delta_e00_p10=tuple(float(v) for v in q[0]),
        delta_e00_p50=tuple(float(v) for v in q[1]),
        delta_e00_p90=tuple(float(v) for v in q[2]),
        remaining_share_p50=tuple(float(v) for v in np.median(remaining, axis=0)),
        fixed_share_p50=float(np.median(params.drawn["fixed_share"])),
        perceptible_delta_e00=params.central["perceptibility_delta_e00"],
    )


def default_until_age(profile: Profile, today: dt.date | None = None) -> float:
    """The plan's default horizon: age 75, or ten years ahead for a client over 65.

    Never beyond :data:`MAX_UNTIL_AGE`; for a client within a year of it no plan is
    possible and :func:`plan` says so.
    """
    sc = scenario_from_profile(profile, today=today)
    today = today or dt.date.today()
    age_today = sc.age_at_first_session() + max((today - sc.first_session).days, 0) / DAYS_PER_YEAR
    return float(max(DEFAULT_UNTIL_AGE, min(math.ceil(age_today) + 10, MAX_UNTIL_AGE)))


def plan(
    profile: Profile,
    *,
    until_age: float = DEFAULT_UNTIL_AGE,
    samples: int = 2000,
    seed: int = 0,
    today: dt.date | None = None,
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
        The date the plan is made (default: today).
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
    """
    check_samples(samples)
    today = today or dt.date.today()
    sc = scenario_from_profile(profile, today=today)
    costs = costs or profile.costs
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
    sc = dataclasses.replace(sc, horizon_years=horizon_years)
    params = Params.sampled(samples, seed)
    cache = ModelCache(params.central)
    personal_ess: float | None = None
    if sc.observations:
        # Measured photos: keep the draws in proportion to how well they explain them.
        weights = personal_weights(sc, simulate(sc, params, cache))
        personal_ess = effective_sample_size(weights)
        picks = systematic_resample(
            weights, np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(5,)))
        )
        params = params.rows(picks)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(4,)))
    extensions, paths = _extension_sessions(
        sc,
        profile.hair,
        today_years=today_years,
        horizon_years=horizon_years,
        rng=rng,
        draws=samples,
    )
    design = _design_sessions(
        sc, profile.goals, today_years=today_years, horizon_years=horizon_years
    )
    design_times = np.tile(np.array([t for _, t in design], dtype=np.float64), (samples, 1))
    setting = _Setting(
        params=params,
        cache=cache,
        horizon_years=horizon_years,
        today_years=today_years,
        other_sessions=np.concatenate([extensions, design_times], axis=1),
        costs=costs,
        paths=paths,
        present_stage=profile.hair.stage if profile.hair else 0,
    )
    rates = _scenario_rates(sc, params, cache)
    fade = _fade_sessions(
        sc,
        params,
        cache,
        rates=rates,
        horizon_years=horizon_years,
        today_years=today_years,
        other_sessions=setting.other_sessions,
    )

    sessions: list[PlannedSession] = []
    for k in range(fade.shape[1]):
        p10, p50, p90 = touchup_quantiles(fade[:, k], horizon_years)
        share = float(np.isfinite(fade[:, k]).mean())
        if share > 0.0:
            reason = "fading" if k else "fading (the forecast's first touch-up)"
            sessions.append(PlannedSession("fade", k + 1, reason, p10, p50, p90, share))
    for k in range(extensions.shape[1]):
        p10, p50, p90 = touchup_quantiles(extensions[:, k], horizon_years)
        share = float(np.isfinite(extensions[:, k]).mean())
        sessions.append(
            PlannedSession(
                "extension", k + 1, "hair loss past the treated area", p10, p50, p90, share
            )
        )
    for k, (label, years) in enumerate(design):
        sessions.append(PlannedSession("design", k + 1, label, years, years, years, 1.0))
    sessions.sort(key=lambda s: (s.p50_years, s.kind, s.number))

    count_by_kind = {
        "fade": np.isfinite(fade).sum(axis=1),
        "extension": np.isfinite(extensions).sum(axis=1),
        "design": np.full(samples, len(design)),
    }
    total = sum(count_by_kind.values())
    counts = {kind: _count_quantiles(c) for kind, c in count_by_kind.items()}
    counts["total"] = _count_quantiles(np.asarray(total))

    spend = {
        kind: _spend(times, costs, paths, today_years, setting.present_stage)
        for kind, times in (("fade", fade), ("extension", extensions), ("design", design_times))
    }
    total_spend = spend["fade"] + spend["extension"] + spend["design"]
    priced = bool(np.isfinite(total_spend).all())
    cost: dict[str, Any] = {"currency": costs.currency, "priced": priced}
    if priced:
        q = np.quantile(total_spend, [0.1, 0.5, 0.9])
        cost.update(
            {
                "price_per_session": costs.price_per_session,
                "price_by_stage": (
                    {str(k): v for k, v in costs.price_by_stage.items()}
                    if costs.price_by_stage
                    else None
                ),
                "total_p10": round(float(q[0]), 2),
                "total_p50": round(float(q[1]), 2),
                "total_p90": round(float(q[2]), 2),
                "mean_by_kind": {k: round(float(v.mean()), 2) for k, v in spend.items()},
            }
        )
    stage_p50 = None
    if paths is not None and paths.shape[1] > 0:
        stage_p50 = float(np.median(paths[:, -1]))
    habits = (
        _what_ifs(
            profile,
            today,
            setting,
            base_fade=fade,
            base_count=count_by_kind["fade"],
            base_spend=spend["fade"],
        )
        if what_ifs
        else []
    )
    # Touch-ups so far: recorded sessions beyond a standard course.
    done = max(len(sc.session_dates) - len(STANDARD_COURSE_DAYS), 0)
    skin_type = tone.fitzpatrick_of(sc.skin)
    removal_now = removal.smp_removal_estimate(
        fitzpatrick=skin_type, pigment=sc.pigment, smoker=sc.smoker, touchup_sessions=done
    )
    removal_later = removal.smp_removal_estimate(
        fitzpatrick=skin_type,
        pigment=sc.pigment,
        smoker=sc.smoker,
        touchup_sessions=done + round(counts["total"][1]),
    )
    return PlanResult(
        scenario=sc,
        samples=samples,
        seed=seed,
        today=today,
        until_age=float(until_age),
        horizon_years=horizon_years,
        today_years=today_years,
        sessions=tuple(sessions),
        counts=counts,
        cost=cost,
        hair_scale=profile.hair.scale if profile.hair else None,
        stage_p50_at_horizon=stage_p50,
        fade_years=fade,
        what_ifs=tuple(habits),
        permanence=_permanence(sc, params, cache, rates),
        removal_now=removal_now,
        removal_at_horizon=removal_later,
        personal_effective_sample_size=personal_ess,
    )
