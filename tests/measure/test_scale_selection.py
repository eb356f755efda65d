"""Tests of the dots' scale found from the image (:mod:`fadecast.measure.scale_selection`,
Lindeberg 1998 scale selection)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.measure.accuracy import match_detections
from fadecast.measure.dots import find_dots
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


def _merged_dots(
    sigma_px: float, spacing_px: float, rng: np.random.Generator, *, feathered: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian dots of ink on a jittered grid, 320 px square, whose optical densities add
    where they overlap (Beer-Lambert: 0.5 at a dot's centre, so a lone dot is 39 % deep);
    ``feathered``, the top quarter is untreated skin and the second a hairline where the
    dots thin out, kept with a chance rising from 0 to 1. The luminance and the dots'
    centres ``(row, col)``. [1] [px]"""
    size = 320
    n = int(size / spacing_px)
    grid = np.indices((n, n)).reshape(2, -1).T + 0.5
    centres = (grid + rng.uniform(-0.15, 0.15, grid.shape)) * spacing_px
    kept = rng.uniform(size=len(centres)) < np.clip(centres[:, 0] / (size / 4) - 1.0, 0.0, 1.0)
    if feathered:
        centres = centres[kept]
    x = np.arange(size) + 0.5
    rows, cols = (np.exp(-((x - centres[:, k : k + 1]) ** 2) / (2 * sigma_px**2)) for k in (0, 1))
    ink = rows.T @ cols  # the sum of the dots' Gaussians, each the product of its two axes
    return (0.8 * np.exp(-0.5 * ink)).astype(np.float32), centres


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_merged_dots_are_read_at_the_width_they_are_told_apart_at_not_their_clumps(
    seed: int,
) -> None:
    """Dots 4 px wide 2.5 widths apart merge (the ink between two neighbours is over
    four fifths of that at their centres): their ink ripples at their spacing, and they
    are told apart at about a quarter of it, finer than their own width. Under a
    feathered hairline, clumps of them lie dark on bare skin and answer the filter more
    than any dot, but there are several dots to a clump: the width read is the one the
    dots are told apart at, as where the pattern is full, not a clump's (an earlier
    strength-per-area choice read about 7 px here)."""
    sigma, spacing = 4.0, 10.0
    feathered, _ = _merged_dots(sigma, spacing, np.random.default_rng(seed), feathered=True)
    full, _ = _merged_dots(sigma, spacing, np.random.default_rng(seed), feathered=False)
    estimate = dot_scale_px(feathered)
    assert estimate == pytest.approx(dot_scale_px(full), rel=0.1)
    assert 0.2 * spacing < estimate < sigma


def test_merged_dots_under_a_feathered_hairline_are_found_one_by_one() -> None:
    """At the width read, the dots are found one by one, not clump by clump (at a
    clump's width under a sixth of them were)."""
    image, centres = _merged_dots(4.0, 10.0, np.random.default_rng(0), feathered=True)
    found = find_dots(image, np.repeat(image[..., None], 3, axis=2))
    precision, recall, _ = match_detections(np.c_[found.rows, found.cols], centres, 5.0)
    assert precision > 0.95
    assert recall > 0.6
