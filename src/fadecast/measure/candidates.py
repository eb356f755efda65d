"""Candidate dots on the working copy: LoG peaks, round, one per dot, significant.

Blobs answer the scale-normalised negative Laplacian of Gaussian of the darkness
(:func:`~fadecast.measure.blobs.normalised_log`). Taken a little finer than the dots'
own scale (:data:`DETECTION_SCALE`), with a suppression radius below it
(:data:`SUPPRESSION_RADIUS`), it keeps touching and spread dots apart. Its local maxima
that are strong enough and round at either scale (a hair is round at neither), each
moved up the darkness smoothed at the same scale to its dot's centre (:func:`climb`: a
flat-topped, saturated dot answers the finer LoG on a ring inside its edge, not at its
centre), one per dot (:func:`one_detection_per_dot`) and standing out of the noise
(:func:`~fadecast.measure.significance.significant_candidates`) are the candidates
(:func:`find_candidates`), at sub-pixel positions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage
from scipy.spatial import cKDTree

from fadecast.measure.blobs import (
    hessian_roundness,
    local_maxima,
    log_gain,
    normalised_log,
    subpixel_peaks,
)
from fadecast.measure.imaging import (
    gaussian_filter,
    kd_tree,
    nearest_among,
    nearest_distance,
    nearest_neighbours,
    parallel_map,
)
from fadecast.measure.significance import significant_candidates
from fadecast.measure.tunables import TUNABLES

__all__ = [
    "DETECTION_SCALE",
    "MERGE_DISTANCE",
    "MIN_ROUNDNESS",
    "NOISE_THRESHOLD",
    "RELATIVE_THRESHOLD",
    "SADDLE_REACH",
    "SADDLE_SHARE",
    "SUPPRESSION_RADIUS",
    "climb",
    "find_candidates",
    "one_detection_per_dot",
]

Float32 = NDArray[np.float32]
Array = NDArray[np.float64]
Indices = NDArray[np.intp]

#: Scale of the detecting LoG, relative to the dots' scale. [1]
DETECTION_SCALE = TUNABLES.detection_scale
#: Radius of non-maximum suppression, relative to the dots' scale. [1]
SUPPRESSION_RADIUS = TUNABLES.suppression_radius
#: A candidate must be at least this many noise standard deviations of the detecting
#: response ... [1]
NOISE_THRESHOLD = TUNABLES.noise_threshold
#: ... and this share of the typical candidate's (its 75th percentile). [1]
RELATIVE_THRESHOLD = TUNABLES.relative_threshold
#: Smallest ratio of the Hessian's eigenvalues at a dot's centre (1 is round, 0 a ridge).
MIN_ROUNDNESS = TUNABLES.min_roundness
#: Two detections closer than this share of the median nearest-neighbour distance are
#: one dot; the stronger stays. [1]
MERGE_DISTANCE = TUNABLES.merge_distance
#: Two detections within this many dot widths are one dot if, at the dots' own scale,
#: the response between them stays above this share of the weaker one's (no saddle:
#: noise split one dot's peak in two). Touching dots keep a saddle. [1]
SADDLE_REACH = TUNABLES.saddle_reach
SADDLE_SHARE = TUNABLES.saddle_share


def find_candidates(
    darkness: Float32, sigma_px: float, noise: float, allowed: NDArray[np.bool_]
) -> tuple[Array, Array]:
    """The candidate dots of the working copy's darkness, at sub-pixel positions.

    Local maxima (radius :data:`SUPPRESSION_RADIUS` ``σ``) of the scale-normalised LoG
    at :data:`DETECTION_SCALE` ``σ``, above :data:`NOISE_THRESHOLD` noise sd of that
    filter and :data:`RELATIVE_THRESHOLD` of the candidates' 75th percentile, round
    (Hessian eigenvalue ratio above :data:`MIN_ROUNDNESS` at that scale or at ``σ``:
    touching dots are round at the finer scale, a faint noisy dot at its own, a hair at
    neither), each moved up to the nearest maximum of the darkness smoothed by a
    Gaussian of :data:`DETECTION_SCALE` ``σ`` (:func:`climb`; the centre of any round
    dot, Gaussian or flat-topped), one per dot (:func:`one_detection_per_dot`) and
    significant (:func:`~fadecast.measure.significance.significant_candidates`); each
    refined by a parabola through that smoothed darkness.

    Parameters
    ----------
    darkness
        ``1 - Y / Y_skin`` on the working copy, hairs painted out, shape ``(H, W)``. [1]
    sigma_px
        The dots' Gaussian width ``σ`` on it. [px]
    noise
        The darkness's pixel noise sd (:func:`~fadecast.measure.blobs.noise_sd`). [1]
    allowed
        Pixels to look for dots in, shape ``(H, W)``.

    Returns
    -------
    tuple[NDArray[np.float64], NDArray[np.float64]]
        Rows and columns of the candidates, with pixel ``i`` at ``i``. [working px]

    Examples
    --------
    A 6 × 6 grid of dots of width 2.5 px, 12 px apart:

    >>> rows, cols = np.mgrid[0:72, 0:72] % 12 - 5.5
    >>> darkness = 0.5 * np.exp(-(rows**2 + cols**2) / (2 * 2.5**2)).astype(np.float32)
    >>> found_rows, found_cols = find_candidates(
    ...     darkness, 2.5, 0.002, np.ones((72, 72), dtype=bool))
    >>> len(found_rows), round(float(found_rows.min()), 1)
    (36, 5.5)
    """
    fine = DETECTION_SCALE * sigma_px
    matched = normalised_log(darkness, fine)
    radius = max(1, round(SUPPRESSION_RADIUS * sigma_px))
    rows, cols = local_maxima(matched, radius, NOISE_THRESHOLD * noise * log_gain(fine), allowed)
    if len(rows):
        typical = float(np.quantile(matched[rows, cols], 0.75))
        strong = matched[rows, cols] > RELATIVE_THRESHOLD * typical
        # Round at either scale: a dot is round at its own, touching dots each at the
        # finer one, a hair at neither.
        round_ = hessian_roundness(matched, rows, cols) > MIN_ROUNDNESS
        del matched  # (what is left is read at the dots' own scale)
        # The same at the dots' own scale (the matched filter): smoother, and less
        # sensitive to blotchy noise.
        whole = normalised_log(darkness, sigma_px)
        round_ |= hessian_roundness(whole, rows, cols) > MIN_ROUNDNESS
        keep = strong & round_
        rows, cols = rows[keep], cols[keep]
        # A flat-topped (saturated) dot answers the finer LoG on a ring inside its
        # edge, not at its centre: each peak climbs the darkness smoothed at the same
        # scale, which is highest at the centre of any round dot.
        smooth = gaussian_filter(darkness, fine)
        rows, cols = climb(smooth, rows, cols, steps=max(2, math.ceil(2.0 * sigma_px)))
        # What is read of the smoothed darkness: each peak's strength and its position
        # refined (each peak's own, whichever are kept).
        strength = smooth[rows, cols]
        refined = subpixel_peaks(smooth, rows, cols)
        del smooth
        climbed = rows * darkness.shape[1] + cols  # each a distinct pixel
        nearest = None
        if len(rows) >= 3:
            # Each detection's nearest, found once for the merging and the noise's test.
            points = np.c_[rows, cols].astype(np.float64)
            tree = kd_tree(points)
            near = nearest_neighbours(points, tree=tree)
            one = _one_per_dot(points, tree, near[0], rows, cols, strength, whole, sigma_px)
            rows, cols = rows[one], cols[one]
            nearest = nearest_among(points, one, *near, tree=tree)
        rows, cols = significant_candidates(
            darkness, whole, rows, cols, sigma_px, noise, allowed, nearest=nearest
        )
        del whole
        order = np.argsort(climbed, kind="stable")
        at = order[np.searchsorted(climbed, rows * darkness.shape[1] + cols, sorter=order)]
        return refined[0][at], refined[1][at]
    return subpixel_peaks(matched, rows, cols)


def climb(image: Float32, rows: Indices, cols: Indices, *, steps: int) -> tuple[Indices, Indices]:
    """Each point moved uphill to a local maximum of ``image`` (the largest of its 3 × 3
    neighbours, at most ``steps`` times); points that reach the same pixel are one (the
    first stays).

    Parameters
    ----------
    image
        Shape ``(H, W)``.
    rows, cols
        The starting points. [px]
    steps
        Most moves of one pixel. [1]

    Returns
    -------
    tuple[NDArray[np.intp], NDArray[np.intp]]
        The pixels reached, one per distinct pixel, in the order of the points that
        first reached them. [px]

    Examples
    --------
    Two points on the rim of a round hill both climb to its top:

    >>> rows, cols = np.mgrid[0:21, 0:21] - 10.0
    >>> hill = np.exp(-(rows**2 + cols**2) / 50.0).astype(np.float32)
    >>> climb(hill, np.array([5, 13]), np.array([6, 14]), steps=10)
    (array([10]), array([10]))
    """
    h, w = image.shape
    r, c = rows.astype(np.intp).copy(), cols.astype(np.intp).copy()
    flat = np.ravel(image)
    # Each point's 3 × 3 neighbours (the image's edge repeated beyond it), in row-major
    # order; the first of the highest is taken, the point staying unless it is
    # strictly higher than where the point is.
    dr = np.repeat(np.arange(-1, 2), 3)
    dc = np.tile(np.arange(-1, 2), 3)
    index = np.int32 if h * w < 2**31 else np.intp
    around = (dr * w + dc).astype(index)[None, :]

    def climb_some(start: int) -> None:
        part = np.arange(start, min(start + _CLIMB_POINTS, len(r)))
        _climb_some(flat, (h, w), r, c, part, steps, around)

    # The points climb independently: groups of them side by side (each writes its own).
    parallel_map(climb_some, range(0, len(r), _CLIMB_POINTS))
    _, first = np.unique(r * w + c, return_index=True)
    first.sort()
    return r[first], c[first]


#: Points :func:`climb` moves at once (bounds the memory of their neighbours; changes no
#: value). [1]
_CLIMB_POINTS = 16_384


def _climb_some(
    flat: Float32,
    shape: tuple[int, int],
    r: Indices,
    c: Indices,
    moving: Indices,
    steps: int,
    around: NDArray[np.signedinteger[Any]],
) -> None:
    """:func:`climb`'s moves of the points ``moving``, on the image ``flat`` of ``shape``,
    in place in ``r`` and ``c``; ``around`` holds the flat offsets of a pixel's 3 × 3
    neighbours, in row-major order."""
    h, w = shape
    dr = np.repeat(np.arange(-1, 2), 3)
    dc = np.tile(np.arange(-1, 2), 3)
    index = around.dtype
    for _ in range(steps):
        rm, cm = r[moving], c[moving]
        at = (rm * w + cm).astype(index)[:, None] + around  # each point's nine together
        # Points on the border read their neighbours' rows and columns clipped to it.
        edge = np.flatnonzero((rm == 0) | (rm == h - 1) | (cm == 0) | (cm == w - 1))
        if len(edge):
            er = np.clip(rm[edge][:, None] + dr[None, :], 0, h - 1)
            ec = np.clip(cm[edge][:, None] + dc[None, :], 0, w - 1)
            at[edge] = er * w + ec
        values = flat.take(at)
        best = np.argmax(values, axis=1)
        moved = values[np.arange(len(moving)), best] > values[:, 4]
        moving, best = moving[moved], best[moved]
        if len(moving) == 0:
            break
        r[moving] = np.clip(r[moving] + dr[best], 0, h - 1)
        c[moving] = np.clip(c[moving] + dc[best], 0, w - 1)


def one_detection_per_dot(
    rows: Indices,
    cols: Indices,
    strength: Float32,
    whole: Float32,
    sigma_px: float,
) -> tuple[Indices, Indices]:
    """Detections of one dot merged into one: the stronger of each pair stays.

    Two detections are one dot when they are closer than :data:`MERGE_DISTANCE` of the
    median nearest-neighbour distance (too close for the pattern), or when they lie
    within :data:`SADDLE_REACH` dot widths with no saddle between them at the dots'
    scale: the response ``whole`` sampled at a quarter, half and three quarters of the
    way stays above :data:`SADDLE_SHARE` of the weaker end's (noise split one dot's
    peak in two). Touching dots keep a saddle and stay two. Fewer than three
    detections are kept as they are.

    Parameters
    ----------
    rows, cols
        The detections. [px]
    strength
        How strongly each answers (in :func:`find_candidates`, the smoothed darkness at
        it); the stronger of two merged stays. [1]
    whole
        The scale-normalised LoG at the dots' scale, shape ``(H, W)``. [1]
    sigma_px
        The dots' Gaussian width. [px]

    Returns
    -------
    tuple[NDArray[np.intp], NDArray[np.intp]]
        The rows and columns kept, in their original order. [px]

    Examples
    --------
    Two detections on one dot (at 40, 40) become one; two touching dots 3.2 widths
    apart (at row 85) stay two, as does a lone one:

    >>> from fadecast.measure.blobs import normalised_log
    >>> rows, cols = np.mgrid[0:120, 0:120] + 0.5
    >>> darkness = np.exp(-((rows - 40) ** 2 + (cols - 40) ** 2) / 32.0)
    >>> for centre in (30.0, 42.8):
    ...     darkness += np.exp(-((rows - 85) ** 2 + (cols - centre) ** 2) / 32.0)
    >>> whole = normalised_log(darkness.astype(np.float32), 4.0)
    >>> r, c = np.array([38, 42, 85, 85, 10]), np.array([39, 41, 30, 43, 110])
    >>> kept = one_detection_per_dot(r, c, whole[r, c], whole, 4.0)
    >>> [(int(i), int(j)) for i, j in zip(*kept)]
    [(38, 39), (85, 30), (85, 43), (10, 110)]
    """
    if len(rows) < 3:
        return rows, cols
    points = np.c_[rows, cols].astype(np.float64)
    tree = kd_tree(points)
    nearest = nearest_distance(points, tree=tree)
    one = _one_per_dot(points, tree, nearest, rows, cols, strength, whole, sigma_px)
    return rows[one], cols[one]


def _one_per_dot(
    points: Array,
    tree: cKDTree,
    nearest: Array,
    rows: Indices,
    cols: Indices,
    strength: Float32,
    whole: Float32,
    sigma_px: float,
) -> NDArray[np.bool_]:
    """Which of three or more detections :func:`one_detection_per_dot` keeps, given
    their points, k-d tree and nearest-neighbour distances."""
    close = MERGE_DISTANCE * float(np.median(nearest))
    pairs = tree.query_pairs(max(close, SADDLE_REACH * sigma_px), output_type="ndarray")
    if len(pairs) == 0:
        return np.ones(len(rows), dtype=bool)
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]  # in an order of their own
    i, j = pairs[:, 0], pairs[:, 1]
    distance = np.hypot(*(points[i] - points[j]).T)
    steps = np.array([0.25, 0.5, 0.75])
    along = points[i][:, None, :] + steps[None, :, None] * (points[j] - points[i])[:, None, :]
    between = ndimage.map_coordinates(
        whole, along.reshape(-1, 2).T, order=1, mode="nearest"
    ).reshape(len(pairs), len(steps))
    ends = np.minimum(whole[rows[i], cols[i]], whole[rows[j], cols[j]])
    one = (distance < close) | (between.min(axis=1) >= SADDLE_SHARE * ends)
    drop = np.zeros(len(rows), dtype=bool)
    order = np.argsort(-np.maximum(strength[i], strength[j])[one], kind="stable")
    for a, b in pairs[one][order]:
        if not (drop[a] or drop[b]):
            drop[b if strength[a] >= strength[b] else a] = True
    return ~drop
