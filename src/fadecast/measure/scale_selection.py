"""The dots' size in pixels, found from the image by scale selection (Lindeberg 1998).

The scale-normalised Laplacian of Gaussian answers most to a blob at the blob's own
width. Scales from :data:`SCALE_STEP` powers of 1 px up to :data:`SCALE_RANGE` px (or
more on a larger picture) are tried, each on a copy reduced so that it spans two to four
pixels, a large copy sampled in :data:`SCALE_TILES` × :data:`SCALE_TILES` tiles: the
dots are looked for down to the finest width allowed whatever the photo's size, at a
bounded cost per scale (:data:`SCALE_BUDGET_PX`).

A blob is a maximum of the response over space and over scale (a scale-space maximum):
each dot makes one at its own width, a clump of dots that merge (pigment placed too
deep, under a feathered hairline) one at a coarser width, and texture, noise and the
saddles between touching dots make weak ones at every width. The dots are the scale
where such maxima, of at least :data:`SCALE_MAXIMUM_SHARE` of a clear one's strength,
cover the most of the picture (counted :data:`SCALE_COUNT_SDS` Poisson standard
deviations below their number): a clump is stronger than a dot but there are several
dots to a clump, and a scale-invariant clutter covers every scale alike. The median
scale of the maxima at and next to it, each refined by a parabola, is the dots' width
(:func:`dot_scale_px`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.measure.blobs import hessian_roundness, local_maxima, log_gain, noise_sd
from fadecast.measure.imaging import gaussian_laplace, reduction_factor
from fadecast.measure.photo import block_mean
from fadecast.measure.tunables import TUNABLES

__all__ = [
    "SCALE_BUDGET_PX",
    "SCALE_COUNT_SDS",
    "SCALE_MAXIMUM_SHARE",
    "SCALE_RANGE",
    "SCALE_STEP",
    "SCALE_TILES",
    "dot_scale_px",
]

Float32 = NDArray[np.float32]
Array = NDArray[np.float64]

#: Scales tried when looking for the dots' size: powers of this ratio of 1 px, ... [1]
SCALE_STEP = TUNABLES.scale_step
#: ... up to this width, or as many times the square root of the megapixels of a
#: larger picture. [px]
SCALE_RANGE = TUNABLES.scale_range
#: Most pixels a scale is tried on: a larger copy is sampled in tiles. [px]
SCALE_BUDGET_PX = TUNABLES.scale_budget_px
#: Tiles per side of that sample. [1]
SCALE_TILES = TUNABLES.scale_tiles
#: A scale-space maximum counts towards the dots' scale if it answers at least this
#: share of the 90th percentile of all of them (weaker ones are texture, noise, the
#: saddle between touching dots). [1]
SCALE_MAXIMUM_SHARE = TUNABLES.scale_maximum_share
#: The maxima at a scale are counted this many Poisson standard deviations below their
#: number (a handful of coarse blobs, a shadow or a few clumps, do not make a pattern). [1]
SCALE_COUNT_SDS = TUNABLES.scale_count_sds


def _scales_px(shape: tuple[int, ...], min_sigma_px: float) -> Array:
    """The scales tried on a picture of ``shape``: a geometric grid anchored at 1 px. [px]"""
    megapixels = shape[0] * shape[1] / 1.0e6
    # No dot is wider than an eighth of the picture's shorter side (a pattern of dots
    # must fit in it).
    top = min(SCALE_RANGE * max(1.0, math.sqrt(megapixels)), min(shape[:2]) / 8.0)
    first = max(0, math.ceil(math.log(max(0.9 * min_sigma_px, 1.0)) / math.log(SCALE_STEP) - 1e-9))
    last = max(first + 2, math.floor(math.log(max(top, 1.0)) / math.log(SCALE_STEP) + 1e-9))
    return np.asarray(SCALE_STEP ** np.arange(first, last + 1), dtype=np.float64)


def _regions(shape: tuple[int, ...], factor: int) -> list[tuple[int, int, int, int]]:
    """Where a copy reduced by ``factor`` is looked at: ``(top, left, height, width)`` on
    the copy; all of it within :data:`SCALE_BUDGET_PX`, else tiles spread evenly. [px]"""
    h, w = shape[0] // factor, shape[1] // factor
    if h * w <= SCALE_BUDGET_PX:
        return [(0, 0, h, w)]
    side = int(math.sqrt(SCALE_BUDGET_PX) / SCALE_TILES)
    th, tw = min(side, h), min(side, w)
    n_r, n_c = min(SCALE_TILES, h // th), min(SCALE_TILES, w // tw)
    tops = [min(max(round((i + 0.5) * h / n_r - th / 2), 0), h - th) for i in range(n_r)]
    lefts = [min(max(round((j + 0.5) * w / n_c - tw / 2), 0), w - tw) for j in range(n_c)]
    return [(t, left, th, tw) for t in tops for left in lefts]


@dataclass(frozen=True)
class _Patch:
    """Part of a reduced copy: its values with a margin around a region looked at."""

    top: int  # first row of ``values`` on the copy [copy px]
    left: int
    values: Float32
    region: tuple[int, int, int, int]  # rows and columns looked at, in ``values`` [copy px]


def _patches(luminance: Float32, factor: int, margin: int) -> list[_Patch]:
    """The regions of the copy reduced by ``factor``, each with ``margin`` copy pixels of
    context where the picture has them, normalised by their median."""
    h, w = luminance.shape[0] // factor, luminance.shape[1] // factor
    patches = []
    for t, left, th, tw in _regions(luminance.shape, factor):
        t0, l0 = max(t - margin, 0), max(left - margin, 0)
        t1, l1 = min(t + th + margin, h), min(left + tw + margin, w)
        crop = luminance[t0 * factor : t1 * factor, l0 * factor : l1 * factor]
        patches.append(_Patch(t0, l0, block_mean(crop, factor), (t - t0, left - l0, th, tw)))
    inner = np.concatenate([_inner(p, p.values).ravel() for p in patches])
    median = max(float(np.median(inner)), 1e-6)
    return [_Patch(p.top, p.left, p.values / np.float32(median), p.region) for p in patches]


def _inner(patch: _Patch, values: NDArray[Any]) -> NDArray[Any]:
    """``values`` (shaped like the patch) over the region looked at."""
    t, left, th, tw = patch.region
    return values[t : t + th, left : left + tw]


def _at(
    patches: list[_Patch], responses: list[Float32], factor: int, rows: Array, cols: Array
) -> Array:
    """The response of the copy reduced by ``factor`` at points of the picture (NaN
    where its patches do not reach). [1]"""
    out = np.full(len(rows), np.nan)
    r, c = (rows / factor).astype(np.intp), (cols / factor).astype(np.intp)
    for patch, response in zip(patches, responses, strict=True):
        pr, pc = r - patch.top, c - patch.left
        inside = (pr >= 0) & (pr < response.shape[0]) & (pc >= 0) & (pc < response.shape[1])
        out[inside] = response[pr[inside], pc[inside]]
    return out


def _looked_at(patches: list[_Patch], factor: int, rows: Array, cols: Array) -> NDArray[np.bool_]:
    """Whether points of the picture lie in the regions looked at on the copy reduced
    by ``factor``."""
    r, c = rows / factor, cols / factor
    inside = np.zeros(len(rows), dtype=bool)
    for patch in patches:
        t, left, th, tw = patch.region
        t, left = t + patch.top, left + patch.left
        inside |= (r >= t) & (r < t + th) & (c >= left) & (c < left + tw)
    return inside


@dataclass(frozen=True)
class _Maxima:
    """The scale-space maxima found: the scale each is at, its strength and its
    refined log-scale, and the area each scale's maxima were looked for over."""

    index: NDArray[np.intp]  # into the scales tried
    strength: Array  # its scale-normalised response [1]
    log_scale: Array  # refined by a parabola in log scale [log px]
    area_px: Array  # per scale tried, on the picture [px]


def _maxima(
    scales: Array,
    factors: list[int],
    copies: dict[int, tuple[list[_Patch], float]],
    responses: list[list[Float32]],
    blobs: list[tuple[Array, Array, Array]],
) -> _Maxima:
    """The blobs that answer more at their scale than at the scales either side of it,
    where they lie. The finest scale is one-sided (a dot at the finest width allowed
    peaks there); the coarsest is not a maximum (it only confirms the one below it). A
    blob is looked at where the copies of the three scales all are (tiles of finer
    copies are smaller, centred alike)."""
    step = math.log(scales[1] / scales[0])
    index, strength, log_scale = [], [], []
    area = np.zeros(len(scales))
    for k in range(len(scales) - 1):
        rows, cols, values = blobs[k]
        finest = factors[max(k - 1, 0)]  # the factors grow with the scale
        area[k] = finest**2 * sum(p.region[2] * p.region[3] for p in copies[finest][0])
        inside = _looked_at(copies[finest][0], finest, rows, cols)
        rows, cols, values = rows[inside], cols[inside], values[inside]
        above = _at(copies[factors[k + 1]][0], responses[k + 1], factors[k + 1], rows, cols)
        if k > 0:
            below = _at(copies[factors[k - 1]][0], responses[k - 1], factors[k - 1], rows, cols)
        else:
            below = np.full(len(rows), -np.inf)
        peak = (values > below) & (values > above)  # NaN (not reached) is no peak
        y0, y1, y2 = below[peak], values[peak], above[peak]
        denominator = np.where(np.isfinite(y0), y0 - 2.0 * y1 + y2, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            shift = np.where(denominator < 0.0, 0.5 * (y0 - y2) / denominator, 0.0)
        index.append(np.full(len(y1), k, dtype=np.intp))
        strength.append(y1)
        log_scale.append(math.log(scales[k]) + np.clip(shift, -0.5, 0.5) * step)
    return _Maxima(np.concatenate(index), np.concatenate(strength), np.concatenate(log_scale), area)


def _coverage(maxima: _Maxima, scales: Array) -> Array:
    """Per scale tried, the share of the picture its clear maxima cover, in units of
    ``σ²`` (a scale-invariant clutter covers every scale alike): their count less
    :data:`SCALE_COUNT_SDS` Poisson standard deviations, or the count itself where no
    scale has enough. [1]"""
    if len(maxima.strength) == 0:
        return np.zeros(len(scales))
    clear = maxima.strength >= SCALE_MAXIMUM_SHARE * np.quantile(maxima.strength, 0.9)
    count = np.bincount(maxima.index[clear], minlength=len(scales)).astype(np.float64)
    bound = np.maximum(count - SCALE_COUNT_SDS * np.sqrt(count), 0.0)
    if not bound.any():
        bound = count
    return np.asarray(bound * scales**2 / np.maximum(maxima.area_px, 1.0), dtype=np.float64)


def dot_scale_px(luminance: Float32, *, min_sigma_px: float = 0.0) -> float:
    """Gaussian width of the image's dots, from the scale-space maxima of the
    scale-normalised LoG. [px]

    Per-blob scale selection (Lindeberg 1998). The scales tried run from
    :data:`SCALE_STEP` powers of 1 px (those not finer than ``min_sigma_px``) up to
    :data:`SCALE_RANGE` px, or as many times the square root of the picture's
    megapixels on a larger one (whatever the picture's size, its dots are looked for
    down to the finest width allowed), and at most an eighth of its shorter side. Each
    scale is tried on a copy reduced so that it spans two to four pixels (coarse scales
    cost little); a copy larger than :data:`SCALE_BUDGET_PX` is sampled in
    :data:`SCALE_TILES` × :data:`SCALE_TILES` tiles spread evenly over the picture, so
    that the cost and memory of each scale are bounded whatever the picture's size.

    Blobs are the round local maxima of the scale-normalised LoG above its noise (a
    stubble hair answers strongly at fine scales, but as a ridge, not a round blob);
    those that answer more than at the scales either side of them are scale-space
    maxima, each at its own width. A dot makes one at its width. Dots that merge make
    one more, weaker each, at their clump's width, and a clump answers more than a dot
    (under a feathered hairline, dark clumps lie on bare skin), but there are several
    dots to a clump: the dots' scale is the one whose clear maxima (at least
    :data:`SCALE_MAXIMUM_SHARE` of the 90th percentile of all) cover the most of the
    picture, their number times ``σ²`` per unit of area looked at, counted
    :data:`SCALE_COUNT_SDS` Poisson standard deviations low. The median of the refined
    scales of all maxima at that scale and next to it (each scale's maxima weighed per
    unit of the area they were looked for over) is the dots' width.

    Parameters
    ----------
    luminance
        Linear luminance, shape ``(H, W)``: dark dots on lighter skin (or bright blobs on
        a dark ground). [1]
    min_sigma_px
        The least width to look for. [px]

    Returns
    -------
    float
        The dots' Gaussian width. [px]

    Examples
    --------
    Dark Gaussian dots of width 3 px, 24 px apart; 16 px apart, the filter's surround
    reaches their neighbours at the coarser scales, and they read a little narrower:

    >>> def grid(spacing: int) -> NDArray[np.float32]:
    ...     rows, cols = np.mgrid[0 : 8 * spacing, 0 : 8 * spacing] % spacing - (spacing - 1) / 2
    ...     return (1.0 - 0.4 * np.exp(-(rows**2 + cols**2) / (2 * 3.0**2))).astype(np.float32)
    >>> round(dot_scale_px(grid(24)), 1), round(dot_scale_px(grid(16)), 1)
    (3.0, 2.8)
    """
    scales = _scales_px(luminance.shape, min_sigma_px)
    copies: dict[int, tuple[list[_Patch], float]] = {}
    factors = [reduction_factor(luminance.shape, sigma, 2.0) for sigma in scales]
    for factor in sorted(set(factors)):
        reach = max(sigma / factor for sigma, f in zip(scales, factors, strict=True) if f == factor)
        patches = _patches(luminance, factor, math.ceil(3.0 * reach) + 2)
        copies[factor] = (patches, noise_sd([_inner(p, p.values) for p in patches]))
    responses: list[list[Float32]] = []
    blobs: list[tuple[Array, Array, Array]] = []
    scores = []
    for sigma, factor in zip(scales, factors, strict=True):
        patches, noise = copies[factor]
        s = sigma / factor
        threshold = 5.0 * noise * log_gain(s)
        per_patch = []
        ys, xs, strengths = [], [], []
        total, area = 0.0, 0
        for patch in patches:
            # Mirror-exact: the blobs of a symmetric pattern keep their tied maxima.
            response = gaussian_laplace(patch.values, s, mirror=True)
            response *= np.float32(s**2)
            per_patch.append(response)
            allowed = np.zeros(response.shape, dtype=bool)
            _inner(patch, allowed)[...] = True
            rows, cols = local_maxima(response, max(1, math.ceil(s)), threshold, allowed)
            round_ = hessian_roundness(response, rows, cols) > 0.5
            rows, cols = rows[round_], cols[round_]
            values = response[rows, cols]
            total += float(values.sum())
            area += patch.region[2] * patch.region[3]
            ys.append((rows + patch.top + 0.5) * factor)
            xs.append((cols + patch.left + 0.5) * factor)
            strengths.append(values.astype(np.float64))
        responses.append(per_patch)
        blobs.append((np.concatenate(ys), np.concatenate(xs), np.concatenate(strengths)))
        # Strength per unit of area looked at, whatever the copy's size.
        scores.append(total / max(area, 1))
    maxima = _maxima(scales, factors, copies, responses, blobs)
    coverage = _coverage(maxima, scales)
    if not coverage.any():
        # No scale-space maximum: the scale whose blobs answer most.
        return float(scales[int(np.argmax(scores))])
    best = int(np.argmax(coverage))
    near = np.abs(maxima.index - best) <= 1
    # Per unit of area: a finer copy's tiles are smaller.
    weight = 1.0 / np.maximum(maxima.area_px[maxima.index[near]], 1.0)
    return float(np.exp(_weighted_median(maxima.log_scale[near], weight)))


def _weighted_median(values: Array, weights: Array) -> float:
    """The value at which the weights of those below and above it balance (the lower
    of two where they balance between two).

    Examples
    --------
    >>> _weighted_median(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 3.0]))
    3.0
    """
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    place = int(np.searchsorted(cumulative, 0.5 * cumulative[-1]))
    return float(values[order][min(place, len(order) - 1)])
