"""Tests of the dots' scale found from the image (:mod:`fadecast.measure.scale_selection`,
Lindeberg 1998 scale selection)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.measure.scale_selection import dot_scale_px


def _gaussian_dots(sigma_px: float, spacing_px: float, count: int = 8) -> np.ndarray:
    """``count`` × ``count`` dark Gaussian dots, 40 % deep, on white. [1]"""
    size = int(spacing_px * count)
    rows, cols = np.mgrid[0:size, 0:size] + 0.5
    image = np.ones((size, size))
    for i in range(count):
        for j in range(count):
            r, c = spacing_px * (i + 0.5), spacing_px * (j + 0.5)
            image -= 0.4 * np.exp(-((rows - r) ** 2 + (cols - c) ** 2) / (2 * sigma_px**2))
    return image.astype(np.float32)


def test_the_dots_scale_is_read_from_the_image() -> None:
    """The scale sets the working resolution and windows, not a reported size: it must
    follow the dots' size closely, not equal it."""
    found = [dot_scale_px(_gaussian_dots(s, spacing_px=int(6 * s))) for s in (2.0, 3.5, 6.0)]
    assert found == sorted(found)
    for estimate, sigma_px in zip(found, (2.0, 3.5, 6.0), strict=True):
        assert estimate == pytest.approx(sigma_px, rel=0.35)


@settings(max_examples=20, deadline=None)
@given(sigma=st.floats(1.5, 8.0), spacing_widths=st.floats(4.5, 8.0))
def test_the_scale_follows_the_dots_whatever_their_width_and_spacing(
    sigma: float, spacing_widths: float
) -> None:
    estimate = dot_scale_px(_gaussian_dots(sigma, sigma * spacing_widths))
    assert estimate == pytest.approx(sigma, rel=0.3)


def test_no_scale_finer_than_the_least_allowed_is_returned() -> None:
    """With a known photo scale, blobs finer than any SMP dot are not considered."""
    image = _gaussian_dots(2.0, 12.0)
    assert dot_scale_px(image) == pytest.approx(2.0, rel=0.2)
    assert dot_scale_px(image, min_sigma_px=4.0) >= 0.9 * 4.0


def test_a_picture_over_the_budget_is_read_in_tiles_and_gives_the_same_scale() -> None:
    """1.6 megapixels: each fine scale is tried on 4 x 4 tiles of the full-resolution copy."""
    small = _gaussian_dots(3.0, 18.0, count=10)
    large = np.tile(small, (7, 7))
    assert large.size > 1_000_000
    assert dot_scale_px(large) == pytest.approx(dot_scale_px(small), rel=0.05)


def test_thin_hairs_across_the_dots_do_not_set_the_scale() -> None:
    """A stubble hair answers strongly at fine scales, but as a ridge, not a round blob."""
    image = _gaussian_dots(4.0, 24.0)
    rows, cols = np.mgrid[0 : image.shape[0], 0 : image.shape[1]]
    for k in range(8):  # slanted hairs a pixel wide, as dark as the dots
        on_line = np.abs(rows - 0.5 * cols - 23.0 * k + 60.0) < 0.6
        image[on_line] *= 0.6
    assert dot_scale_px(image) == pytest.approx(4.0, rel=0.25)
