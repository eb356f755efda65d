"""Tests of the skin texture: tone variation, pores and stubble, against what each should be."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from fadecast.render.texture import pore_field, stubble_coverage, tone_field

PPM = 20.0
SHAPE = (400, 400)  # 20 mm x 20 mm at 20 px/mm
AREA_MM2 = SHAPE[0] * SHAPE[1] / PPM**2


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def correlation(field: NDArray[np.float64], lag: int, axis: int) -> float:
    """Autocorrelation of a field at a lag along one axis. [1]"""
    a = field - field.mean()
    x, y = (a[:, :-lag], a[:, lag:]) if axis == 1 else (a[:-lag], a[lag:])
    return float((x * y).mean() / a.var())


# ----------------------------------------------------------------------------- tone


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(8, 120),
    cols=st.integers(8, 120),
    scale_mm=st.floats(0.5, 8.0),
    relative_sd=st.floats(0.001, 0.1),
)
def test_tone_has_the_shape_and_exactly_the_spread_asked(
    seed: int, rows: int, cols: int, scale_mm: float, relative_sd: float
) -> None:
    tone = tone_field((rows, cols), PPM, rng(seed), scale_mm=scale_mm, relative_sd=relative_sd)
    assert tone.shape == (rows, cols) and tone.dtype == np.float64
    assert np.all(np.isfinite(tone))
    assert float(tone.std()) == pytest.approx(relative_sd, rel=1e-9)
    again = tone_field((rows, cols), PPM, rng(seed), scale_mm=scale_mm, relative_sd=relative_sd)
    np.testing.assert_array_equal(tone, again)


def test_no_tone_variation_is_even_skin() -> None:
    tone = tone_field(SHAPE, PPM, rng(), scale_mm=4.0, relative_sd=0.0)
    np.testing.assert_array_equal(tone, np.ones(SHAPE))


@pytest.mark.parametrize("seed", range(4))
def test_tone_varies_around_one_on_its_length_scale(seed: int) -> None:
    scale_mm = 1.0
    tone = tone_field(SHAPE, PPM, rng(seed), scale_mm=scale_mm, relative_sd=0.05)
    # On a patch twenty times the scale, the mean is one within a fraction of the spread.
    assert abs(float(tone.mean()) - 1.0) < 0.5 * 0.05
    near, far = round(0.1 * scale_mm * PPM), round(3.0 * scale_mm * PPM)
    for axis in (0, 1):
        assert correlation(tone, near, axis) > 0.95  # smooth within the scale
        assert abs(correlation(tone, far, axis)) < 0.3  # independent well beyond it


def test_a_larger_scale_gives_smoother_tone() -> None:
    lag = 20  # 1 mm
    fine = tone_field(SHAPE, PPM, rng(1), scale_mm=1.0, relative_sd=0.05)
    coarse = tone_field(SHAPE, PPM, rng(1), scale_mm=6.0, relative_sd=0.05)
    assert correlation(coarse, lag, 1) > correlation(fine, lag, 1) + 0.3


def test_another_seed_gives_other_tone() -> None:
    a = tone_field(SHAPE, PPM, rng(1), scale_mm=4.0, relative_sd=0.05)
    b = tone_field(SHAPE, PPM, rng(2), scale_mm=4.0, relative_sd=0.05)
    assert not np.allclose(a, b)


# ----------------------------------------------------------------------------- pores


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    per_cm2=st.floats(0.0, 2000.0),
    radius_mm=st.floats(0.02, 0.3),
    darkening=st.floats(0.0, 1.0),
)
def test_pores_only_darken_and_never_below_the_floor(
    seed: int, per_cm2: float, radius_mm: float, darkening: float
) -> None:
    pores = pore_field(
        (120, 120), PPM, rng(seed), per_cm2=per_cm2, radius_mm=radius_mm, darkening=darkening
    )
    assert pores.shape == (120, 120) and pores.dtype == np.float64
    assert np.all((pores >= 0.05) & (pores <= 1.0))
    again = pore_field(
        (120, 120), PPM, rng(seed), per_cm2=per_cm2, radius_mm=radius_mm, darkening=darkening
    )
    np.testing.assert_array_equal(pores, again)


def test_no_pores_is_even_skin() -> None:
    pores = pore_field(SHAPE, PPM, rng(), per_cm2=0.0, radius_mm=0.05, darkening=0.12)
    np.testing.assert_array_equal(pores, np.ones(SHAPE))


@pytest.mark.parametrize("seed", range(4))
def test_pores_remove_the_light_their_number_and_size_say(seed: int) -> None:
    """Each pore is a Gaussian dip of depth d and sd σ: it removes 2π σ² d of reflectance."""
    per_cm2, radius_mm, darkening = 100.0, 0.2, 0.3
    pores = pore_field(
        SHAPE, PPM, rng(seed), per_cm2=per_cm2, radius_mm=radius_mm, darkening=darkening
    )
    sigma_mm = radius_mm / 2.0
    expected = per_cm2 / 100.0 * darkening * 2.0 * math.pi * sigma_mm**2  # share of the light
    assert float((1.0 - pores).mean()) == pytest.approx(expected, rel=0.15)
    # The deepest is a pore's centre (sampled within half a pixel), or deeper where two meet.
    assert float(pores.min()) < 1.0 - 0.9 * darkening


def test_pores_keep_clear_of_the_points_to_avoid() -> None:
    points_mm = rng(5).uniform(1.0, 19.0, (40, 2))
    clearance_mm = 0.5
    pores = pore_field(
        SHAPE,
        PPM,
        rng(6),
        per_cm2=3000.0,
        radius_mm=0.1,
        darkening=0.5,
        avoid_mm=points_mm,
        clearance_mm=clearance_mm,
    )
    rows = np.floor(points_mm[:, 1] * PPM).astype(int)
    cols = np.floor(points_mm[:, 0] * PPM).astype(int)
    # 0.5 mm is ten pore sds: no pore darkens the points measurably ...
    assert float(pores[rows, cols].min()) > 0.999
    # ... while the dense pores darken the skin elsewhere.
    assert float(pores.mean()) < 0.95


# ----------------------------------------------------------------------------- stubble


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    per_cm2=st.floats(0.0, 200.0),
    length_mm=st.floats(0.1, 3.0),
    width_mm=st.floats(0.01, 0.2),
    direction_deg=st.floats(-180.0, 180.0),
)
def test_stubble_covers_a_share_of_each_pixel(
    seed: int, per_cm2: float, length_mm: float, width_mm: float, direction_deg: float
) -> None:
    def draw() -> NDArray[np.float64]:
        return stubble_coverage(
            (100, 100),
            PPM,
            rng(seed),
            per_cm2=per_cm2,
            length_mm=length_mm,
            width_mm=width_mm,
            direction_deg=direction_deg,
        )

    hair = draw()
    assert hair.shape == (100, 100)
    assert np.all((hair >= 0.0) & (hair <= 1.0))
    np.testing.assert_array_equal(hair, draw())


def test_no_hairs_cover_nothing() -> None:
    hair = stubble_coverage(SHAPE, PPM, rng(), per_cm2=0.0, length_mm=0.6, width_mm=0.07)
    np.testing.assert_array_equal(hair, np.zeros(SHAPE))


@pytest.mark.parametrize("seed", range(4))
def test_stubble_covers_the_area_its_hairs_have(seed: int) -> None:
    """Hairs of length L and width w at n per area cover about n L w of it."""
    per_cm2, length_mm, width_mm = 40.0, 0.6, 0.07
    hair = stubble_coverage(
        SHAPE, PPM, rng(seed), per_cm2=per_cm2, length_mm=length_mm, width_mm=width_mm
    )
    expected = per_cm2 / 100.0 * length_mm * width_mm
    assert float(hair.mean()) == pytest.approx(expected, rel=0.3)
    assert float(hair.max()) == 1.0  # a shaft wider than a pixel covers some pixels whole


@pytest.mark.parametrize(("direction_deg", "along", "across"), [(0.0, 1, 0), (90.0, 0, 1)])
def test_hairs_grow_in_their_direction(direction_deg: float, along: int, across: int) -> None:
    hair = stubble_coverage(
        SHAPE,
        PPM,
        rng(3),
        per_cm2=40.0,
        length_mm=2.0,
        width_mm=0.1,
        direction_deg=direction_deg,
        spread_deg=0.0,
    )
    # Along the hairs the coverage hardly changes from pixel to pixel; across, it does.
    change_along = float(np.abs(np.diff(hair, axis=along)).mean())
    change_across = float(np.abs(np.diff(hair, axis=across)).mean())
    assert change_along < 0.2 * change_across
