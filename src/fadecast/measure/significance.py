"""Whether a candidate dot stands out of the photo's own noise.

A candidate must stand :data:`SIGNIFICANCE` standard deviations out of the noise of the
untreated skin in view, at the dots' own scale, or more on a photo large enough that
noise alone would stand out that far in more than :data:`FALSE_DOTS` places: the
expected Euler characteristic of the filtered noise (Worsley et al. 1996) gives the
threshold (:func:`significance`); :func:`significant_candidates` applies it.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from fadecast.measure.blobs import log_gain, max_around
from fadecast.measure.imaging import (
    block_all,
    distance_to_unset,
    erode_cross,
    even_sample,
    full_resolution,
    gaussian_filter,
    nearest_among,
    nearest_distance,
    power_of_two_at_most,
)
from fadecast.measure.tunables import TUNABLES

__all__ = [
    "FALSE_DOTS",
    "MAX_NOISE_SHARE",
    "MIN_UNTREATED_SHARE",
    "SIGNIFICANCE",
    "UNTREATED_SPACINGS",
    "significance",
    "significant_candidates",
]

Float32 = NDArray[np.float32]
Array = NDArray[np.float64]
Indices = NDArray[np.intp]

#: A candidate's response at the dots' own scale must exceed this many standard
#: deviations of that response on untreated skin. [1]
SIGNIFICANCE = TUNABLES.significance
#: Dots that noise alone may give in a whole photo (expected): on a large photo a dot
#: must stand out of the noise by more than :data:`SIGNIFICANCE` (see
#: :func:`significance`). [1]
FALSE_DOTS = TUNABLES.false_dots
#: Untreated skin lies further than this many dot spacings from every clear dot. [1]
UNTREATED_SPACINGS = TUNABLES.untreated_spacings
#: Least share of the image that is untreated skin for its noise to be measured. [1]
MIN_UNTREATED_SHARE = TUNABLES.min_untreated_share
#: Untreated skin whose deviations exceed this share of the clear dots' median response
#: (at the dots' scale) holds structure (an edge, a mole, a card's shadow), not noise;
#: it is not used, and the pixel noise is. [1]
MAX_NOISE_SHARE = TUNABLES.max_noise_share


def significance(area_px: int, sigma_px: float) -> float:
    """Standard deviations of the noise a dot must stand out by, on ``area_px`` pixels
    looked at with dots of width ``sigma_px``: :data:`SIGNIFICANCE`, or more on a picture
    large enough that noise alone would stand out that far in more than
    :data:`FALSE_DOTS` places.

    The number of local maxima of a smooth Gaussian random field above ``u`` standard
    deviations over an area ``A`` is about its expected Euler characteristic,
    ``A λ u exp(-u²/2) / (2π)^(3/2)``, with ``λ`` the variance of its derivative along
    an axis over its own variance (Worsley et al. 1996): ``3 / (2 σ²)`` for the
    scale-normalised Laplacian of Gaussian of white noise at scale ``σ``. Two
    statistics are read per candidate, so the count is doubled. [1]

    Parameters
    ----------
    area_px
        Pixels looked at. [px]
    sigma_px
        The dots' width on them. [px]

    Examples
    --------
    >>> significance(10_000, 3.0)
    4.0
    >>> round(significance(50_000_000, 3.0), 2)
    5.71
    """
    rate = 2.0 * max(area_px, 1) * 1.5 / sigma_px**2 / (2.0 * math.pi) ** 1.5
    log_target = math.log(FALSE_DOTS / rate)

    def excess(u: float) -> float:  # log(u exp(-u²/2)) - log(target), falling for u > 1
        return math.log(u) - 0.5 * u * u - log_target

    low, high = SIGNIFICANCE, SIGNIFICANCE + 40.0
    if excess(low) <= 0.0:
        return low
    for _ in range(60):
        middle = 0.5 * (low + high)
        low, high = (middle, high) if excess(middle) > 0.0 else (low, middle)
    return high


def _surely_little_free(
    seed_rows: Indices,
    seed_cols: Indices,
    looked: NDArray[np.bool_],
    cell: int,
    reach_px: float,
    shape: tuple[int, ...],
) -> bool:
    """Whether the cells further than ``reach_px`` from every seed (the cells at
    ``(seed_rows, seed_cols)``) and looked at (``looked``, one value a cell) certainly
    cover less than :data:`MIN_UNTREATED_SHARE` of a picture of ``shape``, read on
    blocks of cells: every cell of a block beside one holding a seed is within the reach
    when the reach spans two blocks' diagonals. A quick bound, so that a photo full of
    dots skips the distance transform."""
    block = power_of_two_at_most(reach_px / cell / (2.0 * math.sqrt(2.0)))
    if block < 1 or reach_px < 2.0 * math.sqrt(2.0) * block * cell:
        return False
    import cv2

    h, w = looked.shape
    held = np.zeros((-(-h // block), -(-w // block)), dtype=np.uint8)
    held[seed_rows // block, seed_cols // block] = 1
    beside = cv2.dilate(held, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_CONSTANT)
    if np.asarray(beside).all():  # every block is beside a seed
        return True
    maybe = np.repeat(np.repeat(beside == 0, block, axis=0), block, axis=1)[:h, :w] & looked
    return _full_share(maybe, cell, shape) < MIN_UNTREATED_SHARE


def _full_share(cells: NDArray[np.bool_], cell: int, shape: tuple[int, ...]) -> float:
    """Share of a picture of ``shape`` that a mask of its ``cell`` × ``cell`` cells
    covers at full resolution (:func:`~fadecast.measure.imaging.full_resolution`: the
    last row and column of cells reach the picture's edges). [1]"""
    if cells.size == 0:
        return 0.0
    cols = np.full(cells.shape[1], cell, dtype=np.int64)
    cols[-1] += shape[1] - cell * cells.shape[1]
    # Cells set in each column, every row of cells counting ``cell`` rows but the last,
    # which counts what is left of the picture.
    per_column = cell * np.count_nonzero(cells, axis=0).astype(np.int64)
    per_column += (shape[0] - cell * cells.shape[0]) * cells[-1].astype(np.int64)
    covered = int(per_column @ cols)
    return covered / max(shape[0] * shape[1], 1)


def _robust_z(field: Float32, at: Array, where: NDArray[np.bool_]) -> Array:
    """``at`` in robust standard deviations of ``field`` over ``where`` above its median
    (both read on an even sample of at most :data:`~fadecast.measure.imaging.MAX_SAMPLE`
    of the values)."""
    values = even_sample(field[where])
    centre = float(np.median(values))
    sd = 1.4826 * float(np.median(np.abs(values - centre)))
    return np.asarray((at - centre) / max(sd, 1e-12), dtype=np.float64)


def significant_candidates(
    darkness: Float32,
    response: Float32,
    rows: Indices,
    cols: Indices,
    sigma_px: float,
    noise: float,
    allowed: NDArray[np.bool_],
    *,
    nearest: tuple[Array, Indices] | None = None,
) -> tuple[Indices, Indices]:
    """Candidates that stand out of the skin's noise at the dots' scale.

    Candidates come from a LoG finer than the dots, which keeps touching dots apart but
    also answers to noise that compression has made blotchy (JPEG removes the fine
    noise that the pixel noise is measured from and keeps the coarser). At the dots'
    own scale a dot answers more and such noise less. Two statistics are read there:
    the scale-normalised LoG (``response``, the matched filter, blind to the skin's
    level but lowered by close neighbours' rings) and the darkness smoothed by half the
    dots' width (raised, not lowered, by neighbours). Their noise is measured on
    untreated skin in view (further than :data:`UNTREATED_SPACINGS` spacings from
    every clear dot, the forehead say), robustly (median and median absolute
    deviation); a candidate standing :func:`significance` deviations out in either is
    a dot. Without untreated skin in view only the LoG is read, its noise predicted
    from the pixel noise as if white (the least it can be).

    Parameters
    ----------
    darkness
        ``1 - Y / Y_skin`` on the working copy, shape ``(H, W)``. [1]
    response
        Its scale-normalised LoG at ``sigma_px``
        (:func:`~fadecast.measure.blobs.normalised_log`), shape ``(H, W)``. [1]
    rows, cols
        The candidates. [working px]
    sigma_px
        The dots' width on the working copy. [px]
    noise
        The darkness's pixel noise sd (:func:`~fadecast.measure.blobs.noise_sd`). [1]
    allowed
        Pixels looked at, shape ``(H, W)``.
    nearest
        Each candidate's distance to its nearest other and that one's index
        (:func:`~fadecast.measure.imaging.nearest_neighbours`), if already found.

    Returns
    -------
    tuple[NDArray[np.intp], NDArray[np.intp]]
        The rows and columns of the candidates kept. [working px]

    Examples
    --------
    A faint dot on noisy skin stands out; a point of bare skin does not:

    >>> from fadecast.measure.blobs import noise_sd, normalised_log
    >>> rng = np.random.default_rng(0)
    >>> rows, cols = np.mgrid[0:200, 0:200]
    >>> dot = 0.1 * np.exp(-((rows - 100) ** 2 + (cols - 100) ** 2) / (2 * 3.0**2))
    >>> darkness = (dot + rng.normal(0.0, 0.01, (200, 200))).astype(np.float32)
    >>> response = normalised_log(darkness, 3.0)
    >>> kept = significant_candidates(
    ...     darkness, response, np.array([100, 40]), np.array([100, 40]), 3.0,
    ...     noise_sd([darkness]), np.ones((200, 200), dtype=bool))
    >>> kept[0].tolist()
    [100]
    """
    if len(rows) == 0:
        return rows, cols
    least = significance(int(allowed.sum()), sigma_px)
    at = max_around(response, rows, cols)
    keep = at > least * noise * log_gain(sigma_px)
    if len(rows) < 3:
        return rows[keep], cols[keep]
    typical = float(np.quantile(at, 0.75))
    clear = at > 0.5 * typical
    if clear.sum() < 3:
        return rows[keep], cols[keep]
    points = np.c_[rows, cols].astype(np.float64)
    if nearest is None:
        spacing = float(np.median(nearest_distance(points[clear])))
    else:
        spacing = float(np.median(nearest_among(points, clear, *nearest)[0]))
    # Found on a grid a few cells per spacing (the distance transform is the cost).
    cell = power_of_two_at_most(spacing / 4.0)
    looked = block_all(allowed, cell)
    top, right = looked.shape[0] - 1, looked.shape[1] - 1
    seed_rows = np.minimum(rows[clear] // cell, top)
    seed_cols = np.minimum(cols[clear] // cell, right)
    reach_far = UNTREATED_SPACINGS * spacing + cell
    if _surely_little_free(seed_rows, seed_cols, looked, cell, reach_far, response.shape):
        return rows[keep], cols[keep]
    seeds = np.ones(looked.shape, dtype=bool)
    seeds[seed_rows, seed_cols] = False
    far = distance_to_unset(seeds) * cell > reach_far
    # Clear of the photo's edges and of what was not looked at by the filters' reach.
    reach = math.ceil(3.0 * sigma_px / cell)
    free_cells = far & erode_cross(looked, reach)
    if _full_share(free_cells, cell, response.shape) < MIN_UNTREATED_SHARE:
        return rows[keep], cols[keep]
    free = full_resolution(free_cells, cell, response.shape)
    z_log = _robust_z(response, at, free)
    if float(np.median(z_log[clear])) * MAX_NOISE_SHARE < 1.0:
        # The "untreated" skin is as busy as the dots: structure, not noise.
        return rows[keep], cols[keep]
    smooth = gaussian_filter(darkness, 0.5 * sigma_px)
    z_smooth = _robust_z(smooth, max_around(smooth, rows, cols), free)
    keep = (z_log > least) | (z_smooth > least)
    return rows[keep], cols[keep]
