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
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from fadecast.measure.imaging import (
    block_any,
    gaussian_filter,
    gaussian_reach,
    maximum_filter,
    minimum_filter,
    row_bands,
)
from fadecast.measure.tunables import TUNABLES

__all__ = ["HAIR_DILATION", "HAIR_LENGTH", "HAIR_SHARE", "hair_mask", "inpaint"]

Float32 = NDArray[np.float32]
Array = NDArray[np.float64]

#: Pixels added around a hair's mask (its soft edges and ends). [working px]
HAIR_DILATION = TUNABLES.hair_dilation
#: Share of a pixel's darkness a thin feature must hold to be a hair. [1]
HAIR_SHARE = TUNABLES.hair_share
#: A hair is longer than this many dot widths (sd); a dot's centre is not. [1]
HAIR_LENGTH = TUNABLES.hair_length
#: Hairs are painted out tile by tile, each tile this many times the filter's reach on a
#: side (it changes no value, only how much of the picture is filtered). [1]
_TILE_REACHES = 8


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
    (a hair a pixel wide breaks where it straddles two) are measured as one (a few
    scattered pixels are grouped from their pairs, more labelled on the picture: the
    same groups).

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
    at, hat_at, under_at = _top_hat(darkness, size, min_darkness)
    # A hair lies over the skin or a dot and takes a share of the light of what it
    # lies on: light multiplies, so shares are compared in optical density, -ln(1 - D)
    # (only where the top-hat is contrasted enough to be one).
    top = np.float32(0.999)
    hair_density = -np.log1p(-np.clip(hat_at / np.maximum(1.0 - under_at, 1e-3), 0.0, top))
    pixel_density = -np.log1p(-np.clip(darkness.reshape(-1)[at], 0.0, top))
    del hat_at, under_at
    at = at[hair_density > HAIR_SHARE * pixel_density]
    mask = np.zeros(darkness.shape, dtype=bool)
    if len(at) == 0:
        return mask
    # A hair a pixel wide or less breaks into pieces where it straddles two pixels:
    # pieces within the mask's dilation of each other are one hair.
    labels: NDArray[np.int32] | None = None
    if len(at) <= _FEW_THIN:
        group, extent = _sparse_groups(at, darkness.shape)
    else:
        thin = mask.copy()
        thin.reshape(-1)[at] = True
        labels, extent = _groups(thin)
        del thin
        group = labels.reshape(-1)[at].astype(np.intp)
    # A line of length L spans at least L / sqrt(2) along one side of its box.
    least = HAIR_LENGTH * sigma_px
    long_enough = extent >= least / math.sqrt(2.0)
    kept = long_enough[group]
    if not kept.any():
        return mask
    lengths = _lengths(group[kept], at[kept], darkness.shape[1], len(extent))
    hair = long_enough & (lengths >= least)
    if not hair.any():
        return mask
    if labels is None:
        # The hairs' pixels dilated as the groups were (a group's dilation is its own).
        mask.reshape(-1)[at[hair[group]]] = True
        return _dilated(mask)
    # Only the grouped pixels can be under a hair (group 0 is none).
    grouped = np.flatnonzero(labels)
    mask.reshape(-1)[grouped] = hair[labels.reshape(-1)[grouped]]
    return mask


def _top_hat(
    darkness: Float32, size: int, least: float
) -> tuple[NDArray[np.intp], Float32, Float32]:
    """Where what a grey opening by a ``size`` square removes from ``darkness`` (its
    top-hat) exceeds ``least``: the pixels' flat indices, the top-hat and the opening
    there. A band of rows at a time (:func:`~fadecast.measure.imaging.row_bands`, each
    with the opening's reach of context): the values of the whole picture at once,
    without copies of it."""
    h, w = darkness.shape
    at, hats, unders = [], [], []
    for top, bottom, first, last in row_bands(h, w, 2 * (size // 2)):
        under = maximum_filter(minimum_filter(darkness[first:last], size), size)
        inner = slice(top - first, bottom - first)
        hat = darkness[top:bottom] - under[inner]
        here = np.flatnonzero(hat > least)
        at.append(here + top * w)
        hats.append(hat.reshape(-1)[here])
        unders.append(under[inner].reshape(-1)[here])
    return np.concatenate(at), np.concatenate(hats), np.concatenate(unders)


#: Thin pixels up to which :func:`hair_mask` groups them from their pairs (a few scattered
#: ones: no labelling of the whole picture); more are labelled on the picture. [1]
_FEW_THIN = 20_000


def _dilated(thin: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """``thin`` dilated by :data:`HAIR_DILATION` pixels (the 3 × 3 cross, that many
    times), as a mask."""
    import cv2

    grown = thin.view(np.uint8)
    if HAIR_DILATION:
        cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
        grown = np.asarray(cv2.dilate(grown, cross, iterations=HAIR_DILATION), dtype=np.uint8)
    return np.asarray(grown, dtype=bool)


def _sparse_groups(
    at: NDArray[np.intp], shape: tuple[int, ...]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """:func:`_groups` of a few thin pixels (flat indices ``at`` of a picture of
    ``shape``), from their pairs: each pixel's group (from 1) and each group's extent
    (0 for group 0). [px]

    Dilated by ``k`` = :data:`HAIR_DILATION` pixels, a pixel covers the diamond ``|dr| +
    |dc| <= k`` about it; two diamonds touch (8-connected) when their pixels lie
    ``(dr, dc)`` apart with ``max(|dr| - 1, 0) + max(|dc| - 1, 0) <= 2k``, and inside the
    picture whenever they do (the touching pixels lie within the pair's bounding box).
    A group's dilated box is its pixels' box grown by ``k``, within the picture."""
    k = HAIR_DILATION
    h, w = shape[0], shape[1]
    rows, cols = np.divmod(at, w)
    n = len(at)
    if n > 1:
        points = np.c_[rows, cols].astype(np.float64)
        pairs = cKDTree(points).query_pairs(2 * k + 2, p=np.inf, output_type="ndarray")
        dr = np.abs(rows[pairs[:, 0]] - rows[pairs[:, 1]])
        dc = np.abs(cols[pairs[:, 0]] - cols[pairs[:, 1]])
        pairs = pairs[np.maximum(dr - 1, 0) + np.maximum(dc - 1, 0) <= 2 * k]
    else:
        pairs = np.zeros((0, 2), dtype=np.intp)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    count, group = connected_components(graph, directed=False)
    group = group.astype(np.intp) + 1
    top = np.full(count + 1, h, dtype=np.intp)
    bottom = np.full(count + 1, -1, dtype=np.intp)
    left = np.full(count + 1, w, dtype=np.intp)
    right = np.full(count + 1, -1, dtype=np.intp)
    np.minimum.at(top, group, rows)
    np.maximum.at(bottom, group, rows)
    np.minimum.at(left, group, cols)
    np.maximum.at(right, group, cols)
    height = np.minimum(bottom + k, h - 1) - np.maximum(top - k, 0) + 1
    width = np.minimum(right + k, w - 1) - np.maximum(left - k, 0) + 1
    extent = np.maximum(height, width)
    extent[0] = 0
    return group, np.asarray(extent, dtype=np.intp)


def _groups(thin: NDArray[np.bool_]) -> tuple[NDArray[np.int32], NDArray[np.intp]]:
    """The groups of ``thin`` once dilated by :data:`HAIR_DILATION` pixels (8-connected):
    each pixel's group (0 for none) and each group's extent, the longer side of its
    bounding box (0 for group 0). [px]"""
    import cv2

    grown = thin.view(np.uint8)
    if HAIR_DILATION:
        cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
        grown = np.asarray(cv2.dilate(grown, cross, iterations=HAIR_DILATION), dtype=np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(
        np.ascontiguousarray(grown), connectivity=8, ltype=cv2.CV_32S
    )
    extent = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    extent[0] = 0
    return np.asarray(labels, dtype=np.int32), extent.astype(np.intp)


def _lengths(group: NDArray[np.intp], at: NDArray[np.intp], width: int, groups: int) -> Array:
    """Length of each group of pixels (flat indices ``at`` of an image ``width`` wide,
    each in ``group``) along its main axis, from its second moments (a line of length L
    has standard deviation L / sqrt(12) along itself); 0 for a group without pixels. [px]"""
    rows, cols = np.divmod(at, width)
    count = np.bincount(group, minlength=groups).astype(np.float64)
    some = np.maximum(count, 1.0)
    dr = rows - (np.bincount(group, rows, groups) / some)[group]
    dc = cols - (np.bincount(group, cols, groups) / some)[group]
    rr = np.bincount(group, dr * dr, groups) / some
    cc = np.bincount(group, dc * dc, groups) / some
    rc = np.bincount(group, dr * dc, groups) / some
    major = 0.5 * (rr + cc) + np.sqrt(0.25 * (rr - cc) ** 2 + rc**2)
    return np.asarray(np.sqrt(12.0 * major), dtype=np.float64)


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
    reach = gaussian_reach(sigma_px)
    h, w = mask.shape
    side = min(max(_TILE_REACHES * reach, 64), max(h, w))
    # Only the tiles that hold masked pixels, each with the filter's reach around it
    # (the values inside a tile are those of the whole picture filtered).
    tiles = block_any(mask, side)
    if tiles.mean() > 0.5:
        tiles = np.zeros((1, 1), dtype=bool)
        side = max(h, w)
        tiles[0, 0] = True
    # The filled values of each tile, written once every tile is filtered (the copy of
    # the picture is not held beside the filters' own).
    fills = []
    for i, j in zip(*np.nonzero(tiles), strict=True):
        r0, c0 = i * side, j * side
        r1, c1 = min(r0 + side, h), min(c0 + side, w)
        top, left = max(r0 - reach, 0), max(c0 - reach, 0)
        crop = (slice(top, min(r1 + reach, h)), slice(left, min(c1 + reach, w)))
        inner = (slice(r0 - top, r1 - top), slice(c0 - left, c1 - left))
        here = mask[crop]
        keep = (~here).astype(np.float32)
        weight = gaussian_filter(keep, sigma_px)[inner][here[inner]]
        np.multiply(keep, darkness[crop], out=keep)
        total = gaussian_filter(keep, sigma_px)[inner][here[inner]]
        del keep
        filled = np.where(weight > 1e-3, total / np.maximum(weight, 1e-3), 0.0)
        fills.append(((slice(r0, r1), slice(c0, c1)), filled.astype(np.float32)))
        del weight, total
    out = np.array(darkness, dtype=np.float32)
    for tile, filled in fills:
        out[tile][mask[tile]] = filled
    return out
