"""Tests of the figures' building blocks: the treated area."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from fadecast.measure.figures import treated_by_distance


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
