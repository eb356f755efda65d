"""Tests of the hair mask and the inpainting under it (:mod:`fadecast.measure.hairs`,
after DullRazor, Lee et al. 1997). Stubble on renders is tested through the whole
detection (tests/measure/test_dots.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from fadecast.measure import hairs


def _dot(shape: tuple[int, int], row: float, col: float, sigma: float, depth: float) -> np.ndarray:
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]]
    return np.asarray(depth * np.exp(-((rows - row) ** 2 + (cols - col) ** 2) / (2 * sigma**2)))


def test_a_dark_line_is_a_hair_and_a_round_dot_is_not() -> None:
    darkness = np.zeros((60, 60), dtype=np.float32)
    darkness[10:50, 15] = 0.8  # a hair, one pixel wide
    darkness += _dot((60, 60), 30, 42, 3.0, 0.5).astype(np.float32)
    mask = hairs.hair_mask(darkness.astype(np.float32), 3.0, min_darkness=0.05)
    assert mask[30, 15] and mask[20, 15]
    assert not mask[30, 42]


def test_the_mask_covers_the_hair_and_its_soft_edge_only() -> None:
    """Dilated by HAIR_DILATION pixels around the line, no further."""
    darkness = np.zeros((60, 60), dtype=np.float32)
    darkness[10:50, 30] = 0.6
    mask = hairs.hair_mask(darkness, 3.0, min_darkness=0.05)
    reach = hairs.HAIR_DILATION
    assert mask[10:50, 30 - reach : 30 + reach + 1].all()
    assert not mask[:, : 30 - reach].any() and not mask[:, 30 + reach + 1 :].any()


def test_a_thin_speck_shorter_than_a_dot_is_not_a_hair() -> None:
    sigma = 3.0
    darkness = np.zeros((40, 40), dtype=np.float32)
    short = int(hairs.HAIR_LENGTH * sigma) - 1  # shorter than a hair can be
    darkness[20 : 20 + short, 20] = 0.8
    assert not hairs.hair_mask(darkness, sigma, min_darkness=0.05).any()


def test_a_hair_across_a_dot_is_masked_and_the_dot_is_kept() -> None:
    darkness = _dot((60, 60), 30, 30, 3.0, 0.4).astype(np.float32)
    darkness[5:55, 33] += 0.5  # a hair crossing the dot beside its centre
    mask = hairs.hair_mask(darkness, 3.0, min_darkness=0.05)
    assert mask[5:55, 33].mean() > 0.9
    assert not mask[30, 29] and not mask[30, 27]
    filled = hairs.inpaint(darkness, mask, 3.0)
    # With the hair painted out, the dot's centre is as dark as without the hair, and
    # the skin where the hair lay is like the skin beside it.
    assert abs(float(filled[30, 30]) - 0.4) < 0.05
    assert abs(float(filled[5, 33]) - float(filled[5, 20])) < 0.05


def test_a_hair_across_a_dark_flat_topped_dot_is_masked() -> None:
    """A hair takes its share of the light of what it lies on: over a dark, saturated
    dot it adds less darkness than over skin, but as much optical density."""
    rows, cols = np.mgrid[0:60, 0:60]
    radius = np.hypot(rows - 30.0, cols - 30.0)
    dot = 0.45 / (1.0 + np.exp((radius - 10.0) / 0.8))  # flat-topped, 20 px across
    hair = np.zeros((60, 60))
    hair[5:55, 33] = 0.6  # takes 60 % of the light where it lies
    darkness = (1.0 - (1.0 - dot) * (1.0 - hair)).astype(np.float32)
    mask = hairs.hair_mask(darkness, 6.0, min_darkness=0.05)
    assert mask[22:38, 33].all()  # over the dot's flat top
    assert mask[5:55, 33].mean() > 0.9
    assert not mask[30, 25] and not mask[30, 28]


def test_a_hair_broken_where_it_straddles_pixels_is_one_hair() -> None:
    """A hair under a pixel wide breaks into pieces on a reduced copy; pieces within the
    mask's dilation of each other are measured as one hair, however short each."""
    sigma = 3.0
    darkness = np.zeros((60, 60), dtype=np.float32)
    for start in range(10, 50, 4):  # pieces 3 px long, a pixel apart
        darkness[start : start + 3, 20] = 0.8
    assert hairs.HAIR_LENGTH * sigma > 3  # each piece is shorter than a hair
    mask = hairs.hair_mask(darkness, sigma, min_darkness=0.05)
    assert mask[10:49, 20].all()


def test_faint_lines_under_the_least_contrast_are_not_hairs() -> None:
    darkness = np.zeros((60, 60), dtype=np.float32)
    darkness[10:50, 30] = 0.04
    assert not hairs.hair_mask(darkness, 3.0, min_darkness=0.05).any()


def test_inpainting_fills_only_the_mask_from_its_surroundings() -> None:
    image = np.full((50, 50), 0.2, dtype=np.float32)
    mask = np.zeros((50, 50), dtype=bool)
    mask[20:30, 24:26] = True
    image[mask] = 0.9  # a dark line
    filled = hairs.inpaint(image, mask, 3.0)
    np.testing.assert_array_equal(filled[~mask], image[~mask])
    np.testing.assert_allclose(filled[mask], 0.2, atol=1e-5)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 1000), share=st.floats(0.0, 0.3), sigma=st.floats(1.0, 4.0))
def test_inpainting_keeps_every_unmasked_pixel_and_fills_within_their_range(
    seed: int, share: float, sigma: float
) -> None:
    rng = np.random.default_rng(seed)
    image = rng.random((40, 40)).astype(np.float32)
    mask = rng.random((40, 40)) < share
    filled = hairs.inpaint(image, mask, sigma)
    assert filled.dtype == np.float32 and filled.shape == image.shape
    np.testing.assert_array_equal(filled[~mask], image[~mask])
    if mask.any() and (~mask).any():
        # A weighted mean of unmasked pixels (or 0 where none is near).
        low, high = float(image[~mask].min()), float(image[~mask].max())
        inside = filled[mask]
        assert np.all(((inside >= low - 1e-5) & (inside <= high + 1e-5)) | (inside == 0.0))


def test_inpainting_with_nothing_masked_returns_the_picture() -> None:
    image = np.ones((8, 8), dtype=np.float32)
    assert hairs.inpaint(image, np.zeros((8, 8), dtype=bool), 2.0) is image


@pytest.mark.parametrize("sigma", [1.5, 4.0])
def test_inpainting_a_few_hairs_is_the_normalised_convolution_of_the_picture(
    sigma: float,
) -> None:
    """A few short hairs far apart (filled tile by tile) and hairs everywhere (filled
    at once): each masked pixel is the Gaussian-weighted mean of the unmasked ones."""
    rng = np.random.default_rng(int(sigma * 10))
    image = rng.random((300, 260)).astype(np.float32)
    for share in (0.0005, 0.05):
        mask = rng.random(image.shape) < share
        keep = (~mask).astype(np.float64)
        weight = ndimage.gaussian_filter(keep, sigma)
        total = ndimage.gaussian_filter(keep * image, sigma)
        want = np.where(weight > 1e-3, total / np.maximum(weight, 1e-3), 0.0)
        filled = hairs.inpaint(image, mask, sigma)
        np.testing.assert_array_equal(filled[~mask], image[~mask])
        np.testing.assert_allclose(filled[mask], want[mask], atol=1e-5)
