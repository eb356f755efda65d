"""The figures of a measured photo: count, density, size, contrast, spread, quality.

Turns the dots found by :func:`fadecast.measure.dots.find_dots` into what a client and
a practitioner read, in the forecast's own quantities: the per-dot contrast against
the local skin (CIEDE2000, as the close-up curve) and the social-distance contrast, the
mean tone of the treated area against bare skin (as the forecast's curve).

Untreated skin in view is looked for with distance transforms only where a quick bound
on blocks does not already rule it out (a photo full of dots); the median of a local
density over many pixels is taken on the reduced copy it is found on, each value
weighted by the pixels it stands for.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.measure.dots import DotFinding
from fadecast.measure.imaging import (
    block_all,
    distance_to_unset,
    full_resolution,
    gaussian_filter,
    nearest_distance,
    power_of_two_at_most,
)
from fadecast.measure.photo import Y_WEIGHTS, LinearRGB, block_mean
from fadecast.measure.significance import MIN_UNTREATED_SHARE, UNTREATED_SPACINGS
from fadecast.skin import colour

__all__ = [
    "Figures",
    "Spread",
    "bare_skin_at",
    "bare_skin_rgb",
    "figures_of",
    "fully_treated",
    "lab_of",
    "treated_area",
    "treated_by_distance",
    "untreated_by_distance",
]

Array = NDArray[np.float64]
Float32 = NDArray[np.float32]

#: Untreated skin lies further than this many dot spacings from any dot (the rule
#: dot finding measures the skin's noise by). [1]
BARE_SKIN_SPACINGS = UNTREATED_SPACINGS
#: Least share of the picture that must be untreated skin to be used. [1]
MIN_BARE_SKIN_SHARE = MIN_UNTREATED_SHARE
#: Fewest dots for figures worth reading.
MIN_DOTS = 20
#: SMP dots lie within a few diameters of each other (a fresh treatment within about
#: 1.5, a sparse first session within 3 to 4): detections further apart than this many
#: median diameters (median nearest-neighbour distance) are not a pattern. [1]
MAX_SPACING_DIAMETERS = 6.0
#: The mean tone is read where the treatment is full: where the local density of the
#: dots found (a Gaussian window of this many spacings' sd) is at least
#: :data:`FULL_DENSITY_SHARE` of the treated area's median. A feathered hairline, where
#: dots thin out and lighten, is not the tone the forecast means. [1]
FULL_WINDOW_SPACINGS = 1.5
FULL_DENSITY_SHARE = 0.8
#: Skin darker than this luminance (after calibration) is too dark to read. [1]
MIN_SKIN_LUMINANCE = 0.03
#: Share of clipped pixels above which a photo is overexposed. [1]
MAX_CLIPPED_SHARE = 0.01
#: Blur (Gaussian sd, from a card's edge) above which a photo is out of focus, as a
#: share of the dots' scale: it widens a Gaussian dot by sqrt(1 + 0.3²) - 1 ≈ 4.4 %. [1]
MAX_BLUR_SHARE = 0.3
#: A focused edge is about this wide (10-90 %) from pixel sampling alone. [px]
SHARP_EDGE_PX = 1.0
#: 10-90 % width of a Gaussian blur of unit sd. [px]
EDGE_PER_BLUR_SD = 2.563


@dataclass(frozen=True)
class Spread:
    """Median and quartiles of a per-dot figure."""

    median: float
    p25: float
    p75: float

    @classmethod
    def of(cls, values: NDArray[np.floating[Any]], scale: float = 1.0) -> Spread | None:
        finite = np.asarray(values, dtype=np.float64)
        finite = finite[np.isfinite(finite)]
        if len(finite) == 0:
            return None
        p25, median, p75 = np.quantile(finite * scale, [0.25, 0.5, 0.75])
        return cls(float(median), float(p25), float(p75))


@dataclass(frozen=True)
class Figures:
    """What a photo says about an SMP.

    Sizes are in mm when the scale is known (``mm_per_px``), else ``None``, with the
    same figures in pixels beside them.
    """

    dot_count: int
    analysed_px: int  # pixels of treated area measured (no card, marker or untreated skin)
    mm_per_px: float | None
    density_per_cm2: float | None
    density_per_megapixel: float
    diameter_px: Spread | None
    diameter_mm: Spread | None
    edge_px: Spread | None
    edge_mm: Spread | None
    coverage: float
    delta_e00: Spread | None
    social_delta_e00: float | None
    skin_lab: tuple[float, float, float] | None
    mean_lab: tuple[float, float, float] | None
    blur_px: float | None  # optical blur (Gaussian sd) from a card's edge [px]
    flags: tuple[str, ...]
    dot_delta_e00: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    # per dot, CIEDE2000 against the skin its contrast is taken against [ΔE00]


def _centres(found: DotFinding) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The working-copy pixel of each dot's centre (within the copy). [px]"""
    f = found.working_factor
    shape = found.hair.shape
    r = np.clip((found.rows / f).astype(np.intp), 0, shape[0] - 1)
    c = np.clip((found.cols / f).astype(np.intp), 0, shape[1] - 1)
    return r, c


def _spacing(found: DotFinding) -> float:
    """The dots' median nearest-neighbour distance on the working copy. [px]"""
    points = np.c_[found.rows, found.cols]
    return float(np.median(nearest_distance(points))) / found.working_factor


def _near(found: DotFinding, spacing: float | None = None) -> tuple[Float32, float]:
    """Distance of each working-copy pixel to the nearest dot's centre, and the dots'
    median spacing there (``spacing``, if already known). [px]"""
    centres = np.zeros(found.hair.shape, dtype=bool)
    centres[_centres(found)] = True
    spacing = _spacing(found) if spacing is None else spacing
    return distance_to_unset(~centres), spacing


def _surely_little_untreated(
    found: DotFinding, analysed: NDArray[np.bool_], spacing: float
) -> bool:
    """Whether the untreated skin (:func:`_untreated`) certainly covers less than
    :data:`MIN_BARE_SKIN_SHARE` of the working copy, read on blocks a sixth of the
    distance it lies beyond (:data:`BARE_SKIN_SPACINGS` spacings): every pixel of a
    block whose offset ``(i, j)`` (in blocks) from one holding a dot's centre has
    ``(|i| + 1)² + (|j| + 1)²`` at most that distance squared (in blocks) lies within it
    of the centre, and only the looked-at pixels of the other blocks may be further. A
    quick bound, so that a photo full of dots skips the distance transforms."""
    import cv2

    limit = BARE_SKIN_SPACINGS * spacing
    block = power_of_two_at_most(limit / 6.0)
    reach = limit / block  # [blocks]
    k = np.arange(-math.floor(reach), math.floor(reach) + 1)
    offsets = (np.abs(k)[:, None] + 1.0) ** 2 + (np.abs(k)[None, :] + 1.0) ** 2
    kernel = (offsets <= reach**2).astype(np.uint8)
    h, w = found.hair.shape
    blocks = (-(-h // block), -(-w // block))
    r, c = _centres(found)
    held = np.zeros(blocks, dtype=np.uint8)
    held[r // block, c // block] = 1
    near = np.asarray(cv2.dilate(held, kernel, borderType=cv2.BORDER_CONSTANT), dtype=np.uint8)
    if near.all():
        return True
    inside = block_all(analysed, found.working_factor)[:h, :w]
    looked = _block_counts(inside, block, blocks)
    return bool(int(looked[near == 0].sum()) < MIN_BARE_SKIN_SHARE * h * w)


def untreated_by_distance(
    distance_px: NDArray[np.floating], inside: NDArray[np.bool_], spacing_px: float
) -> NDArray[np.bool_]:
    """Untreated skin: further than :data:`BARE_SKIN_SPACINGS` spacings from every dot and
    from what was not looked at (outside ``inside``: a card, a marker, the photo's
    edge), where dots may lie unseen.

    Parameters
    ----------
    distance_px
        Distance of each pixel to the nearest dot's centre. [px]
    inside
        Pixels looked at.
    spacing_px
        The dots' median nearest-neighbour distance. [px]
    """
    limit = BARE_SKIN_SPACINGS * spacing_px
    padded = np.pad(inside, 1, constant_values=False)
    clear = distance_to_unset(padded)[1:-1, 1:-1] > limit
    return np.asarray((distance_px > limit) & clear, dtype=bool)


def _untreated(
    found: DotFinding, analysed: NDArray[np.bool_], near: tuple[Float32, float] | None = None
) -> NDArray[np.bool_]:
    """Working-copy pixels of untreated skin (:func:`untreated_by_distance`), no hairs."""
    shape = found.hair.shape
    if found.count < 3:
        return np.zeros(shape, dtype=bool)
    distance, spacing = _near(found) if near is None else near
    inside = block_all(analysed, found.working_factor)
    untreated = untreated_by_distance(distance, inside[: shape[0], : shape[1]], spacing)
    return np.asarray(untreated & ~found.hair, dtype=bool)


#: Where untreated skin is in view, the treated area is the dots' own area: each dot's
#: half-spacing neighbourhood, with the gaps between dots (closed by a disk this many
#: spacings wide) filled in. Its edge then lies half a spacing beyond the outermost
#: dots, and the density is the pattern's whatever the dots' size. [1]
TREATED_SPACINGS = 0.5
TREATED_CLOSING_SPACINGS = 1.0


def treated_by_distance(distance_px: NDArray[np.floating], spacing_px: float) -> NDArray[np.bool_]:
    """The treated area from each pixel's distance to the nearest dot centre.

    Within :data:`TREATED_SPACINGS` spacings of a dot, closed (dilated then eroded) by
    :data:`TREATED_CLOSING_SPACINGS` spacings, so gaps in the pattern are inside it.

    Parameters
    ----------
    distance_px
        Distance of each pixel to the nearest dot's centre. [px]
    spacing_px
        The dots' median nearest-neighbour distance. [px]
    """
    reach = (TREATED_SPACINGS + TREATED_CLOSING_SPACINGS) * spacing_px
    dilated = distance_px <= reach
    closed = distance_to_unset(dilated) > TREATED_CLOSING_SPACINGS * spacing_px
    return np.asarray(closed, dtype=bool)


def treated_area(
    found: DotFinding,
    analysed: NDArray[np.bool_],
    untreated: NDArray[np.bool_] | None = None,
    *,
    near: tuple[Float32, float] | None = None,
) -> NDArray[np.bool_]:
    """The treated part of the analysed pixels, at full resolution.

    All of them, unless untreated skin is in view (see :func:`bare_skin_rgb`); then
    the dots' own area (:func:`treated_by_distance`). ``near`` is the distance to the
    dots and their spacing on the working copy, if already known.
    """
    if found.count < 3:
        return analysed
    if untreated is None:
        near = _near(found) if near is None else near
        untreated = _untreated(found, analysed, near)
    if untreated.mean() < MIN_BARE_SKIN_SHARE:
        return analysed
    treated = treated_by_distance(*(_near(found) if near is None else near))
    return analysed & full_resolution(treated, found.working_factor, analysed.shape)


def fully_treated(
    rows_px: NDArray[np.floating],
    cols_px: NDArray[np.floating],
    treated: NDArray[np.bool_],
    inside: NDArray[np.bool_],
    spacing_px: float,
) -> NDArray[np.bool_]:
    """The part of the treated area where the dots are as dense as the pattern's own.

    The local density is the dots found, weighted by a Gaussian window of
    :data:`FULL_WINDOW_SPACINGS` spacings, over the looked-at pixels so weighted; the
    treatment is full where it is at least :data:`FULL_DENSITY_SHARE` of the treated
    area's median (so at least half of the treated area is full).

    Parameters
    ----------
    rows_px, cols_px
        The dots' centres on the working copy. [px]
    treated, inside
        The treated area and the pixels looked at, on the working copy.
    spacing_px
        The dots' median spacing on the working copy. [px]

    Returns
    -------
    NDArray[np.bool_]
        On the working copy.

    Examples
    --------
    A patch whose left half holds a dot every 4 pixels and right half one every 8
    (a feathered hairline, say): the mean tone is read on the left.

    >>> rows, cols = np.mgrid[2:64:4, 2:32:4]
    >>> sparse_rows, sparse_cols = np.mgrid[2:64:8, 34:64:8]
    >>> r = np.r_[rows.ravel(), sparse_rows.ravel()].astype(float)
    >>> c = np.r_[cols.ravel(), sparse_cols.ravel()].astype(float)
    >>> everywhere = np.ones((64, 64), dtype=bool)
    >>> full = fully_treated(r, c, everywhere, everywhere, 4.0)
    >>> bool(full[:, :24].all()), bool(full[:, 40:].any())
    (True, False)
    """
    if not treated.any():
        return treated
    shape = treated.shape
    sd = FULL_WINDOW_SPACINGS * spacing_px
    # The window is wide: the density is found on a copy reduced by a power of two up to
    # a third of it (counts and looked-at pixels summed over each block), then repeated.
    f = power_of_two_at_most(sd / 3.0)
    small = (-(-shape[0] // f), -(-shape[1] // f))
    r = np.clip(np.asarray(rows_px).astype(np.intp), 0, shape[0] - 1) // f
    c = np.clip(np.asarray(cols_px).astype(np.intp), 0, shape[1] - 1) // f
    cells = small[0] * small[1]
    counts = np.bincount(r * small[1] + c, minlength=cells).astype(np.float32).reshape(small)
    looked = _block_counts(inside, f, small).astype(np.float32)
    dots = gaussian_filter(counts, sd / f, mode="constant")
    area = gaussian_filter(looked, sd / f, mode="constant") / np.float32(f * f)
    local = np.where(area > 0.25, dots / np.maximum(area, 1e-6), 0.0).astype(np.float32)
    # The median over the treated pixels, each block's value counted once per treated
    # pixel of it.
    typical = _weighted_median(local, _block_counts(treated, f, small))
    full = local >= FULL_DENSITY_SHARE * typical
    full = np.repeat(np.repeat(full, f, axis=0), f, axis=1)[: shape[0], : shape[1]]
    return np.asarray(treated & full, dtype=bool)


def _block_counts(
    mask: NDArray[np.bool_], factor: int, shape: tuple[int, int]
) -> NDArray[np.int64]:
    """Set pixels of each ``factor`` × ``factor`` block of ``mask``, the blocks of shape
    ``shape`` covering it (the last ones cut by its edges)."""
    # Small counts in small integers: a band's column holds at most ``factor`` pixels.
    bands = np.zeros((shape[0], mask.shape[1]), dtype=np.uint8 if factor < 256 else np.int64)
    for k in range(factor):  # the k-th row of every band of blocks
        rows = mask[k::factor]
        bands[: len(rows)] += rows
    counts = np.zeros(shape, dtype=np.int32 if factor < 46_000 else np.int64)
    for k in range(factor):
        cols = bands[:, k::factor]
        counts[:, : cols.shape[1]] += cols
    return counts.astype(np.int64)


def _weighted_median(values: Float32, weights: NDArray[np.int64]) -> float:
    """The median of ``values`` each repeated ``weights`` times (at least one in all),
    as ``np.median`` of the repeated values gives it: a weighted histogram finds the bin
    of each middle place, and only that bin's values are sorted."""
    held = weights.reshape(-1) > 0
    v = values.reshape(-1)[held]
    w = weights.reshape(-1)[held]
    total = int(w.sum())
    low, high = float(v.min()), float(v.max())
    if low == high:
        return low
    bins = 4096
    # Bins in the order of the values (each step of the arithmetic keeps their order).
    scaled = np.subtract(v, low, dtype=np.float32)
    scaled *= np.float32(bins / (high - low))
    index = scaled.astype(np.int32)
    np.minimum(index, bins - 1, out=index)
    del scaled
    ends = np.cumsum(np.bincount(index, weights=w, minlength=bins))
    middle = []
    for place in ((total - 1) // 2, total // 2):
        b = int(np.searchsorted(ends, place, side="right"))
        inside = index == b
        order = np.argsort(v[inside])
        within = np.cumsum(w[inside][order])
        before = int(ends[b - 1]) if b else 0
        middle.append(v[inside][order][np.searchsorted(within, place - before, side="right")])
    return float(np.median(np.asarray(middle, dtype=values.dtype)))


Colours = Float32 | LinearRGB
#: Pixels whose colours a median is taken over at most (an even sample of more). [px]
_SAMPLE = 4_000_000


def _working_rgb(rgb: Colours, factor: int) -> Colours:
    """Linear RGB on the working copy: block means, or the photo itself (decoded where
    read) when the working copy is the photo."""
    if isinstance(rgb, LinearRGB):
        return rgb if factor == 1 else rgb.block_mean(factor)
    return block_mean(rgb, factor)


def _colours_at(work: Colours, mask: NDArray[np.bool_]) -> Float32:
    """Linear RGB of the working pixels in ``mask`` (an even sample of at most
    :data:`_SAMPLE`), shape ``(n, 3)``. [1]"""
    h, w = mask.shape
    if isinstance(work, LinearRGB):
        codes = work.srgb[:h, :w][mask]
        return work.take(codes[:: max(1, math.ceil(len(codes) / _SAMPLE))])
    values = work[:h, :w][mask]
    return np.asarray(values[:: max(1, math.ceil(len(values) / _SAMPLE))], dtype=np.float32)


def _code_counts(work: LinearRGB, mask: NDArray[np.bool_]) -> NDArray[np.int64]:
    """How many of the pixels ``mask`` sets hold each 8-bit code, channel by channel,
    shape ``(3, 256)`` (OpenCV's histogram, a band of rows at a time)."""
    import cv2

    h, w = mask.shape
    counts = np.zeros((3, 256), dtype=np.int64)
    rows = max(1, _SAMPLE // max(w, 1))
    for top in range(0, h, rows):
        band = np.ascontiguousarray(mask[top : top + rows]).view(np.uint8)
        codes = np.ascontiguousarray(work.srgb[top : top + len(band), :w])
        for ch in range(3):
            counts[ch] += (
                cv2.calcHist([codes], [ch], band, [256], [0, 256]).reshape(-1).astype(np.int64)
            )
    return counts


def _code_levels(work: LinearRGB) -> Float32:
    """The linear value of every 8-bit code of each channel of ``work``, shape
    ``(256, 3)``. [1]"""
    return work.take(np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1))


def _mean_colour(work: Colours, mask: NDArray[np.bool_]) -> Array:
    """Mean linear RGB of the working pixels in ``mask`` (all of them). [1]"""
    h, w = mask.shape
    if not isinstance(work, LinearRGB):
        return np.asarray(work[:h, :w][mask].mean(axis=0, dtype=np.float64), dtype=np.float64)
    # Each channel's mean from the histogram of its 8-bit codes: the linear value of
    # every code once, not of every pixel.
    counts = _code_counts(work, mask)
    count = int(counts[0].sum())
    if not count:
        return np.full(3, np.nan)
    linear = _code_levels(work).astype(np.float64)  # (256, 3): code k of each channel
    return np.asarray([counts[ch] @ linear[:, ch] for ch in range(3)]) / count


def _median_colour(work: Colours, mask: NDArray[np.bool_]) -> Array:
    """Median linear RGB of the working pixels in ``mask``, channel by channel, as
    ``np.median`` gives it (the mean of the two middle values of an even count); of
    all of them where ``work`` is the photo's codes (a channel's linear value grows with
    its code, so its median is that of the middle codes, read from their histogram),
    else of an even sample of at most :data:`_SAMPLE`. [1]"""
    if not isinstance(work, LinearRGB):
        return np.asarray(np.median(_colours_at(work, mask), axis=0), dtype=np.float64)
    counts = _code_counts(work, mask)
    count = int(counts[0].sum())
    if not count:
        return np.full(3, np.nan)
    levels = _code_levels(work)
    ends = np.cumsum(counts, axis=1)
    out = np.empty(3, dtype=np.float64)
    for ch in range(3):
        low, high = (
            int(np.searchsorted(ends[ch], place, side="right"))
            for place in ((count - 1) // 2, count // 2)
        )
        # In single precision, as np.median of the values themselves.
        pair = np.array([levels[low, ch], levels[high, ch]], dtype=np.float32)
        out[ch] = float(pair[0]) if low == high else float(np.mean(pair, dtype=np.float32))
    return out


def bare_skin_rgb(
    found: DotFinding,
    rgb: Colours,
    analysed: NDArray[np.bool_],
    untreated: NDArray[np.bool_] | None = None,
    *,
    work: Colours | None = None,
) -> NDArray[np.float64] | None:
    """Median linear RGB of the untreated skin in view, or None if too little is.

    Untreated skin lies further than :data:`BARE_SKIN_SPACINGS` dot spacings from any
    dot found (the forehead in front of a hairline, say). ``work`` is ``rgb`` on the
    working copy, if already made.
    """
    if untreated is None:
        untreated = _untreated(found, analysed)
    if untreated.mean() < MIN_BARE_SKIN_SHARE:
        return None
    work = _working_rgb(rgb, found.working_factor) if work is None else work
    return _median_colour(work, untreated)


def bare_skin_at(bare_rgb: NDArray[np.float64], skin_y: NDArray[np.float64]) -> Array:
    """The untreated skin's colour at each dot, under the light the dot is under.

    Light that falls off across a photo (or a card that balances it at one place) makes
    the untreated skin in view lighter or darker than the skin beside a dot: its colour
    is scaled to the local bare-skin luminance at each dot (where that is read), so
    that each dot's contrast is against skin lit as it is.

    Parameters
    ----------
    bare_rgb
        The untreated skin's linear RGB (:func:`bare_skin_rgb`), shape ``(3,)``. [1]
    skin_y
        The bare-skin luminance at each dot (``DotFinding.skin_y``), shape ``(N,)``. [1]

    Returns
    -------
    NDArray[np.float64]
        Shape ``(N, 3)``; the untreated skin itself where ``skin_y`` is not read. [1]

    Examples
    --------
    Untreated skin of luminance 0.398 in view, a dot where the skin is lit a tenth
    less and one where its level is not read:

    >>> bare = np.array([0.48, 0.38, 0.33])
    >>> round(float(bare @ Y_WEIGHTS), 3)
    0.398
    >>> bare_skin_at(bare, np.array([0.358, np.nan])).round(3).tolist()
    [[0.432, 0.342, 0.297], [0.48, 0.38, 0.33]]
    """
    level = float(np.asarray(bare_rgb, dtype=np.float64) @ Y_WEIGHTS.astype(np.float64))
    y = np.asarray(skin_y, dtype=np.float64)
    scale = np.where(np.isfinite(y) & (y > 0.0) & (level > 0.0), y / max(level, 1e-12), 1.0)
    return np.asarray(bare_rgb, dtype=np.float64)[None, :] * scale[:, None]


@functools.cache
def _xyz_of_primaries() -> Array:
    """CIE XYZ of the linear sRGB primaries, one a row (:func:`colour.linear_srgb_to_xyz`
    of each). [1]"""
    return colour.linear_srgb_to_xyz(np.eye(3))


def _weighted(rgb: NDArray[np.floating[Any]], weights: NDArray[np.floating[Any]]) -> Array:
    """``rgb @ weights`` (``weights`` of shape ``(3,)`` or ``(3, k)``), summed channel by
    channel without a BLAS call (whose threads cost more than the sums of a few numbers
    per pixel, and whatever else runs beside them)."""
    flat = np.asarray(rgb, dtype=np.float64).reshape(-1, 3)
    w = np.asarray(weights, dtype=np.float64)
    columns = w.reshape(3, -1)
    out = np.empty((len(flat), columns.shape[1]), dtype=np.float64)
    for k in range(columns.shape[1]):
        np.multiply(flat[:, 0], columns[0, k], out=out[:, k])
        out[:, k] += flat[:, 1] * columns[1, k]
        out[:, k] += flat[:, 2] * columns[2, k]
    shape = np.shape(rgb)[:-1] + w.shape[1:]
    return out.reshape(shape)


def lab_of(rgb: NDArray[np.floating[Any]]) -> Array:
    """CIELAB (D65) of linear sRGB, negative values clipped to 0, shape ``(..., 3)``."""
    return colour.xyz_to_lab(_weighted(np.maximum(rgb, 0.0), _xyz_of_primaries()))


def _full_tone(
    found: DotFinding,
    work: Colours,
    analysed: NDArray[np.bool_],
    treated: NDArray[np.bool_],
    spacing: float | None,
) -> Array | None:
    """The mean linear RGB of the full treatment (:func:`fully_treated`) without the
    pixels under hairs, on the working copy (block means keep the mean of linear
    light); None where no pixel is left. [1]"""
    keep = block_all(treated, found.working_factor)
    if spacing is not None:
        inside = block_all(analysed, found.working_factor)
        f = found.working_factor
        keep = fully_treated(
            found.rows / f,
            found.cols / f,
            keep,
            inside[: keep.shape[0], : keep.shape[1]],
            spacing,
        )
    shape = (
        min(keep.shape[0], found.hair.shape[0]),
        min(keep.shape[1], found.hair.shape[1]),
    )
    keep = keep[: shape[0], : shape[1]] & ~found.hair[: shape[0], : shape[1]]
    return _mean_colour(work, keep) if keep.any() else None


def _sparse(found: DotFinding, spacing: float | None) -> bool:
    """Whether the dots lie too far apart for an SMP pattern (see
    :data:`MAX_SPACING_DIAMETERS`); ``spacing`` as from :func:`_spacing`."""
    diameter = found.diameter_px[np.isfinite(found.diameter_px)]
    if found.count < 3 or len(diameter) == 0 or spacing is None:
        return False
    on_photo = spacing * found.working_factor  # [px]
    return on_photo > MAX_SPACING_DIAMETERS * float(np.median(diameter))


def figures_of(
    found: DotFinding,
    rgb: Colours,
    analysed: NDArray[np.bool_],
    *,
    mm_per_px: float | None,
    calibrated: bool,
    clipped_share: float,
    card_edge_px: float | None = None,
    clipped_card: bool = False,
    greyscale: bool = False,
) -> Figures:
    """Figures from found dots and the (white-balanced) photo.

    Parameters
    ----------
    found
        The dots.
    rgb
        The photo in linear light, white-balanced when ``calibrated``, as an array or
        decoded where read. [1]
    analysed
        Pixels measured (the photo without its reference card or marker).
    mm_per_px
        The scale, or None. [mm/px]
    calibrated
        Whether a white reference calibrated the colour.
    clipped_share
        Share of analysed pixels with a channel at full scale. [1]
    card_edge_px
        10-90 % width of a reference card's edge, if one was found. [px]
    clipped_card
        Whether the card was too bright to calibrate with.
    greyscale
        Whether the photo has no colour (its three channels equal).
    """
    n = found.count
    spacing = _spacing(found) if n >= 3 else None
    near = None
    if spacing is not None and _surely_little_untreated(found, analysed, spacing):
        # Too little untreated skin to use, without measuring it.
        untreated = np.zeros(found.hair.shape, dtype=bool)
    else:
        near = None if spacing is None else _near(found, spacing)
        untreated = _untreated(found, analysed, near)
    treated = treated_area(found, analysed, untreated, near=near)
    area_px = int(treated.sum())
    density_mpx = n / max(area_px, 1) * 1.0e6
    density_cm2 = None if mm_per_px is None else n / (area_px * (mm_per_px / 10.0) ** 2)
    coverage = float(np.sum(math.pi * (found.diameter_px / 2.0) ** 2) / max(area_px, 1))
    skin_lab: Array | None = None
    mean_lab: Array | None = None
    delta: Array = np.zeros(0)
    social = None
    bare = None
    if n:
        work = _working_rgb(rgb, found.working_factor)
        bare = bare_skin_rgb(found, rgb, analysed, untreated, work=work)
        skin_rgb = bare
        if skin_rgb is None and np.isfinite(found.skin_rgb).any():
            skin_rgb = np.nanmedian(found.skin_rgb, axis=0)
        if skin_rgb is not None:
            skin_lab = lab_of(skin_rgb)
            # Against the untreated skin when it is in view, at the light each dot is
            # under; else each dot's surround.
            local = found.skin_rgb if bare is None else bare_skin_at(bare, found.skin_y)
            local = np.where(np.isfinite(local), local, skin_rgb)
            delta = colour.delta_e_ciede2000(lab_of(found.centre_rgb), lab_of(local))
            tone_rgb = _full_tone(found, work, analysed, treated, spacing)
            if tone_rgb is not None:
                mean_lab = lab_of(tone_rgb)
                social = float(colour.delta_e_ciede2000(mean_lab, skin_lab))
    blur_px = None
    if card_edge_px is not None:
        blur_px = math.sqrt(max(card_edge_px**2 - SHARP_EDGE_PX**2, 0.0)) / EDGE_PER_BLUR_SD
    flags = []
    skin_ys = _weighted(found.skin_rgb, Y_WEIGHTS)
    skin_ys = skin_ys[np.isfinite(skin_ys)]
    skin_y = float(np.median(skin_ys)) if len(skin_ys) else math.nan
    if n and calibrated and skin_y < MIN_SKIN_LUMINANCE:
        flags.append("too_dark")
    if clipped_share > MAX_CLIPPED_SHARE:
        flags.append("overexposed")
    if blur_px is not None and blur_px > MAX_BLUR_SHARE * found.sigma_px:
        flags.append("out_of_focus")
    if n < MIN_DOTS or _sparse(found, spacing):
        flags.append("too_few_dots")
    if mm_per_px is None:
        flags.append("no_scale")
    if clipped_card:
        flags.append("white_reference_clipped")
    elif not calibrated:
        flags.append("no_white_reference")
    if n and bare is None:
        flags.append("no_bare_skin")
    if greyscale:
        flags.append("greyscale")
    return Figures(
        dot_count=n,
        analysed_px=area_px,
        mm_per_px=mm_per_px,
        density_per_cm2=density_cm2,
        density_per_megapixel=density_mpx,
        diameter_px=Spread.of(found.diameter_px),
        diameter_mm=None if mm_per_px is None else Spread.of(found.diameter_px, mm_per_px),
        edge_px=Spread.of(found.edge_px),
        edge_mm=None if mm_per_px is None else Spread.of(found.edge_px, mm_per_px),
        coverage=coverage,
        delta_e00=Spread.of(delta),
        dot_delta_e00=np.asarray(delta, dtype=np.float64),
        social_delta_e00=social,
        skin_lab=None
        if skin_lab is None
        else (float(skin_lab[0]), float(skin_lab[1]), float(skin_lab[2])),
        mean_lab=None
        if mean_lab is None
        else (float(mean_lab[0]), float(mean_lab[1]), float(mean_lab[2])),
        blur_px=blur_px,
        flags=tuple(flags),
    )
