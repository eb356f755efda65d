"""What makes a picture read as a scalp: skin tone variation, pores and stubble.

All fields are on the pixel grid of a picture (pixel ``(i, j)`` covers
``[i, i+1) × [j, j+1)`` pixel units; its centre is at ``(i + 0.5, j + 0.5)``) and act
on colour in CIE XYZ, which is linear in reflectance: tone variation and pores scale the
skin's reflectance, stubble hairs cover it.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage
from scipy.spatial import cKDTree

from fadecast.render.raster import gaussian_sum

__all__ = ["pore_field", "stubble_coverage", "tone_field"]

Array = NDArray[np.float64]


def tone_field(
    shape: tuple[int, int],
    px_per_mm: float,
    rng: np.random.Generator,
    *,
    scale_mm: float,
    relative_sd: float,
) -> Array:
    """Low-frequency variation of the skin's reflectance, as a factor around 1.

    White noise on a coarse grid (one node per half ``scale_mm``), smoothed with a
    Gaussian of ``scale_mm / 2`` and interpolated cubically to the pixels, then scaled
    to the requested standard deviation.

    Parameters
    ----------
    shape
        Picture size (rows, cols). [px]
    px_per_mm
        Resolution. [px/mm]
    rng
        Random generator.
    scale_mm
        Length scale of the variation. [mm]
    relative_sd
        Standard deviation of the factor. [1]

    Returns
    -------
    ndarray
        Factor ``1 + δ``, shape ``shape``. [1]

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> tone = tone_field((200, 200), 20.0, rng, scale_mm=2.0, relative_sd=0.05)
    >>> tone.shape, round(float(tone.std()), 6)
    ((200, 200), 0.05)
    """
    step_px = max(scale_mm / 2.0 * px_per_mm, 1.0)
    coarse_shape = (math.ceil(shape[0] / step_px) + 4, math.ceil(shape[1] / step_px) + 4)
    noise = ndimage.gaussian_filter(rng.standard_normal(coarse_shape), 1.0, mode="wrap")
    rows = (np.arange(shape[0]) + 0.5) / step_px + 2.0
    cols = (np.arange(shape[1]) + 0.5) / step_px + 2.0
    field = ndimage.map_coordinates(
        noise, np.meshgrid(rows, cols, indexing="ij"), order=3, mode="nearest"
    )
    sd = float(field.std())
    delta = field / sd * relative_sd if sd > 0 else np.zeros(shape)
    return np.asarray(1.0 + delta, dtype=np.float64)


def pore_field(
    shape: tuple[int, int],
    px_per_mm: float,
    rng: np.random.Generator,
    *,
    per_cm2: float,
    radius_mm: float,
    darkening: float,
    avoid_mm: Array | None = None,
    clearance_mm: float = 0.0,
) -> Array:
    """Pores and follicle openings: small dark spots, as a reflectance factor.

    Pores are placed uniformly at random, except within ``clearance_mm`` of the points
    in ``avoid_mm`` (the dot centres, where measurements are taken), and drawn as
    Gaussians of sd ``radius_mm / 2`` that remove ``darkening`` of the reflectance at
    their centre.

    Parameters
    ----------
    shape
        Picture size (rows, cols). [px]
    px_per_mm
        Resolution. [px/mm]
    rng
        Random generator.
    per_cm2
        Pore density. [1/cm²]
    radius_mm
        Pore radius. [mm]
    darkening
        Relative loss of reflectance at a pore's centre. [1]
    avoid_mm
        Points ``(x, y)`` to keep pores away from, shape ``(M, 2)``. [mm]
    clearance_mm
        Minimum distance of a pore from those points. [mm]

    Returns
    -------
    ndarray
        Factor in ``(0, 1]``, shape ``shape``. [1]

    Examples
    --------
    Dense pores, kept 0.3 mm clear of a point at (5, 5) mm (pixel 100, 100):

    >>> rng = np.random.default_rng(0)
    >>> pores = pore_field(
    ...     (200, 200), 20.0, rng, per_cm2=2000, radius_mm=0.1, darkening=0.3,
    ...     avoid_mm=np.array([[5.0, 5.0]]), clearance_mm=0.3,
    ... )
    >>> bool(0.05 <= pores.min() < 0.8), float(pores.max()), float(pores[100, 100])
    (True, 1.0, 1.0)
    """
    width_mm, height_mm = shape[1] / px_per_mm, shape[0] / px_per_mm
    n = int(rng.poisson(per_cm2 * width_mm * height_mm / 100.0))
    pores = rng.random((n, 2)) * np.array([width_mm, height_mm])
    if avoid_mm is not None and len(avoid_mm) and len(pores) and clearance_mm > 0:
        distance, _ = cKDTree(avoid_mm).query(pores)
        pores = pores[distance >= clearance_mm]
    sigma_px = np.full(len(pores), radius_mm / 2.0 * px_per_mm)
    dark = gaussian_sum(shape, pores * px_per_mm, sigma_px, np.full(len(pores), darkening))
    return np.asarray(np.clip(1.0 - dark, 0.05, 1.0), dtype=np.float64)


def stubble_coverage(
    shape: tuple[int, int],
    px_per_mm: float,
    rng: np.random.Generator,
    *,
    per_cm2: float,
    length_mm: float,
    width_mm: float,
    direction_deg: float = 60.0,
    spread_deg: float = 20.0,
) -> Array:
    """Stubble hairs: the share of each pixel covered by a hair shaft.

    Each hair is a straight segment from a random root, of random length around
    ``length_mm``, pointing along ``direction_deg`` (from the picture's x axis) with
    ``spread_deg`` of scatter, with an anti-aliased edge one pixel wide.

    Parameters
    ----------
    shape
        Picture size (rows, cols). [px]
    px_per_mm
        Resolution. [px/mm]
    rng
        Random generator.
    per_cm2
        Hair density. [1/cm²]
    length_mm, width_mm
        Mean visible length and shaft width. [mm]
    direction_deg, spread_deg
        Mean direction of growth and its standard deviation. [°]

    Returns
    -------
    ndarray
        Coverage in [0, 1], shape ``shape``. [1]

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> hair = stubble_coverage((200, 200), 20.0, rng, per_cm2=50, length_mm=1.0, width_mm=0.08)
    >>> float(hair.min()), float(hair.max()), bool(0.0 < hair.mean() < 0.1)
    (0.0, 1.0, True)
    """
    rows, cols = shape
    area_cm2 = rows * cols / px_per_mm**2 / 100.0
    n = int(rng.poisson(per_cm2 * area_cm2))
    coverage = np.zeros(shape)
    if n == 0:
        return coverage
    roots = rng.random((n, 2)) * np.array([cols, rows])  # (x, y) [px]
    angle = np.radians(direction_deg + spread_deg * rng.standard_normal(n))
    length = length_mm * px_per_mm * rng.uniform(0.6, 1.4, n)
    tips = roots + length[:, None] * np.column_stack([np.cos(angle), -np.sin(angle)])
    half_width = max(width_mm * px_per_mm / 2.0, 0.5)
    reach = math.ceil(float(length.max()) + half_width + 2)
    offsets = np.arange(-reach, reach + 1)
    for (x0, y0), (x1, y1) in zip(roots, tips, strict=True):
        ci, ri = int(x0), int(y0)
        cc = np.clip(ci + offsets, 0, cols - 1)
        rr = np.clip(ri + offsets, 0, rows - 1)
        px = cc[None, :] + 0.5
        py = rr[:, None] + 0.5
        dx, dy = x1 - x0, y1 - y0
        t = np.clip(((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
        distance = np.hypot(px - (x0 + t * dx), py - (y0 + t * dy))
        hair = np.clip(half_width + 0.5 - distance, 0.0, 1.0)
        window = coverage[np.ix_(rr, cc)]
        coverage[np.ix_(rr, cc)] = np.maximum(window, hair)
    return coverage
