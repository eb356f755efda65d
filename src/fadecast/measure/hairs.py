"""Stubble hairs in a scalp photo: found by their top-hat and painted out.

A stubble hair is far narrower than a dot: what a grey opening by a square narrower
than a dot's core removes from the darkness (its top-hat, after DullRazor, Lee et al.
1997), where it holds most of a pixel's darkness and is drawn out along a line, is a
hair (:func:`hair_mask`). Hairs are then filled from their surroundings
(:func:`inpaint`), so that a hair lying across a dot neither hides it nor makes it
larger.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from fadecast.measure.imaging import maximum_filter, minimum_filter
from fadecast.measure.tunables import TUNABLES

__all__ = ["HAIR_DILATION", "HAIR_LENGTH", "HAIR_SHARE", "hair_mask", "inpaint"]

Float32 = NDArray[np.float32]

#: Pixels added around a hair's mask (its soft edges and ends). [working px]
HAIR_DILATION = TUNABLES.hair_dilation
#: Share of a pixel's darkness a thin feature must hold to be a hair. [1]
HAIR_SHARE = TUNABLES.hair_share
#: A hair is longer than this many dot widths (sd); a dot's centre is not. [1]
HAIR_LENGTH = TUNABLES.hair_length


def hair_mask(darkness: Float32, sigma_px: float, *, min_darkness: float) -> NDArray[np.bool_]:
    """Pixels of the working copy under a hair: dark, thin and drawn out.

    A stubble hair is far narrower than a dot. A grey opening of the darkness by a
    square narrower than a dot's core keeps the dots (and the skin between them) and
    removes the hairs; what it removes (the top-hat, after DullRazor, Lee et al. 1997)
    is a hair where it holds more than :data:`HAIR_SHARE` of the pixel's darkness, in
    optical density: a hair takes its share of the light of whatever it lies on, so
    over a dark dot it removes less of the skin's light but as much of the dot's, and
    the densities of the hair (``-ln(1 - hat / (1 - D_opened))``) and of the pixel
    (``-ln(1 - D)``) are compared (on bare skin, the top-hat and the darkness). Of
    those pixels, only groups drawn out along a line (longer than :data:`HAIR_LENGTH`
    dot widths) are hairs: noise and a dot's sharp centre are not. The mask is dilated
    by :data:`HAIR_DILATION` pixels, and pieces of one hair that the dilation joins
    (a hair a pixel wide breaks where it straddles two) are measured as one.

    Parameters
    ----------
    darkness
        ``1 - Y / Y_skin`` on the working copy. [1]
    sigma_px
        Dot width on it. [px]
    min_darkness
        Least top-hat contrast of a hair. [1]

    Returns
    -------
    NDArray[np.bool_]
        Shape of ``darkness``.

    Examples
    --------
    A hair one pixel wide beside a round dot:

    >>> darkness = np.zeros((60, 60), dtype=np.float32)
    >>> darkness[10:50, 15] = 0.8
    >>> rows, cols = np.mgrid[0:60, 0:60]
    >>> darkness += 0.5 * np.exp(-((rows - 30) ** 2 + (cols - 42) ** 2) / 18.0)
    >>> mask = hair_mask(darkness, 3.0, min_darkness=0.05)
    >>> bool(mask[30, 15]), bool(mask[30, 42])
    (True, False)
    """
    size = max(3, 2 * round(0.4 * sigma_px) + 1)
    under = maximum_filter(minimum_filter(darkness, size), size)  # a grey opening
    hat = darkness - under
    # A hair lies over the skin or a dot and takes a share of the light of what it
    # lies on: light multiplies, so shares are compared in optical density, -ln(1 - D).
    top = np.float32(0.999)
    hair_density = -np.log1p(-np.clip(hat / np.maximum(1.0 - under, 1e-3), 0.0, top))
    pixel_density = -np.log1p(-np.clip(darkness, 0.0, top))
    thin = (hat > min_darkness) & (hair_density > HAIR_SHARE * pixel_density)
    # A hair a pixel wide or less breaks into pieces where it straddles two pixels:
    # pieces within the mask's dilation of each other are one hair.
    grown = ndimage.binary_dilation(thin, iterations=HAIR_DILATION) if HAIR_DILATION else thin
    labels = ndimage.label(grown, structure=np.ones((3, 3), bool))[0]
    mask = np.zeros(darkness.shape, dtype=bool)
    least = HAIR_LENGTH * sigma_px
    for label, box in enumerate(ndimage.find_objects(labels), start=1):
        # A line of length L spans at least L / sqrt(2) along one side of its box.
        if box is None or max(s.stop - s.start for s in box) < least / math.sqrt(2.0):
            continue
        member = labels[box] == label
        if _length(member & thin[box]) >= least:
            mask[box] |= member
    return mask


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
    it, at the dots' scale; the others keep their values.

    Parameters
    ----------
    darkness
        Shape ``(H, W)``. [1]
    mask
        Pixels to fill, shape ``(H, W)``.
    sigma_px
        Width of the Gaussian weights. [px]

    Returns
    -------
    Float32
        A new array (``darkness`` itself when nothing is masked).

    Examples
    --------
    >>> image = np.full((20, 20), 0.2, dtype=np.float32)
    >>> mask = np.zeros((20, 20), dtype=bool)
    >>> mask[5:15, 10] = True
    >>> image[mask] = 0.9
    >>> round(float(inpaint(image, mask, 2.0)[10, 10]), 3)
    0.2
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
