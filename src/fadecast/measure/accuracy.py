"""How well a measurement recovers a render's ground truth.

A detection matches a true dot within half the dot spacing, one to one (the nearest
true dot; a second detection of the same dot is a false one). Dots whose centre is
under a hair count neither way: no one could see them. The truth is what the
renderer's manifest gives: positions, visible diameters (full width at half depth),
the colour at each centre and of the skin around it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from fadecast.measure.figures import (
    MIN_BARE_SKIN_SHARE,
    treated_area,
    treated_by_distance,
    untreated_by_distance,
)
from fadecast.measure.imaging import nearest_distance
from fadecast.measure.measurement import Measurement, exclude_rectangle
from fadecast.render.scene import Scene, YearPicture
from fadecast.skin import colour

__all__ = ["Score", "analysed_mask", "match_detections", "score", "true_treated_area"]


@dataclass(frozen=True)
class Score:
    """A measurement against the truth.

    Attributes
    ----------
    precision, recall, f1
        Of the detections. [1]
    density_error
        Measured density / true density - 1. [1]
    diameter_error
        Measured median diameter / true median diameter - 1. [1]
    delta_e00_error
        Measured median per-dot ΔE00 - true median. [ΔE00]
    """

    precision: float
    recall: float
    f1: float
    density_error: float
    diameter_error: float
    delta_e00_error: float


def match_detections(
    found: NDArray[np.floating],
    truth: NDArray[np.floating],
    radius: float,
    *,
    seen: NDArray[np.bool_] | None = None,
    counted: NDArray[np.bool_] | None = None,
) -> tuple[float, float, float]:
    """Precision, recall and F1 of detections against true points, one to one.

    Pairs are made closest first, within ``radius``. True points not ``seen`` (under a
    hair) count neither way: a detection of one is not false and missing one is not a
    miss; true points not ``counted`` (off the measured area) are left out of the recall.

    Parameters
    ----------
    found, truth
        Points ``(row, col)``, shapes ``(N, 2)`` and ``(M, 2)``. [px]
    radius
        Largest distance of a match. [px]
    """
    n_truth = len(truth)
    seen = np.ones(n_truth, dtype=bool) if seen is None else seen
    counted = np.ones(n_truth, dtype=bool) if counted is None else counted
    matched = np.zeros(n_truth, dtype=bool)
    true_positive = 0
    excused = 0
    if len(found) and n_truth:
        distance, index = cKDTree(truth).query(found)
        for k in np.argsort(distance):
            j = index[k]
            if distance[k] < radius and not matched[j]:
                matched[j] = True
                if seen[j]:
                    true_positive += 1
                else:
                    excused += 1
    n_found = len(found) - excused
    precision = true_positive / max(n_found, 1)
    recall = true_positive / max(int((seen & counted).sum()), 1)
    f1 = 2.0 * precision * recall / max(precision + recall, 1e-12)
    return precision, recall, f1


def analysed_mask(measurement: Measurement, shape: tuple[int, int]) -> NDArray[np.bool_]:
    """The pixels the measurement looked at (the photo without card and marker);
    densities are compared over the treated part of them."""
    mask = np.ones(shape, dtype=bool)
    if measurement.white is not None:
        exclude_rectangle(mask, measurement.white.extent)
    if measurement.marker is not None:
        exclude_rectangle(mask, measurement.marker.rect)
    return mask


def true_treated_area(
    centres_px: NDArray[np.floating], analysed: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """The treated part of the analysed pixels by the true dots, under the rule the
    measurement applies to the dots it finds (:func:`figures.treated_area`): all of
    them, unless untreated skin is in view; then those near a dot."""
    if len(centres_px) < 3:
        return analysed
    spacing = float(np.median(nearest_distance(centres_px)))
    rows, cols = np.indices(analysed.shape)
    pixels = np.c_[rows.ravel() + 0.5, cols.ravel() + 0.5]
    distance = cKDTree(centres_px).query(pixels)[0].reshape(analysed.shape)
    untreated = untreated_by_distance(distance, analysed, spacing)
    if untreated.mean() < MIN_BARE_SKIN_SHARE:
        return analysed
    return analysed & treated_by_distance(distance, spacing)


def score(
    measurement: Measurement,
    scene: Scene,
    picture: YearPicture,
    *,
    spacing_mm: float = 1.0,
) -> Score:
    """Compare a measurement of a rendered picture with the render's truth.

    Every true dot in the analysed pixels counts (a region of dots missed is a region
    of misses); the measured density (dots found over the treated area the measurement
    found) is compared with the true one (true dots over the true treated area).
    """
    ppm = scene.settings.px_per_mm
    shape = (scene.settings.pixels, scene.settings.pixels)
    analysed = analysed_mask(measurement, shape)
    truth = scene.layout.centres_mm[:, ::-1] * ppm  # (row, col)
    rows = np.clip(truth[:, 0].astype(np.intp), 0, shape[0] - 1)
    cols = np.clip(truth[:, 1].astype(np.intp), 0, shape[1] - 1)
    inside = analysed[rows, cols]
    seen = inside & ~picture.centre_hidden
    found = measurement.found
    precision, recall, f1 = match_detections(
        np.c_[found.rows, found.cols], truth, 0.5 * spacing_mm * ppm, seen=seen, counted=inside
    )
    true_area_cm2 = true_treated_area(truth[inside], analysed).sum() / ppm**2 / 100.0
    density_true = inside.sum() / true_area_cm2
    area_cm2 = treated_area(found, analysed).sum() / ppm**2 / 100.0
    density = found.count / area_cm2
    diameter_true = float(np.median(picture.diameter_mm[inside])) * ppm
    diameter = float(np.median(found.diameter_px)) if found.count else float("nan")
    delta_true = colour.delta_e_ciede2000(picture.centre_lab[seen], picture.skin_lab[seen])
    measured = measurement.figures.delta_e00
    delta_error = (
        float("nan") if measured is None else measured.median - float(np.median(delta_true))
    )
    return Score(
        precision=precision,
        recall=recall,
        f1=f1,
        density_error=density / density_true - 1.0,
        diameter_error=diameter / diameter_true - 1.0,
        delta_e00_error=delta_error,
    )
