"""Tests of which measured detections are dots (:mod:`fadecast.measure.pruning`)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.measure import pruning


def _row_of_dots(count: int, spacing: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(count), np.arange(count) * spacing


def test_dots_alike_are_all_kept() -> None:
    rows, cols = _row_of_dots(12)
    keep = pruning.real_dots(rows, cols, np.full(12, 0.3), np.full(12, 2.0))
    assert keep.all() and keep.dtype == bool


def test_too_shallow_too_dark_and_unread_detections_are_dropped() -> None:
    rows, cols = _row_of_dots(12)
    depth = np.full(12, 0.3)
    depth[2] = 0.99 * pruning.RELATIVE_DEPTH * 0.3  # noise or a compression block
    depth[5] = 1.01 * pruning.MAX_RELATIVE_DEPTH * 0.3  # a hair
    depth[7] = np.nan  # nothing clear at its centre
    depth[9] = 1.01 * pruning.RELATIVE_DEPTH * 0.3  # faint, but in the pattern: a dot
    keep = pruning.real_dots(rows, cols, depth, np.full(12, 2.0))
    assert np.flatnonzero(~keep).tolist() == [2, 5, 7]


def test_no_detection_is_darker_than_the_least_depth_of_a_dot() -> None:
    rows, cols = _row_of_dots(10)
    depth = np.full(10, 0.9 * pruning.MIN_DEPTH)
    assert not pruning.real_dots(rows, cols, depth, np.full(10, 2.0)).any()
    assert not pruning.real_dots(rows, cols, np.full(10, np.nan), np.full(10, 2.0)).any()


def test_a_faint_detection_alone_is_noise_and_one_in_the_pattern_a_dot() -> None:
    rows, cols = _row_of_dots(10)
    rows, cols = np.append(rows, [0.0, 100.0]), np.append(cols, [100.0, 100.0])
    depth = np.append(np.full(10, 0.3), [0.15, 0.15])  # faint: the first in the row
    keep = pruning.real_dots(rows, cols, depth, np.full(12, 2.0))
    assert keep[:11].all() and not keep[11]
    # The same far detection, as deep as the dots, is kept: only the faint go.
    depth[11] = 0.3
    assert pruning.real_dots(rows, cols, depth, np.full(12, 2.0)).all()


def test_a_faint_detection_with_a_hard_edge_is_a_compression_block() -> None:
    rows, cols = _row_of_dots(10)
    depth, edge = np.full(10, 0.3), np.full(10, 2.0)
    depth[[3, 6]] = 0.15
    edge[3] = 0.99 * pruning.BLOCK_EDGE_SHARE * 2.0  # a hard edge no dot has
    edge[6] = 1.01 * pruning.BLOCK_EDGE_SHARE * 2.0
    keep = pruning.real_dots(rows, cols, depth, edge)
    assert np.flatnonzero(~keep).tolist() == [3]
    edge[4] = 0.1  # a dot's hard edge: kept, only faint ones are blocks
    assert pruning.real_dots(rows, cols, depth, edge)[4]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    count=st.integers(0, 40),
    power=st.integers(-3, 6),
    shift=st.floats(-1e3, 1e3),
)
def test_the_rules_do_not_depend_on_units_or_where_the_pattern_lies(
    seed: int, count: int, power: int, shift: float
) -> None:
    """The same dots in pixels of a copy reduced by a power of two, or moved across the
    photo, are the same dots."""
    rng = np.random.default_rng(seed)
    rows, cols = rng.random(count) * 200.0, rng.random(count) * 200.0
    depth = np.where(rng.random(count) < 0.1, np.nan, rng.random(count))
    edge = rng.random(count) * 3.0
    keep = pruning.real_dots(rows, cols, depth, edge)
    assert keep.shape == (count,)
    scale = 2.0**power
    scaled = pruning.real_dots(rows * scale, cols * scale, depth, edge * scale)
    np.testing.assert_array_equal(scaled, keep)
    moved = pruning.real_dots(rows + shift, cols - shift, depth, edge)
    np.testing.assert_array_equal(moved, keep)
    assert not keep[np.isnan(depth)].any()
