"""The dots' size in pixels, found from the image by scale selection (Lindeberg 1998).

The scale-normalised Laplacian of Gaussian answers most to a blob at the blob's own
width. Scales from :data:`SCALE_STEP` powers of 1 px up to :data:`SCALE_RANGE` px (or
more on a larger picture) are tried, each on a copy reduced so that it spans two to four
pixels, a large copy sampled in :data:`SCALE_TILES` × :data:`SCALE_TILES` tiles: the
dots are looked for down to the finest width allowed whatever the photo's size, at a
bounded cost per scale (:data:`SCALE_BUDGET_PX`). The scale whose round blobs answer
most picks the blobs; each takes the scale it answers most at, and their median is the
dots' width (:func:`dot_scale_px`).
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

__all__ = ["SCALE_BUDGET_PX", "SCALE_RANGE", "SCALE_STEP", "SCALE_TILES", "dot_scale_px"]

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


def dot_scale_px(luminance: Float32, *, min_sigma_px: float = 0.0) -> float:
    """Gaussian width of the image's dots, from the strongest scale-normalised LoG. [px]

    Per-blob scale selection (Lindeberg 1998), the median over the strongest blobs. The
    scales tried run from :data:`SCALE_STEP` powers of 1 px (those not finer than
    ``min_sigma_px``) up to :data:`SCALE_RANGE` px, or as many times the square root of
    the picture's megapixels on a larger one (whatever the picture's size, its dots are
    looked for down to the finest width allowed), and at most an eighth of its shorter
    side. Each scale is tried on a copy reduced so that it spans two to four pixels
    (coarse scales cost little); a copy larger than :data:`SCALE_BUDGET_PX` is sampled
    in :data:`SCALE_TILES` × :data:`SCALE_TILES` tiles spread evenly over the picture,
    so that the cost and memory of each scale are bounded whatever the picture's size.

    Blobs are the round local maxima of the scale-normalised LoG above its noise; the
    scale whose round blobs answer most per unit of area looked at is where the dots
    are (a stubble hair answers strongly at fine scales, but as a ridge, not a round
    blob). Each of that scale's strongest blobs then takes the scale at which it
    answers most (refined by a parabola through it and its neighbours, in log scale),
    and the median of those is the dots' scale.

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
    Dark Gaussian dots of width 3 px, 16 px apart:

    >>> rows, cols = np.mgrid[0:128, 0:128] % 16 - 7.5
    >>> dots = 0.4 * np.exp(-(rows**2 + cols**2) / (2 * 3.0**2))
    >>> luminance = (1.0 - dots).astype(np.float32)
    >>> round(dot_scale_px(luminance), 1)
    3.0
    """
    scales = _scales_px(luminance.shape, min_sigma_px)
    copies: dict[int, tuple[list[_Patch], float]] = {}
    factors = [reduction_factor(luminance.shape, sigma, 2.0) for sigma in scales]
    for factor in sorted(set(factors)):
        reach = max(sigma / factor for sigma, f in zip(scales, factors, strict=True) if f == factor)
        patches = _patches(luminance, factor, math.ceil(3.0 * reach) + 2)
        copies[factor] = (patches, noise_sd([_inner(p, p.values) for p in patches]))
    responses: list[tuple[int, list[Float32]]] = []
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
        responses.append((factor, per_patch))
        blobs.append((np.concatenate(ys), np.concatenate(xs), np.concatenate(strengths)))
        # Strength per unit of area looked at, whatever the copy's size.
        scores.append(total / max(area, 1))
    best_index = int(np.argmax(scores))
    y, x, strength = blobs[best_index]
    if len(y) == 0:
        return float(scales[best_index])
    strongest = np.argsort(strength)[::-1][: max(10, len(y) // 2)]
    y, x = y[strongest], x[strongest]
    # Each blob's response over the scales, sampled where it lies on each copy (NaN
    # where a copy's tiles do not reach).
    table = np.full((len(scales), len(y)), np.nan)
    for k, (f, per_patch) in enumerate(responses):
        patches = copies[f][0]
        r, c = (y / f).astype(np.intp), (x / f).astype(np.intp)
        for patch, response in zip(patches, per_patch, strict=True):
            pr, pc = r - patch.top, c - patch.left
            inside = (pr >= 0) & (pr < response.shape[0]) & (pc >= 0) & (pc < response.shape[1])
            table[k, inside] = response[pr[inside], pc[inside]]
    # Blobs seen at the scales around the best (the tiles of finer copies are smaller).
    near = slice(max(best_index - 2, 0), best_index + 3)
    seen = np.isfinite(table[near]).all(axis=0)
    if not seen.any():
        return float(scales[best_index])
    table = np.where(np.isfinite(table[:, seen]), table[:, seen], -np.inf)
    log_s = np.log(scales)
    k = np.argmax(table, axis=0)
    inner = (k > 0) & (k < len(scales) - 1)
    kk = k[inner]
    cols_ = np.nonzero(inner)[0]
    y0, y1, y2 = table[kk - 1, cols_], table[kk, cols_], table[kk + 1, cols_]
    inner_ok = np.isfinite(y0) & np.isfinite(y2)
    estimate = log_s[k].astype(np.float64)
    denominator = np.where(inner_ok, y0 - 2.0 * y1 + y2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(denominator < 0.0, 0.5 * (y0 - y2) / denominator, 0.0)
    step = log_s[1] - log_s[0]
    estimate[cols_] = log_s[kk] + np.clip(shift, -0.5, 0.5) * step
    return float(np.exp(np.median(estimate)))
