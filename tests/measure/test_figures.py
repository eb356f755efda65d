"""Tests of the figures' building blocks: the treated area."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from fadecast.measure.figures import bare_skin_rgb, fully_treated, treated_by_distance
from fadecast.measure.photo import LinearRGB


def _distance_to(points: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    seeds = np.ones(shape, dtype=bool)
    seeds[points[:, 0], points[:, 1]] = False
    return np.asarray(ndimage.distance_transform_edt(seeds))


@settings(max_examples=25, deadline=None)
@given(spacing=st.integers(8, 20), jitter=st.floats(0.0, 0.3), seed=st.integers(0, 10**6))
def test_a_pattern_is_treated_throughout_and_half_a_spacing_beyond(
    spacing: int, jitter: float, seed: int
) -> None:
    """The gaps between dots are inside the treated area; its edge lies about half a
    spacing beyond the outermost dots, whatever the spacing."""
    rng = np.random.default_rng(seed)
    size = 12 * spacing
    grid = np.arange(3 * spacing, 9 * spacing + 1, spacing)
    rows, cols = np.meshgrid(grid, grid, indexing="ij")
    points = np.c_[rows.ravel(), cols.ravel()].astype(np.float64)
    points += rng.uniform(-jitter, jitter, points.shape) * spacing
    points = np.rint(points).astype(np.intp)
    treated = treated_by_distance(_distance_to(points, (size, size)), float(spacing))
    inner = slice(3 * spacing, 9 * spacing)
    assert treated[inner, inner].all()
    expected = (6 * spacing + spacing) ** 2  # the pattern's span plus half a spacing a side
    assert abs(treated.sum() / expected - 1.0) < 0.12


def test_a_large_gap_is_not_treated() -> None:
    """Skin bare over several spacings inside a pattern (a scar) stays untreated."""
    spacing, size = 10, 200
    grid = np.arange(5, size, spacing)
    rows, cols = np.meshgrid(grid, grid, indexing="ij")
    points = np.c_[rows.ravel(), cols.ravel()]
    hole = np.hypot(points[:, 0] - 100, points[:, 1] - 100) < 50
    treated = treated_by_distance(_distance_to(points[~hole], (size, size)), float(spacing))
    assert not treated[100, 100]
    assert treated[20, 20]


def test_a_feathered_edge_is_left_out_of_the_full_treatment() -> None:
    """Dots every 4 pixels on the left, every 8 on the right: the mean tone is read
    where the dots are as dense as the pattern's own, on the left."""
    rows, cols = np.mgrid[2:96:4, 2:48:4]
    sparse_rows, sparse_cols = np.mgrid[2:96:8, 50:96:8]
    r = np.r_[rows.ravel(), sparse_rows.ravel()].astype(np.float64)
    c = np.r_[cols.ravel(), sparse_cols.ravel()].astype(np.float64)
    everywhere = np.ones((96, 96), dtype=bool)
    full = fully_treated(r, c, everywhere, everywhere, 4.0)
    assert full[:, :36].all()
    assert not full[:, 60:].any()


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6), jitter=st.floats(0.0, 0.4))
def test_an_even_pattern_is_fully_treated_throughout(seed: int, jitter: float) -> None:
    """No dots thin out: nothing but noise in the local density, and the median is the
    reference, so at most a sliver of an even pattern is left out."""
    rng = np.random.default_rng(seed)
    grid = np.arange(2, 120, 5, dtype=np.float64)
    rows, cols = np.meshgrid(grid, grid, indexing="ij")
    r = rows.ravel() + rng.uniform(-jitter, jitter, rows.size) * 5
    c = cols.ravel() + rng.uniform(-jitter, jitter, cols.size) * 5
    everywhere = np.ones((120, 120), dtype=bool)
    full = fully_treated(r, c, everywhere, everywhere, 5.0)
    assert full.mean() > 0.95


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 2**32 - 1),
    st.floats(0.05, 1.0),
    st.tuples(*(st.floats(0.7, 1.3),) * 3),
)
def test_bare_skin_median_from_codes_is_that_of_the_decoded_pixels(
    seed: int, share: float, gains: tuple[float, float, float]
) -> None:
    """The untreated skin's median colour read from the photo's codes (their histogram)
    is np.median of the decoded pixels to the bit, an even or odd count of them."""
    rng = np.random.default_rng(seed)
    h, w = (int(v) for v in rng.integers(2, 50, 2))
    srgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    srgb[..., 1] = rng.integers(120, 124, (h, w))  # ties in one channel
    photo = LinearRGB(srgb, gains)
    untreated = rng.random((h, w)) < share
    untreated[0, 0] = True  # (at least 5 % of the pixels: above the least share)
    analysed = np.ones((h, w), dtype=bool)
    finding = np.zeros(0)  # not read: the untreated skin is given
    from_codes = bare_skin_rgb(finding, photo, analysed, untreated, work=photo)  # type: ignore[arg-type]
    decoded = photo.take(srgb)
    from_pixels = bare_skin_rgb(finding, decoded, analysed, untreated, work=decoded)  # type: ignore[arg-type]
    assert from_codes is not None and from_pixels is not None
    np.testing.assert_array_equal(from_codes, from_pixels)
    np.testing.assert_array_equal(from_codes, np.median(decoded[untreated], axis=0))
