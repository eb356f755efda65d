"""Each dot measured at full resolution: depth, diameter, edge, centre and skin colour.

Each dot is measured on a copy of the photo where it is about :data:`MEASURE_SIGMA_PX`
pixels wide, leaving out pixels under a hair:

- **depth**: the median darkness ``1 - Y / Y_skin`` over a small disk at the centre (at
  least :data:`CENTRE_MIN_PX` in radius, so that noise on a pixel or two is not read);
- **diameter**: twice the radius at which the darkness first falls to half the depth,
  read along :data:`RAY_COUNT` rays from the centre (the full width at half depth,
  where an observer sees a dot's edge): the median over the rays that run out into
  skin (down to a tenth of the depth), or, where fewer than :data:`MIN_FREE_RAYS` do,
  over those that fall to half depth at all. Whatever the dot's profile, Gaussian or
  flat-topped with a sharp edge, that is the width at half depth; a ray towards a
  touching neighbour, where the two dots' ink keeps the skin between them dark, is
  left out rather than lengthening it. A dot hemmed in on every side (no ray falls to
  half depth) is read half way down to the lightest skin each ray reaches;
- **edge**: the width from 90 % to 10 % of the depth along the rays that run out into
  skin (median), or, for a hemmed-in dot, of the way down to the lightest skin;
- **colours**: the mean linear RGB of the centre disk and of the lightest of the skin
  in a ring around the dot.

:func:`measure_dots` measures any number of dots, :data:`DOTS_PER_CHUNK` at a time (chunks
side by side on up to :data:`~fadecast.measure.imaging.MAX_WORKERS` threads).
"""

from __future__ import annotations

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
#: Dots measured at once (bounds the memory of the windows). [1]
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

    def measure_chunk(start: int) -> dict[str, Array]:
        chunk = slice(start, start + DOTS_PER_CHUNK)
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
        )

    # Chunks are independent: measured side by side (the same values as one by one).
    parts = parallel_map(measure_chunk, range(0, len(rows), DOTS_PER_CHUNK))
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


def _rgb_block_mean(rgb: Colours, factor: int) -> Float32:
    """Linear RGB averaged over blocks, from an array or a :class:`LinearRGB`. [1]"""
    return rgb.block_mean(factor) if isinstance(rgb, LinearRGB) else block_mean(rgb, factor)


def _windows(
    image: NDArray[Any], top: Indices, left: Indices, side: int
) -> tuple[NDArray[Any], NDArray[np.bool_] | None]:
    """Square windows of ``side`` pixels whose first pixel is at ``(top, left)``, the
    image's edge pixels repeated beyond it, shape ``(N, side, side)``, and which of their
    pixels lie outside the image (None when none do). Windows wholly inside are copied
    from a strided view of the image; only those that cross an edge are indexed pixel by
    pixel."""
    h, w = image.shape[:2]
    values = np.empty((len(top), side, side), dtype=image.dtype)
    inside = (top >= 0) & (left >= 0) & (top + side <= h) & (left + side <= w)
    if inside.any():
        view = np.lib.stride_tricks.sliding_window_view(image, (side, side))
        values[inside] = view[top[inside], left[inside]]
    if inside.all():
        return values, None
    edge = ~inside
    offsets = np.arange(side)
    r = top[:, None] + offsets[None, :]
    c = left[:, None] + offsets[None, :]
    values[edge] = image[
        np.clip(r[edge], 0, h - 1)[:, :, None], np.clip(c[edge], 0, w - 1)[:, None, :]
    ]
    outside = ((r < 0) | (r >= h))[:, :, None] | ((c < 0) | (c >= w))[:, None, :]
    return values, outside


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
    rgb: Colours,
    top: Indices,
    left: Indices,
    masks: list[tuple[NDArray[np.bool_], Indices, Indices]],
) -> list[Array]:
    """Mean linear RGB over each mask of each dot's window, shape ``(N, 3)`` per mask
    (NaN where a mask is empty); only the pixels in a mask are read. Each mask, shape
    ``(N, M)``, covers the window pixels at rows and columns ``(pr, pc)`` (each of ``M``,
    in row-major order) of windows whose first pixel is at ``(top, left)``, and holds
    pixels inside the image only. [1]"""
    n = len(top)
    out = []
    for mask, pr, pc in masks:
        dot, at = np.nonzero(mask)
        r, c = top[dot] + pr[at], left[dot] + pc[at]
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


def _ray_darkness(
    dark: Float32,
    hairy: NDArray[np.bool_] | None,
    outside: NDArray[np.bool_] | None,
    rows: Array,
    cols: Array,
    radius: int,
) -> Float32:
    """Darkness along :data:`RAY_COUNT` rays from each centre, every
    :data:`RAY_STEP_PX` out to ``radius``, interpolated bilinearly from each dot's
    window, shape ``(N, rays, samples)``. Under a hair it is bridged along the ray
    (:func:`_bridge_gaps`: a hair across a ray hides a pixel or two of it, not the
    rest); NaN beyond the image.

    Parameters
    ----------
    dark, hairy, outside
        Each dot's window of darkness (the image's edge repeated beyond it), of the
        hair mask and of the pixels beyond the image, shape ``(N, 2 radius + 1,
        2 radius + 1)``, centred on the pixel of its centre (None: no hair, or no pixel
        beyond the image).
    rows, cols
        The centres, with pixel ``(i, j)`` covering ``[i, i+1) x [j, j+1)``. [px]
    radius
        Half the side of the windows, less their centre pixel. [px]
    """
    n = 2 * radius + 1
    angles = np.arange(RAY_COUNT) * (2.0 * math.pi / RAY_COUNT)
    steps = np.arange(0.0, radius + 1e-9, RAY_STEP_PX)
    # Positions in each window's pixels, the window's first pixel centred at 0.
    u = (rows - np.floor(rows) + radius - 0.5)[:, None, None] + (
        np.sin(angles)[:, None] * steps[None, :]
    )[None]
    v = (cols - np.floor(cols) + radius - 0.5)[:, None, None] + (
        np.cos(angles)[:, None] * steps[None, :]
    )[None]
    # Only the samples beyond radius - 1 can reach past the window's pixel centres.
    tail = steps > radius - 1
    u[..., tail] = np.clip(u[..., tail], 0.0, n - 1.0)
    v[..., tail] = np.clip(v[..., tail], 0.0, n - 1.0)
    index = np.int32 if len(dark) * n * n < 2**31 else np.intp
    u0 = u.astype(index)
    v0 = v.astype(index)
    u0[..., tail] = np.minimum(u0[..., tail], n - 2)
    v0[..., tail] = np.minimum(v0[..., tail], n - 2)
    fu = (u - u0).astype(np.float32)
    fv = (v - v0).astype(np.float32)
    flat = np.ascontiguousarray(dark, dtype=np.float32).reshape(-1)
    at = u0 * n
    at += v0
    at += (np.arange(len(dark), dtype=index) * (n * n))[:, None, None]
    del u0, v0

    def value(offset: int) -> Float32:
        return np.asarray(flat[offset:].take(at), dtype=np.float32)

    rest_v = 1 - fv
    top = value(0) * rest_v + value(1) * fv
    bottom = value(n) * rest_v + value(n + 1) * fv
    profile = np.asarray(top * (1 - fu) + bottom * fu, dtype=np.float32)
    del top, bottom, rest_v
    masks = [m for m in (hairy, outside) if m is not None]
    if not masks:
        return profile
    unread = (masks[0] | masks[1] if len(masks) == 2 else masks[0]).reshape(len(dark), -1)
    near = unread.any(axis=1)
    if near.any():
        # Each sample unread where the pixel it lies in is under a hair or beyond the
        # image; bridged under the hairs.
        pr = np.clip(np.floor(u[near] + 0.5).astype(np.intp), 0, n - 1)
        pc = np.clip(np.floor(v[near] + 0.5).astype(np.intp), 0, n - 1)
        masked = profile[near]
        masked[unread[near][np.arange(int(near.sum()))[:, None, None], pr * n + pc]] = np.nan
        profile[near] = _bridge_gaps(masked)
    return profile


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
    """The least darkness read along each ray (NaN where none is), shape ``(N, rays)``.
    [1]"""
    least = np.min(np.where(np.isnan(profiles), np.inf, profiles), axis=-1)
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
    values = np.asarray(profiles)
    n_samples = values.shape[-1]
    unread = np.isnan(values)
    # Where each ray is first unread (none: after its last sample).
    first_unread = (
        np.where(unread.any(axis=-1), np.argmax(unread, axis=-1), n_samples)
        if unread.any()
        else None
    )
    del unread
    flat = values.reshape(-1)
    starts = np.arange(0, flat.size, n_samples).reshape(values.shape[:-1])
    top = np.asarray(depth, dtype=np.float64)[:, None]
    base = np.zeros_like(top) if floor is None else np.asarray(floor, dtype=np.float64)
    out = []
    for level in levels:
        target = base + level * (top - base)
        below = values < _least_above(target, values.dtype)[..., None]
        k = np.argmax(below, axis=-1)
        fell = (k > 0) | below[..., 0]
        del below
        after = flat[starts + k]
        before = flat[starts + np.maximum(k - 1, 0)]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.clip((before - target) / (before - after), 0.0, 1.0)
        radius = np.where(k > 0, (k - 1 + share) * step, 0.0)
        radius = np.where(fell, radius, np.inf)
        # A ray unread before its fall (or anywhere, if it never falls) tells nothing,
        # nor does a dot with no depth.
        lost = ~np.isfinite(target)
        if first_unread is not None:
            lost = lost | (first_unread <= np.where(fell, k, n_samples - 1))
        radius = np.where(lost, np.nan, radius)
        out.append(np.asarray(radius, dtype=np.float64))
    return tuple(out)


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
    offsets = np.abs(np.arange(-radius, radius + 1, dtype=np.float64))
    nearest = np.maximum(offsets - 0.5, 0.0)
    furthest = offsets + 0.5
    least = np.hypot(nearest[:, None], nearest[None, :])
    most = np.hypot(furthest[:, None], furthest[None, :])
    margin = 1e-3  # the distances compared are rounded to single precision
    rows, cols = np.nonzero((least <= outer + margin) & (most >= inner - margin))
    return rows.astype(np.intp), cols.astype(np.intp)


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
) -> dict[str, Array]:
    """Depth, diameter, edge and colours of dots on one copy of the photo (its pixels).

    Each dot's window reaches ``radius`` pixels each way from the pixel of its centre;
    the centre is read on the small square that holds its disk, the skin on the window
    pixels that can lie in its ring, the edge along rays through the whole window.
    ``hair`` is None when no pixel is under a hair; ``hair_tiles`` says which tiles of
    it, a window's side on a side, hold one (:func:`_hair_windows`).
    """
    side = _window_side(sigma_px)
    radius = side // 2
    offsets = np.arange(-radius, radius + 1, dtype=np.float64)
    floor_r, floor_c = np.floor(rows), np.floor(cols)
    frac_r, frac_c = rows - floor_r, cols - floor_c
    top = floor_r.astype(np.intp) - radius
    left = floor_c.astype(np.intp) - radius
    y, outside = _windows(luminance, top, left, side)
    edged = np.asarray(1.0 - y / skin_y[:, None, None].astype(np.float32), dtype=np.float32)
    hairy = None if hair is None else _hair_windows(hair, hair_tiles, top, left, side, hair_per_px)
    n = len(rows)

    def clear_at(pr: Indices, pc: Indices) -> tuple[Float32, NDArray[np.bool_]]:
        """Darkness (NaN beyond the image) and whether it is read (inside the image, not
        under a hair) at window pixels ``(pr, pc)``, shape ``(N, M)``."""
        flat = pr * side + pc
        dark = edged.reshape(n, -1)[:, flat]
        if outside is not None:
            dark = np.where(outside.reshape(n, -1)[:, flat], np.float32(np.nan), dark)
        clear = np.isfinite(dark)
        if hairy is not None:
            clear &= ~hairy.reshape(n, -1)[:, flat]
        return dark, clear

    # A hair across a dot hides part of it: what lies under the hair mask is left out,
    # and the centre is read a little wider where a hair covers it.
    half = min(radius, math.ceil(max(CENTRE_MIN_PX, 0.7 * sigma_px)) + 1)
    box = np.arange(radius - half, radius + half + 1)
    box_r, box_c = np.repeat(box, len(box)), np.tile(box, len(box))
    box_distance = _distance(offsets, box_r, box_c, frac_r, frac_c)
    box_dark, box_clear = clear_at(box_r, box_c)
    centre_disk = (box_distance <= max(CENTRE_MIN_PX, 0.3 * sigma_px)) & box_clear
    covered = ~centre_disk.any(axis=1)
    centre_disk[covered] = ((box_distance <= max(CENTRE_MIN_PX, 0.7 * sigma_px)) & box_clear)[
        covered
    ]
    depth = _masked_median(box_dark, centre_disk)
    ray_dark = _ray_darkness(edged, hairy, outside, rows, cols, radius)
    r90, r50, r10 = edge_crossings(ray_dark, depth, (0.9, 0.5, 0.1), step=RAY_STEP_PX)
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
        low, mid, high = edge_crossings(
            ray_dark[hemmed],
            depth[hemmed],
            (0.9, 0.5, 0.1),
            step=RAY_STEP_PX,
            floor=_least(ray_dark[hemmed]),
        )
        read = np.isfinite(low) & np.isfinite(high)
        with np.errstate(invalid="ignore"):
            edge[hemmed] = _nan_median(np.where(read, high - low, np.nan))
        own = radius_half[hemmed]
        halfway = _nan_median(np.where(np.isfinite(mid), mid, np.nan))
        radius_half[hemmed] = np.where(np.isfinite(own), own, halfway)
    del ray_dark

    ring_r, ring_c = _ring_pixels(radius, 2.2 * sigma_px, 3.2 * sigma_px)
    ring_distance = _distance(offsets, ring_r, ring_c, frac_r, frac_c)
    ring_dark, ring_clear = clear_at(ring_r, ring_c)
    ring = (
        (ring_distance >= 2.2 * sigma_px)
        & (ring_distance <= 3.2 * sigma_px)
        & ring_clear
        & (ring_dark < _least_above(0.15 * depth[:, None], ring_dark.dtype))
    )
    # Pigment tails reach between close dots: the lightest tenth of the ring is the
    # bare skin.
    ring_y = y.reshape(n, -1)[:, ring_r * side + ring_c]
    count = ring.sum(axis=1)
    order = np.sort(np.where(ring, ring_y, -np.inf), axis=1)
    cut_index = np.clip(order.shape[1] - np.maximum(count // 10, 1), 0, order.shape[1] - 1)
    cut = order[np.arange(n), cut_index]
    lightest = ring & (ring_y >= cut[:, None])
    centre_rgb, skin_rgb = _colour_means(
        rgb, top, left, [(centre_disk, box_r, box_c), (lightest, ring_r, ring_c)]
    )
    return {
        "depth": np.asarray(depth, dtype=np.float64),
        "diameter": 2.0 * radius_half,
        "edge": edge,
        "centre_rgb": np.asarray(centre_rgb, dtype=np.float64).reshape(-1, 3),
        "skin_rgb": np.asarray(skin_rgb, dtype=np.float64).reshape(-1, 3),
    }
