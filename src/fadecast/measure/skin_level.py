"""The local bare-skin level of a photo and each pixel's darkness against it.

A grey closing by a square several dots wide removes the dots (and hairs); smoothed, it
is the local bare-skin luminance ``Y_skin`` (:func:`skin_luminance`). The square reaches
:data:`SKIN_REACH` dot widths each way: dense, saturated dots leave the skin bare only in
the holes of their pattern (their ink's tails darken the narrow gaps between neighbours
too), and a closing gives each pixel the least of the lightest values the square finds
wherever it is placed over it, so the square must hold some bare skin wherever it lies.
Darkness is ``D = 1 - Y / Y_skin`` (:func:`darkness`): 0 on skin, up to about 0.9 at a
fresh dot's centre, and free of gradients in the lighting, which divide out.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from fadecast.measure.imaging import (
    gaussian_filter,
    maximum_filter,
    minimum_filter,
    power_of_two_at_most,
    upsample_linear,
)
from fadecast.measure.photo import block_mean
from fadecast.measure.tunables import TUNABLES

__all__ = ["SKIN_REACH", "SKIN_SMOOTHING", "darkness", "skin_luminance"]

Float32 = NDArray[np.float32]

#: Half the side of the closing's square, in dot widths (sd). [1]
SKIN_REACH = TUNABLES.skin_reach
#: Width (sd) of the smoothing of the closed skin level, in dot widths. [1]
SKIN_SMOOTHING = TUNABLES.skin_smoothing


def skin_luminance(luminance: Float32, sigma_px: float) -> Float32:
    """Local bare-skin luminance: dots and hairs closed away, then smoothed.

    A grey closing by a square of side ``2 ⌈kσ⌉ + 1`` (``k`` = :data:`SKIN_REACH`)
    removes every dark feature narrower than it, the dots, the hairs and the darker
    skin between touching dots alike, and keeps the level of the light (a closing
    returns a linear gradient exactly); the result is smoothed by a Gaussian of
    :data:`SKIN_SMOOTHING` ``σ`` on a coarser copy (the skin level varies slowly) and
    brought back by bilinear interpolation.

    Parameters
    ----------
    luminance
        Working copy, shape ``(H, W)``. [1]
    sigma_px
        Dot width on it. [px]

    Returns
    -------
    Float32
        ``Y_skin``, shape ``(H, W)``. [1]

    Examples
    --------
    A dark dot on skin lit from the left: the skin level follows the light, not the dot.

    >>> rows, cols = np.mgrid[0:64, 0:64] + 0.5
    >>> light = 0.4 + 0.2 * cols / 64
    >>> dot = 1.0 - 0.5 * np.exp(-((rows - 32) ** 2 + (cols - 32) ** 2) / (2 * 2.5**2))
    >>> skin = skin_luminance((light * dot).astype(np.float32), 2.5)
    >>> round(float(skin[32, 32]), 2), round(float(light[32, 32]), 2)
    (0.5, 0.5)
    """
    size = 2 * math.ceil(SKIN_REACH * sigma_px) + 1
    closed = gaussian_filter(luminance, 1.0)
    # A grey closing, the erosion back into the smoothed copy: two copies of the picture
    # at most (what a large photo's first measurement pays most for is the memory it
    # first touches; OpenCV filters slower in place).
    dilated = maximum_filter(closed, size)
    minimum_filter(dilated, size, out=closed)
    del dilated
    # The skin level varies slowly: smoothed on a coarser copy, then brought back by
    # linear interpolation.
    width = SKIN_SMOOTHING * sigma_px
    reduce = min(power_of_two_at_most(width / 2.0), power_of_two_at_most(min(luminance.shape)))
    coarse = gaussian_filter(block_mean(closed, reduce), width / reduce, mode="nearest")
    del closed
    return upsample_linear(coarse, reduce, luminance.shape)


def darkness(luminance: Float32, skin: Float32) -> Float32:
    """``D = 1 - Y / Y_skin``: 0 on bare skin, towards 1 at a dark dot's centre. [1]

    Parameters
    ----------
    luminance
        ``Y``, shape ``(H, W)``. [1]
    skin
        ``Y_skin`` (:func:`skin_luminance`), shape ``(H, W)``; floored at ``1e-6``. [1]

    Examples
    --------
    >>> darkness(np.array([[0.5, 0.25]], np.float32), np.array([[0.5, 0.5]], np.float32))
    array([[0. , 0.5]], dtype=float32)
    """
    out = np.maximum(skin, np.float32(1e-6))
    np.divide(luminance, out, out=out)
    np.subtract(np.float32(1.0), out, out=out)
    return out
