"""Tests of whether candidates stand out of the photo's noise
(:mod:`fadecast.measure.significance`): the Euler-characteristic threshold (Worsley et
al. 1996) and the test on untreated skin."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from fadecast.measure import significance as sig
from fadecast.measure.blobs import local_maxima, log_gain, max_around, noise_sd, normalised_log


def test_noise_alone_stands_out_as_the_euler_characteristic_says() -> None:
    """Local maxima of the scale-normalised LoG of white noise above u sd: counted
    against ``A λ u exp(-u²/2) / (2π)^(3/2)`` with ``λ = 3 / (2 σ²)`` (Worsley et al.
    1996), the count behind :func:`fadecast.measure.significance.significance`."""
    rng = np.random.default_rng(1)
    sigma, u, counted, area = 3.0, 3.5, 0, 0
    for _ in range(2):
        noise = rng.standard_normal((1000, 1000)).astype(np.float32)
        field = (-(sigma**2) * ndimage.gaussian_laplace(noise, sigma))[20:-20, 20:-20]
        field /= field.std()
        peaks = field == ndimage.maximum_filter(field, 3)
        counted += int((peaks & (field > u)).sum())
        area += field.size
    expected = area * 1.5 / sigma**2 / (2 * math.pi) ** 1.5 * u * math.exp(-u * u / 2)
    assert counted == pytest.approx(expected, rel=0.3)


def test_a_dot_must_stand_further_out_of_the_noise_on_a_larger_photo() -> None:
    small = sig.significance(10_000, 3.0)
    assert small == sig.SIGNIFICANCE
    thresholds = [sig.significance(a, 3.0) for a in (10**5, 10**6, 10**7, 5 * 10**7)]
    assert thresholds == sorted(thresholds) and thresholds[-1] > small + 1.0
    # Noise alone then stands out at about FALSE_DOTS places.
    u, area = thresholds[-1], 5 * 10**7
    rate = 2 * area * 1.5 / 9.0 / (2 * math.pi) ** 1.5
    assert rate * u * math.exp(-u * u / 2) == pytest.approx(sig.FALSE_DOTS, rel=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    area=st.integers(0, 10**9),
    more=st.integers(0, 10**9),
    sigma=st.floats(0.5, 20.0),
    wider=st.floats(1.0, 4.0),
)
def test_the_threshold_grows_with_the_area_and_falls_with_the_dots_width(
    area: int, more: int, sigma: float, wider: float
) -> None:
    """More pixels give noise more chances; wider dots fewer independent places."""
    u = sig.significance(area, sigma)
    assert u >= sig.SIGNIFICANCE
    assert sig.significance(area + more, sigma) >= u
    assert sig.significance(area, sigma * wider) <= u
    if u > sig.SIGNIFICANCE:  # raised: noise alone passes at FALSE_DOTS places
        rate = 2.0 * max(area, 1) * 1.5 / sigma**2 / (2.0 * math.pi) ** 1.5
        assert rate * u * math.exp(-u * u / 2) == pytest.approx(sig.FALSE_DOTS, rel=1e-6)


def _scene(
    blotchy: float, seed: int = 3, size: int = 320, spacing: int = 20, sigma: float = 4.0
) -> tuple[np.ndarray, np.ndarray]:
    """Faded dots (12 % deep) in the lower half, bare skin above, pixel noise and
    blotches (white noise smoothed to the dots' scale): the darkness and the true
    centres."""
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:size, 0:size] + 0.5
    darkness = np.zeros((size, size))
    centres = [
        (r, c)
        for r in range(size // 2 + spacing // 2, size, spacing)
        for c in range(spacing // 2, size, spacing)
    ]
    for r, c in centres:
        darkness += 0.12 * np.exp(-((rows - r) ** 2 + (cols - c) ** 2) / (2 * sigma**2))
    blotches = ndimage.gaussian_filter(rng.standard_normal((size, size)), 2.0)
    darkness += blotchy * blotches / blotches.std()
    darkness += 0.002 * rng.standard_normal((size, size))
    return darkness.astype(np.float32), np.array(centres)


def test_blotches_on_untreated_skin_are_dropped_and_the_dots_kept() -> None:
    """Candidates: every dot and the 100 strongest blotches on the bare skin. The pixel
    noise is small, so the blotches pass a threshold set from it; measured on the
    untreated skin in view, they do not."""
    sigma = 4.0
    darkness, centres = _scene(blotchy=0.01)
    allowed = np.ones(darkness.shape, dtype=bool)
    whole = normalised_log(darkness, sigma)
    noise = noise_sd([darkness])
    upper = allowed.copy()
    upper[darkness.shape[0] // 2 - 20 :] = False
    rows, cols = local_maxima(normalised_log(darkness, 0.6 * sigma), 3, 0.0, upper)
    strongest = np.argsort(whole[rows, cols])[::-1][:100]
    rows = np.concatenate([rows[strongest], centres[:, 0].astype(np.intp)])
    cols = np.concatenate([cols[strongest], centres[:, 1].astype(np.intp)])
    least = sig.significance(int(allowed.sum()), sigma)
    # Against the pixel noise as if white, the blotches would pass.
    assert (max_around(whole, rows[:100], cols[:100]) > least * noise * log_gain(sigma)).all()
    kept_r, _ = sig.significant_candidates(darkness, whole, rows, cols, sigma, noise, allowed)
    on_skin = kept_r < darkness.shape[0] // 2 - 20
    assert on_skin.sum() <= 3
    assert (~on_skin).sum() == len(centres)


def test_without_untreated_skin_the_pixel_noise_sets_the_threshold() -> None:
    """Nothing but dots in view: a candidate is kept where the LoG at the dots' scale
    stands out of the pixel noise, as if white."""
    sigma, noise = 3.0, 0.005
    rows, cols = np.mgrid[0:120, 0:120] % 15 - 7.0
    darkness = 0.3 * np.exp(-(rows**2 + cols**2) / (2 * sigma**2))
    darkness = darkness.astype(np.float32)
    whole = normalised_log(darkness, sigma)
    r = np.array([7, 22, 37, 52, 3], dtype=np.intp)
    c = np.array([7, 22, 37, 52, 0], dtype=np.intp)  # four dots and a point between
    allowed = np.ones(darkness.shape, dtype=bool)
    kept_r, _ = sig.significant_candidates(darkness, whole, r, c, sigma, noise, allowed)
    assert kept_r.tolist() == [7, 22, 37, 52]


def test_no_candidates_stay_none() -> None:
    empty = np.zeros(0, dtype=np.intp)
    image = np.zeros((10, 10), dtype=np.float32)
    kept = sig.significant_candidates(
        image, image, empty, empty, 2.0, 0.01, np.ones((10, 10), dtype=bool)
    )
    assert len(kept[0]) == 0 and len(kept[1]) == 0
