"""Tests of the bare-skin level and the darkness against it
(:mod:`fadecast.measure.skin_level`)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.measure.skin_level import darkness, skin_luminance


def _lit_dots(
    sigma: float, spacing: int, size: int, gradient: float
) -> tuple[np.ndarray, np.ndarray]:
    """Dots 50 % deep under light falling off across the picture: the photo's luminance
    and the light (the bare skin's luminance)."""
    rows, cols = np.mgrid[0:size, 0:size] + 0.5
    light = 0.5 * (1.0 + gradient * (cols / size - 0.5))
    dr = (rows % spacing) - spacing / 2
    dc = (cols % spacing) - spacing / 2
    dots = 1.0 - 0.5 * np.exp(-(dr**2 + dc**2) / (2 * sigma**2))
    return (light * dots).astype(np.float32), light


@pytest.mark.parametrize("sigma", [2.0, 2.5, 4.0])
@pytest.mark.parametrize("gradient", [0.0, 0.4])
def test_the_skin_level_follows_the_light_and_not_the_dots(sigma: float, gradient: float) -> None:
    spacing = int(6 * sigma)
    y, light = _lit_dots(sigma, spacing, 16 * spacing, gradient)
    skin = skin_luminance(y, sigma)
    assert skin.shape == y.shape and skin.dtype == np.float32
    inner = (slice(3 * spacing, -3 * spacing),) * 2  # clear of the borders' smoothing
    np.testing.assert_allclose(skin[inner], light[inner], rtol=0.02)
    # Darkness is then the dots' own depth, whatever the light.
    dark = darkness(y, skin)
    centre = spacing * 8 + spacing // 2  # the pixel beside a dot's centre
    offset = (centre + 0.5) % spacing - spacing / 2
    depth = 0.5 * np.exp(-(2 * offset**2) / (2 * sigma**2))
    assert float(dark[centre, centre]) == pytest.approx(depth, abs=0.01)
    between = np.arange(4, 12) * spacing  # the bare skin midway between four dots
    np.testing.assert_allclose(dark[between][:, between], 0.0, atol=0.02)


def test_the_skin_level_of_a_picture_smaller_than_its_smoothing_is_its_level() -> None:
    y = np.full((5, 7), 0.4, dtype=np.float32)
    np.testing.assert_allclose(skin_luminance(y, 3.0), 0.4, rtol=1e-5)


@settings(max_examples=50, deadline=None)
@given(
    y=st.floats(0.0, 2.0, width=32),
    skin=st.floats(0.0009765625, 2.0, width=32),
)
def test_darkness_is_one_less_the_ratio_to_the_skin(y: float, skin: float) -> None:
    dark = darkness(np.array([[y]], np.float32), np.array([[skin]], np.float32))
    assert dark.dtype == np.float32
    assert float(dark[0, 0]) == pytest.approx(1.0 - y / skin, rel=1e-5, abs=1e-6)


def test_darkness_against_black_skin_is_finite() -> None:
    dark = darkness(np.array([[0.0, 0.5]], np.float32), np.zeros((1, 2), np.float32))
    assert np.isfinite(dark).all()
    assert float(dark[0, 0]) == 1.0
