"""The forecast: from a profile to a touch-up window, its uncertainty and its reasons.

The orchestrator composes the stages, each in a module of its own:

- :mod:`.scenario`: the profile resolved into the model's numbers;
- :mod:`.params`: the parameter values of a run (drawn, and central);
- :mod:`.chain`: exposure, clearance, the dot and its contrast, draw by draw
  (the pure physics is in :mod:`fadecast.sun` and :mod:`fadecast.skin`);
- :mod:`.detection`: the time grid and when the contrast crosses the touch-up level;
- :mod:`.run`: one Monte Carlo run of a scenario; :mod:`.emulator` shares runs between like
  profiles in :func:`forecast_many`;
- :mod:`.statistics`, :mod:`.personal`, :mod:`.attribution`, :mod:`.caveats`: what a run
  says: quantiles, the personal window, the reasons, the warnings;
- :mod:`.result`: the :class:`ForecastResult` (its JSON form is in :mod:`fadecast.report.json`).

A Monte Carlo over the priors of ``data/parameters.toml`` gives every draw a contrast
curve; the touch-up is due when the social-distance contrast falls below a share θ of the
target contrast (the healed look of a well-placed course on that skin). Attribution reruns
the same draws with one factor group at its documented reference value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fadecast.forecasting.attribution import attribute_factors, differs_from_reference
from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.caveats import forecast_warnings
from fadecast.forecasting.chain import (
    clearance_rates,
    contrast_of_dots,
    course_load,
    dot_state,
    scalp_exposure,
)
from fadecast.forecasting.detection import RESIDUAL_YEARS
from fadecast.forecasting.emulator import ClearanceEmulator, GroupKey
from fadecast.forecasting.narrowing import Narrowing, expected_narrowing
from fadecast.forecasting.params import Params
from fadecast.forecasting.personal import personal_window
from fadecast.forecasting.result import (
    MODEL_VERSION,
    Attribution,
    ForecastResult,
    Personal,
    summarise_factors,
)
from fadecast.forecasting.run import Run, simulate
from fadecast.forecasting.scenario import (
    DAYS_PER_YEAR,
    EARLIEST_TODAY,
    FACTORS,
    LATEST_TODAY,
    Scenario,
    checked_today,
    covering_sessions,
    reference_variant,
    scenario_from_profile,
)
from fadecast.forecasting.statistics import (
    curve_at,
    curve_quantiles,
    median_touchup_years,
    touchup_quantiles,
)
from fadecast.inputs.profile import Profile

__all__ = [
    "EARLIEST_TODAY",
    "FACTORS",
    "LATEST_TODAY",
    "MODEL_VERSION",
    "Attribution",
    "DotStates",
    "ForecastResult",
    "ModelCache",
    "Params",
    "Personal",
    "Scenario",
    "check_samples",
    "dot_states",
    "forecast",
    "forecast_many",
    "result_of_run",
    "scenario_from_profile",
    "summarise_factors",
]

Array = NDArray[np.float64]


def forecast_of_scenario(
    sc: Scenario,
    params: Params,
    cache: ModelCache,
    *,
    samples: int,
    seed: int,
    today: dt.date,
    attribution: bool,
    notes: Sequence[str] = (),
) -> ForecastResult:
    """The forecast of one scenario; its attribution only if ``attribution``."""
    run = simulate(sc, params, cache)
    result = result_of_run(sc, run, cache, samples=samples, seed=seed, today=today, notes=notes)
    if not attribution:
        return result
    base_p50 = median_touchup_years(run.touchup_years, sc.horizon_years)
    found = attribute_factors(sc, base_p50, params, cache)
    return dataclasses.replace(result, attribution=found)


def result_of_run(
    sc: Scenario,
    run: Run,
    cache: ModelCache,
    *,
    samples: int,
    seed: int,
    today: dt.date,
    notes: Sequence[str] = (),
) -> ForecastResult:
    """The forecast read from a run, without attribution; ``notes`` lead its warnings."""
    touchup = touchup_quantiles(run.touchup_years, sc.horizon_years)
    keep = run.times <= sc.horizon_years + 1e-9
    years = run.times[keep]
    social = run.social[:, keep]
    q_social = curve_quantiles(social, (0.1, 0.5, 0.9))
    assert run.closeup is not None
    closeup_p50 = curve_quantiles(run.closeup[:, keep], (0.5,))[0]
    assert run.look is not None
    look_p50 = curve_quantiles(run.look[:, keep], (0.5,))[0]
    residual_social = float(np.median(curve_at(run.times, run.social, RESIDUAL_YEARS)))
    residual_closeup = float(np.median(curve_at(run.times, run.closeup, RESIDUAL_YEARS)))
    personal = personal_window(sc, run)
    narrowing = next_photo_narrowing(sc, run, today, seed=seed)
    perceptible = cache.central["perceptibility_delta_e00"]
    warnings = forecast_warnings(
        sc,
        run,
        touchup,
        today,
        pigment=cache.pigment(sc.pigment),
        personal=personal,
        perceptible_delta_e00=perceptible,
    )
    expo = {
        "ambient_sed_per_year": run.exposure.ambient_sed,
        "scalp_sed_per_year": float(np.median(run.exposure.scalp_sed + run.exposure.sunbed_sed)),
        "scalp_uva_kj_m2_per_year": float(np.median(run.exposure.scalp_uva_kj_m2)),
        "dermal_uva_kj_m2_per_year": float(np.median(run.exposure.dermal)),
    }
    return ForecastResult(
        scenario=sc,
        samples=samples,
        seed=seed,
        touchup_years=touchup,
        exposure=expo,
        curve_years=years,
        curve_social=(q_social[0], q_social[1], q_social[2]),
        curve_look_p50=look_p50,
        curve_closeup_p50=closeup_p50,
        target_delta_e00=run.target,
        threshold_delta_e00=sc.touchup_threshold * run.target,
        residual_social_p50=residual_social,
        residual_closeup_p50=residual_closeup,
        attribution=(),
        warnings=(*notes, *warnings),
        today=today,
        perceptible_delta_e00=perceptible,
        personal=personal,
        narrowing=narrowing,
    )


#: The first follow-up photo the narrowing is computed for, after the first session. [yr]
FIRST_PHOTO_YEARS = 1.0

#: Stand-in clients the narrowing averages over (its median width moves by about 0.05
#: years between seeds at this number, against 0.02 at 400).
NARROWING_TRUTHS = 100


def next_photo_narrowing(sc: Scenario, run: Run, today: dt.date, *, seed: int) -> Narrowing | None:
    """What one photo at the next visit would do to the window, or None past the horizon.

    The visit is a year after the first session, or today if that has passed, and not
    before the course has healed; the stand-in clients are drawn from ``seed``.
    """
    since_first = (today - sc.first_session).days / DAYS_PER_YEAR
    at = max(FIRST_PHOTO_YEARS, since_first, run.healed_years)
    if at > min(sc.horizon_years, float(run.times[-1])):
        return None
    return expected_narrowing(
        run,
        measured_at_years=at,
        truths=NARROWING_TRUTHS,
        rng=np.random.default_rng(seed),
        horizon_years=sc.horizon_years,
    )


def check_samples(samples: int) -> None:
    """Refuse a number of Monte Carlo draws outside 10-200000 (``ValueError``)."""
    if not 10 <= samples <= 200_000:
        raise ValueError(f"samples must be between 10 and 200000, got {samples}")


def forecast(
    profile: Profile | Scenario,
    *,
    samples: int = 2000,
    seed: int = 0,
    today: dt.date,
    attribution: bool = True,
) -> ForecastResult:
    """Forecast how one client's SMP fades.

    Parameters
    ----------
    profile
        A validated profile (or an already resolved scenario).
    samples
        Monte Carlo draws.
    seed
        Seed of the random generator; the same seed gives the same result.
    today
        The date taken as today (start of a prospective course, overdue warnings).
    attribution
        Whether to attribute the forecast to factor groups (reruns the draws per group).

    Returns
    -------
    ForecastResult
        Its scenario's horizon reaches at least 5 years past the last session (extended,
        with a warning saying so, when the sessions span more of it).

    Raises
    ------
    InputError
        For an unknown city, or a ``today`` outside 1980-01-01 to 2999-12-31.
    ValueError
        If ``samples`` is out of range.

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from pathlib import Path
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> path = Path(str(resources.files("fadecast") / "examples" / "temperate-office-worker.toml"))
    >>> profile = load_profile(path, today=today)
    >>> result = forecast(profile, samples=200, seed=0, today=today)
    >>> [round(years, 1) for years in result.touchup_years]  # P10, median, P90 [yr]
    [5.0, 6.9, 9.4]
    >>> result.touchup_dates[1]
    datetime.date(2032, 1, 7)
    >>> result.attribution[0].factor
    'sun_exposure'
    """
    check_samples(samples)
    today = checked_today(today)
    sc = profile if isinstance(profile, Scenario) else scenario_from_profile(profile, today=today)
    sc, note = covering_sessions(sc)
    params = Params.sampled(samples, seed)
    return forecast_of_scenario(
        sc,
        params,
        ModelCache(params.central),
        samples=samples,
        seed=seed,
        today=today,
        attribution=attribution,
        notes=() if note is None else (note,),
    )


def forecast_many(
    profiles: Iterable[Profile | Scenario],
    *,
    samples: int = 2000,
    seed: int = 0,
    today: dt.date,
    attribution: bool = True,
    progress: Callable[[int], None] | None = None,
) -> list[ForecastResult]:
    """Forecast many clients at once (e.g. a clinic's whole client list).

    Results agree with ``forecast(profile, samples=samples, seed=seed)``: the work that
    profiles share (per-place UV years, contrast tables, target contrasts, the draws) is
    done once, and like profiles share their Monte Carlo through a table over the
    clearance rate (or, for a photolabile pigment in the sun, over age and the dose at
    the pigment; see :class:`ClearanceEmulator`), which reproduces single forecasts to
    within a few hundredths of a year.

    Parameters
    ----------
    profiles
        Validated profiles or resolved scenarios.
    samples, seed, today, attribution
        As for :func:`forecast`.
    progress
        Called with the number of profiles done, after each one (with attribution,
        profiles are done in a second pass, after every profile's own run).

    Returns
    -------
    list of ForecastResult
        In the order of ``profiles``.

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from pathlib import Path
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> path = Path(str(resources.files("fadecast") / "examples" / "temperate-office-worker.toml"))
    >>> profile = load_profile(path, today=today)
    >>> results = forecast_many([profile, profile], samples=200, seed=0, today=today)
    >>> [round(r.touchup_years[1], 1) for r in results]
    [6.9, 6.9]
    """
    check_samples(samples)
    today = checked_today(today)
    params = Params.sampled(samples, seed)
    cache = ModelCache(params.central)
    covered = [
        covering_sessions(p if isinstance(p, Scenario) else scenario_from_profile(p, today=today))
        for p in profiles
    ]
    scenarios = [sc for sc, _ in covered]
    emulator = ClearanceEmulator(params, cache)
    for sc in scenarios:
        emulator.count(sc)
        if attribution:
            for f in FACTORS:
                if differs_from_reference(sc, f):
                    emulator.count(reference_variant(sc, f))
    emulator.enable()
    # First the profiles themselves, group by group, so that only one group's curve
    # table is held at a time; then their attribution variants, which need touch-up
    # times only, from the tables the first pass left (so no group is tabulated twice).
    order = sorted(range(len(scenarios)), key=lambda i: repr(emulator.key(scenarios[i])))
    results: list[ForecastResult | None] = [None] * len(scenarios)
    base_p50: dict[int, float] = {}
    previous: GroupKey | None = None
    for done, i in enumerate(order, start=1):
        sc = scenarios[i]
        key = emulator.key(sc)
        if key != previous:
            emulator.release_curves()
            previous = key
        run = emulator.run(sc, curves=True) or simulate(sc, params, cache)
        base_p50[i] = median_touchup_years(run.touchup_years, sc.horizon_years)
        note = covered[i][1]
        results[i] = result_of_run(
            sc,
            run,
            cache,
            samples=samples,
            seed=seed,
            today=today,
            notes=() if note is None else (note,),
        )
        if progress is not None and not attribution:
            progress(done)
    emulator.release_curves()
    if attribution:
        for done, i in enumerate(order, start=1):
            result = results[i]
            assert result is not None
            found = attribute_factors(scenarios[i], base_p50[i], params, cache, emulator)
            results[i] = dataclasses.replace(result, attribution=found)
            if progress is not None:
                progress(done)
    return [r for r in results if r is not None]


@dataclass(frozen=True)
class DotStates:
    """A nominal dot at chosen years, for pictures: the central forecast, no Monte Carlo.

    Attributes
    ----------
    years
        Years after the healed course (year 0 is the healed result), shape ``(Y,)``. [yr]
    times_yr
        The same moments as model times since the first session, shape ``(Y,)``. [yr]
    peak_density_mg_cm2
        Peak areal pigment density of a nominal dot, shape ``(Y,)``. [mg/cm²]
    sigma_mm
        Gaussian width (sd) of a nominal dot, shape ``(Y,)``. [mm]
    sigma0_mm
        Width of a fresh healed dot at this depth. [mm]
    progress
        Photolysis progress, shape ``(Y,)``; zeros for lightfast pigments. [SED-equivalent]
    social_delta_e00
        Social-distance contrast of the regular lattice, shape ``(Y,)``. [ΔE00]
    closeup_delta_e00
        Dot-centre contrast of the regular lattice, shape ``(Y,)``. [ΔE00]
    spacing_mm
        Nominal distance between dots. [mm]
    depth_mm
        Pigment depth of the placement. [mm]
    """

    years: Array
    times_yr: Array
    peak_density_mg_cm2: Array
    sigma_mm: Array
    sigma0_mm: float
    progress: Array
    social_delta_e00: Array
    closeup_delta_e00: Array
    spacing_mm: float
    depth_mm: float


def dot_states(
    profile: Profile | Scenario,
    years: Sequence[float],
    *,
    today: dt.date | None = None,
    cache: ModelCache | None = None,
) -> DotStates:
    """The state of a nominal dot at the given years after the healed course.

    Every parameter at its central value (one draw), with the client's exposure,
    pigment, placement and sessions: the same kinetics and tables as :func:`forecast`.

    Parameters
    ----------
    profile
        A validated profile or a resolved scenario.
    years
        Years after the healed course, each in ``[0, 50]``. [yr]
    today
        The date taken as today (start of a prospective course); needed when ``profile``
        is a profile, not a scenario.
    cache
        Shared model tables (pigments, contrast tables).

    Returns
    -------
    DotStates

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from pathlib import Path
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> path = Path(str(resources.files("fadecast") / "examples" / "temperate-office-worker.toml"))
    >>> profile = load_profile(path, today=today)
    >>> states = dot_states(profile, [0.0, 5.0], today=today)
    >>> states.social_delta_e00.round(2).tolist()  # healed, and five years on [ΔE00]
    [15.83, 14.77]
    >>> states.sigma_mm.round(3).tolist()  # the dot widens as pigment spreads [mm]
    [0.181, 0.201]
    """
    if isinstance(profile, Scenario):
        sc = profile
    else:
        sc = scenario_from_profile(profile, today=checked_today(today))
    span = np.asarray(years, dtype=np.float64)
    if span.ndim != 1 or np.any(span < 0) or np.any(span > RESIDUAL_YEARS):
        raise ValueError(f"years must be a list of values in [0, {RESIDUAL_YEARS:g}]")
    params = Params.central_only()
    central = params.central
    cache = cache or ModelCache(central)
    expo = scalp_exposure(sc, params, cache)
    times = float(sc.session_years()[-1]) + central["healed_after_years"] + span
    rates = clearance_rates(sc, params, expo.dermal, cache, placement=sc.placement)
    load = course_load(sc, params, rates, times, cache, placement=sc.placement)
    dot = dot_state(sc, params, load, cache, placement=sc.placement)
    sigma = np.sqrt(dot.sigma_sq[0])
    curves = contrast_of_dots(sc, dot, cache, placement=sc.placement, closeup=True)
    assert curves.closeup is not None
    social, closeup = curves.social[0], curves.closeup[0]
    return DotStates(
        years=span,
        times_yr=times,
        peak_density_mg_cm2=dot.peak[0],
        sigma_mm=sigma,
        sigma0_mm=float(dot.sigma0[0]),
        progress=dot.progress[0],
        social_delta_e00=social,
        closeup_delta_e00=closeup,
        spacing_mm=central["dot_spacing_mm"],
        depth_mm=central[f"depth_{sc.placement}_mm"],
    )
