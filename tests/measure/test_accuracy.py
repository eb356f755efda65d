"""Tests of scoring measurements against a render's truth."""

from __future__ import annotations

import numpy as np

from fadecast.measure.accuracy import match_detections, true_treated_area


def test_matching_is_one_to_one_and_within_the_radius() -> None:
    truth = np.array([[10.0, 10.0], [10.0, 30.0], [40.0, 40.0]])
    found = np.array([[11.0, 10.0], [10.5, 10.5], [10.0, 29.0], [80.0, 80.0]])
    precision, recall, f1 = match_detections(found, truth, 5.0)
    assert precision == 2 / 4  # a second detection of a dot is a false one
    assert recall == 2 / 3
    assert f1 == 2 * precision * recall / (precision + recall)


def test_hidden_dots_count_neither_way() -> None:
    truth = np.array([[10.0, 10.0], [10.0, 30.0]])
    seen = np.array([True, False])
    precision, recall, _ = match_detections(truth.copy(), truth, 5.0, seen=seen)
    assert (precision, recall) == (1.0, 1.0)
    precision, recall, _ = match_detections(truth[:1], truth, 5.0, seen=seen)
    assert (precision, recall) == (1.0, 1.0)


def test_the_true_treated_area_is_all_unless_bare_skin_is_in_view() -> None:
    spacing, size = 10, 200
    grid = np.arange(5, size, spacing)
    rows, cols = np.meshgrid(grid, grid, indexing="ij")
    everywhere = np.c_[rows.ravel(), cols.ravel()].astype(np.float64)
    analysed = np.ones((size, size), dtype=bool)
    assert true_treated_area(everywhere, analysed).all()
    lower = everywhere[everywhere[:, 0] >= 100]  # the upper half is a bare forehead
    treated = true_treated_area(lower, analysed)
    assert not treated[:80].any()
    assert treated[105:].all()  # from the first row of dots on
    assert abs(treated.sum() / (size * (size - 100 + spacing / 2)) - 1.0) < 0.05
