"""Dots found in a scalp photo: where they are, how large, how dark.

Works on linear luminance (relative to the photo's white), so that darkness is a ratio
of light and uneven lighting divides out:

1. **Scale.** The dots' size in pixels is found from the image, by the scale at which
   the scale-normalised Laplacian of Gaussian responds most strongly at the dots
   (Lindeberg 1998), down to the finest width allowed whatever the photo's size: each
   scale on a copy where it spans a few pixels, a large copy sampled in tiles.
2. **Working copy.** The image is reduced by block means so that a dot's width is a
   few pixels, which keeps every later filter cheap on a 12-megapixel photo.
3. **Skin level and darkness.** A grey closing wider than a dot removes the dots (and
   hairs); smoothed, it is the local bare-skin luminance ``Y_skin``. Darkness is
   ``D = 1 - Y / Y_skin``: 0 on skin, up to about 0.9 at a fresh dot's centre, and
   free of gradients in the lighting.
4. **Hairs.** A stubble hair is far narrower than a dot: what a grey opening by a
   square narrower than a dot's core removes from the darkness (its top-hat, after
   DullRazor, Lee et al. 1997), where it holds most of a pixel's darkness and is drawn
   out along a line, is a hair. Hairs are painted out of the darkness.
5. **Candidates.** Local maxima of the darkness's LoG at a scale finer than the dots
   (which keeps touching dots apart), round, one per dot (no saddle between two at the
   dots' own scale means one dot), and significant: standing out of the noise of the
   untreated skin in view at the dots' own scale, the further the larger the photo (so
   that noise alone passes in less than one place, :func:`significance`).
6. **Per dot, at full resolution.** Depth from a small disk at the centre; diameter
   from the area darker than half the depth (the full width at half depth, as an
   observer sees a dot's edge); the edge's width from the areas at 10 % and 90 % of
   the depth; centre and local skin colour (an annulus, skin-like pixels only).

Pure numpy, scipy and OpenCV: arrays in, arrays out; single precision throughout and
temporaries freed as they are used, so that the memory of a 50-megapixel photo stays
bounded (about 30 bytes per pixel of the working copy).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from fadecast.measure.photo import LinearRGB, block_mean

__all__ = [
    "DotFinding",
    "block_all",
    "block_mean",
    "distance_to_unset",
    "dot_scale_px",
    "find_dots",
    "full_resolution",
    "hair_mask",
    "inpaint",
    "maximum_filter",
    "minimum_filter",
    "nearest_distance",
    "power_of_two_at_most",
    "significance",
    "skin_luminance",
]

Float32 = NDArray[np.float32]
Array = NDArray[np.float64]

#: Working resolution: a dot's Gaussian width is brought to about this many pixels.
WORKING_SIGMA_PX = 2.5
#: Scales tried when looking for the dots' size: powers of this ratio of 1 px, ... [1]
SCALE_STEP = 24.0**0.1
#: ... up to this width, or as many times the square root of the megapixels of a
#: larger picture. [px]
SCALE_RANGE = 24.0
#: Most pixels a scale is tried on: a larger copy is sampled in tiles. [px]
SCALE_BUDGET_PX = 1_000_000
#: Tiles per side of that sample. [1]
SCALE_TILES = 4
#: Shortest side of a reduced copy. [px]
MIN_COPY_SIDE = 16
#: A candidate must be at least this share of the typical dot's matched response.
RELATIVE_THRESHOLD = 0.25
#: ... and this many noise standard deviations of the matched response.
NOISE_THRESHOLD = 2.0
#: Smallest ratio of the Hessian's eigenvalues at a dot's centre (1 is round, 0 a ridge).
MIN_ROUNDNESS = 0.2
#: A dot is at least this share of the median dot's depth (darkness at its centre). [1]
RELATIVE_DEPTH = 0.35
#: At most this many times the median dot's depth: darker is a hair. [1]
MAX_RELATIVE_DEPTH = 1.6
#: ... and at least this dark against the skin. [1]
MIN_DEPTH = 0.015
#: Pixels added around a hair's mask (its soft edges and ends). [working px]
HAIR_DILATION = 1
#: Share of a pixel's darkness a thin feature must hold to be a hair. [1]
HAIR_SHARE = 0.5
#: A hair is longer than this many dot widths (sd); a dot's centre is not. [1]
HAIR_LENGTH = 1.4
#: Share of the image under hairs above which the dots' scale is found again with the
#: hairs painted out. [1]
HAIRY_SHARE = 0.01
#: Scale of the detecting LoG, relative to the dots' scale.
DETECTION_SCALE = 0.6
#: Radius of non-maximum suppression, relative to the dots' scale.
SUPPRESSION_RADIUS = 0.75


def power_of_two_at_most(value: float) -> int:
    """The largest power of two not above ``value`` (1 below 2)."""
    return 1 if value < 2.0 else 2 ** int(math.log2(value))


def dot_scale_px(luminance: Float32, *, min_sigma_px: float = 0.0) -> float:
    """Gaussian width of the image's dots, from the strongest scale-normalised LoG. [px]

    The scales tried run from :data:`SCALE_STEP` powers of 1 px (those not finer than
    ``min_sigma_px``) up to :data:`SCALE_RANGE` px, or as many times the square root of
    the picture's megapixels on a larger one (whatever the picture's size, its dots are
    looked for down to the finest width allowed). Each scale is tried on a copy reduced
    so that it spans two to four pixels (coarse scales cost little); a copy larger than
    :data:`SCALE_BUDGET_PX` is sampled in :data:`SCALE_TILES` × :data:`SCALE_TILES` tiles
    spread evenly over the picture, so that the cost and memory of each scale are
    bounded whatever the picture's size. See :func:`_strongest_scale`.

    Parameters
    ----------
    luminance
        Linear luminance, shape ``(H, W)``. [1]
    min_sigma_px
        The least width to look for. [px]
    """
    return _strongest_scale(luminance, min_sigma_px)


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


def _strongest_scale(luminance: Float32, min_sigma_px: float = 0.0) -> float:
    """Per-blob scale selection (Lindeberg 1998), the median over the strongest blobs.

    Blobs are the round local maxima of the scale-normalised LoG above its noise; the
    scale whose round blobs answer most per unit of area looked at is where the dots
    are (a stubble hair answers strongly at fine scales, but as a ridge, not a round
    blob). Each of that scale's strongest blobs then takes the scale at which it
    answers most (refined by a parabola through it and its neighbours, in log scale),
    and the median of those is the dots' scale. [px]
    """
    scales = _scales_px(luminance.shape, min_sigma_px)
    copies: dict[int, tuple[list[_Patch], float]] = {}
    factors = [_copy_factor(luminance.shape, sigma) for sigma in scales]
    for factor in sorted(set(factors)):
        reach = max(sigma / factor for sigma, f in zip(scales, factors, strict=True) if f == factor)
        patches = _patches(luminance, factor, math.ceil(3.0 * reach) + 2)
        copies[factor] = (patches, _noise_sd_of([_inner(p, p.values) for p in patches]))
    responses: list[tuple[int, list[Float32]]] = []
    blobs: list[tuple[Array, Array, Array]] = []
    scores = []
    for sigma, factor in zip(scales, factors, strict=True):
        patches, noise = copies[factor]
        s = sigma / factor
        threshold = 5.0 * noise * _log_gain(s)
        per_patch = []
        ys, xs, strengths = [], [], []
        total, area = 0.0, 0
        for patch in patches:
            response = np.asarray(
                s**2 * ndimage.gaussian_laplace(patch.values, s), dtype=np.float32
            )
            per_patch.append(response)
            allowed = np.zeros(response.shape, dtype=bool)
            _inner(patch, allowed)[...] = True
            rows, cols = _peaks(response, max(1, math.ceil(s)), threshold, allowed)
            round_ = _hessian_roundness(response, rows, cols) > 0.5
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


def _copy_factor(shape: tuple[int, ...], sigma_px: float) -> int:
    """Reduction at which a scale spans two to four pixels, the copy kept at least
    :data:`MIN_COPY_SIDE` pixels on its shorter side."""
    most = power_of_two_at_most(max(min(shape[:2]) / MIN_COPY_SIDE, 1.0))
    return min(power_of_two_at_most(sigma_px / 2.0), most)


def maximum_filter(image: Float32, size: int) -> Float32:
    """The largest value in the ``size`` × ``size`` square around each pixel (``size``
    odd; borders mirrored): ``scipy.ndimage.maximum_filter`` to the bit, about ten
    times faster (OpenCV's dilation)."""
    import cv2

    kernel = np.ones((size, size), np.uint8)
    source = np.ascontiguousarray(image, dtype=np.float32)
    return np.asarray(cv2.dilate(source, kernel, borderType=cv2.BORDER_REFLECT), np.float32)


def minimum_filter(image: Float32, size: int) -> Float32:
    """The smallest value in the ``size`` × ``size`` square around each pixel (``size``
    odd; borders mirrored): ``scipy.ndimage.minimum_filter`` to the bit (OpenCV's
    erosion)."""
    import cv2

    kernel = np.ones((size, size), np.uint8)
    source = np.ascontiguousarray(image, dtype=np.float32)
    return np.asarray(cv2.erode(source, kernel, borderType=cv2.BORDER_REFLECT), np.float32)


def skin_luminance(luminance: Float32, sigma_px: float) -> Float32:
    """Local bare-skin luminance: dots and hairs closed away, then smoothed.

    Parameters
    ----------
    luminance
        Working copy, shape ``(H, W)``. [1]
    sigma_px
        Dot width on it. [px]
    """
    size = 2 * math.ceil(3.0 * sigma_px) + 1
    smooth = ndimage.gaussian_filter(luminance, 1.0)
    closed = minimum_filter(maximum_filter(smooth, size), size)  # a grey closing
    # The skin level varies slowly: smoothed on a copy a quarter the size, then
    # brought back by linear interpolation.
    width = 1.5 * size / 2.0
    reduce = min(power_of_two_at_most(width / 2.0), power_of_two_at_most(min(luminance.shape)))
    coarse = ndimage.gaussian_filter(block_mean(closed, reduce), width / reduce, mode="nearest")
    if reduce == 1:
        return np.asarray(coarse, dtype=np.float32)
    rows = (np.arange(luminance.shape[0]) + 0.5) / reduce - 0.5
    cols = (np.arange(luminance.shape[1]) + 0.5) / reduce - 0.5
    return _bilinear(coarse, rows, cols)


def _bilinear(image: Float32, rows: Array, cols: Array) -> Float32:
    """``image`` sampled on the grid ``rows`` × ``cols`` (clamped at its edges)."""
    r = np.clip(rows, 0.0, image.shape[0] - 1.0)
    c = np.clip(cols, 0.0, image.shape[1] - 1.0)
    r0 = (
        np.minimum(r.astype(np.intp), image.shape[0] - 2)
        if image.shape[0] > 1
        else np.zeros(len(r), np.intp)
    )
    c0 = (
        np.minimum(c.astype(np.intp), image.shape[1] - 2)
        if image.shape[1] > 1
        else np.zeros(len(c), np.intp)
    )
    wr = (r - r0).astype(np.float32)[:, None]
    wc = (c - c0).astype(np.float32)[None, :]
    r1 = np.minimum(r0 + 1, image.shape[0] - 1)
    c1 = np.minimum(c0 + 1, image.shape[1] - 1)
    top = image[r0][:, c0] * (1 - wc) + image[r0][:, c1] * wc
    bottom = image[r1][:, c0] * (1 - wc) + image[r1][:, c1] * wc
    return np.asarray(top * (1 - wr) + bottom * wr, dtype=np.float32)


def hair_mask(darkness: Float32, sigma_px: float, *, min_darkness: float) -> NDArray[np.bool_]:
    """Pixels of the working copy under a hair: dark, thin and drawn out.

    A stubble hair is far narrower than a dot. A grey opening of the darkness by a
    square narrower than a dot's core keeps the dots (and the skin between them) and
    removes the hairs; what it removes (the top-hat, after DullRazor, Lee et al. 1997)
    is a hair where it holds most of the pixel's darkness. Of those pixels, only
    groups drawn out along a line (longer than a dot is wide) are hairs: noise and a
    dot's sharp centre are not.

    Parameters
    ----------
    darkness
        ``1 - Y / Y_skin`` on the working copy. [1]
    sigma_px
        Dot width on it. [px]
    min_darkness
        Least top-hat contrast of a hair. [1]
    """
    size = max(3, 2 * round(0.4 * sigma_px) + 1)
    hat = darkness - maximum_filter(minimum_filter(darkness, size), size)  # a grey opening
    thin = (hat > min_darkness) & (hat > HAIR_SHARE * darkness)
    labels = ndimage.label(thin, structure=np.ones((3, 3), bool))[0]
    mask = np.zeros(darkness.shape, dtype=bool)
    least = HAIR_LENGTH * sigma_px
    for label, box in enumerate(ndimage.find_objects(labels), start=1):
        # A line of length L spans at least L / sqrt(2) along one side of its box.
        if box is None or max(s.stop - s.start for s in box) < least / math.sqrt(2.0):
            continue
        member = labels[box] == label
        if _length(member) >= least:
            mask[box] |= member
    return np.asarray(ndimage.binary_dilation(mask, iterations=HAIR_DILATION), dtype=bool)


def _length(member: NDArray[np.bool_]) -> float:
    """Length of a group of pixels along its main axis, from its second moments (a line
    of length L has standard deviation L / sqrt(12) along itself). [px]"""
    rows, cols = np.nonzero(member)
    dr, dc = rows - rows.mean(), cols - cols.mean()
    rr, cc, rc = float(np.mean(dr * dr)), float(np.mean(dc * dc)), float(np.mean(dr * dc))
    major = 0.5 * (rr + cc) + math.sqrt(0.25 * (rr - cc) ** 2 + rc**2)
    return math.sqrt(12.0 * major)


def inpaint(darkness: Float32, mask: NDArray[np.bool_], sigma_px: float) -> Float32:
    """Masked pixels filled from their neighbourhood (normalised convolution).

    Each masked pixel takes the Gaussian-weighted mean of the unmasked pixels around
    it, at the dots' scale.
    """
    if not mask.any():
        return darkness
    keep = (~mask).astype(np.float32)
    weight = ndimage.gaussian_filter(keep, sigma_px)[mask]
    np.multiply(keep, darkness, out=keep)
    total = ndimage.gaussian_filter(keep, sigma_px)[mask]
    del keep
    filled = np.where(weight > 1e-3, total / np.maximum(weight, 1e-3), 0.0)
    out = np.array(darkness, dtype=np.float32)
    out[mask] = filled
    return out


@dataclass(frozen=True)
class DotFinding:
    """Dots found in a photo, at full resolution.

    Attributes
    ----------
    rows, cols
        Centres, with pixel ``(i, j)`` covering ``[i, i+1) x [j, j+1)``. [px]
    depth
        Darkness at the centre, ``1 - Y / Y_skin``. [1]
    diameter_px
        Full width at half depth (area-equivalent circle). [px]
    edge_px
        Width of the edge, from 90 % to 10 % of the depth. [px]
    centre_rgb, skin_rgb
        Linear RGB at the centre and of the local skin, shape ``(N, 3)``. [1]
    sigma_px
        The dots' typical Gaussian width found from the image. [px]
    working_factor
        Block size of the working copy. [px]
    hair_share
        Share of the image under hairs. [1]
    noise
        Noise standard deviation of the darkness on the working copy. [1]
    """

    rows: Array
    cols: Array
    depth: Array
    diameter_px: Array
    edge_px: Array
    centre_rgb: Array
    skin_rgb: Array
    sigma_px: float
    working_factor: int
    hair_share: float
    noise: float
    hair: NDArray[np.bool_]  # (h, w) working-copy hair mask

    @property
    def count(self) -> int:
        return len(self.rows)


def _noise_sd(darkness: Float32) -> float:
    """Robust noise sd: median absolute deviation of a fine high-pass."""
    return _noise_sd_of([darkness])


def _noise_sd_of(parts: list[Float32]) -> float:
    """Robust noise sd of several pieces of one picture, pooled (see :func:`_noise_sd`)."""
    pieces = []
    for part in parts:
        fine = ndimage.uniform_filter(part, 3)
        np.subtract(part, fine, out=fine)
        pieces.append(_sample(fine).copy())
        del fine
    fine = _sample(np.concatenate(pieces))
    np.abs(fine - np.median(fine), out=fine)
    mad = float(np.median(fine))
    # A 3x3 mean removal leaves 8/9 of white noise's variance.
    return 1.4826 * mad / math.sqrt(8.0 / 9.0)


def _log_gain(sigma_px: float) -> float:
    """Standard deviation of the scale-normalised LoG of unit white noise."""
    half = math.ceil(5 * sigma_px)
    delta = np.zeros((2 * half + 1, 2 * half + 1))
    delta[half, half] = 1.0
    kernel = sigma_px**2 * ndimage.gaussian_laplace(delta, sigma_px)
    return float(np.sqrt(np.sum(kernel**2)))


def _normalised_log(image: Float32, sigma_px: float) -> Float32:
    """The negative scale-normalised Laplacian of Gaussian, ``-σ² ∇²(G_σ * image)``: a
    bright blob of width ``σ`` on ``image`` answers most. [1]"""
    out = np.asarray(ndimage.gaussian_laplace(image, sigma_px), dtype=np.float32)
    out *= np.float32(-(sigma_px**2))
    return out


def _peaks(
    response: Float32, radius: int, threshold: float, allowed: NDArray[np.bool_]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    size = 2 * radius + 1
    is_max = response == maximum_filter(response, size)
    rows, cols = np.nonzero(is_max & (response > threshold) & allowed)
    return rows, cols


def distance_to_unset(mask: NDArray[np.bool_]) -> Float32:
    """Euclidean distance of each pixel to the nearest unset pixel of ``mask``, exact
    (Felzenszwalb & Huttenlocher 2012, OpenCV's ``distanceTransform``); infinite where
    none is unset. Pixels beyond the edges are not unset. [px]"""
    import cv2

    if mask.size == 0 or mask.all():
        return np.full(mask.shape, np.inf, dtype=np.float32)
    source = np.ascontiguousarray(mask, dtype=np.uint8)
    out = cv2.distanceTransform(source, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return np.asarray(out, dtype=np.float32)


def nearest_distance(points: NDArray[np.floating]) -> Array:
    """Distance from each point ``(row, col)`` to its nearest other point. [px]"""
    from scipy.spatial import cKDTree

    return np.asarray(cKDTree(points).query(points, k=2)[0][:, 1], dtype=np.float64)


def full_resolution(
    mask: NDArray[np.bool_], factor: int, shape: tuple[int, ...]
) -> NDArray[np.bool_]:
    """A working-copy mask at full resolution ``shape`` (edges beyond whole blocks repeat)."""
    full = np.repeat(np.repeat(mask, factor, axis=0), factor, axis=1)
    pad = (shape[0] - full.shape[0], shape[1] - full.shape[1])
    return np.asarray(np.pad(full, ((0, pad[0]), (0, pad[1])), mode="edge"), dtype=bool)


#: Two detections closer than this share of the median nearest-neighbour distance are
#: one dot; the stronger stays.
MERGE_DISTANCE = 0.75
#: Two detections within this many dot widths are one dot if, at the dots' own scale,
#: the response between them stays above this share of the weaker one's (no saddle:
#: noise split one dot's peak in two). Touching dots keep a saddle. [1]
SADDLE_REACH = 2.5
SADDLE_SHARE = 0.9


def _merge_close(
    rows: NDArray[np.intp],
    cols: NDArray[np.intp],
    strength: NDArray[np.float32],
    whole: Float32,
    sigma_px: float,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Detections of one dot merged: too close for the pattern, or one blob at the
    dots' scale (``whole``, the scale-normalised LoG at ``sigma_px``)."""
    if len(rows) < 3:
        return rows, cols
    from scipy.spatial import cKDTree

    points = np.c_[rows, cols].astype(np.float64)
    tree = cKDTree(points)
    close = MERGE_DISTANCE * float(np.median(nearest_distance(points)))
    pairs = tree.query_pairs(max(close, SADDLE_REACH * sigma_px), output_type="ndarray")
    if len(pairs) == 0:
        return rows, cols
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
    for a, b in pairs[one][np.argsort(-np.maximum(strength[i], strength[j])[one])]:
        if not (drop[a] or drop[b]):
            drop[b if strength[a] >= strength[b] else a] = True
    return rows[~drop], cols[~drop]


def _hessian_roundness(response: Float32, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> Array:
    """|smaller| / |larger| eigenvalue of the Hessian at each peak (1 round, 0 a ridge)."""
    h, w = response.shape
    r = np.clip(rows, 1, h - 2)
    c = np.clip(cols, 1, w - 2)
    f = response.astype(np.float64)
    rr = f[r + 1, c] - 2 * f[r, c] + f[r - 1, c]
    cc = f[r, c + 1] - 2 * f[r, c] + f[r, c - 1]
    rc = 0.25 * (f[r + 1, c + 1] - f[r + 1, c - 1] - f[r - 1, c + 1] + f[r - 1, c - 1])
    mean = 0.5 * (rr + cc)
    half_gap = np.sqrt(0.25 * (rr - cc) ** 2 + rc**2)
    l1, l2 = mean - half_gap, mean + half_gap  # l1 <= l2; a maximum has both < 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(l1 < 0.0, np.clip(-l2 / -l1, 0.0, 1.0), 0.0)
    return np.asarray(np.where(l2 < 0.0, ratio, 0.0), dtype=np.float64)


def _subpixel(
    response: Float32, rows: NDArray[np.intp], cols: NDArray[np.intp]
) -> tuple[Array, Array]:
    """Peak positions refined by a parabola along each axis. [px of the working copy]"""
    h, w = response.shape
    r = np.clip(rows, 1, h - 2)
    c = np.clip(cols, 1, w - 2)
    f = response.astype(np.float64)
    centre = f[r, c]

    def shift(minus: Array, plus: Array) -> Array:
        denominator = minus - 2.0 * centre + plus
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(denominator < 0.0, 0.5 * (minus - plus) / denominator, 0.0)
        return np.clip(s, -0.5, 0.5)

    dr = shift(f[r - 1, c], f[r + 1, c])
    dc = shift(f[r, c - 1], f[r, c + 1])
    return rows + dr, cols + dc


def _windows(image: NDArray[np.floating], rows: Array, cols: Array, radius: int) -> Float32:
    """Square windows of side 2·radius+1 around each centre (NaN outside the image)."""
    h, w = image.shape[:2]
    offsets = np.arange(-radius, radius + 1)
    r = np.floor(rows).astype(np.intp)[:, None, None] + offsets[None, :, None]
    c = np.floor(cols).astype(np.intp)[:, None, None] + offsets[None, None, :]
    inside = (r >= 0) & (r < h) & (c >= 0) & (c < w)
    values = np.asarray(image[np.clip(r, 0, h - 1), np.clip(c, 0, w - 1)], dtype=np.float32)
    values[~inside] = np.nan
    return values


#: Per-dot measurements are made on a copy where a dot's width is about this. [px]
MEASURE_SIGMA_PX = 3.0
#: Dots measured at once (bounds the memory of the windows).
_CHUNK = 1024
#: Values a quantile or a median of a whole working copy is taken over at most (an even
#: sample of a larger one). [1]
_SAMPLE = 4_000_000

Colours = Float32 | LinearRGB


def block_all(mask: NDArray[np.bool_], factor: int) -> NDArray[np.bool_]:
    """Whether every pixel of each ``factor`` × ``factor`` block is set (edges that do
    not fill a block are cut)."""
    if factor == 1:
        return np.asarray(mask, dtype=bool)
    h, w = mask.shape[0] // factor, mask.shape[1] // factor
    cut = np.asarray(mask[: h * factor, : w * factor], dtype=bool)
    if factor & (factor - 1):
        return np.asarray(cut.reshape(h, factor, w, factor).all(axis=(1, 3)), dtype=bool)
    while factor > 1:  # halved in turn: the four pixels of each 2 x 2 block
        cut = cut[0::2, 0::2] & cut[1::2, 0::2] & cut[0::2, 1::2] & cut[1::2, 1::2]
        factor //= 2
    return cut


def _sample(values: NDArray[Any]) -> NDArray[Any]:
    """All of ``values`` (flattened), or an even sample of :data:`_SAMPLE` of them."""
    flat = values.reshape(-1)
    return flat if flat.size <= _SAMPLE else flat[:: math.ceil(flat.size / _SAMPLE)]


def _working_factor(shape: tuple[int, ...], sigma_px: float, width_px: float) -> int:
    """Reduction that brings ``sigma_px`` to about ``width_px`` (a power of two, no finer),
    the copy kept at least :data:`MIN_COPY_SIDE` pixels on its shorter side."""
    most = power_of_two_at_most(max(min(shape[:2]) / MIN_COPY_SIDE, 1.0))
    return min(power_of_two_at_most(sigma_px / width_px), most)


def _rgb_block_mean(rgb: Colours, factor: int) -> Float32:
    """Linear RGB averaged over blocks, from an array or a :class:`LinearRGB`. [1]"""
    return rgb.block_mean(factor) if isinstance(rgb, LinearRGB) else block_mean(rgb, factor)


def find_dots(
    luminance: Float32,
    rgb: Colours,
    *,
    sigma_px: float | None = None,
    min_sigma_px: float = 0.0,
    analysed: NDArray[np.bool_] | None = None,
) -> DotFinding:
    """Find the dots of a photo and measure each.

    Parameters
    ----------
    luminance
        Linear luminance Y, shape ``(H, W)``, relative to the photo's white. [1]
    rgb
        Linear RGB, shape ``(H, W, 3)``, white-balanced if a reference was found, as
        an array or decoded where read (:class:`~fadecast.measure.photo.LinearRGB`). [1]
    sigma_px
        The dots' Gaussian width if known; found from the image otherwise. [px]
    min_sigma_px
        The least width to look for (from the photo's scale, when known). [px]
    analysed
        Pixels to look for dots in, shape ``(H, W)`` (e.g. without a white card or a
        marker); all by default.

    Returns
    -------
    DotFinding
    """
    if analysed is not None and not analysed.all():
        # What is not looked at (a bright card) must not pass for skin nearby.
        fill = np.float32(np.quantile(_sample(luminance[analysed]), 0.9))  # about the skin
        luminance = np.where(analysed, luminance, fill)
    found_scale = sigma_px is None
    if sigma_px is None:
        sigma_px = dot_scale_px(luminance, min_sigma_px=min_sigma_px)
    factor = _working_factor(luminance.shape, sigma_px, WORKING_SIGMA_PX)
    small = block_mean(luminance, factor)
    s = sigma_px / factor
    skin = skin_luminance(small, s)
    darkness = np.maximum(skin, np.float32(1e-6))
    np.divide(small, darkness, out=darkness)
    np.subtract(np.float32(1.0), darkness, out=darkness)
    del small
    noise = _noise_sd(darkness)
    hair = hair_mask(darkness, s, min_darkness=max(8.0 * noise, 0.05))
    darkness = inpaint(darkness, hair, s)
    if found_scale and hair.mean() > HAIRY_SHARE:
        # Hairs answer at scales finer than the dots and pull the scale found down:
        # found again with the hairs painted out.
        rescaled = _strongest_scale(1.0 - darkness, min_sigma_px / factor) * factor
        if abs(rescaled / sigma_px - 1.0) > 0.05:
            del skin, darkness, hair
            return find_dots(
                luminance, rgb, sigma_px=rescaled, min_sigma_px=min_sigma_px, analysed=analysed
            )
    # Blobs answer the scale-normalised negative Laplacian of Gaussian of the darkness;
    # taken a little finer than the dots' own scale, and with a suppression radius
    # below it, it keeps touching and spread dots apart.
    fine = DETECTION_SCALE * s
    matched = _normalised_log(darkness, fine)
    allowed = (
        np.ones(darkness.shape, dtype=bool)
        if analysed is None
        else block_all(analysed, factor)[: darkness.shape[0], : darkness.shape[1]]
    )
    radius = max(1, round(SUPPRESSION_RADIUS * s))
    rows, cols = _peaks(matched, radius, NOISE_THRESHOLD * noise * _log_gain(fine), allowed)
    if len(rows):
        # The same at the dots' own scale (the matched filter): smoother, and less
        # sensitive to blotchy noise.
        whole = _normalised_log(darkness, s)
        typical = float(np.quantile(matched[rows, cols], 0.75))
        strong = matched[rows, cols] > RELATIVE_THRESHOLD * typical
        # Round at either scale: a dot is round at its own, touching dots each at the
        # finer one, a hair at neither.
        round_ = (_hessian_roundness(matched, rows, cols) > MIN_ROUNDNESS) | (
            _hessian_roundness(whole, rows, cols) > MIN_ROUNDNESS
        )
        keep = strong & round_
        rows, cols = rows[keep], cols[keep]
        rows, cols = _merge_close(rows, cols, matched[rows, cols], whole, s)
        rows, cols = _significant(darkness, whole, rows, cols, s, noise, allowed)
        del whole
    del darkness, allowed
    sub_r, sub_c = _subpixel(matched, rows, cols)
    del matched
    skin_at = ndimage.map_coordinates(skin, [sub_r, sub_c], order=1, mode="nearest")
    del skin
    # Measure each dot on a copy where it is a few pixels wide.
    step = _working_factor(luminance.shape, sigma_px, MEASURE_SIGMA_PX)
    fine_y = block_mean(luminance, step)
    fine_rgb: Colours = rgb if step == 1 else _rgb_block_mean(rgb, step)
    # Within the photo (a peak on its edge row can be refined half a pixel beyond).
    full_r = np.clip((sub_r + 0.5) * factor, 0.0, luminance.shape[0] - 0.5)
    full_c = np.clip((sub_c + 0.5) * factor, 0.0, luminance.shape[1] - 0.5)
    parts = []
    for start in range(0, len(full_r), _CHUNK):
        chunk = slice(start, start + _CHUNK)
        parts.append(
            _measure_each(
                fine_y,
                fine_rgb,
                full_r[chunk] / step,
                full_c[chunk] / step,
                skin_at[chunk].astype(np.float64),
                hair,
                hair_per_px=step / factor,
                sigma_px=sigma_px / step,
            )
        )
    merged = {
        name: np.concatenate([p[name] for p in parts]) if parts else np.zeros((0, *shape))
        for name, shape in (
            ("depth", ()),
            ("diameter", ()),
            ("edge", ()),
            ("centre_rgb", (3,)),
            ("skin_rgb", (3,)),
        )
    }
    # Faint detections are noise or compression blocks, not dots: a dot is at least a
    # share of the typical dot's depth, and darker than the floor.
    depth = merged["depth"]
    if np.isfinite(depth).any():
        typical = float(np.median(depth[np.isfinite(depth)]))
        keep = np.isfinite(depth) & (depth >= max(MIN_DEPTH, RELATIVE_DEPTH * typical))
        # A hair (or one lying across a dot): far darker than the typical dot and drawn
        # out along a line.
        keep &= depth <= MAX_RELATIVE_DEPTH * typical
    else:
        keep = np.zeros(len(depth), dtype=bool)
    full_r, full_c = full_r[keep], full_c[keep]
    merged = {name: value[keep] for name, value in merged.items()}
    if len(full_r):
        faint = merged["depth"] < FAINT_SHARE * float(np.median(merged["depth"]))
        # Compression blocks: faint, with a hard edge no dot has.
        blocky = faint & (merged["edge"] < BLOCK_EDGE_SHARE * float(np.median(merged["edge"])))
        keep = ~_faint_and_alone(full_r, full_c, merged["depth"]) & ~blocky
        full_r, full_c = full_r[keep], full_c[keep]
        merged = {name: value[keep] for name, value in merged.items()}
    return DotFinding(
        rows=full_r,
        cols=full_c,
        depth=merged["depth"],
        diameter_px=merged["diameter"] * step,
        edge_px=merged["edge"] * step,
        centre_rgb=merged["centre_rgb"],
        skin_rgb=merged["skin_rgb"],
        sigma_px=float(sigma_px),
        working_factor=factor,
        hair_share=float(hair.mean()) if hair.size else 0.0,
        noise=noise,
        hair=hair,
    )


#: A faint detection (under this share of the median depth) with no neighbour within
#: this many dot spacings is noise on bare skin: dots come in a pattern. [1]
FAINT_SHARE = 0.6
ALONE_SPACINGS = 1.4
#: A faint detection whose edge is under this share of the median edge is a JPEG block.
BLOCK_EDGE_SHARE = 0.35


#: A candidate's response at the dots' own scale must exceed this many standard
#: deviations of that response on untreated skin. [1]
SIGNIFICANCE = 4.0
#: Dots that noise alone may give in a whole photo (expected): on a large photo a dot
#: must stand out of the noise by more than :data:`SIGNIFICANCE` (see
#: :func:`significance`). [1]
FALSE_DOTS = 0.5
#: Untreated skin lies further than this many dot spacings from every clear dot. [1]
UNTREATED_SPACINGS = 2.0
#: Least share of the image that is untreated skin for its noise to be measured. [1]
MIN_UNTREATED_SHARE = 0.02
#: Untreated skin whose deviations exceed this share of the clear dots' median response
#: (at the dots' scale) holds structure (an edge, a mole, a card's shadow), not noise;
#: it is not used, and the pixel noise is. [1]
MAX_NOISE_SHARE = 0.25


def _robust_z(field: Float32, at: Array, where: NDArray[np.bool_]) -> Array:
    """``at`` in robust standard deviations of ``field`` over ``where`` above its median."""
    values = field[where]
    centre = float(np.median(values))
    sd = 1.4826 * float(np.median(np.abs(values - centre)))
    return np.asarray((at - centre) / max(sd, 1e-12), dtype=np.float64)


def _significant(
    darkness: Float32,
    response: Float32,
    rows: NDArray[np.intp],
    cols: NDArray[np.intp],
    sigma_px: float,
    noise: float,
    allowed: NDArray[np.bool_],
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
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
    deviation); a candidate standing :data:`SIGNIFICANCE` deviations out in either is
    a dot. Without untreated skin in view only the LoG is read, its noise predicted
    from the pixel noise as if white (the least it can be).
    """
    if len(rows) == 0:
        return rows, cols
    least = significance(int(allowed.sum()), sigma_px)
    at = _local_max(response, rows, cols)
    keep = at > least * noise * _log_gain(sigma_px)
    if len(rows) < 3:
        return rows[keep], cols[keep]
    typical = float(np.quantile(at, 0.75))
    clear = at > 0.5 * typical
    if clear.sum() < 3:
        return rows[keep], cols[keep]
    spacing = float(np.median(nearest_distance(np.c_[rows[clear], cols[clear]])))
    # Found on a grid a few cells per spacing (the distance transform is the cost).
    cell = power_of_two_at_most(spacing / 4.0)
    looked = block_all(allowed, cell)
    seeds = np.ones(looked.shape, dtype=bool)
    top, right = looked.shape[0] - 1, looked.shape[1] - 1
    seeds[np.minimum(rows[clear] // cell, top), np.minimum(cols[clear] // cell, right)] = False
    far = distance_to_unset(seeds) * cell > UNTREATED_SPACINGS * spacing + cell
    # Clear of the photo's edges and of what was not looked at by the filters' reach.
    reach = math.ceil(3.0 * sigma_px / cell)
    looked = ndimage.binary_erosion(np.pad(looked, reach), iterations=reach)
    free = full_resolution(far & looked[reach:-reach, reach:-reach], cell, response.shape)
    if free.mean() < MIN_UNTREATED_SHARE:
        return rows[keep], cols[keep]
    z_log = _robust_z(response, at, free)
    if float(np.median(z_log[clear])) * MAX_NOISE_SHARE < 1.0:
        # The "untreated" skin is as busy as the dots: structure, not noise.
        return rows[keep], cols[keep]
    smooth = np.asarray(ndimage.gaussian_filter(darkness, 0.5 * sigma_px), dtype=np.float32)
    z_smooth = _robust_z(smooth, _local_max(smooth, rows, cols), free)
    keep = (z_log > least) | (z_smooth > least)
    return rows[keep], cols[keep]


def _local_max(image: Float32, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> Array:
    """The largest value of the 3 × 3 pixels around each point (within the image)."""
    h, w = image.shape
    best = np.full(len(rows), -np.inf)
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            r = np.clip(rows + dr, 0, h - 1)
            c = np.clip(cols + dc, 0, w - 1)
            best = np.maximum(best, image[r, c])
    return best


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


def _faint_and_alone(rows: Array, cols: Array, depth: Array) -> NDArray[np.bool_]:
    """Detections that are both faint and far from every other detection."""
    if len(rows) < 3:
        return np.zeros(len(rows), dtype=bool)
    nearest = nearest_distance(np.c_[rows, cols])
    spacing = float(np.median(nearest))
    faint = depth < FAINT_SHARE * float(np.median(depth))
    return np.asarray(faint & (nearest > ALONE_SPACINGS * spacing), dtype=bool)


def _masked_median(values: NDArray[np.floating], mask: NDArray[np.bool_]) -> Array:
    """Median over each window's masked pixels, NaN where none are."""
    flat = np.where(mask, values, np.inf).reshape(len(values), -1)
    flat.sort(axis=1)
    count = mask.reshape(len(values), -1).sum(axis=1)
    low = np.take_along_axis(flat, np.maximum((count - 1) // 2, 0)[:, None], axis=1)[:, 0]
    high = np.take_along_axis(flat, np.maximum(count // 2, 0)[:, None], axis=1)[:, 0]
    median = np.where(count > 0, 0.5 * (low + high), np.nan)
    return np.asarray(median, dtype=np.float64)


def _colour_means(
    rgb: Colours, rows: Array, cols: Array, radius: int, masks: list[NDArray[np.bool_]]
) -> list[Array]:
    """Mean linear RGB over each mask of each dot's window, shape ``(N, 3)`` per mask
    (NaN where a mask is empty); only the pixels in a mask are read. ``masks`` hold
    pixels inside the image only. [1]"""
    n = len(rows)
    r0 = np.floor(rows).astype(np.intp) - radius
    c0 = np.floor(cols).astype(np.intp) - radius
    out = []
    for mask in masks:
        dot, dr, dc = np.nonzero(mask)
        r, c = r0[dot] + dr, c0[dot] + dc
        if isinstance(rgb, LinearRGB):
            values = rgb.take(rgb.srgb[r, c]).astype(np.float64)
        else:
            values = np.asarray(rgb[r, c], dtype=np.float64)
        count = np.bincount(dot, minlength=n).astype(np.float64)
        sums = np.stack([np.bincount(dot, weights=values[:, k], minlength=n) for k in range(3)], -1)
        mean = np.full((n, 3), np.nan)
        np.divide(sums, count[:, None], out=mean, where=count[:, None] > 0)
        out.append(mean)
    return out


def _measure_each(
    luminance: Float32,
    rgb: Colours,
    rows: Array,
    cols: Array,
    skin_y: Array,
    hair: NDArray[np.bool_],
    *,
    hair_per_px: float,
    sigma_px: float,
) -> dict[str, Array]:
    """Depth, diameter, edge and colours of dots on one copy of the photo (its pixels)."""
    radius = max(2, math.ceil(3.2 * sigma_px))
    offsets = np.arange(-radius, radius + 1, dtype=np.float64)
    # Distance of each window pixel's centre from the dot's centre. [px]
    frac_r = (rows - np.floor(rows))[:, None, None]
    frac_c = (cols - np.floor(cols))[:, None, None]
    dr = offsets[None, :, None] + 0.5 - frac_r
    dc = offsets[None, None, :] + 0.5 - frac_c
    distance = np.sqrt(dr**2 + dc**2).astype(np.float32)
    y = _windows(luminance, rows, cols, radius)
    dark = np.asarray(1.0 - y / skin_y[:, None, None].astype(np.float32), dtype=np.float32)
    # Hair mask (on the working copy) at each window pixel.
    hr = ((np.floor(rows)[:, None] + offsets[None, :]) * hair_per_px).astype(np.intp)
    hc = ((np.floor(cols)[:, None] + offsets[None, :]) * hair_per_px).astype(np.intp)
    hr = np.clip(hr, 0, hair.shape[0] - 1)
    hc = np.clip(hc, 0, hair.shape[1] - 1)
    hairy = hair[hr[:, :, None], hc[:, None, :]]
    finite = np.isfinite(dark)
    # A hair across a dot hides part of it: what lies under the hair mask is left out,
    # and the centre is read a little wider where a hair covers it.
    clear = finite & ~hairy
    centre_disk = (distance <= max(1.0, 0.3 * sigma_px)) & clear
    covered = ~centre_disk.any(axis=(1, 2))
    centre_disk[covered] = ((distance <= max(1.5, 0.7 * sigma_px)) & clear)[covered]
    depth = _masked_median(dark, centre_disk)
    disk = distance <= 2.2 * sigma_px
    valid = disk & clear
    # Areas below are scaled up by the share of the disk the hairs hide.
    hidden = (disk & finite).sum(axis=(1, 2)) / np.maximum(valid.sum(axis=(1, 2)), 1)

    def radius_at(level: float) -> Array:
        above = valid & (dark > level * depth[:, None, None])
        area = above.sum(axis=(1, 2)) * hidden
        return np.asarray(np.sqrt(area / math.pi), dtype=np.float64)

    ring = (
        (distance >= 2.2 * sigma_px)
        & (distance <= 3.2 * sigma_px)
        & finite
        & (dark < 0.15 * depth[:, None, None])
        & ~hairy
    )
    # Pigment tails reach between close dots: the lightest quarter of the ring is the
    # bare skin.
    ring_y = np.where(ring, y, np.nan)
    count = ring.sum(axis=(1, 2))
    order = np.sort(np.where(ring, y, -np.inf).reshape(len(rows), -1), axis=1)
    cut_index = np.clip(order.shape[1] - np.maximum(count // 10, 1), 0, order.shape[1] - 1)
    cut = order[np.arange(len(rows)), cut_index]
    lightest = ring & (ring_y >= cut[:, None, None])
    centre_rgb, skin_rgb = _colour_means(rgb, rows, cols, radius, [centre_disk, lightest])
    return {
        "depth": np.asarray(depth, dtype=np.float64),
        "diameter": 2.0 * radius_at(0.5),
        "edge": radius_at(0.1) - radius_at(0.9),
        "centre_rgb": np.asarray(centre_rgb, dtype=np.float64).reshape(-1, 3),
        "skin_rgb": np.asarray(skin_rgb, dtype=np.float64).reshape(-1, 3),
    }
