"""Each dot measured at full resolution: depth, diameter, edge, centre and skin colour.

Each dot is measured on a copy of the photo where it is about :data:`MEASURE_SIGMA_PX`
pixels wide, leaving out pixels under a hair:

- **depth**: the median darkness ``1 - Y / Y_skin`` over a small disk at the centre (at
  least :data:`CENTRE_MIN_PX` in radius, so that noise on a pixel or two is not read);
- **diameter**: twice the radius at which the darkness first falls to half the depth,
  read along :data:`RAY_COUNT` rays from the centre, sampled every :data:`RAY_STEP_PX`
  by bilinear interpolation on the copy (OpenCV's remap; the first fall below each
  level counted on the running least along the ray), the full width at half depth,
  where an observer sees a dot's edge: the median over the rays that run out into
  skin (down to a tenth of the depth), or, where fewer than :data:`MIN_FREE_RAYS` do,
  over those that fall to half depth at all. Whatever the dot's profile, Gaussian or
  flat-topped with a sharp edge, that is the width at half depth; a ray towards a
  touching neighbour, where the two dots' ink keeps the skin between them dark, is
  left out rather than lengthening it. A dot hemmed in on every side (no ray falls to
  half depth) is read half way down to the lightest skin each ray reaches;
- **edge**: the width from 90 % to 10 % of the depth along the rays that run out into
  skin (median), or, for a hemmed-in dot, of the way down to the lightest skin;
- **colours**: the mean linear RGB of the centre disk and of the lightest of the skin
  in a ring around the dot (its lightest tenth found by sorting the ring's values of
  all the dots at once, by dot and value).

:func:`measure_dots` measures any number of dots, :func:`dots_per_chunk` at a time (chunks
side by side on up to :data:`~fadecast.measure.imaging.MAX_WORKERS` threads).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.measure.imaging import block_any, parallel_map, reduction_factor
from fadecast.measure.photo import LinearRGB, block_mean
from fadecast.measure.tunables import TUNABLES

__all__ = [
    "CENTRE_MIN_PX",
    "DOTS_PER_CHUNK",
    "MEASURE_SIGMA_PX",
    "MIN_FREE_RAYS",
    "RAY_COUNT",
    "RAY_STEP_PX",
    "Colours",
    "DotMeasures",
    "dots_per_chunk",
    "edge_crossings",
    "measure_dots",
]

Float32 = NDArray[np.float32]
Array = NDArray[np.float64]
Indices = NDArray[np.intp]
#: A photo's linear RGB: an array ``(H, W, 3)`` or decoded where read. [1]
Colours = Float32 | LinearRGB

#: Per-dot measurements are made on a copy where a dot's width is about this. [px]
MEASURE_SIGMA_PX = TUNABLES.measure_sigma_px
#: Dots measured at once when each is :data:`MEASURE_SIGMA_PX` wide on its measuring copy
#: (bounds the memory of the windows); narrower dots, on smaller windows, more
#: (:func:`dots_per_chunk`). [1]
DOTS_PER_CHUNK = TUNABLES.dots_per_chunk
#: Least radius of the disk at a dot's centre its depth and colour are read over (or
#: 0.3 of the dot's width, if more), on the measuring copy. [px]
CENTRE_MIN_PX = TUNABLES.centre_min_px
#: Rays from each dot's centre its edge is read along, evenly spread in angle. [1]
RAY_COUNT = TUNABLES.ray_count
#: Step between the samples along a ray, on the measuring copy. [px]
RAY_STEP_PX = TUNABLES.ray_step_px
#: Rays that must run out into skin for their median alone to give a dot's size; with
#: fewer (a dot hemmed in by its neighbours), every ray that crosses half depth counts.
MIN_FREE_RAYS = TUNABLES.min_free_rays


@dataclass(frozen=True)
class DotMeasures:
    """What is measured of each dot, one entry per dot.

    Attributes
    ----------
    depth
        Darkness at the centre, ``1 - Y / Y_skin`` (NaN where nothing clear was read). [1]
    diameter_px
        Full width at half depth (twice the median radius where the darkness falls to
        half the depth along rays from the centre). [px]
    edge_px
        Width of the edge, from 90 % to 10 % of the depth. [px]
    centre_rgb, skin_rgb
        Linear RGB at the centre and of the local skin, shape ``(N, 3)``. [1]
    """

    depth: Array
    diameter_px: Array
    edge_px: Array
    centre_rgb: Array
    skin_rgb: Array

    def subset(self, keep: NDArray[np.bool_]) -> DotMeasures:
        """The dots where ``keep`` is set."""
        return DotMeasures(
            depth=self.depth[keep],
            diameter_px=self.diameter_px[keep],
            edge_px=self.edge_px[keep],
            centre_rgb=self.centre_rgb[keep],
            skin_rgb=self.skin_rgb[keep],
        )


def measure_dots(
    luminance: Float32,
    rgb: Colours,
    rows: Array,
    cols: Array,
    skin_y: NDArray[np.floating],
    hair: NDArray[np.bool_],
    *,
    working_factor: int,
    sigma_px: float,
) -> DotMeasures:
    """Depth, diameter, edge and colours of each dot, measured at full resolution.

    Parameters
    ----------
    luminance
        Linear luminance Y of the photo, shape ``(H, W)``. [1]
    rgb
        Its linear RGB, shape ``(H, W, 3)``. [1]
    rows, cols
        The dots' centres, with pixel ``(i, j)`` covering ``[i, i+1) x [j, j+1)``. [px]
    skin_y
        The bare-skin luminance ``Y_skin`` at each centre. [1]
    hair
        The hair mask of the working copy, shape ``(H // f, W // f)``.
    working_factor
        ``f``, the block side of the working copy. [px]
    sigma_px
        The dots' Gaussian width. [px]

    Returns
    -------
    DotMeasures

    Examples
    --------
    A Gaussian dot of width 3 px, 40 % deep: its full width at half depth is
    ``2 sqrt(2 ln 2) σ`` = 7.1 px, read on a dot only a few pixels wide whose depth is
    read a little under its peak (over a small disk at its centre):

    >>> rows, cols = np.mgrid[0:40, 0:40] + 0.5
    >>> y = (0.5 * (1 - 0.4 * np.exp(-((rows - 20) ** 2 + (cols - 20) ** 2) / 18.0)))
    >>> y = y.astype(np.float32)
    >>> rgb = np.repeat(y[..., None], 3, axis=2)
    >>> measured = measure_dots(
    ...     y, rgb, np.array([20.0]), np.array([20.0]), np.array([0.5]),
    ...     np.zeros((40, 40), dtype=bool), working_factor=1, sigma_px=3.0)
    >>> round(float(measured.depth[0]), 2), round(float(measured.diameter_px[0]), 1)
    (0.39, 7.2)

    A flat-topped dot (saturated ink: 40 % deep wherever it has ink, its edge a few
    pixels wide) of radius 8 px, touching a neighbour 14 px away: its width at half
    depth is 16 px, read on the rays into the skin, not on those that meet the
    neighbour:

    >>> r = np.hypot(rows - 20, cols - 14), np.hypot(rows - 20, cols - 28)
    >>> ink = sum(1.0 / (1.0 + np.exp((d - 8.0) / 0.8)) for d in r)
    >>> y = (0.5 * (1 - 0.4 * np.minimum(ink, 1.0))).astype(np.float32)
    >>> measured = measure_dots(
    ...     y, np.repeat(y[..., None], 3, axis=2), np.array([20.0]), np.array([14.0]),
    ...     np.array([0.5]), np.zeros((40, 40), dtype=bool), working_factor=1, sigma_px=6.0)
    >>> round(float(measured.diameter_px[0]), 1)
    15.9
    """
    step = reduction_factor(luminance.shape, sigma_px, MEASURE_SIGMA_PX)
    fine_y = block_mean(luminance, step)
    fine_rgb: Colours = rgb if step == 1 else _rgb_block_mean(rgb, step)
    any_hair = bool(hair.any())
    hair_per_px = step / working_factor
    side = _window_side(sigma_px / step)
    tiles = block_any(hair, side) if any_hair and hair_per_px == 1.0 else None
    hair_px = _hair_at(hair, fine_y.shape, hair_per_px) if any_hair else None

    per_chunk = dots_per_chunk(sigma_px / step)

    def measure_chunk(start: int) -> dict[str, Array]:
        chunk = slice(start, start + per_chunk)
        return _measure_each(
            fine_y,
            fine_rgb,
            rows[chunk] / step,
            cols[chunk] / step,
            skin_y[chunk].astype(np.float64),
            hair if any_hair else None,
            tiles,
            hair_per_px=hair_per_px,
            sigma_px=sigma_px / step,
            hair_px=hair_px,
        )

    # Chunks are independent: measured side by side (the same values as one by one).
    parts = parallel_map(measure_chunk, range(0, len(rows), per_chunk))
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
    return DotMeasures(
        depth=merged["depth"],
        diameter_px=merged["diameter"] * step,
        edge_px=merged["edge"] * step,
        centre_rgb=merged["centre_rgb"],
        skin_rgb=merged["skin_rgb"],
    )


def dots_per_chunk(sigma_px: float) -> int:
    """Dots :func:`measure_dots` measures at once where they are ``sigma_px`` wide on
    the measuring copy: :data:`DOTS_PER_CHUNK` for windows as large as those of a dot
    :data:`MEASURE_SIGMA_PX` wide or larger, more in proportion for smaller windows,
    whose memory is in proportion to their pixels (fewer, larger chunks cost less time
    per dot; no figure changes). [1]

    Examples
    --------
    >>> dots_per_chunk(MEASURE_SIGMA_PX) == DOTS_PER_CHUNK
    True
    >>> dots_per_chunk(1.2) // DOTS_PER_CHUNK  # windows 9 px on a side, not 21
    5
    """
    reference = _window_side(MEASURE_SIGMA_PX) ** 2
    return max(DOTS_PER_CHUNK, DOTS_PER_CHUNK * reference // _window_side(sigma_px) ** 2)


def _hair_at(
    hair: NDArray[np.bool_], shape: tuple[int, ...], hair_per_px: float
) -> NDArray[np.uint8]:
    """The hair mask (on the working copy) at each pixel of a copy of ``shape`` whose
    pixel is ``hair_per_px`` of the mask's, beyond the mask its edge, as 0 and 1."""
    if hair_per_px == 1.0 and hair.shape == tuple(shape[:2]):
        return np.ascontiguousarray(hair).view(np.uint8)
    at_r = np.clip((np.arange(shape[0]) * hair_per_px).astype(np.intp), 0, hair.shape[0] - 1)
    at_c = np.clip((np.arange(shape[1]) * hair_per_px).astype(np.intp), 0, hair.shape[1] - 1)
    return np.ascontiguousarray(hair[at_r[:, None], at_c[None, :]]).view(np.uint8)


def _rgb_block_mean(rgb: Colours, factor: int) -> Float32:
    """Linear RGB averaged over blocks, from an array or a :class:`LinearRGB`. [1]"""
    return rgb.block_mean(factor) if isinstance(rgb, LinearRGB) else block_mean(rgb, factor)


def _windows(
    image: NDArray[Any], top: Indices, left: Indices, side: int
) -> tuple[NDArray[Any], tuple[Indices, NDArray[np.bool_]] | None]:
    """Square windows of ``side`` pixels whose first pixel is at ``(top, left)``, the
    image's edge pixels repeated beyond it, shape ``(N, side, side)``, and, for the
    windows that cross the image's edge, which they are and which of their pixels lie
    outside the image, shape ``(E, side, side)`` (None when none cross it). Windows
    wholly inside are copied from a strided view of the image; only those that cross an
    edge are indexed pixel by pixel."""
    h, w = image.shape[:2]
    inside = (top >= 0) & (left >= 0) & (top + side <= h) & (left + side <= w)
    if h >= side and w >= side:
        # Every window read from the view (those crossing an edge moved inside it, and
        # read again below).
        view = np.lib.stride_tricks.sliding_window_view(image, (side, side))
        values = view[np.clip(top, 0, h - side), np.clip(left, 0, w - side)]
    else:
        values = np.empty((len(top), side, side), dtype=image.dtype)
    if inside.all():
        return values, None
    edge = np.flatnonzero(~inside)
    offsets = np.arange(side)
    r = top[edge][:, None] + offsets[None, :]
    c = left[edge][:, None] + offsets[None, :]
    values[edge] = image[np.clip(r, 0, h - 1)[:, :, None], np.clip(c, 0, w - 1)[:, None, :]]
    outside = ((r < 0) | (r >= h))[:, :, None] | ((c < 0) | (c >= w))[:, None, :]
    return values, (edge, outside)


def _window_side(sigma_px: float) -> int:
    """Side of each dot's window on the measuring copy, where a dot is ``sigma_px``
    wide: its centre pixel and ``3.2 σ`` (at least 2 pixels) each way. [px]"""
    return 2 * max(2, math.ceil(3.2 * sigma_px)) + 1


def _hair_windows(
    hair: NDArray[np.bool_],
    tiles: NDArray[np.bool_] | None,
    top: Indices,
    left: Indices,
    side: int,
    hair_per_px: float,
) -> NDArray[np.bool_] | None:
    """The hair mask (on the working copy) at each window pixel of the measuring copy,
    shape ``(N, side, side)``, beyond the mask its edge; None where no window meets a
    hair. ``tiles`` says which tiles of the mask, ``side`` on a side, hold a hair (when
    the mask is on the measuring copy's pixels)."""
    if hair_per_px == 1.0 and tiles is not None:
        # Only the windows that meet a tile holding a hair: one spans at most two tiles
        # each way.
        h, w = hair.shape
        r0, r1 = np.clip(top, 0, h - 1) // side, np.clip(top + side - 1, 0, h - 1) // side
        c0, c1 = np.clip(left, 0, w - 1) // side, np.clip(left + side - 1, 0, w - 1) // side
        near = tiles[r0, c0] | tiles[r0, c1] | tiles[r1, c0] | tiles[r1, c1]
        if not near.any():
            return None
        out = np.zeros((len(top), side, side), dtype=bool)
        out[near] = _windows(hair, top[near], left[near], side)[0]
        return out
    offsets = np.arange(side, dtype=np.float64)
    hr = ((top.astype(np.float64)[:, None] + offsets[None, :]) * hair_per_px).astype(np.intp)
    hc = ((left.astype(np.float64)[:, None] + offsets[None, :]) * hair_per_px).astype(np.intp)
    hr = np.clip(hr, 0, hair.shape[0] - 1)
    hc = np.clip(hc, 0, hair.shape[1] - 1)
    return np.asarray(hair[hr[:, :, None], hc[:, None, :]], dtype=bool)


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
    rgb: Colours, count: int, picks: list[tuple[Indices, Indices, Indices]]
) -> list[Array]:
    """Mean linear RGB of each dot's picked pixels, shape ``(count, 3)`` per pick (NaN
    for a dot with none). Each pick is the dot of each pixel, in order, and the pixel's
    row and column (inside the image); only those pixels are read. [1]"""
    width = rgb.shape[1]
    out = []
    for dot, rows, cols in picks:
        at = rows * width + cols
        if isinstance(rgb, LinearRGB):
            codes = np.take(rgb.srgb.reshape(-1, 3), at, axis=0)
            values = rgb.take(codes).astype(np.float64)
        else:
            values = np.take(rgb.reshape(-1, 3), at, axis=0).astype(np.float64)
        held = np.bincount(dot, minlength=count).astype(np.float64)
        sums = np.stack(
            [np.bincount(dot, weights=values[:, k], minlength=count) for k in range(3)], -1
        )
        mean = np.full((count, 3), np.nan)
        np.divide(sums, held[:, None], out=mean, where=held[:, None] > 0)
        out.append(mean)
    return out


@functools.cache
def _ray_offsets(radius: int) -> tuple[Float32, Float32, int]:
    """Row and column offsets from a dot's centre of the samples along its rays, shape
    ``(samples, rays)``: :data:`RAY_COUNT` rays evenly spread in angle, a sample every
    :data:`RAY_STEP_PX` out to ``radius`` [px]; and the first sample further than
    ``radius - 1`` (only those can reach past the window's pixel centres)."""
    angles = np.arange(RAY_COUNT) * (2.0 * math.pi / RAY_COUNT)
    steps = np.arange(0.0, radius + 1e-9, RAY_STEP_PX)
    down = (steps[:, None] * np.sin(angles)[None, :]).astype(np.float32)
    across = (steps[:, None] * np.cos(angles)[None, :]).astype(np.float32)
    down.flags.writeable = False
    across.flags.writeable = False
    return down, across, int(np.searchsorted(steps, radius - 1, side="right"))


#: Widest map :func:`cv2.remap` takes (its sides are below ``SHRT_MAX``). [px]
_REMAP_WIDTH = 32_000


def _remap(
    image: NDArray[Any], map_rows: Float32, map_cols: Float32, *, nearest: bool = False
) -> NDArray[Any]:
    """``image`` interpolated bilinearly at ``(map_rows, map_cols)`` (pixel ``i`` at
    ``i``; beyond its edges, its edge pixels repeated), shape of the maps ``(m, k)``:
    OpenCV's remap, in single precision, each value from its own position alone. With
    ``nearest``, the value of the nearest pixel instead (1 beyond the edges)."""
    import cv2

    def remap(rows: Float32, cols: Float32) -> NDArray[Any]:
        if nearest:
            mode, border, value = cv2.INTER_NEAREST, cv2.BORDER_CONSTANT, 1
        else:
            mode, border, value = cv2.INTER_LINEAR, cv2.BORDER_REPLICATE, 0
        out = cv2.remap(image, cols, rows, mode, borderMode=border, borderValue=value)
        return np.asarray(out).reshape(rows.shape)

    if map_rows.size == 0:
        return np.zeros(map_rows.shape, dtype=image.dtype)
    if map_rows.shape[1] <= _REMAP_WIDTH:
        return remap(map_rows, map_cols)
    out = np.empty(map_rows.shape, dtype=image.dtype)
    for start in range(0, map_rows.shape[1], _REMAP_WIDTH):
        part = slice(start, start + _REMAP_WIDTH)
        out[:, part] = remap(
            np.ascontiguousarray(map_rows[:, part]), np.ascontiguousarray(map_cols[:, part])
        )
    return out


def _ray_darkness(
    luminance: Float32,
    skin_y: Float32,
    near: Indices,
    hairy: NDArray[np.uint8] | None,
    rows: Array,
    cols: Array,
    top: Indices,
    left: Indices,
    radius: int,
) -> Float32:
    """Darkness ``1 - Y / Y_skin`` along :data:`RAY_COUNT` rays from each centre, every
    :data:`RAY_STEP_PX` out to ``radius``, ``Y`` interpolated bilinearly from the
    picture (OpenCV's remap; its edge pixels repeated beyond it) within each dot's
    window, shape ``(samples, N, rays)``. Where the pixel a sample lies in (the nearest)
    is unread, under a hair or beyond the picture, the sample is NaN, bridged along the
    ray under a hair (:func:`_bridge_gaps`: a hair across a ray hides a pixel or two of
    it, not the rest).

    Parameters
    ----------
    luminance
        The picture's luminance ``Y``, shape ``(H, W)``. [1]
    skin_y
        ``Y_skin`` at each dot, shape ``(N,)``. [1]
    near
        The dots whose window holds an unread pixel (under a hair, beyond the picture).
    hairy
        The hair mask on the picture's pixels (1 under a hair), shape ``(H, W)``, or
        None where there is none.
    rows, cols
        The centres, with pixel ``(i, j)`` covering ``[i, i+1) x [j, j+1)``. [px]
    top, left
        The first pixel of each dot's window, ``2 radius + 1`` on a side. [px]
    radius
        Half the side of the windows, less their centre pixel. [px]
    """
    n = 2 * radius + 1
    down, across, tail = _ray_offsets(radius)
    count = len(rows)
    samples, rays = down.shape
    # Positions on the picture (pixel centres at whole numbers), kept within each
    # window's pixel centres (only the last samples of a ray can reach past them).
    at_rows = np.empty((samples, count, rays), dtype=np.float32)
    at_cols = np.empty((samples, count, rays), dtype=np.float32)
    np.add((rows - 0.5).astype(np.float32)[None, :, None], down[:, None, :], out=at_rows)
    np.add((cols - 0.5).astype(np.float32)[None, :, None], across[:, None, :], out=at_cols)
    for at, first in ((at_rows, top), (at_cols, left)):
        low = first.astype(np.float32)[None, :, None]
        np.clip(at[tail:], low, low + np.float32(n - 1), out=at[tail:])
    shape = (samples, count * rays)
    at_rows, at_cols = at_rows.reshape(shape), at_cols.reshape(shape)
    profile = _remap(luminance, at_rows, at_cols)
    profile.reshape(samples, count, rays)[...] /= skin_y[None, :, None]
    np.subtract(np.float32(1.0), profile, out=profile)
    if len(near):
        # The rays of the dots near an unread pixel.
        columns = (near[:, None] * rays + np.arange(rays)[None, :]).reshape(-1)
        near_rows, near_cols = at_rows[:, columns], at_cols[:, columns]
        if hairy is not None:
            # The hair mask at each sample's pixel, 1 beyond the picture.
            lost = _remap(hairy, near_rows, near_cols, nearest=True).astype(bool)
        else:  # beyond the picture only
            h, w = luminance.shape
            nearest_r = np.floor(near_rows + np.float32(0.5))
            nearest_c = np.floor(near_cols + np.float32(0.5))
            lost = (nearest_r < 0) | (nearest_r >= h) | (nearest_c < 0) | (nearest_c >= w)
        gappy = lost.any(axis=0)
        columns, lost = columns[gappy], lost[:, gappy]
        rays_read = profile[:, columns]
        rays_read[lost] = np.nan
        profile[:, columns] = _bridge_gaps(np.ascontiguousarray(rays_read.T)).T
    return profile.reshape(samples, count, rays)


def _bridge_gaps(profiles: Float32) -> Float32:
    """Unread samples (NaN) along the last axis filled from the read ones: linearly
    between two, with the first read one before any; those after the last stay NaN."""
    unread = np.isnan(profiles)
    gappy = unread.any(axis=-1)
    if not gappy.any():
        return profiles
    part = profiles[gappy]
    gaps = unread[gappy]
    n = part.shape[-1]
    index = np.broadcast_to(np.arange(n), part.shape)
    before = np.maximum.accumulate(np.where(gaps, -1, index), axis=-1)
    after = np.flip(
        np.minimum.accumulate(np.flip(np.where(gaps, n, index), axis=-1), axis=-1), axis=-1
    )
    ahead = after < n
    low = np.take_along_axis(part, np.clip(before, 0, n - 1), -1)
    high = np.take_along_axis(part, np.clip(after, 0, n - 1), -1)
    span = np.maximum(after - before, 1)
    weight = ((index - before) / span).astype(np.float32)
    between = np.where(before >= 0, low + weight * (high - low), high)
    out = np.array(profiles, dtype=np.float32)
    out[gappy] = np.where(gaps & ahead, between, part)
    return out


def _least(profiles: Float32) -> Array:
    """The least darkness read along each ray of profiles shaped ``(samples, N, rays)``
    (NaN where none is), shape ``(N, rays)``. [1]"""
    least = np.min(np.where(np.isnan(profiles), np.inf, profiles), axis=0)
    return np.asarray(np.where(np.isfinite(least), least, np.nan), dtype=np.float64)


def edge_crossings(
    profiles: NDArray[np.floating],
    depth: NDArray[np.floating],
    levels: tuple[float, ...],
    *,
    step: float,
    floor: NDArray[np.floating] | None = None,
) -> tuple[Array, ...]:
    """Where each radial profile of darkness first falls below each share of its dot's
    depth (or of the way from ``floor`` up to it), by linear interpolation between
    samples. [px]

    Parameters
    ----------
    profiles
        Darkness along rays from each dot's centre, sampled every ``step`` from the
        centre, shape ``(N, rays, samples)``; NaN where unread (under a hair, outside
        the picture). [1]
    depth
        Each dot's depth, shape ``(N,)``. [1]
    levels
        Shares of the depth. [1]
    step
        Distance between samples. [px]
    floor
        Each ray's level below the dot, shape ``(N, rays)``: a level ``q`` is then
        ``floor + q (depth - floor)``; 0 (bare skin) by default. [1]

    Returns
    -------
    tuple[NDArray[np.float64], ...]
        For each level, the radius of the first fall below it, shape ``(N, rays)``:
        NaN where the ray meets an unread sample first, infinite where it never
        falls. [px]

    Examples
    --------
    >>> profile = np.array([[[0.4, 0.4, 0.3, 0.1, 0.0], [0.4, np.nan, 0.1, 0.0, 0.0]]])
    >>> half, = edge_crossings(profile, np.array([0.4]), (0.5,), step=1.0)
    >>> half.tolist()  # 0.2 halfway from 0.3 to 0.1; the second ray is unread first
    [[2.5, nan]]
    >>> edge_crossings(profile[:, :1, :3], np.array([0.4]), (0.5,), step=1.0)[0].tolist()
    [[inf]]
    """
    values = np.ascontiguousarray(np.moveaxis(np.asarray(profiles), -1, 0))
    return _first_falls(values, depth, levels, step=step, floor=floor)


def _first_falls(
    profiles: NDArray[np.floating],
    depth: NDArray[np.floating],
    levels: tuple[float, ...],
    *,
    step: float,
    floor: NDArray[np.floating] | None = None,
) -> tuple[Array, ...]:
    """:func:`edge_crossings` of profiles shaped ``(samples, N, rays)``.

    The running least along each ray (NaN from its first unread sample on) stays at
    or above a level up to the ray's first fall below it: the samples before that fall
    (or before its first unread sample) are counted, and the fall interpolated between
    the sample before and the one counted to."""
    values = np.asarray(profiles)
    n_samples, dots, rays = values.shape
    flat = values.reshape(n_samples, -1)
    running = np.empty_like(flat)
    running[0] = flat[0]
    for k in range(1, n_samples):  # NaN propagates
        np.minimum(running[k - 1], flat[k], out=running[k])
    # Every level at once: shape (levels, N, rays), or (levels, N, 1) for a level of
    # the depth alone.
    share_of = np.asarray(levels, dtype=np.float64)[:, None, None]
    top = np.asarray(depth, dtype=np.float64)[None, :, None]
    if floor is None:
        target = share_of * top
    else:
        base = np.asarray(floor, dtype=np.float64)[None]
        target = base + share_of * (top - base)
    # Compared in the profiles' own precision (exactly as with the target).
    least = _least_above(target, values.dtype)
    counted = np.zeros((len(levels), dots, rays), dtype=np.uint8 if n_samples < 255 else np.intp)
    for sample in running.reshape(n_samples, 1, dots, rays):
        counted += sample >= least
    width = flat.shape[1]
    index = np.dtype(np.int32 if flat.size < 2**31 else np.intp)
    count: NDArray[np.signedinteger[Any]] = counted.astype(index)
    read = count < n_samples
    later = count > 0
    at = np.minimum(count, n_samples - 1)
    at *= width
    at += np.arange(width, dtype=index).reshape(1, dots, rays)
    after = flat.reshape(-1).take(at)
    # The sample before (the first, for a fall at it; any, where the ray never falls).
    np.subtract(at, index.type(width), out=at, where=later)
    before = flat.reshape(-1).take(at)
    fell = read & (after < least)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.subtract(before, target)
        share /= before - after
    np.clip(share, 0.0, 1.0, out=share)
    share += count - 1
    radius = share
    radius *= step
    np.copyto(radius, 0.0, where=~later)  # a fall at the first sample
    np.copyto(radius, np.inf, where=~fell)
    # A ray unread before its fall (or anywhere, if it never falls) tells nothing, nor
    # does a dot with no depth.
    np.copyto(radius, np.nan, where=(read & ~fell) | ~np.isfinite(target))
    return tuple(np.asarray(radius[i], dtype=np.float64) for i in range(len(levels)))


def _least_above(target: Array, dtype: np.dtype[Any]) -> NDArray[np.floating]:
    """The least value of ``dtype`` at or above each ``target``: a value of that type is
    below it exactly when it is below the target (NaN stays NaN), so that comparisons
    are made in the profiles' own precision."""
    if dtype != np.float32:
        return target
    rounded = target.astype(np.float32)
    low = rounded.astype(np.float64) < target
    rounded[low] = np.nextafter(rounded[low], np.float32(np.inf))
    return rounded


def _nan_median(values: NDArray[np.floating]) -> Array:
    """Median of each row's non-NaN values (infinities count), NaN where a row has none."""
    ordered = np.sort(values, axis=1)  # NaN last
    count = (~np.isnan(values)).sum(axis=1)
    low = np.take_along_axis(ordered, np.maximum((count - 1) // 2, 0)[:, None], axis=1)[:, 0]
    high = np.take_along_axis(ordered, np.maximum(count // 2, 0)[:, None], axis=1)[:, 0]
    with np.errstate(invalid="ignore"):  # inf - inf is never taken: both ends inf
        middle = np.where(low == high, low, 0.5 * (low + high))
    return np.asarray(np.where(count > 0, middle, np.nan), dtype=np.float64)


def _ring_pixels(radius: int, inner: float, outer: float) -> tuple[Indices, Indices]:
    """Rows and columns (row-major) of the pixels of a window of side ``2 radius + 1``
    whose centre can lie between ``inner`` and ``outer`` from a point anywhere in the
    window's centre pixel. [px]"""
    rows, cols, _ = _annulus(radius, inner, outer)
    return rows, cols


@functools.cache
def _annulus(radius: int, inner: float, outer: float) -> tuple[Indices, Indices, Indices]:
    """:func:`_ring_pixels`, and which of them (indices into them) may lie outside
    ``inner`` to ``outer`` for some point of the centre pixel (the others lie between
    them from any point of it, by a margin). [px]"""
    offsets = np.abs(np.arange(-radius, radius + 1, dtype=np.float64))
    nearest = np.maximum(offsets - 0.5, 0.0)
    furthest = offsets + 0.5
    least = np.hypot(nearest[:, None], nearest[None, :])
    most = np.hypot(furthest[:, None], furthest[None, :])
    margin = 1e-3  # the distances compared are rounded to single precision
    rows, cols = np.nonzero((least <= outer + margin) & (most >= inner - margin))
    sure = (least[rows, cols] >= inner + margin) & (most[rows, cols] <= outer - margin)
    out = (rows.astype(np.intp), cols.astype(np.intp), np.flatnonzero(~sure).astype(np.intp))
    for array in out:
        array.flags.writeable = False
    return out


def _within(
    offsets: Array,
    annulus: tuple[Indices, Indices, Indices],
    frac_r: Array,
    frac_c: Array,
    inner: float,
    outer: float,
) -> NDArray[np.bool_]:
    """Whether each pixel of an annulus (:func:`_annulus`) lies from ``inner`` to
    ``outer`` from each dot's centre, shape ``(N, M)``, the window's pixel ``i`` at
    ``offsets[i]`` from the pixel of the centre and the centre ``frac`` into that pixel;
    only the pixels near its edges are measured."""
    rows, cols, unsure = annulus
    if len(unsure) == 0:
        return np.ones((len(frac_r), len(rows)), dtype=bool)
    dr = (offsets[None, :] + 0.5 - frac_r[:, None]) ** 2
    dc = (offsets[None, :] + 0.5 - frac_c[:, None]) ** 2
    if len(unsure) == len(rows):  # a narrow ring: every pixel near its edges
        squared = dr[:, rows] + dc[:, cols]
        within = squared >= inner * inner
        within &= squared <= outer * outer
        return within
    within = np.ones((len(frac_r), len(rows)), dtype=bool)
    squared = dr[:, rows[unsure]] + dc[:, cols[unsure]]
    within[:, unsure] = (squared >= inner * inner) & (squared <= outer * outer)
    return within


def _distance(offsets: Array, pr: Indices, pc: Indices, frac_r: Array, frac_c: Array) -> Float32:
    """Distance of window pixels ``(pr, pc)`` from each dot's centre, shape ``(N, M)``,
    the window's pixel ``i`` at ``offsets[i]`` from the pixel of the centre and the
    centre ``frac`` into that pixel. [px]"""
    dr = offsets[None, :] + 0.5 - frac_r[:, None]
    dc = offsets[None, :] + 0.5 - frac_c[:, None]
    return np.sqrt((dr**2)[:, pr] + (dc**2)[:, pc]).astype(np.float32)


def _measure_each(
    luminance: Float32,
    rgb: Colours,
    rows: Array,
    cols: Array,
    skin_y: Array,
    hair: NDArray[np.bool_] | None,
    hair_tiles: NDArray[np.bool_] | None,
    *,
    hair_per_px: float,
    sigma_px: float,
    hair_px: NDArray[np.uint8] | None = None,
) -> dict[str, Array]:
    """Depth, diameter, edge and colours of dots on one copy of the photo (its pixels).

    Each dot's window reaches ``radius`` pixels each way from the pixel of its centre;
    the centre is read on the window pixels that can lie in its disk, the skin on those
    that can lie in its ring, the edge along rays through the whole window (interpolated
    on the copy itself). ``hair`` is None when no pixel is under a hair; ``hair_tiles``
    says which tiles of it, a window's side on a side, hold one (:func:`_hair_windows`).
    """
    side = _window_side(sigma_px)
    radius = side // 2
    offsets = np.arange(-radius, radius + 1, dtype=np.float64)
    floor_r, floor_c = np.floor(rows), np.floor(cols)
    frac_r, frac_c = rows - floor_r, cols - floor_c
    top = floor_r.astype(np.intp) - radius
    left = floor_c.astype(np.intp) - radius
    y, crossing_edge = _windows(luminance, top, left, side)
    skin = skin_y.astype(np.float32)
    if hair is not None and hair_px is None:
        hair_px = _hair_at(hair, luminance.shape, hair_per_px)
    hairy = None if hair is None else _hair_windows(hair, hair_tiles, top, left, side, hair_per_px)
    n = len(rows)
    flat_y = y.reshape(n, -1)
    edge_dots, beyond = (None, None) if crossing_edge is None else crossing_edge
    if beyond is not None:
        beyond = beyond.reshape(len(beyond), -1)
    under = None if hairy is None else hairy.reshape(n, -1)

    def read_at(
        pr: Indices, pc: Indices, dots: Indices | None = None
    ) -> tuple[Float32, Float32, NDArray[np.bool_]]:
        """Luminance, darkness (NaN beyond the image) and whether it is read (inside the
        image, not under a hair) at window pixels ``(pr, pc)`` of the dots (all, or
        those indexed by ``dots``), shape ``(N, M)``."""
        flat = pr * side + pc
        pick = slice(None) if dots is None else dots
        lum = flat_y[pick][:, flat]
        dark = np.asarray(1.0 - lum / skin[pick][:, None], dtype=np.float32)
        if edge_dots is not None and beyond is not None:
            at: Indices = edge_dots
            of_edge: Indices = np.arange(len(edge_dots))
            if dots is not None:
                _, at, of_edge = np.intersect1d(dots, edge_dots, return_indices=True)
            dark[at] = np.where(beyond[of_edge][:, flat], np.float32(np.nan), dark[at])
        clear = np.isfinite(dark)
        if under is not None:
            clear &= ~under[pick][:, flat]
        return lum, dark, clear

    # A hair across a dot hides part of it: what lies under the hair mask is left out,
    # and the centre is read a little wider where a hair covers it.
    disk = max(CENTRE_MIN_PX, 0.3 * sigma_px)
    disk_r, disk_c = _ring_pixels(radius, 0.0, disk)
    _, disk_dark, disk_clear = read_at(disk_r, disk_c)
    centre_disk = (_distance(offsets, disk_r, disk_c, frac_r, frac_c) <= disk) & disk_clear
    depth = _masked_median(disk_dark, centre_disk)
    covered = np.flatnonzero(~centre_disk.any(axis=1))
    if len(covered):
        wider = max(CENTRE_MIN_PX, 0.7 * sigma_px)
        wide_r, wide_c = _ring_pixels(radius, 0.0, wider)
        _, wide_dark, wide_clear = read_at(wide_r, wide_c, covered)
        distance = _distance(offsets, wide_r, wide_c, frac_r[covered], frac_c[covered])
        wide_disk = (distance <= wider) & wide_clear
        depth[covered] = _masked_median(wide_dark, wide_disk)
    # The dots whose window holds an unread pixel, beyond the image or under a hair.
    near = np.zeros(n, dtype=bool)
    if edge_dots is not None:
        near[edge_dots] = True
    if under is not None:
        near |= under.any(axis=1)
    near_dots = np.flatnonzero(near)
    ray_dark = _ray_darkness(luminance, skin, near_dots, hair_px, rows, cols, top, left, radius)
    r90, r50, r10 = _first_falls(ray_dark, depth, (0.9, 0.5, 0.1), step=RAY_STEP_PX)
    # Rays that run out into skin (down to a tenth of the depth) tell the dot's own
    # edge; where too few do (a dot hemmed in by its neighbours), every ray that falls
    # to half depth within reach does, and rays that never fall (towards a touching
    # neighbour) are left out.
    free = np.isfinite(r10) & np.isfinite(r50) & np.isfinite(r90)
    enough = free.sum(axis=1) >= MIN_FREE_RAYS
    crossing = np.where(enough[:, None], free, np.isfinite(r50))
    radius_half = _nan_median(np.where(crossing, r50, np.nan))
    with np.errstate(invalid="ignore"):  # inf - inf on the rays left out
        edge = _nan_median(np.where(free, r10 - r90, np.nan))
    # No ray reaches a tenth of the depth (a dot hemmed in by its neighbours): its edge,
    # and its width where no ray even falls to half depth, are read between the dot
    # and the lightest each ray reaches (the crevices between it and its neighbours).
    hemmed = ~free.any(axis=1) & np.isfinite(depth)
    if hemmed.any():
        hemmed_dark = ray_dark[:, hemmed, :]
        low, mid, high = _first_falls(
            hemmed_dark,
            depth[hemmed],
            (0.9, 0.5, 0.1),
            step=RAY_STEP_PX,
            floor=_least(hemmed_dark),
        )
        read = np.isfinite(low) & np.isfinite(high)
        with np.errstate(invalid="ignore"):
            edge[hemmed] = _nan_median(np.where(read, high - low, np.nan))
        own = radius_half[hemmed]
        halfway = _nan_median(np.where(np.isfinite(mid), mid, np.nan))
        radius_half[hemmed] = np.where(np.isfinite(own), own, halfway)
    del ray_dark

    inner, outer = 2.2 * sigma_px, 3.2 * sigma_px
    annulus = _annulus(radius, inner, outer)
    ring_r, ring_c = annulus[:2]
    ring_y, ring_dark, ring_clear = read_at(ring_r, ring_c)
    ring = (
        _within(offsets, annulus, frac_r, frac_c, inner, outer)
        & ring_clear
        & (ring_dark < _least_above(0.15 * depth[:, None], ring_dark.dtype))
    )
    del ring_dark, ring_clear
    # Pigment tails reach between close dots: the lightest tenth of the ring is the
    # bare skin.
    ring_dot, ring_at = np.nonzero(ring)
    ring_y = ring_y[ring_dot, ring_at]
    lightest = ring_y >= _lightest_cut(ring_y, ring_dot, n)[ring_dot]
    ring_dot, ring_at = ring_dot[lightest], ring_at[lightest]
    disk_dot, disk_at = np.nonzero(centre_disk)
    centre_rgb, skin_rgb = _colour_means(
        rgb,
        n,
        [
            (disk_dot, top[disk_dot] + disk_r[disk_at], left[disk_dot] + disk_c[disk_at]),
            (ring_dot, top[ring_dot] + ring_r[ring_at], left[ring_dot] + ring_c[ring_at]),
        ],
    )
    if len(covered):
        wide_dot, wide_at = np.nonzero(wide_disk)
        centre_rgb[covered] = _colour_means(
            rgb,
            len(covered),
            [
                (
                    wide_dot,
                    top[covered][wide_dot] + wide_r[wide_at],
                    left[covered][wide_dot] + wide_c[wide_at],
                )
            ],
        )[0]
    return {
        "depth": np.asarray(depth, dtype=np.float64),
        "diameter": 2.0 * radius_half,
        "edge": edge,
        "centre_rgb": np.asarray(centre_rgb, dtype=np.float64).reshape(-1, 3),
        "skin_rgb": np.asarray(skin_rgb, dtype=np.float64).reshape(-1, 3),
    }


def _lightest_cut(values: Float32, dot: Indices, count: int) -> Float32:
    """The ``max(n // 10, 1)``-th largest of each dot's ``n`` values (``values``, each of
    the dot ``dot``, in order; NaN never), ``-inf`` for a dot with none: sorted by dot
    and then by value, each as an integer that orders single-precision floats as they
    are ordered (their bits, the sign flipped, all of them for a negative one)."""
    held = np.bincount(dot, minlength=count)
    cut = np.full(count, -np.inf, dtype=np.float32)
    if len(dot) == 0:
        return cut
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32)
    sign = np.uint32(0x80000000)
    ordered = np.where(bits & sign, ~bits, bits | sign)
    # Largest first within each dot: the complement, below the dot's index.
    keys = (dot.astype(np.uint64) << np.uint64(32)) | (~ordered).astype(np.uint64)
    keys.sort()
    some = np.flatnonzero(held)
    first = np.cumsum(held) - held
    picked = ~(keys[first[some] + np.maximum(held[some] // 10, 1) - 1].astype(np.uint32))
    cut[some] = np.where(picked & sign, picked & ~sign, ~picked).view(np.float32)
    return cut
