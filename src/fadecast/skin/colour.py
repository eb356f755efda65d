"""Colorimetry: reflectance spectra to CIE XYZ and CIELAB, CIEDE2000 and ITA°.

Everything is for CIE standard illuminant D65 and the CIE 1931 2° standard observer.
Tristimulus values are normalised so that a perfect reflecting diffuser has ``Y = 1``;
CIELAB has ``L*`` in [0, 100]. Spectra carry the wavelength on their last axis and may
have any leading shape.

Spectra are sampled on the package grid, 400-700 nm in 10 nm steps
(:data:`fadecast.skin.optics.WAVELENGTHS_NM`). The spectrum-to-XYZ step is a matrix
product with weights (colour-matching functions times the illuminant) computed by
colour-science and packaged as ``data/cie1931_2deg_d65_weights.csv``
(``scripts/make_colour_tables.py``); it reproduces
``colour.sd_to_XYZ(..., method="Integration") / 100`` on that grid. CIELAB and CIEDE2000
are the CIE formulas in numpy, checked against colour-science and Sharma's test data:
importing colour-science costs about a second, which every forecast would otherwise pay.

References
----------
CIE (2018). Colorimetry, 4th edition. CIE 015:2018.
Chardon A., Cretois I., Hourseau C. (1991). Skin colour typology and suntanning
pathways. International Journal of Cosmetic Science 13:191-208.
Luo M. R., Cui G., Rigg B. (2001). The development of the CIE 2000 colour-difference
formula: CIEDE2000. Color Research and Application 26:340-350.
Sharma G., Wu W., Dalal E. N. (2005). The CIEDE2000 color-difference formula:
implementation notes, supplementary test data, and mathematical observations. Color
Research and Application 30:21-30.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fadecast import data

__all__ = [
    "OBSERVER",
    "WHITEPOINT_D65",
    "delta_e_ciede2000",
    "ita_deg",
    "lab_to_xyz",
    "linear_srgb_to_xyz",
    "reflectance_to_lab",
    "reflectance_to_xyz",
    "spectral_weights",
    "srgb_encode",
    "srgb_to_xyz",
    "xyz_to_lab",
    "xyz_to_linear_srgb",
    "xyz_to_srgb",
]

Array = NDArray[np.float64]

OBSERVER = "CIE 1931 2 Degree Standard Observer"
"""Name of the colour-matching functions used throughout (colour-science key)."""

_GRID_NM = (400, 700, 10)  # start, end (inclusive), step [nm]; optics.WAVELENGTHS_NM
_N_WAVELENGTHS = (_GRID_NM[1] - _GRID_NM[0]) // _GRID_NM[2] + 1


@functools.cache
def spectral_weights() -> Array:
    """Tristimulus weights of D65 and the CIE 1931 2° observer on the package grid.

    Returns
    -------
    ndarray
        Read-only weights ``W`` of shape ``(31, 3)`` on 400-700 nm in 10 nm steps
        (:data:`fadecast.skin.optics.WAVELENGTHS_NM`) such that ``XYZ = R @ W`` for a
        reflectance spectrum ``R``; ``W[:, 1]`` sums to 1. [1]

    Notes
    -----
    ``W = x̄ᵢ(λ) S(λ) / Σ ȳ(λ) S(λ)`` with the colour-matching functions and the D65
    spectral power distribution aligned to the grid by colour-science, exactly what
    ``colour.sd_to_XYZ(..., method="Integration", shape=...)`` sums (CIE 015:2018),
    read from the packaged table.

    Examples
    --------
    >>> w = spectral_weights()
    >>> w.shape, round(float(w[:, 1].sum()), 12)
    ((31, 3), 1.0)
    """
    table = data.csv_array("cie1931_2deg_d65_weights.csv")
    weights: Array = np.ascontiguousarray(table[:, 1:], dtype=np.float64)
    weights.flags.writeable = False
    return weights


def _white_xy() -> Array:
    xyz = spectral_weights().sum(axis=0)
    xy: Array = np.asarray(xyz[:2] / xyz.sum(), dtype=np.float64)
    xy.flags.writeable = False
    return xy


WHITEPOINT_D65: Array = _white_xy()
"""CIE xy of the D65 white for the 2° observer, as realised on the package grid. [1]

This is the chromaticity of a perfect reflecting diffuser computed with
:func:`spectral_weights` (0.31266, 0.32933), so that it maps to ``L* = 100,
a* = b* = 0`` exactly. The tabulated D65 white (0.3127, 0.3290) differs by 3e-4 in y
because the 10 nm, 400-700 nm sum truncates the colour-matching functions; using it
would give the perfect white ``a* ≈ −0.19, b* ≈ 0.12``.
"""


def reflectance_to_xyz(reflectance: ArrayLike) -> Array:
    """CIE XYZ of reflectance spectra under D65 (2° observer).

    Parameters
    ----------
    reflectance
        Spectral reflectance factors on :data:`fadecast.skin.optics.WAVELENGTHS_NM`
        (400-700 nm, 10 nm), wavelength on the last axis, shape ``(..., 31)``. [1]

    Returns
    -------
    ndarray
        XYZ, shape ``(..., 3)``, with ``Y = 1`` for a perfect reflecting diffuser. [1]

    Raises
    ------
    ValueError
        When the last axis does not hold 31 samples.

    Examples
    --------
    The perfect reflecting diffuser is the D65 white of the package grid (the tabulated
    D65 white is 0.9505, 1, 1.0888):

    >>> reflectance_to_xyz(np.ones(31)).round(4).tolist()
    [0.9494, 1.0, 1.0871]
    >>> reflectance_to_xyz(np.full((2, 5, 31), 0.18)).shape
    (2, 5, 3)
    """
    r = np.asarray(reflectance, dtype=np.float64)
    if r.ndim == 0 or r.shape[-1] != _N_WAVELENGTHS:
        raise ValueError(
            f"reflectance must have {_N_WAVELENGTHS} samples (400-700 nm, 10 nm) on its "
            f"last axis, got shape {r.shape}"
        )
    return np.asarray(r @ spectral_weights(), dtype=np.float64)


_EPSILON = 216.0 / 24389.0  # CIE 015:2018, (6/29)^3
_KAPPA = 24389.0 / 27.0


@functools.cache
def _white_xyz() -> Array:
    x, y = WHITEPOINT_D65
    white: Array = np.array([x / y, 1.0, (1.0 - x - y) / y])
    white.flags.writeable = False
    return white


def _lab_f(t: Array) -> Array:
    return np.asarray(
        np.where(t > _EPSILON, np.cbrt(t), (_KAPPA * t + 16.0) / 116.0), dtype=np.float64
    )


def _lab_f_inverse(f: Array) -> Array:
    return np.asarray(
        np.where(f**3 > _EPSILON, f**3, (116.0 * f - 16.0) / _KAPPA), dtype=np.float64
    )


def xyz_to_lab(xyz: ArrayLike) -> Array:
    """CIELAB of CIE XYZ relative to the D65 white (``Y = 1`` scale).

    Parameters
    ----------
    xyz
        Tristimulus values, shape ``(..., 3)``, white ``Y = 1``. [1]

    Returns
    -------
    ndarray
        ``(L*, a*, b*)``, shape ``(..., 3)``. [CIELAB]

    Examples
    --------
    The white is L* = 100; a neutral grey of 18 % reflectance is L* = 116 · 0.18^(1/3) - 16
    = 49.5 (CIE 015:2018):

    >>> white = reflectance_to_xyz(np.ones(31))
    >>> lab = xyz_to_lab([white, 0.18 * white])
    >>> lab[:, 0].round(2).tolist(), bool(np.allclose(lab[:, 1:], 0.0))
    ([100.0, 49.5], True)
    """
    xyz_arr = np.asarray(xyz, dtype=np.float64)
    f = _lab_f(xyz_arr / _white_xyz())
    lab = np.stack(
        [
            116.0 * f[..., 1] - 16.0,
            500.0 * (f[..., 0] - f[..., 1]),
            200.0 * (f[..., 1] - f[..., 2]),
        ],
        axis=-1,
    )
    return np.asarray(lab, dtype=np.float64)


def lab_to_xyz(lab: ArrayLike) -> Array:
    """CIE XYZ (white ``Y = 1``) of CIELAB relative to the D65 white.

    Parameters
    ----------
    lab
        ``(L*, a*, b*)``, shape ``(..., 3)``. [CIELAB]

    Returns
    -------
    ndarray
        Tristimulus values, shape ``(..., 3)``. [1]

    Examples
    --------
    L* = 50 is 18.4 % of the white's luminance, and the round trip is exact:

    >>> round(float(lab_to_xyz([50.0, 0.0, 0.0])[1]), 4)
    0.1842
    >>> xyz_to_lab(lab_to_xyz([65.0, 8.0, 13.5])).round(10).tolist()
    [65.0, 8.0, 13.5]
    """
    lab_arr = np.asarray(lab, dtype=np.float64)
    fy = (lab_arr[..., 0] + 16.0) / 116.0
    f = np.stack([fy + lab_arr[..., 1] / 500.0, fy, fy - lab_arr[..., 2] / 200.0], axis=-1)
    return np.asarray(_lab_f_inverse(f) * _white_xyz(), dtype=np.float64)


def reflectance_to_lab(reflectance: ArrayLike) -> Array:
    """CIELAB (D65, 2° observer) of reflectance spectra.

    Parameters
    ----------
    reflectance
        Spectral reflectance factors on 400-700 nm in 10 nm steps, wavelength on the
        last axis, shape ``(..., 31)``. [1]

    Returns
    -------
    ndarray
        ``(L*, a*, b*)``, shape ``(..., 3)``. [CIELAB]

    Examples
    --------
    A grey that reflects 18 % at every wavelength is neutral (``+ 0.0`` turns a rounded
    -0.0 into 0.0):

    >>> (reflectance_to_lab(np.full(31, 0.18)).round(2) + 0.0).tolist()
    [49.5, 0.0, 0.0]
    """
    return xyz_to_lab(reflectance_to_xyz(reflectance))


def delta_e_ciede2000(lab1: ArrayLike, lab2: ArrayLike) -> Array:
    """CIEDE2000 colour difference (kL = kC = kH = 1).

    Parameters
    ----------
    lab1, lab2
        CIELAB colours, shape ``(..., 3)``; broadcast against each other. [CIELAB]

    Returns
    -------
    ndarray
        ΔE00, the broadcast leading shape. [ΔE00]

    References
    ----------
    Luo M. R., Cui G., Rigg B. (2001). Color Research and Application 26:340-350.
    Sharma G., Wu W., Dalal E. N. (2005). Color Research and Application 30:21-30.

    Examples
    --------
    Pairs 1, 10 (hues on either side of the a* axis) and 34 (near black) of Sharma et al.
    (2005), Table 1, whose published differences are 2.0425, 7.1792 and 0.9082:

    >>> lab1 = [[50.0, 2.6772, -79.7751], [50.0, 2.4900, -0.0010], [2.0776, 0.0795, -1.1350]]
    >>> lab2 = [[50.0, 0.0000, -82.7485], [50.0, -2.4900, 0.0010], [0.9033, -0.0636, -0.5514]]
    >>> delta_e_ciede2000(lab1, lab2).round(4).tolist()
    [2.0425, 7.1792, 0.9082]
    >>> float(delta_e_ciede2000([65.0, 8.0, 13.5], [65.0, 8.0, 13.5]))
    0.0
    """
    a, b = np.broadcast_arrays(
        np.asarray(lab1, dtype=np.float64), np.asarray(lab2, dtype=np.float64)
    )
    if a.ndim == 0 or a.shape[-1] != 3:
        raise ValueError(f"CIELAB arrays must have 3 components on the last axis, got {a.shape}")
    l1, a1, b1 = a[..., 0], a[..., 1], a[..., 2]
    l2, a2, b2 = b[..., 0], b[..., 1], b[..., 2]
    c_bar = 0.5 * (np.hypot(a1, b1) + np.hypot(a2, b2))
    c7 = c_bar**7
    g = 0.5 * (1.0 - np.sqrt(c7 / (c7 + 25.0**7)))
    a1p, a2p = (1.0 + g) * a1, (1.0 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360.0
    both = c1p * c2p != 0.0
    dl = l2 - l1
    dc = c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180.0, dh - 360.0, np.where(dh < -180.0, dh + 360.0, dh))
    dh = np.where(both, dh, 0.0)
    dhh = 2.0 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2.0))
    l_bar = 0.5 * (l1 + l2)
    cp_bar = 0.5 * (c1p + c2p)
    h_sum = h1p + h2p
    h_bar = np.where(
        np.abs(h1p - h2p) <= 180.0,
        0.5 * h_sum,
        np.where(h_sum < 360.0, 0.5 * (h_sum + 360.0), 0.5 * (h_sum - 360.0)),
    )
    h_bar = np.where(both, h_bar, h_sum)
    t = (
        1.0
        - 0.17 * np.cos(np.radians(h_bar - 30.0))
        + 0.24 * np.cos(np.radians(2.0 * h_bar))
        + 0.32 * np.cos(np.radians(3.0 * h_bar + 6.0))
        - 0.20 * np.cos(np.radians(4.0 * h_bar - 63.0))
    )
    d_theta = 30.0 * np.exp(-(((h_bar - 275.0) / 25.0) ** 2))
    cp7 = cp_bar**7
    r_c = 2.0 * np.sqrt(cp7 / (cp7 + 25.0**7))
    s_l = 1.0 + 0.015 * (l_bar - 50.0) ** 2 / np.sqrt(20.0 + (l_bar - 50.0) ** 2)
    s_c = 1.0 + 0.045 * cp_bar
    s_h = 1.0 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2.0 * d_theta)) * r_c
    de = np.sqrt(
        (dl / s_l) ** 2 + (dc / s_c) ** 2 + (dhh / s_h) ** 2 + r_t * (dc / s_c) * (dhh / s_h)
    )
    return np.asarray(de, dtype=np.float64)


def ita_deg(lab: ArrayLike) -> Array:
    """Individual typology angle ITA° = arctan((L* − 50) / b*) · 180/π.

    Parameters
    ----------
    lab
        CIELAB colours, shape ``(..., 3)``. [CIELAB]

    Returns
    -------
    ndarray
        ITA in [−90, 90], the leading shape. ``b* = 0`` gives ±90 (the sign of
        ``L* − 50``) and 0 for ``L* = 50``; negative ``b*`` follows the formula as
        written (the angle of the ratio). [°]

    References
    ----------
    Chardon A., Cretois I., Hourseau C. (1991). International Journal of Cosmetic
    Science 13:191-208.

    Examples
    --------
    The representative Fitzpatrick II and VI colours: light (41-55°) and dark (< -30°):

    >>> ita_deg([[65.0, 8.0, 13.5], [37.7, 17.2, 14.7]]).round(1).tolist()
    [48.0, -39.9]
    >>> float(ita_deg([60.0, 10.0, 0.0]))  # b* = 0: the sign of L* - 50
    90.0
    """
    lab_arr = np.asarray(lab, dtype=np.float64)
    if lab_arr.ndim == 0 or lab_arr.shape[-1] != 3:
        raise ValueError(
            f"CIELAB array must have 3 components on the last axis, got {lab_arr.shape}"
        )
    height = lab_arr[..., 0] - 50.0
    b_star = lab_arr[..., 2]
    # arctan(h / b) without dividing: for b < 0 the ratio's sign flips.
    angle = np.arctan2(np.where(b_star < 0.0, -height, height), np.abs(b_star))
    return np.asarray(np.degrees(angle), dtype=np.float64)


# ----------------------------------------------------------------------------- sRGB

_SRGB_PRIMARIES_XY = np.array([[0.64, 0.33], [0.30, 0.60], [0.15, 0.06]])  # IEC 61966-2-1


@functools.cache
def _rgb_to_xyz_matrix() -> Array:
    """Linear sRGB → XYZ, from the sRGB primaries and the package's D65 white."""
    xy = _SRGB_PRIMARIES_XY
    primaries = np.stack([xy[:, 0] / xy[:, 1], np.ones(3), (1 - xy.sum(axis=1)) / xy[:, 1]])
    scale = np.linalg.solve(primaries, _white_xyz())
    matrix: Array = np.asarray(primaries * scale[None, :], dtype=np.float64)
    matrix.flags.writeable = False
    return matrix


def xyz_to_linear_srgb(xyz: ArrayLike) -> Array:
    """Linear-light sRGB of CIE XYZ (white ``Y = 1``), not clipped.

    Parameters
    ----------
    xyz
        Tristimulus values, shape ``(..., 3)``. [1]

    Returns
    -------
    ndarray
        Linear R, G, B, shape ``(..., 3)``; the white is ``(1, 1, 1)``. [1]

    Examples
    --------
    >>> xyz_to_linear_srgb(reflectance_to_xyz(np.ones(31))).round(12).tolist()
    [1.0, 1.0, 1.0]
    """
    return np.asarray(
        np.asarray(xyz, dtype=np.float64) @ np.linalg.inv(_rgb_to_xyz_matrix()).T,
        dtype=np.float64,
    )


def linear_srgb_to_xyz(rgb: ArrayLike) -> Array:
    """CIE XYZ (white ``Y = 1``) of linear-light sRGB (inverse of
    :func:`xyz_to_linear_srgb`).

    Examples
    --------
    The luminance of the red, green and blue primaries, 0.2126, 0.7152 and 0.0722 in
    IEC 61966-2-1, shifted slightly by the package's realised D65 white:

    >>> linear_srgb_to_xyz(np.eye(3))[:, 1].round(4).tolist()
    [0.2121, 0.7158, 0.072]
    """
    return np.asarray(np.asarray(rgb, dtype=np.float64) @ _rgb_to_xyz_matrix().T, dtype=np.float64)


def srgb_encode(linear: ArrayLike) -> Array:
    """The sRGB transfer function (IEC 61966-2-1), linear light in [0, 1] → code values.

    Parameters
    ----------
    linear
        Linear R, G, B, clipped to [0, 1]. [1]

    Returns
    -------
    ndarray
        Encoded R'G'B' in [0, 1]. [1]

    Examples
    --------
    Linear up to 0.0031308, then ``1.055 L^(1/2.4) - 0.055``: 18 % grey encodes to 0.461
    (118 of 255) and half the light to 0.735:

    >>> srgb_encode([0.0, 0.0031308, 0.18, 0.5, 1.0, 1.5]).round(4).tolist()
    [0.0, 0.0404, 0.4614, 0.7354, 1.0, 1.0]
    """
    lin = np.clip(np.asarray(linear, dtype=np.float64), 0.0, 1.0)
    return np.asarray(
        np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * np.power(lin, 1.0 / 2.4) - 0.055),
        dtype=np.float64,
    )


def xyz_to_srgb(xyz: ArrayLike) -> Array:
    """Non-linear sRGB (IEC 61966-2-1) of CIE XYZ (white ``Y = 1``), clipped to [0, 1].

    The matrix is built from the sRGB primaries and the package's realised D65 white
    (:data:`WHITEPOINT_D65`), so the perfect white maps to ``(1, 1, 1)``; it differs from
    colour-science's ``XYZ_to_sRGB`` (tabulated D65) by under 1e-3.

    Parameters
    ----------
    xyz
        Tristimulus values, shape ``(..., 3)``. [1]

    Returns
    -------
    ndarray
        Encoded R'G'B', shape ``(..., 3)``. [1]

    Examples
    --------
    >>> xyz_to_srgb(reflectance_to_xyz(np.ones(31))).round(6).tolist()
    [1.0, 1.0, 1.0]
    >>> xyz_to_srgb(srgb_to_xyz([0.8, 0.6, 0.5])).round(6).tolist()  # round trip
    [0.8, 0.6, 0.5]
    """
    return srgb_encode(xyz_to_linear_srgb(xyz))


def srgb_to_xyz(rgb: ArrayLike) -> Array:
    """CIE XYZ (white ``Y = 1``) of non-linear sRGB values in [0, 1] (inverse of
    :func:`xyz_to_srgb` within the gamut).

    Parameters
    ----------
    rgb
        Encoded R'G'B', shape ``(..., 3)``; 8-bit images divided by 255. [1]

    Returns
    -------
    ndarray
        Tristimulus values, shape ``(..., 3)``. [1]

    Examples
    --------
    An 8-bit white pixel is the D65 white:

    >>> srgb_to_xyz(np.array([255, 255, 255]) / 255).round(4).tolist()
    [0.9494, 1.0, 1.0871]
    """
    encoded = np.asarray(rgb, dtype=np.float64)
    linear = np.where(encoded <= 0.04045, encoded / 12.92, ((encoded + 0.055) / 1.055) ** 2.4)
    return np.asarray(linear @ _rgb_to_xyz_matrix().T, dtype=np.float64)
