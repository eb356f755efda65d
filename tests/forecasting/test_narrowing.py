"""Tests of the expected narrowing of the touch-up window by one measured photo."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from fadecast import load_profile
from fadecast.forecasting import ModelCache, Params, scenario_from_profile
from fadecast.forecasting.chain import ScalpExposure
from fadecast.forecasting.narrowing import (
    Narrowing,
    expected_narrowing,
    weighted_quantiles_rows,
)
from fadecast.forecasting.personal import likelihood_weights, weighted_quantiles
from fadecast.forecasting.run import Run, simulate
from fadecast.forecasting.scenario import covering_sessions
from fadecast.forecasting.statistics import curve_at
from fadecast.inputs.measurements import measurement_sd

TODAY = dt.date(2026, 6, 1)
HALF = 0.5  # touch-up when the contrast falls to half its start [1]


def decaying_run(
    rates: NDArray[np.float64], times: NDArray[np.float64], *, start: float = 8.0
) -> Run:
    """Draws whose contrast decays exponentially at their own rates [1/yr] from ``start``
    [ΔE00], due a touch-up when it halves: the contrast at any time > 0 fixes the
    touch-up time exactly."""
    social = start * np.exp(-rates[:, None] * times[None, :])
    return Run(
        times=times,
        social=social,
        closeup=None,
        touchup_years=np.log(1 / HALF) / rates,
        target=start,
        healed_years=0.3,
        exposure=blank_exposure(len(rates)),
    )


def blank_exposure(n: int) -> ScalpExposure:
    """Zero doses for ``n`` draws, whatever fields the exposure has (none is read here)."""
    doses: dict[str, Any] = {
        f.name: 0.0 if f.type == "float" else np.zeros(n) for f in dataclasses.fields(ScalpExposure)
    }
    return ScalpExposure(**doses)


def uniform_rates(n: int, seed: int) -> NDArray[np.float64]:
    return np.random.default_rng(seed).uniform(0.05, 0.5, n)


GRID = np.linspace(0.0, 30.0, 121)


# (a) a precise photo of an informative contrast pins the touch-up down


def test_a_precise_photo_of_an_informative_contrast_narrows_the_window() -> None:
    run = decaying_run(uniform_rates(2000, 1), GRID)
    documented = expected_narrowing(run, rng=np.random.default_rng(2))
    assert isinstance(documented, Narrowing)
    assert documented.measured_at_years == 1.0 and documented.truths == 200
    assert math.isfinite(documented.prior_p10_p90_years)
    assert documented.expected_p10_p90_years < 0.8 * documented.prior_p10_p90_years
    widths = [
        expected_narrowing(run, rng=np.random.default_rng(2), sd_delta_e00=sd)
        for sd in (1.0, 0.1, 0.01, 0.001)
    ]
    medians = [w.expected_p10_p90_years for w in widths]
    assert medians == sorted(medians, reverse=True)  # the more precise, the narrower
    assert medians[-1] < 0.01 * documented.prior_p10_p90_years  # to ~0
    assert widths[-1].expected_range_years[1] < 0.02 * documented.prior_p10_p90_years


def test_a_later_photo_tells_more_about_a_slow_fade() -> None:
    run = decaying_run(uniform_rates(2000, 1), GRID)
    early = expected_narrowing(run, measured_at_years=0.5, rng=np.random.default_rng(3))
    late = expected_narrowing(run, measured_at_years=4.0, rng=np.random.default_rng(3))
    assert late.expected_p10_p90_years < early.expected_p10_p90_years


# (b) a contrast that says nothing leaves the window as it was


def test_a_photo_when_every_draw_looks_the_same_leaves_the_prior_window() -> None:
    rates = uniform_rates(500, 4)
    after = np.maximum(GRID - 1.0, 0.0)  # all at the start until year 1, then apart
    base = decaying_run(rates, GRID)
    run = dataclasses.replace(base, social=8.0 * np.exp(-rates[:, None] * after[None, :]))
    assert np.ptp(curve_at(run.times, run.social, 1.0)) == 0.0
    found = expected_narrowing(run, measured_at_years=1.0, rng=np.random.default_rng(5))
    prior = found.prior_p10_p90_years
    assert prior > 1.0
    assert found.expected_p10_p90_years == pytest.approx(prior, rel=1e-12)
    assert found.expected_range_years == pytest.approx((prior, prior), rel=1e-12)
    # ... while the same draws measured later do narrow it.
    later = expected_narrowing(run, measured_at_years=3.0, rng=np.random.default_rng(5))
    assert later.expected_p10_p90_years < 0.8 * prior


# (c) bounded widths over monotone families


@settings(deadline=None, max_examples=60)
@given(
    lowest=st.floats(0.5, 4.0),
    spread=st.floats(0.0, 1.0),
    skew=st.floats(0.3, 3.0),
    t1=st.floats(0.3, 5.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_one_informative_photo_never_widens_the_median_window(
    lowest: float, spread: float, skew: float, t1: float, seed: int
) -> None:
    """Families where each draw's contrast at the visit fixes its touch-up, spread over
    at least 3 ΔE00 there (several measurement errors): the median width after the
    photo is at most the prior width, every width >= 0. (A single stand-in client's
    window can be wider than the prior: a reading pointing at the slow, widely spread
    end of the family.)"""
    rng = np.random.default_rng(seed)
    gap = 3.0 + spread * (4.5 - lowest)  # contrasts at t1 within [lowest, 7.5] [ΔE00]
    contrast = lowest + gap * rng.random(300) ** skew
    rates = np.log(8.0 / contrast) / t1
    times = np.union1d(np.linspace(0.0, max(10.0, 2 * t1), 41), [t1])
    run = decaying_run(rates, times)
    found = expected_narrowing(run, measured_at_years=t1, truths=50, rng=rng)
    low, high = found.expected_range_years
    assert 0.0 <= low <= found.expected_p10_p90_years <= high
    assert found.expected_p10_p90_years <= found.prior_p10_p90_years


# (d) the vectorised quantiles are personal.weighted_quantiles row by row


def test_row_quantiles_equal_weighted_quantiles_row_by_row() -> None:
    rng = np.random.default_rng(6)
    values = np.concatenate([rng.normal(5.0, 2.0, 40), [3.0, 3.0, 3.0, np.inf, np.inf]])
    rng.shuffle(values)
    weights = rng.random((12, len(values))) ** 4
    weights[rng.random(weights.shape) < 0.3] = 0.0  # zero weights make flat steps
    weights[0] = 1.0  # equal weights
    weights[1] = 0.0
    weights[1, 7] = 1e-300  # one draw carries everything
    q = (0.0, 0.05, 0.1, 0.5, 0.9, 0.97, 1.0)
    rows = weighted_quantiles_rows(values, weights, q)
    assert rows.shape == (12, len(q))
    for i in range(12):
        np.testing.assert_array_equal(rows[i], weighted_quantiles(values, weights[i], q))


def test_row_quantiles_equal_weighted_quantiles_under_likelihood_weights() -> None:
    run = decaying_run(uniform_rates(2000, 7), GRID)
    contrast = curve_at(run.times, run.social, 1.0)
    values = np.minimum(run.touchup_years, 1e9)
    observed = (5.0, 6.2, 7.4, 4.0)
    weights = np.stack([likelihood_weights(contrast[:, None], [y], [0.3]) for y in observed])
    rows = weighted_quantiles_rows(values, weights, (0.1, 0.5, 0.9))
    for i in range(len(observed)):
        expected = weighted_quantiles(values, weights[i], (0.1, 0.5, 0.9))
        np.testing.assert_array_equal(rows[i], expected)


@settings(deadline=None, max_examples=50)
@given(
    values=st.lists(st.one_of(st.floats(-100, 100), st.just(math.inf)), min_size=1, max_size=30),
    seed=st.integers(0, 2**32 - 1),
    p=st.floats(0.0, 1.0),
)
def test_row_quantiles_agree_on_any_values(values: list[float], seed: int, p: float) -> None:
    v = np.array(values)
    w = np.random.default_rng(seed).random((4, len(v)))
    w[:, 0] += 1e-3  # no row all 0
    rows = weighted_quantiles_rows(v, w, [p])
    for i in range(4):
        np.testing.assert_array_equal(rows[i], weighted_quantiles(v, w[i], [p]))


def test_row_quantiles_refuse_bad_weights() -> None:
    with pytest.raises(ValueError, match="all be 0"):
        weighted_quantiles_rows([1.0, 2.0], [[1.0, 1.0], [0.0, 0.0]], [0.5])
    with pytest.raises(ValueError, match=">= 0"):
        weighted_quantiles_rows([1.0, 2.0], [[1.0, -1.0]], [0.5])
    with pytest.raises(ValueError, match="NaN"):
        weighted_quantiles_rows([1.0, math.nan], [[1.0, 1.0]], [0.5])
    with pytest.raises(ValueError, match="weights_rows"):
        weighted_quantiles_rows([1.0, 2.0], [1.0, 1.0], [0.5])


# one stand-in client is personal calibration by hand


def test_one_truth_is_the_personal_window_of_its_simulated_photo() -> None:
    run = decaying_run(uniform_rates(300, 8), GRID)
    found = expected_narrowing(run, truths=1, rng=np.random.default_rng(9))
    rng = np.random.default_rng(9)
    m = int(rng.choice(300, size=1, replace=False)[0])
    contrast = curve_at(run.times, run.social, 1.0)
    sd = measurement_sd(float(contrast[m]))
    y = contrast[m] + sd * rng.standard_normal(1)[0]
    weights = likelihood_weights(contrast[:, None], [y], [sd])
    p10, p90 = weighted_quantiles(run.touchup_years, weights, (0.1, 0.9))
    assert found.expected_p10_p90_years == pytest.approx(p90 - p10, rel=1e-12)


# (e) reproducible


def test_the_same_generator_seed_gives_the_same_narrowing() -> None:
    run = decaying_run(uniform_rates(500, 10), GRID)
    first = expected_narrowing(run, truths=50, rng=np.random.default_rng(11))
    again = expected_narrowing(run, truths=50, rng=np.random.default_rng(11))
    other = expected_narrowing(run, truths=50, rng=np.random.default_rng(12))
    assert first == again
    assert other != first


# (f) refused inputs


@pytest.mark.parametrize("t1", [-0.1, 30.5, math.nan, math.inf])
def test_a_measurement_outside_the_runs_times_is_refused(t1: float) -> None:
    run = decaying_run(uniform_rates(50, 13), GRID)
    with pytest.raises(ValueError, match="within the run's times"):
        expected_narrowing(run, measured_at_years=t1, rng=np.random.default_rng(0))


def test_a_run_without_curves_or_stand_ins_or_error_is_refused() -> None:
    run = decaying_run(uniform_rates(50, 14), GRID)
    bare = dataclasses.replace(run, social=np.zeros((50, 0)))
    with pytest.raises(ValueError, match="curves"):
        expected_narrowing(bare, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="truths"):
        expected_narrowing(run, truths=0, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="sd_delta_e00"):
        expected_narrowing(run, sd_delta_e00=0.0, rng=np.random.default_rng(0))


# beyond the horizon


def test_widths_reaching_beyond_the_horizon_are_inf() -> None:
    rates = uniform_rates(1000, 15)
    run = decaying_run(rates, GRID)
    horizon = float(np.quantile(run.touchup_years, 0.8))
    cut = dataclasses.replace(
        run, touchup_years=np.where(run.touchup_years <= horizon, run.touchup_years, np.inf)
    )
    found = expected_narrowing(cut, rng=np.random.default_rng(16), horizon_years=horizon)
    assert found.prior_p10_p90_years == math.inf
    # A slow fader's photo says its touch-up lies beyond the horizon; a fast one's does not.
    assert found.expected_range_years[1] == math.inf
    assert 0.0 < found.expected_range_years[0] < horizon


def test_more_stand_ins_than_draws_are_drawn_with_replacement() -> None:
    run = decaying_run(uniform_rates(20, 17), GRID)
    found = expected_narrowing(run, truths=100, rng=np.random.default_rng(18))
    assert found.truths == 100
    assert found.expected_p10_p90_years < found.prior_p10_p90_years


# (g) a real forecast


def test_a_photo_at_year_one_narrows_the_office_workers_window() -> None:
    path = Path(str(resources.files("fadecast") / "examples" / "temperate-office-worker.toml"))
    profile = load_profile(path, today=TODAY)
    sc, _ = covering_sessions(scenario_from_profile(profile, today=TODAY))
    params = Params.sampled(500, 0)
    run = simulate(sc, params, ModelCache(params.central))
    found = expected_narrowing(run, rng=np.random.default_rng(0), horizon_years=sc.horizon_years)
    expected = found.expected_p10_p90_years
    assert expected > 0.0 and (math.isfinite(expected) or expected == math.inf)
    assert expected < found.prior_p10_p90_years
    low, high = found.expected_range_years
    assert 0.0 < low <= expected <= high
