"""The clearance law and the dot-size laws of fadecast.skin.kinetics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.skin import kinetics

positive = st.floats(1e-4, 10.0, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(
    k=positive,
    age=st.floats(-30.0, 40.0),
    slope=st.floats(0.0, 0.5),
    dose=st.floats(0.0, 5e3),
    more=positive,
)
def test_clearance_rises_with_the_dose_at_the_pigment(
    k: float, age: float, slope: float, dose: float, more: float
) -> None:
    args = {
        "age_offset_years": age,
        "age_slope_per_decade": slope,
        "uv_clearance_per_dose": 1e-4,
        "erosion_rate_per_year": 0.01,
    }
    low, k1_low = kinetics.clearance_rate(k, uv_dose=dose, **args)
    high, k1_high = kinetics.clearance_rate(k, uv_dose=dose + more, **args)
    assert high > low
    assert k1_high == k1_low  # the age drift does not depend on the sun
    assert float(k1_low) == pytest.approx(k * slope / 10.0, rel=1e-12)


def test_clearance_at_the_reference_age_without_sun_is_the_biological_rate() -> None:
    k0, k1 = kinetics.clearance_rate(
        0.06,
        age_offset_years=0.0,
        age_slope_per_decade=0.1,
        uv_dose=0.0,
        uv_clearance_per_dose=1e-4,
        erosion_rate_per_year=0.0,
    )
    assert float(k0) == 0.06
    assert float(k1) == 0.06 * 0.01


@settings(max_examples=100, deadline=None)
@given(sigma=st.floats(0.05, 0.5), deep=st.floats(0.2, 3.0), p=st.floats(0.0, 2.0))
def test_a_healed_dot_widens_with_depth(sigma: float, deep: float, p: float) -> None:
    at = kinetics.healed_dot_sigma(
        sigma, [0.4, 0.4 * deep], reference_depth_mm=0.4, depth_exponent=p
    )
    assert at[0] == sigma
    assert at[1] >= at[0] if deep >= 1.0 else at[1] <= at[0]


@settings(max_examples=100, deadline=None)
@given(load=st.floats(1e-4, 1.0), sigma0=st.floats(0.05, 0.5), spread=st.floats(0.0, 1.0))
def test_spreading_conserves_the_pigment(load: float, sigma0: float, spread: float) -> None:
    """Mass of a Gaussian dot, 2π σ² × peak, is the same at every width."""
    sigma_sq = np.array([[sigma0**2, sigma0**2 + spread]])
    peak = kinetics.peak_density([[load, load]], sigma0_mm=[sigma0], sigma_sq_mm2=sigma_sq)
    mass = 2 * np.pi * sigma_sq * peak
    np.testing.assert_allclose(mass[0, 1], mass[0, 0], rtol=1e-12)
    assert peak[0, 1] <= peak[0, 0]
