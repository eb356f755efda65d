"""Tests of the closed-form pigment kinetics."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.integrate import solve_ivp

from fadecast.skin import kinetics

PARAMS: dict[str, Any] = {
    "shallow_share": 0.15,
    "healing_loss": 0.33,
    "healing_time_yr": 12 / 365.25,
    "epidermal_time_yr": 40 / 365.25,
    "slow_share": 0.3,
    "k_slow": 0.01,
    "a_sharp": 0.05,
    "k0": 0.12,
    "k1": 0.004,
    "kappa": (0.0, 0.3),
}
SESSIONS = np.array([0.0, 14 / 365.25, 35 / 365.25])
DEPOSIT = np.array([0.02, 0.018, 0.015])
SHARES = np.array([0.6, 0.4])


def _closed_form(times: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = 1
    return kinetics.pigment_load(
        times,
        SESSIONS,
        DEPOSIT[None, :],
        component_shares=SHARES,
        shallow_share=np.full(n, PARAMS["shallow_share"]),
        healing_loss=np.full(n, PARAMS["healing_loss"]),
        healing_time_yr=PARAMS["healing_time_yr"],
        epidermal_time_yr=PARAMS["epidermal_time_yr"],
        slow_share=np.full(n, PARAMS["slow_share"]),
        slow_rate_per_year=np.full(n, PARAMS["k_slow"]),
        clearance_rate_per_year=np.full(n, PARAMS["k0"]),
        clearance_slope_per_year2=np.full(n, PARAMS["k1"]),
        photolysis_rate_per_year=np.array([PARAMS["kappa"]]),
        sharpness_rate_per_year=np.full(n, PARAMS["a_sharp"]),
    )


def _ode_solution(times: np.ndarray, extra_rate: float = 0.0) -> np.ndarray:
    """Integrate the pool model numerically: per session and component, five pools.

    Pools: epidermal; slow-transient (healing loss share of the slow pool); slow;
    mobile-transient; mobile. Sessions enter as initial values at their times;
    ``extra_rate`` adds a rate to every dermal pool (the sharp load's blur; pigment in the
    epidermis is shed before it spreads).
    """
    f_sh, f_h, phi = PARAMS["shallow_share"], PARAMS["healing_loss"], PARAMS["slow_share"]
    ks = PARAMS["k_slow"]
    tau_h, tau_e = PARAMS["healing_time_yr"], PARAMS["epidermal_time_yr"]
    k0, k1 = PARAMS["k0"], PARAMS["k1"]
    kappa = np.array(PARAMS["kappa"])
    total = np.zeros((len(SHARES), len(times)))
    for t_s, dep in zip(SESSIONS, DEPOSIT, strict=True):
        for c, share in enumerate(SHARES):
            d = dep * share
            dermal = d * (1 - f_sh)
            y0 = [
                d * f_sh,
                dermal * f_h * phi,
                dermal * (1 - f_h) * phi,
                dermal * f_h * (1 - phi),
                dermal * (1 - f_h) * (1 - phi),
            ]

            def rhs(t: float, y: np.ndarray, c: int = c) -> list[float]:
                k = k0 + k1 * t
                p = kappa[c] + extra_rate
                return [
                    -(1 / tau_e + kappa[c]) * y[0],
                    -(1 / tau_h + ks + p) * y[1],
                    -(ks + p) * y[2],
                    -(1 / tau_h + k + p) * y[3],
                    -(k + p) * y[4],
                ]

            after = times >= t_s
            sol = solve_ivp(rhs, (t_s, times[-1]), y0, t_eval=times[after], rtol=1e-10, atol=1e-14)
            total[c, after] += sol.y.sum(axis=0)
    return total


def test_closed_form_matches_numerical_integration() -> None:
    times = np.concatenate([np.linspace(0, 0.5, 40), np.linspace(0.6, 30, 60)])
    load, _, sharp = _closed_form(times)
    assert_allclose(load[0], _ode_solution(times), rtol=1e-6, atol=1e-12)
    blurred = _ode_solution(times, extra_rate=PARAMS["a_sharp"]).sum(axis=0)
    assert_allclose(sharp[0], blurred, rtol=1e-6, atol=1e-12)


def test_slow_pool_clears_at_its_own_rate() -> None:
    times = np.array([200.0])
    load, _, _ = kinetics.pigment_load(
        times,
        SESSIONS,
        DEPOSIT[None, :],
        component_shares=np.array([1.0]),
        shallow_share=np.array([0.1]),
        healing_loss=np.array([0.3]),
        healing_time_yr=0.03,
        epidermal_time_yr=0.1,
        slow_share=np.array([0.25]),
        slow_rate_per_year=np.array([0.01]),
        clearance_rate_per_year=np.array([0.5]),
        clearance_slope_per_year2=np.array([0.0]),
        photolysis_rate_per_year=np.zeros((1, 1)),
        sharpness_rate_per_year=np.array([0.0]),
    )
    expected = (DEPOSIT * np.exp(-0.01 * (200.0 - SESSIONS))).sum() * 0.9 * 0.7 * 0.25
    assert_allclose(load[0, 0, 0], expected, rtol=1e-9)
    assert load[0, 0, 0] > 0.0  # never gone on a human time scale


def test_no_pigment_before_first_session_and_full_deposit_at_it() -> None:
    load, _, _ = _closed_form(np.array([-0.1, 0.0]))
    assert load[0, :, 0].sum() == 0.0
    assert_allclose(load[0, :, 1].sum(), DEPOSIT[0])


@settings(deadline=None, max_examples=40)
@given(
    k0=st.floats(0.0, 1.0),
    k1=st.floats(0.0, 0.01),
    phi=st.floats(0.0, 1.0),
    kappa=st.floats(0.0, 1.0),
)
def test_load_never_increases_after_the_last_session(
    k0: float, k1: float, phi: float, kappa: float
) -> None:
    times = np.linspace(SESSIONS[-1], 40, 80)
    load, _, sharp = kinetics.pigment_load(
        times,
        SESSIONS,
        DEPOSIT[None, :],
        component_shares=np.array([1.0]),
        shallow_share=np.array([0.2]),
        healing_loss=np.array([0.3]),
        healing_time_yr=0.03,
        epidermal_time_yr=0.1,
        slow_share=np.array([phi]),
        slow_rate_per_year=np.array([0.01]),
        clearance_rate_per_year=np.array([k0]),
        clearance_slope_per_year2=np.array([k1]),
        photolysis_rate_per_year=np.array([[kappa]]),
        sharpness_rate_per_year=np.array([0.03]),
    )
    assert np.all(np.diff(load[0, 0]) <= 1e-15)
    assert np.all(load >= 0.0)
    assert np.all(sharp <= load.sum(axis=1) * (1 + 1e-12))  # the sharp part of the load


@settings(deadline=None, max_examples=40)
@given(k_low=st.floats(0.0, 0.5), extra=st.floats(0.001, 0.5))
def test_faster_clearance_leaves_less_pigment(k_low: float, extra: float) -> None:
    times = np.linspace(0, 30, 31)
    common: dict[str, Any] = {
        "component_shares": np.array([1.0]),
        "shallow_share": np.array([0.1]),
        "healing_loss": np.array([0.3]),
        "healing_time_yr": 0.03,
        "epidermal_time_yr": 0.1,
        "slow_share": np.array([0.3]),
        "slow_rate_per_year": np.array([0.01]),
        "clearance_slope_per_year2": np.array([0.0]),
        "photolysis_rate_per_year": np.zeros((1, 1)),
        "sharpness_rate_per_year": np.array([0.03]),
    }
    slow, _, _ = kinetics.pigment_load(
        times, SESSIONS, DEPOSIT[None, :], clearance_rate_per_year=np.array([k_low]), **common
    )
    fast, _, _ = kinetics.pigment_load(
        times,
        SESSIONS,
        DEPOSIT[None, :],
        clearance_rate_per_year=np.array([k_low + extra]),
        **common,
    )
    assert np.all(fast[0, 0, 1:] < slow[0, 0, 1:])


def test_mean_age_is_load_weighted_time_since_deposit() -> None:
    times = np.array([0.01, 0.05, 0.2, 1.0, 10.0, 30.0])
    _, mean_age, _ = _closed_form(times)
    assert np.all(mean_age[0] >= 0.0)
    assert np.all(mean_age[0] <= times * (1 + 1e-12))
    # Long after the course every session has lost the same share, so the weights are
    # the deposits (up to the small clearance between sessions).
    late = times[-1] - np.average(SESSIONS, weights=DEPOSIT)
    assert mean_age[0, -1] == pytest.approx(late, abs=0.01)


def test_spread_conserves_pigment() -> None:
    """Peak density times width squared equals the load times sigma0 squared."""
    times = np.linspace(0, 30, 31)
    load, mean_age, _ = _closed_form(times)
    sigma0 = np.array([0.28])
    sigma_sq = kinetics.dot_width_sq(
        mean_age, sigma0_mm=sigma0, diffusivity_mm2_per_year=np.array([0.003])
    )
    peak = load.sum(axis=1) * sigma0[:, None] ** 2 / sigma_sq
    assert_allclose(peak * sigma_sq, load.sum(axis=1) * 0.28**2)
    assert np.all(np.diff(sigma_sq[0]) > 0)
    single = kinetics.dot_width_sq(
        times[None, :], sigma0_mm=sigma0, diffusivity_mm2_per_year=np.array([0.003])
    )
    assert_allclose(single[0], 0.28**2 + 2 * 0.003 * times)


@settings(deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_shallow_share_falls_with_depth(z1: float, z2: float) -> None:
    lo, hi = sorted((z1, z2))
    a = kinetics.shallow_share(lo, epidermis_mm=0.1, depth_spread_mm=0.06)
    b = kinetics.shallow_share(hi, epidermis_mm=0.1, depth_spread_mm=0.06)
    assert 0.0 <= b <= a <= 1.0


def test_shallow_share_half_at_the_junction() -> None:
    assert kinetics.shallow_share(0.1, epidermis_mm=0.1, depth_spread_mm=0.06) == pytest.approx(0.5)


def test_depth_effects() -> None:
    z = np.array([0.14, 0.25, 0.6])
    uv = kinetics.uv_depth_factor(z, reference_depth_mm=0.25, depth_scale_mm=0.15)
    assert uv[1] == pytest.approx(1.0) and uv[0] > 1.0 > uv[2]
    erosion = kinetics.junction_erosion_rate(
        z, epidermis_mm=0.1, rate_per_year=0.25, depth_scale_mm=0.05
    )
    assert erosion[0] > erosion[1] > erosion[2] > 0
    d = kinetics.lateral_diffusivity(
        z, diffusivity_mm2_per_year=0.0025, reference_depth_mm=0.25, depth_exponent=2.0
    )
    assert_allclose(d, 0.0025 * (z / 0.25) ** 2)


def test_clearance_integral_closed_form() -> None:
    t = np.linspace(0, 10, 11)
    assert_allclose(kinetics.clearance_integral(t, 0.1, 0.02), 0.1 * t + 0.01 * t**2)


@settings(max_examples=25, deadline=None)
@given(
    session=st.floats(0.0, 20.0),
    k0=st.floats(0.0, 1.0),
    k1=st.floats(0.0, 0.02),
    kappa=st.floats(0.0, 0.5),
)
def test_session_load_matches_pigment_load_for_one_session(
    session: float, k0: float, k1: float, kappa: float
) -> None:
    # A session at the same date for every draw is what pigment_load computes.
    times = np.linspace(0.0, 40.0, 161)
    n = 3
    common: dict[str, Any] = {
        "component_shares": SHARES,
        "shallow_share": np.full(n, PARAMS["shallow_share"]),
        "healing_loss": np.full(n, PARAMS["healing_loss"]),
        "healing_time_yr": PARAMS["healing_time_yr"],
        "epidermal_time_yr": PARAMS["epidermal_time_yr"],
        "slow_share": np.full(n, PARAMS["slow_share"]),
        "slow_rate_per_year": np.full(n, PARAMS["k_slow"]),
        "clearance_rate_per_year": np.full(n, k0),
        "clearance_slope_per_year2": np.full(n, k1),
        "photolysis_rate_per_year": np.array([kappa, 0.0]),
        "sharpness_rate_per_year": np.full(n, PARAMS["a_sharp"]),
    }
    shared, mean_age, sharp = kinetics.pigment_load(
        times, [session], np.full((n, 1), 0.02), **common
    )
    own, age_weighted, own_sharp = kinetics.session_load(
        times, np.full(n, session), np.full(n, 0.02), **common
    )
    assert_allclose(own, shared, rtol=1e-9, atol=1e-15)
    assert_allclose(age_weighted, mean_age * shared.sum(axis=1), rtol=1e-9, atol=1e-15)
    assert_allclose(own_sharp, sharp, rtol=1e-9, atol=1e-15)


def test_session_load_of_no_session_is_zero() -> None:
    load, age_weighted, sharp = kinetics.session_load(
        np.linspace(0.0, 10.0, 11),
        np.array([np.inf, 2.0]),
        np.array([0.02, 0.02]),
        component_shares=SHARES,
        shallow_share=0.1,
        healing_loss=0.3,
        healing_time_yr=0.03,
        epidermal_time_yr=0.1,
        slow_share=0.2,
        slow_rate_per_year=0.01,
        clearance_rate_per_year=0.1,
        clearance_slope_per_year2=0.0,
        photolysis_rate_per_year=np.zeros(2),
        sharpness_rate_per_year=0.03,
    )
    assert not load[0].any() and not age_weighted[0].any() and not sharp[0].any()
    assert not load[1, :, :2].any() and load[1, :, 2:].all()


def test_a_dot_healed_wider_draws_the_pattern_with_less_of_its_pigment() -> None:
    sharp = np.ones((3, 1))
    peak = kinetics.definition_peak(
        sharp, sigma0_mm=np.array([0.2, 0.28, 0.35]), reference_sigma_mm=0.28, pitch_mm=1.0
    )
    assert peak[1, 0] == pytest.approx(1.0)
    assert peak[2, 0] < 1.0  # too deep: blurred
    assert peak[0, 0] == pytest.approx(1.0)  # narrower gains nothing


def test_the_sharpness_rate_is_the_fundamentals_decay() -> None:
    d, p, t = 0.002, 1.0, 7.0
    a = float(kinetics.sharpness_rate(d, pitch_mm=p))
    sigma0_sq = 0.28**2
    fundamental = np.exp(-2 * np.pi**2 * (sigma0_sq + 2 * d * t) / p**2)
    assert fundamental / np.exp(-2 * np.pi**2 * sigma0_sq / p**2) == pytest.approx(np.exp(-a * t))
