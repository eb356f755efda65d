"""Each dot measured at full resolution: depth, diameter, edge, centre and skin colour.

Each dot is measured on a copy of the photo where it is about :data:`MEASURE_SIGMA_PX`
pixels wide, in a square window around its centre, leaving out pixels under a hair:

- **depth**: the median darkness ``1 - Y / Y_skin`` over a small disk at the centre;
- **diameter**: that of the circle of the area darker than half the depth (the full
  width at half depth, where an observer sees a dot's edge);
- **edge**: the width from 90 % to 10 % of the depth, from the areas at those levels;
- **colours**: the mean linear RGB of the centre disk and of the lightest of the skin
  in a ring around the dot.

:func:`measure_dots` measures any number of dots, :data:`DOTS_PER_CHUNK` at a time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fadecast.measure.imaging import reduction_factor
from fadecast.measure.photo import LinearRGB, block_mean
from fadecast.measure.tunables import TUNABLES

__all__ = ["DOTS_PER_CHUNK", "MEASURE_SIGMA_PX", "Colours", "DotMeasures", "measure_dots"]

Float32 = NDArray[np.float32]
Array = NDArray[np.float64]
#: A photo's linear RGB: an array ``(H, W, 3)`` or decoded where read. [1]
Colours = Float32 | LinearRGB

#: Per-dot measurements are made on a copy where a dot's width is about this. [px]
MEASURE_SIGMA_PX = TUNABLES.measure_sigma_px
#: Dots measured at once (bounds the memory of the windows). [1]
DOTS_PER_CHUNK = TUNABLES.dots_per_chunk


@dataclass(frozen=True)
class DotMeasures:
    """What is measured of each dot, one entry per dot.

    Attributes
    ----------
    depth
        Darkness at the centre, ``1 - Y / Y_skin`` (NaN where nothing clear was read). [1]
    diameter_px
        Full width at half depth (area-equivalent circle). [px]
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
    ``2 sqrt(2 ln 2) σ`` = 7.1 px, read here on whole pixels of a dot only a few pixels
    wide (the renders' dots, measured on a copy where they are 3 px wide, come within
    a few per cent, docs/measure.md):

    >>> rows, cols = np.mgrid[0:40, 0:40] + 0.5
    >>> y = (0.5 * (1 - 0.4 * np.exp(-((rows - 20) ** 2 + (cols - 20) ** 2) / 18.0)))
    >>> y = y.astype(np.float32)
    >>> rgb = np.repeat(y[..., None], 3, axis=2)
    >>> measured = measure_dots(
    ...     y, rgb, np.array([20.0]), np.array([20.0]), np.array([0.5]),
    ...     np.zeros((40, 40), dtype=bool), working_factor=1, sigma_px=3.0)
    >>> round(float(measured.depth[0]), 2), round(float(measured.diameter_px[0]), 1)
    (0.39, 7.5)
    """
    step = reduction_factor(luminance.shape, sigma_px, MEASURE_SIGMA_PX)
    fine_y = block_mean(luminance, step)
    fine_rgb: Colours = rgb if step == 1 else _rgb_block_mean(rgb, step)
    parts = []
    for start in range(0, len(rows), DOTS_PER_CHUNK):
        chunk = slice(start, start + DOTS_PER_CHUNK)
        parts.append(
            _measure_each(
                fine_y,
                fine_rgb,
                rows[chunk] / step,
                cols[chunk] / step,
                skin_y[chunk].astype(np.float64),
                hair,
                hair_per_px=step / working_factor,
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
    # Pigment tails reach between close dots: the lightest tenth of the ring is the
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
