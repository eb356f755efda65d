"""From dots to pixels: pigment density on the pixel grid, and its colour.

Pixel ``(i, j)`` covers ``[i, i+1) × [j, j+1)`` in pixel units, so its centre is at
``(i + 0.5, j + 0.5)``; a point at ``(x, y)`` mm lies at ``(y·ppm, x·ppm)`` in (row,
col) pixel units.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage
from scipy.spatial import cKDTree

from fadecast.skin import colour

__all__ = [
    "DensityColours",
    "blur_linear",
    "density_at",
    "density_colours",
    "encode_srgb8",
    "gaussian_sum",
    "linear_rgb_from_density",
    "xyz_from_density",
]

Array = NDArray[np.float64]


def _profiles(centre_px: Array, sigma_px: Array, grid: NDArray[np.float32]) -> NDArray[np.float32]:
    """Gaussian profile of each dot along one axis at the given pixel centres, (N, n)."""
    offset = (grid[None, :] - centre_px[:, None].astype(np.float32)) / sigma_px[:, None].astype(
        np.float32
    )
    return np.exp(np.float32(-0.5) * offset * offset)


def gaussian_sum(
    shape: tuple[int, int],
    centres_px: ArrayLike,
    sigma_px: ArrayLike,
    amplitude: ArrayLike,
    *,
    band_px: int = 96,
) -> NDArray[np.float32]:
    """Sum of isotropic Gaussians on the pixel grid, sampled at pixel centres.

    ``f(y, x) = Σ_i a_i exp(-((x - x_i)² + (y - y_i)²) / (2 σ_i²))``. A Gaussian
    separates into a row and a column profile, so a band of rows is one matrix product,
    ``(A·G_y)ᵀ G_x``, over the dots within 6 sd of the band (beyond, a Gaussian is below
    1.5e-8 of its peak). Computed in single precision.

    Parameters
    ----------
    shape
        Picture size (rows, cols). [px]
    centres_px
        Centres ``(x, y)`` in pixel units, shape ``(N, 2)``. [px]
    sigma_px
        Standard deviations, shape ``(N,)``. [px]
    amplitude
        Peak values, shape ``(N,)``.
    band_px
        Rows per band.

    Returns
    -------
    ndarray
        The field, shape ``shape``, single precision.

    Examples
    --------
    One Gaussian centred on pixel (4, 4): its peak there, its volume ``2π σ² a`` in all.

    >>> field = gaussian_sum((9, 9), [[4.5, 4.5]], [1.5], [2.0])
    >>> field.dtype, float(field[4, 4]), round(float(field.sum()), 1)
    (dtype('float32'), 2.0, 28.1)
    """
    centres = np.asarray(centres_px, dtype=np.float64).reshape(-1, 2)
    sigma = np.asarray(sigma_px, dtype=np.float64)
    amp = np.asarray(amplitude, dtype=np.float64)
    out = np.zeros(shape, dtype=np.float32)
    if len(centres) == 0:
        return out
    pixel = np.float32(0.5)
    along_x = _profiles(centres[:, 0], sigma, np.arange(shape[1], dtype=np.float32) + pixel)
    reach = 6.0 * sigma
    y = centres[:, 1]
    for top in range(0, shape[0], band_px):
        bottom = min(top + band_px, shape[0])
        near = np.flatnonzero((y + reach > top) & (y - reach < bottom))
        if len(near) == 0:
            continue
        rows = np.arange(top, bottom, dtype=np.float32) + pixel
        along_y = _profiles(y[near], sigma[near], rows) * amp[near, None].astype(np.float32)
        out[top:bottom] = along_y.T @ along_x[near]
    return out


def density_at(
    points_px: ArrayLike, centres_px: ArrayLike, sigma_px: ArrayLike, amplitude: ArrayLike
) -> Array:
    """The same sum of Gaussians evaluated exactly at given points.

    Gaussians further than 8 sd from a point (a factor below 1e-13) are left out.

    Parameters
    ----------
    points_px
        Points ``(x, y)``, shape ``(M, 2)``. [px]
    centres_px, sigma_px, amplitude
        As for :func:`gaussian_sum`.

    Returns
    -------
    ndarray
        Values, shape ``(M,)``.

    Examples
    --------
    At the centre, and one sd away (``exp(-1/2)`` of the peak):

    >>> density_at([[4.5, 4.5], [6.0, 4.5]], [[4.5, 4.5]], [1.5], [2.0]).round(4)
    array([2.    , 1.2131])
    """
    points = np.asarray(points_px, dtype=np.float64).reshape(-1, 2)
    centres = np.asarray(centres_px, dtype=np.float64).reshape(-1, 2)
    sigma = np.asarray(sigma_px, dtype=np.float64)
    amp = np.asarray(amplitude, dtype=np.float64)
    if len(centres) == 0 or len(points) == 0:
        return np.zeros(len(points))
    near = cKDTree(centres).query_ball_point(points, 8.0 * float(sigma.max()))
    counts = np.array([len(n) for n in near], dtype=np.intp)
    point_idx = np.repeat(np.arange(len(points)), counts)
    centre_idx = np.fromiter((j for n in near for j in n), dtype=np.intp, count=counts.sum())
    d = points[point_idx] - centres[centre_idx]
    r2 = (d * d).sum(axis=1)
    value = amp[centre_idx] * np.exp(-0.5 * r2 / sigma[centre_idx] ** 2)
    return np.asarray(
        np.bincount(point_idx, weights=value, minlength=len(points)), dtype=np.float64
    )


def xyz_from_density(density_mg_cm2: ArrayLike, log10_grid: Array, xyz_grid: Array) -> Array:
    """Colour of pigmented skin at each local density, by interpolation in log density.

    Parameters
    ----------
    density_mg_cm2
        Local pigment density, any shape. [mg/cm²]
    log10_grid
        Grid of log10 density, shape ``(F,)`` (from
        :func:`fadecast.skin.appearance.tone_xyz`). [log10 mg/cm²]
    xyz_grid
        XYZ on that grid, shape ``(F, 3)``; values below the grid are its first row,
        which is bare skin to within its precision. [1]

    Returns
    -------
    ndarray
        XYZ, shape ``density.shape + (3,)``. [1]

    Examples
    --------
    Half way between the grid's two densities in log10 is half way between their colours:

    >>> grid, xyz = np.array([-3.0, 0.0]), np.array([[0.5, 0.5, 0.5], [0.1, 0.1, 0.1]])
    >>> xyz_from_density([0.0, 10**-1.5, 1.0], grid, xyz).round(6)
    array([[0.5, 0.5, 0.5],
           [0.3, 0.3, 0.3],
           [0.1, 0.1, 0.1]])
    """
    rho = np.asarray(density_mg_cm2, dtype=np.float64)
    step = (log10_grid[-1] - log10_grid[0]) / (len(log10_grid) - 1)
    position = np.log10(np.maximum(rho, 1e-30)) - log10_grid[0]
    coordinate = np.clip(position / step, 0.0, len(log10_grid) - 1.0)
    lower = np.minimum(coordinate.astype(np.intp), len(log10_grid) - 2)
    weight = (coordinate - lower)[..., None]
    return np.asarray(
        xyz_grid[lower] * (1.0 - weight) + xyz_grid[lower + 1] * weight, dtype=np.float64
    )


def _linear_resampling(n_out: int, n_in: int) -> Array:
    """Matrix (n_out, n_in) interpolating linearly from n_in to n_out equal cells."""
    centre = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
    centre = np.clip(centre, 0.0, n_in - 1.0)
    lower = np.minimum(np.floor(centre).astype(np.intp), max(n_in - 2, 0))
    weight = centre - lower
    matrix = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    matrix[rows, lower] += 1.0 - weight
    if n_in > 1:
        matrix[rows, lower + 1] += weight
    return matrix


def blur_linear(picture: NDArray[np.floating[Any]], sigma_px: float) -> Array:
    """Gaussian blur of a linear-light picture (XYZ or linear RGB: blurring is physical).

    A wide blur is done at a coarser resolution (block means, so that at least three
    coarse pixels span one sd), then interpolated back linearly: the result is smooth
    on the scale of the coarse pixels, so nothing visible is lost and the cost falls
    with the square of the factor.

    Parameters
    ----------
    picture
        Picture, shape ``(H, W, 3)``. [1]
    sigma_px
        Standard deviation of the blur. [px]

    Returns
    -------
    ndarray
        Blurred picture, same shape. [1]

    Examples
    --------
    Blurring keeps an even picture as it is and spreads a point:

    >>> even = blur_linear(np.full((60, 60, 3), 0.25), 5.0)
    >>> even.shape, float(even.min()), float(even.max())
    ((60, 60, 3), 0.25, 0.25)
    >>> point = np.zeros((61, 61, 3))
    >>> point[30, 30] = 1.0
    >>> spread = blur_linear(point, 2.0)
    >>> bool(spread[30, 30, 0] < 0.1), round(float(spread[..., 0].sum()), 3)
    (True, 1.0)
    """
    if sigma_px <= 0:
        return np.asarray(picture, dtype=np.float64)
    rows, cols = picture.shape[:2]
    factor = max(int(sigma_px // 3.0), 1)
    if factor == 1 or rows < 2 * factor or cols < 2 * factor:
        return np.asarray(
            ndimage.gaussian_filter(picture, sigma=(sigma_px, sigma_px, 0.0), mode="reflect"),
            dtype=np.float64,
        )
    h, w = rows // factor, cols // factor
    # Block means over the picture cropped to whole blocks (the rim is < factor px).
    coarse = picture[: h * factor, : w * factor].reshape(h, factor, w, factor, 3).mean(axis=(1, 3))
    sigma_coarse = sigma_px / factor
    coarse = ndimage.gaussian_filter(
        coarse, sigma=(sigma_coarse, sigma_coarse, 0.0), mode="reflect"
    )
    up_rows = _linear_resampling(rows, h)
    up_cols = _linear_resampling(cols, w)
    out = np.einsum("rh,hwc,kw->rkc", up_rows, coarse, up_cols, optimize=True)
    return np.asarray(out, dtype=np.float64)


@dataclass(frozen=True)
class DensityColours:
    """Linear-light sRGB of pigmented skin against density, tabulated for speed.

    Entries are spaced evenly in the square root of density (finer where colour changes
    fastest, near bare skin) up to ``max_density_mg_cm2``.
    """

    max_density_mg_cm2: float
    linear_rgb: NDArray[np.float32]  # (L, 3)


def density_colours(
    log10_grid: Array, xyz_grid: Array, max_density_mg_cm2: float, *, entries: int = 4096
) -> DensityColours:
    """Tabulate :func:`xyz_from_density` as linear sRGB up to a density.

    Parameters
    ----------
    log10_grid, xyz_grid
        As for :func:`xyz_from_density`.
    max_density_mg_cm2
        Highest density to be looked up (larger ones are clamped). [mg/cm²]
    entries
        Table size.

    Returns
    -------
    DensityColours

    Examples
    --------
    >>> grid, xyz = np.array([-3.0, 0.0]), np.array([[0.5, 0.5, 0.5], [0.1, 0.1, 0.1]])
    >>> table = density_colours(grid, xyz, 1.0)
    >>> table.linear_rgb.shape, table.max_density_mg_cm2
    ((4096, 3), 1.0)
    """
    top = max(float(max_density_mg_cm2), 1e-12)
    density = np.linspace(0.0, 1.0, entries) ** 2 * top
    rgb = colour.xyz_to_linear_srgb(xyz_from_density(density, log10_grid, xyz_grid))
    return DensityColours(top, np.ascontiguousarray(rgb, dtype=np.float32))


def linear_rgb_from_density(
    density_mg_cm2: NDArray[np.floating[Any]], table: DensityColours
) -> NDArray[np.float32]:
    """Linear-light sRGB at each local density from a :class:`DensityColours` table.

    Examples
    --------
    The table's ends: bare skin at no pigment, and the darkest entry at its top density
    (and above, clamped).

    >>> grid, xyz = np.array([-3.0, 0.0]), np.array([[0.5, 0.5, 0.5], [0.1, 0.1, 0.1]])
    >>> table = density_colours(grid, xyz, 1.0)
    >>> rgb = linear_rgb_from_density(np.array([0.0, 1.0, 5.0]), table)
    >>> rgb.dtype, bool(np.all(rgb[0] > rgb[1])), bool(np.all(rgb[1] == rgb[2]))
    (dtype('float32'), True, True)
    """
    entries = len(table.linear_rgb)
    scaled = np.asarray(density_mg_cm2, dtype=np.float32) * np.float32(
        1.0 / table.max_density_mg_cm2
    )
    np.clip(scaled, 0.0, 1.0, out=scaled)
    np.sqrt(scaled, out=scaled)
    scaled *= np.float32(entries - 1)
    scaled += np.float32(0.5)
    index = scaled
    return np.asarray(np.take(table.linear_rgb, index.astype(np.intp), axis=0), dtype=np.float32)


_ENCODE_STEPS = 16384


@functools.cache
def _encode_table() -> NDArray[np.uint8]:
    linear = (np.arange(_ENCODE_STEPS) + 0.5) / _ENCODE_STEPS
    return np.asarray(np.rint(colour.srgb_encode(linear) * 255.0), dtype=np.uint8)


def encode_srgb8(linear_rgb: ArrayLike) -> NDArray[np.uint8]:
    """8-bit sRGB code values of linear-light RGB (clipped to [0, 1]).

    Through a table of the transfer function on 16,384 even steps of linear light: the
    code value of each step's midpoint, so the result is within one code value of the
    exact rounding (at the darkest codes, where a step spans more than one code, the
    error is largest; skin and pigment never reach there).

    Examples
    --------
    >>> encode_srgb8([0.0, 0.214, 1.0, 1.5])  # 0.214 of the light is about half the code
    array([  0, 127, 255, 255], dtype=uint8)
    """
    lin = np.asarray(linear_rgb, dtype=np.float32)
    index = np.clip(lin * np.float32(_ENCODE_STEPS), 0.0, _ENCODE_STEPS - 1).astype(np.intp)
    return np.asarray(np.take(_encode_table(), index), dtype=np.uint8)
