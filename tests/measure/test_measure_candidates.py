"""Tests of the candidate dots (:mod:`fadecast.measure.candidates`): LoG peaks, round,
one per dot."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage
from scipy.spatial import cKDTree

from fadecast.measure import candidates


def _darkness(
    centres: list[tuple[float, float]], sigma: float, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float64)
    darkness = np.zeros(shape)
    for r, c in centres:
        darkness += 0.5 * np.exp(-((rows - r) ** 2 + (cols - c) ** 2) / (2 * sigma**2))
    return darkness.astype(np.float32), np.array(centres)


def test_one_dot_split_by_noise_is_merged_and_touching_dots_are_not() -> None:
    size, sigma = 120, 4.0
    rows, cols = np.mgrid[0:size, 0:size] + 0.5
    darkness = np.exp(-((rows - 40) ** 2 + (cols - 40) ** 2) / (2 * sigma**2))
    for centre in (30.0, 30.0 + 3.2 * sigma):  # touching dots, 3.2 widths apart
        darkness += np.exp(-((rows - 85) ** 2 + (cols - centre) ** 2) / (2 * sigma**2))
    whole = (-(sigma**2) * ndimage.gaussian_laplace(darkness, sigma)).astype(np.float32)
    candidates_r = np.array([38, 42, 85, 85, 10], dtype=np.intp)  # two on the first dot
    candidates_c = np.array([39, 41, 30, 43, 110], dtype=np.intp)
    strength = whole[candidates_r, candidates_c]
    merged_r, merged_c = candidates.one_detection_per_dot(
        candidates_r, candidates_c, strength, whole, sigma
    )
    kept = set(zip(merged_r.tolist(), merged_c.tolist(), strict=True))
    assert len(kept & {(38, 39), (42, 41)}) == 1
    assert {(85, 30), (85, 43), (10, 110)} <= kept


def test_of_two_detections_too_close_for_the_pattern_the_stronger_stays() -> None:
    """Closer than MERGE_DISTANCE of the pattern's spacing: one dot, whatever the
    response between them."""
    whole = np.zeros((100, 100), dtype=np.float32)
    rows = np.array([10, 10, 10, 10, 50, 53], dtype=np.intp)
    cols = np.array([10, 30, 50, 70, 50, 50], dtype=np.intp)
    strength = np.array([1, 1, 1, 1, 0.5, 0.9], dtype=np.float32)
    kept_r, kept_c = candidates.one_detection_per_dot(rows, cols, strength, whole, 0.5)
    assert list(zip(kept_r.tolist(), kept_c.tolist(), strict=True)) == [
        (10, 10),
        (10, 30),
        (10, 50),
        (10, 70),
        (53, 50),
    ]


def test_fewer_than_three_detections_are_kept_as_they_are() -> None:
    whole = np.ones((10, 10), dtype=np.float32)
    rows, cols = np.array([2, 3], dtype=np.intp), np.array([2, 3], dtype=np.intp)
    kept = candidates.one_detection_per_dot(rows, cols, whole[rows, cols], whole, 2.0)
    np.testing.assert_array_equal(kept[0], rows)


@settings(max_examples=25, deadline=None)
@given(
    sigma=st.floats(2.0, 3.5),
    spacing_widths=st.floats(3.5, 7.0),
    dr=st.floats(-0.5, 0.5),
    dc=st.floats(-0.5, 0.5),
)
def test_every_dot_of_a_grid_is_one_candidate_at_its_centre(
    sigma: float, spacing_widths: float, dr: float, dc: float
) -> None:
    """Whatever the dots' width, spacing (down to touching dots) and sub-pixel position:
    one candidate per dot, within a tenth of a pixel of its centre (on the working
    copy, pixel i at i); touching dots pull each other's peaks by up to a tenth of
    their width."""
    spacing = sigma * spacing_widths
    grid = [(spacing * (i + 1) + dr, spacing * (j + 1) + dc) for i in range(6) for j in range(6)]
    side = int(spacing * 7)
    darkness, centres = _darkness(grid, sigma, (side, side))
    darkness += np.random.default_rng(0).normal(0.0, 0.002, darkness.shape).astype(np.float32)
    rows, cols = candidates.find_candidates(
        darkness, sigma, 0.002, np.ones(darkness.shape, dtype=bool)
    )
    assert len(rows) == len(centres)
    distance, index = cKDTree(centres).query(np.c_[rows, cols])
    assert len(np.unique(index)) == len(centres)
    assert distance.max() < (0.1 if spacing_widths >= 4.5 else 0.1 * sigma)


@pytest.mark.parametrize("radius", [5.0, 8.0, 12.0])
def test_a_flat_topped_dot_is_one_candidate_at_its_centre(radius: float) -> None:
    """A saturated dot is flat-topped: the LoG finer than its scale answers on a ring
    inside its edge, not at its centre; each of its peaks climbs to the centre."""
    rows, cols = np.mgrid[0:120, 0:120] + 0.5
    centres = [(40.3, 40.6), (40.3, 40.6 + 2.6 * radius), (40.3 + 2.6 * radius, 40.6)]
    ink = np.zeros((120, 120))
    for r, c in centres:
        ink += 0.45 / (1.0 + np.exp((np.hypot(rows - r, cols - c) - radius) / 0.7))
    darkness = np.minimum(ink, 0.45).astype(np.float32)
    sigma = radius / 1.8  # about the scale the LoG finds at such dots
    found_r, found_c = candidates.find_candidates(
        darkness, sigma, 0.002, np.ones(darkness.shape, dtype=bool)
    )
    assert len(found_r) == len(centres)
    distance, index = cKDTree(np.array(centres) - 0.5).query(np.c_[found_r, found_c])
    assert len(np.unique(index)) == len(centres)
    assert distance.max() < 0.5


def test_nothing_outside_the_allowed_pixels_is_a_candidate() -> None:
    sigma = 2.5
    darkness, _ = _darkness([(20.0, 20.0), (20.0, 60.0), (60.0, 20.0)], sigma, (80, 80))
    allowed = np.ones(darkness.shape, dtype=bool)
    allowed[:40, 40:] = False  # the dot at (20, 60) is not looked at
    rows, cols = candidates.find_candidates(darkness, sigma, 0.002, allowed)
    found = {(round(r), round(c)) for r, c in zip(rows, cols, strict=True)}
    assert found == {(20, 20), (60, 20)}


def test_a_picture_without_dots_has_no_candidates() -> None:
    noise = np.random.default_rng(1).normal(0.0, 0.01, (100, 100)).astype(np.float32)
    rows, cols = candidates.find_candidates(noise, 2.5, 0.01, np.ones((100, 100), dtype=bool))
    assert len(rows) <= 1
    assert rows.dtype == np.float64 and cols.dtype == np.float64


@pytest.mark.parametrize("name", ["DETECTION_SCALE", "SUPPRESSION_RADIUS"])
def test_the_detecting_scales_are_finer_than_the_dots(name: str) -> None:
    """Finer than the dots' own scale: touching dots stay apart."""
    assert 0.0 < getattr(candidates, name) < 1.0


def _climb_one_by_one(
    image: np.ndarray, rows: np.ndarray, cols: np.ndarray, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each point moved in turn, one neighbour at a time (the definition of climbing)."""
    h, w = image.shape
    reached = []
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        for _ in range(steps):
            best, to = image[r, c], (r, c)
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    nr, nc = min(max(r + dr, 0), h - 1), min(max(c + dc, 0), w - 1)
                    if image[nr, nc] > best:
                        best, to = image[nr, nc], (nr, nc)
            if to == (r, c):
                break
            r, c = to
        reached.append((r, c))
    first = []
    for point in reached:
        if point not in first:
            first.append(point)
    return np.array([p[0] for p in first]), np.array([p[1] for p in first])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 1000), levels=st.integers(3, 40), steps=st.integers(1, 8))
def test_climbing_moves_each_point_to_the_first_highest_neighbour_until_a_top(
    seed: int, levels: int, steps: int
) -> None:
    """On a smooth picture rounded to few levels (plateaus and ties, at the edges too),
    every point climbs as it would one by one."""
    rng = np.random.default_rng(seed)
    image = ndimage.gaussian_filter(rng.random((24, 31)), 1.5)
    image = np.round(image * levels / image.max()).astype(np.float32)
    rows, cols = rng.integers(0, 24, 80), rng.integers(0, 31, 80)
    got = candidates.climb(image, rows, cols, steps=steps)
    want = _climb_one_by_one(image, rows, cols, steps)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
