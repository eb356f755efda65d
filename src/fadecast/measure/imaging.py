"""Image helpers of the measure stage: reductions, grey filters, resampling, distances.

Generic building blocks on numpy arrays, each exact and bounded in memory: the power of
two a photo is reduced by (:func:`reduction_factor`), OpenCV's grey dilation and erosion
(:func:`maximum_filter`, :func:`minimum_filter`), Gaussian, Laplacian of Gaussian and box
filters in single precision (:func:`gaussian_filter`, :func:`gaussian_laplace`,
:func:`box_mean`: scipy's filters to float32 rounding, several times faster), bilinear
resampling (:func:`bilinear`, :func:`upsample_linear`), masks between a reduced copy and
the photo (:func:`block_all`, :func:`block_any`, :func:`full_resolution`), exact
Euclidean distances (:func:`distance_to_unset`; between points, a k-d tree,
:func:`kd_tree`, searched within a bound first, :func:`nearest_neighbours`, the last few
point sets' distances kept for a second asking, :func:`nearest_distance`, and a subset's
from its superset's, :func:`nearest_among`), an even sample of a large array
(:func:`even_sample`) and independent work side by side (:func:`parallel_map`). Block
means are :func:`fadecast.measure.photo.block_mean`.

OpenCV and scipy's k-d tree are imported with the module, so that a measurement's first
call does not load them.
"""

from __future__ import annotations

import contextvars
import hashlib
import math
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from fadecast.measure.tunables import TUNABLES

__all__ = [
    "BAND_PX",
    "MAX_SAMPLE",
    "MAX_WORKERS",
    "MIN_COPY_SIDE",
    "bilinear",
    "block_all",
    "block_any",
    "box_mean",
    "distance_to_unset",
    "erode_cross",
    "even_sample",
    "full_resolution",
    "gaussian_filter",
    "gaussian_kernel",
    "gaussian_laplace",
    "gaussian_reach",
    "kd_tree",
    "maximum_filter",
    "minimum_filter",
    "nearest_among",
    "nearest_distance",
    "nearest_neighbours",
    "parallel_map",
    "power_of_two_at_most",
    "reduction_factor",
    "row_bands",
    "upsample_linear",
]

Float32 = NDArray[np.float32]
Array = NDArray[np.float64]
Indices = NDArray[np.intp]

#: Shortest side of a reduced copy. [px]
MIN_COPY_SIDE = TUNABLES.min_copy_side
#: Values a quantile or a median of a whole working copy is taken over at most (an even
#: sample of a larger one). [1]
MAX_SAMPLE = TUNABLES.max_sample
#: Threads that independent pieces of work (chunks of dots) share at most, fewer on a
#: machine with fewer processors: numpy and OpenCV release Python's lock while they
#: work. It changes no value, only the time. [1]
MAX_WORKERS = 4

Item = TypeVar("Item")
Result = TypeVar("Result")


def power_of_two_at_most(value: float) -> int:
    """The largest power of two not above ``value`` (1 below 2).

    Examples
    --------
    >>> power_of_two_at_most(5.0), power_of_two_at_most(8.0), power_of_two_at_most(0.3)
    (4, 8, 1)
    """
    return 1 if value < 2.0 else 2 ** int(math.log2(value))


def reduction_factor(shape: tuple[int, ...], sigma_px: float, width_px: float) -> int:
    """Reduction that brings a width of ``sigma_px`` to about ``width_px`` (a power of
    two, no finer), the copy kept at least :data:`MIN_COPY_SIDE` pixels on its shorter
    side.

    Parameters
    ----------
    shape
        The picture's shape, rows and columns first. [px]
    sigma_px
        A width on the picture. [px]
    width_px
        The width it should have on the copy, at least. [px]

    Returns
    -------
    int
        Block side of the copy. [px]

    Examples
    --------
    >>> reduction_factor((4000, 3000), 20.0, 2.5)
    8
    >>> reduction_factor((64, 64), 20.0, 2.5)  # the copy keeps 16 pixels a side
    4
    """
    most = power_of_two_at_most(max(min(shape[:2]) / MIN_COPY_SIDE, 1.0))
    return min(power_of_two_at_most(sigma_px / width_px), most)


def maximum_filter(image: Float32, size: int, *, out: Float32 | None = None) -> Float32:
    """The largest value in the ``size`` × ``size`` square around each pixel (``size``
    odd; borders mirrored): ``scipy.ndimage.maximum_filter`` to the bit, about ten
    times faster (OpenCV's dilation). Written to ``out`` if given (a C-ordered single
    precision array of the image's shape, the image itself included).

    Examples
    --------
    >>> image = np.zeros((5, 5), dtype=np.float32)
    >>> image[2, 2] = 1.0
    >>> maximum_filter(image, 3).sum()
    np.float32(9.0)
    >>> _ = maximum_filter(image, 3, out=image)  # in place
    >>> image.sum()
    np.float32(9.0)
    """

    return _morphology(cv2.dilate, image, size, out)


def minimum_filter(image: Float32, size: int, *, out: Float32 | None = None) -> Float32:
    """The smallest value in the ``size`` × ``size`` square around each pixel (``size``
    odd; borders mirrored): ``scipy.ndimage.minimum_filter`` to the bit (OpenCV's
    erosion). Written to ``out`` if given, as :func:`maximum_filter`.

    Examples
    --------
    >>> image = np.ones((5, 5), dtype=np.float32)
    >>> image[2, 2] = 0.0
    >>> minimum_filter(image, 3).sum()
    np.float32(16.0)
    """

    return _morphology(cv2.erode, image, size, out)


def _morphology(
    operation: Callable[..., Any], image: Float32, size: int, out: Float32 | None
) -> Float32:
    """OpenCV's dilation or erosion by a ``size`` × ``size`` square, borders mirrored,
    into ``out`` (OpenCV filters in place) or a new array."""

    kernel = np.ones((size, size), np.uint8)
    source = np.ascontiguousarray(image, dtype=np.float32)
    if out is None:
        return np.asarray(operation(source, kernel, borderType=cv2.BORDER_REFLECT), np.float32)
    if out.dtype != np.float32 or out.shape != source.shape or not out.flags.c_contiguous:
        raise ValueError("out must be a C-ordered float32 array of the image's shape")
    operation(source, kernel, dst=out, borderType=cv2.BORDER_REFLECT)
    return out


#: Gaussian kernels reach this many widths (sd) each way, as scipy.ndimage's do. [1]
GAUSSIAN_TRUNCATE = 4.0


def gaussian_reach(sigma_px: float) -> int:
    """Pixels a Gaussian filter of width ``sigma_px`` reads each way
    (:data:`GAUSSIAN_TRUNCATE` widths, rounded). [px]

    Examples
    --------
    >>> gaussian_reach(0.5), gaussian_reach(2.0)
    (2, 8)
    """
    return int(GAUSSIAN_TRUNCATE * sigma_px + 0.5)


def gaussian_kernel(sigma_px: float, order: Literal[0, 2] = 0) -> Array:
    """The sampled, normalised Gaussian of width ``sigma_px`` (``order`` 0), or its second
    derivative (``order`` 2), reaching :data:`GAUSSIAN_TRUNCATE` widths each way: the
    kernel of ``scipy.ndimage.gaussian_filter1d``. [1/px^order]

    Examples
    --------
    >>> kernel = gaussian_kernel(0.5)  # 2 px each way
    >>> len(kernel), [round(float(v), 3) for v in kernel]
    (5, [0.0, 0.106, 0.787, 0.106, 0.0])
    >>> second = gaussian_kernel(2.0, 2)  # 8 px each way, lowest at the centre
    >>> len(second), int(np.argmin(second))
    (17, 8)
    """
    radius = gaussian_reach(sigma_px)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    phi = np.exp(-0.5 * x * x / sigma_px**2)
    phi /= phi.sum()
    if order == 2:
        phi *= x * x / sigma_px**4 - 1.0 / sigma_px**2
    return phi


def _down(image: Float32, kernel: Array, border: int) -> Float32:
    """``image`` (single precision, C-ordered) correlated with ``kernel`` along its columns:
    OpenCV's column filter, which pairs the taps of a symmetric kernel, so that a picture
    symmetric about a line gives values equal to the bit on either side of it, as
    scipy's double-precision sums do (OpenCV's row filter does not)."""

    one = np.ones(1, dtype=np.float32)
    out = cv2.sepFilter2D(image, cv2.CV_32F, one, kernel.astype(np.float32), borderType=border)
    return np.asarray(out, dtype=np.float32).reshape(image.shape)


def _transposed(image: Float32) -> Float32:

    if image.shape[0] == 1 or image.shape[1] == 1:
        return np.ascontiguousarray(image.T)
    return np.asarray(cv2.transpose(image), dtype=np.float32)


def _separable(
    image: NDArray[np.floating[Any]],
    pairs: list[tuple[Array, Array]],
    border: int,
    *,
    mirror: bool = False,
    banded: bool = True,
) -> Float32:
    """The sum over ``(along_rows, along_columns)`` kernel pairs of ``image`` correlated
    with the first along each row and with the second along each column, in single
    precision (OpenCV's separable filter). With ``mirror``, each pass runs down the
    columns (of the picture, then of its transpose), so that mirror symmetry is kept to
    the bit, at about twice the time. Several pairs on a large picture are summed a band
    of rows at a time (``banded``; the same values)."""

    source = np.ascontiguousarray(image, dtype=np.float32)
    if source.size == 0:
        return source.copy()
    if mirror:
        parts = (
            _down(_transposed(_down(source, down, border)), across, border)
            for across, down in pairs
        )
    else:
        reach = max(len(down) // 2 for _, down in pairs)
        bands = row_bands(source.shape[0], source.shape[1], reach)
        if banded and len(pairs) > 1 and len(bands) > 1:
            # Several pairs summed a band of rows at a time (with each pass's reach of
            # context): the same values, with no whole copy of the picture per pair.
            total = np.empty(source.shape, dtype=np.float32)
            for top, bottom, first, last in bands:
                band = _separable(source[first:last], pairs, border, banded=False)
                total[top:bottom] = band[top - first : bottom - first]
            return total
        parts = (
            np.asarray(
                cv2.sepFilter2D(
                    source,
                    cv2.CV_32F,
                    across.astype(np.float32),
                    down.astype(np.float32),
                    borderType=border,
                ),
                dtype=np.float32,
            ).reshape(source.shape)
            for across, down in pairs
        )
    total = next(parts)
    for part in parts:
        total += part
    return _transposed(total) if mirror else total


def gaussian_filter(
    image: NDArray[np.floating[Any]],
    sigma_px: float,
    *,
    mode: Literal["reflect", "nearest", "constant"] = "reflect",
) -> Float32:
    """``image`` smoothed by a Gaussian of width ``sigma_px`` (borders mirrored; or their
    pixels repeated with ``mode="nearest"``; or zeros beyond them with
    ``mode="constant"``): ``scipy.ndimage.gaussian_filter`` with the same mode to
    float32 rounding, in single precision and several times faster (OpenCV's separable
    filter with scipy's kernel, :func:`gaussian_kernel`).

    Parameters
    ----------
    image
        Shape ``(H, W)``.
    sigma_px
        Width of the Gaussian. [px]
    mode
        How the image extends beyond its edges: mirrored about them, its edge pixels
        repeated, or zero.

    Examples
    --------
    >>> image = np.zeros((9, 9), dtype=np.float32)
    >>> image[4, 4] = 1.0
    >>> smooth = gaussian_filter(image, 1.0)
    >>> round(float(smooth.sum()), 4), round(float(smooth[4, 4]), 4)
    (1.0, 0.1592)
    """

    if sigma_px <= 0.0:
        return np.array(image, dtype=np.float32)
    border = {
        "reflect": cv2.BORDER_REFLECT,
        "nearest": cv2.BORDER_REPLICATE,
        "constant": cv2.BORDER_CONSTANT,
    }[mode]
    kernel = gaussian_kernel(sigma_px)
    return _separable(image, [(kernel, kernel)], border)


def gaussian_laplace(
    image: NDArray[np.floating[Any]], sigma_px: float, *, mirror: bool = False
) -> Float32:
    """The Laplacian of ``image`` smoothed by a Gaussian of width ``sigma_px``, ``∇²(G_σ *
    image)`` (borders mirrored): ``scipy.ndimage.gaussian_laplace`` to float32 rounding,
    in single precision and several times faster. With ``mirror``, a picture symmetric
    about a row or a column gives values equal to the bit on either side of it, as
    scipy's do (ties between mirrored pixels stay ties), at about twice the time. [1/px²]

    Examples
    --------
    >>> rows, cols = np.mgrid[0:41, 0:41] - 20.0
    >>> blob = np.exp(-(rows**2 + cols**2) / (2 * 3.0**2)).astype(np.float32)
    >>> round(float(-(3.0**2) * gaussian_laplace(blob, 3.0)[20, 20]), 3)
    0.5
    """

    smooth, second = gaussian_kernel(sigma_px), gaussian_kernel(sigma_px, 2)
    pairs = [(smooth, second), (second, smooth)]
    return _separable(image, pairs, cv2.BORDER_REFLECT, mirror=mirror)


def box_mean(image: NDArray[np.floating[Any]], size: int) -> Float32:
    """Mean over the ``size`` × ``size`` square around each pixel (``size`` odd; borders
    mirrored): ``scipy.ndimage.uniform_filter`` to float32 rounding (OpenCV's box
    filter).

    Examples
    --------
    >>> image = np.zeros((5, 5), dtype=np.float32)
    >>> image[2, 2] = 9.0
    >>> box_mean(image, 3)[1:4, 1:4]
    array([[1., 1., 1.],
           [1., 1., 1.],
           [1., 1., 1.]], dtype=float32)
    """

    source = np.ascontiguousarray(image, dtype=np.float32)
    if source.size == 0:
        return source.copy()
    out = cv2.blur(source, (size, size), borderType=cv2.BORDER_REFLECT)
    return np.asarray(out, dtype=np.float32).reshape(source.shape)


def bilinear(image: Float32, rows: Array, cols: Array) -> Float32:
    """``image`` sampled on the grid ``rows`` × ``cols`` by linear interpolation along
    each axis (clamped at its edges).

    Parameters
    ----------
    image
        Shape ``(H, W)``.
    rows, cols
        Positions on ``image``, with pixel ``i`` at ``i``. [px]

    Returns
    -------
    Float32
        Shape ``(len(rows), len(cols))``.

    Examples
    --------
    >>> image = np.array([[0.0, 1.0], [2.0, 3.0]], dtype=np.float32)
    >>> bilinear(image, np.array([0.0, 0.5, 1.0]), np.array([0.5, 2.0]))
    array([[0.5, 1. ],
           [1.5, 2. ],
           [2.5, 3. ]], dtype=float32)
    """
    r = np.clip(rows, 0.0, image.shape[0] - 1.0)
    c = np.clip(cols, 0.0, image.shape[1] - 1.0)
    r0 = (
        np.minimum(r.astype(np.intp), image.shape[0] - 2)
        if image.shape[0] > 1
        else np.zeros(len(r), np.intp)
    )
    c0 = (
        np.minimum(c.astype(np.intp), image.shape[1] - 2)
        if image.shape[1] > 1
        else np.zeros(len(c), np.intp)
    )
    wr = (r - r0).astype(np.float32)[:, None]
    wc = (c - c0).astype(np.float32)[None, :]
    r1 = np.minimum(r0 + 1, image.shape[0] - 1)
    c1 = np.minimum(c0 + 1, image.shape[1] - 1)
    top = image[r0][:, c0] * (1 - wc) + image[r0][:, c1] * wc
    bottom = image[r1][:, c0] * (1 - wc) + image[r1][:, c1] * wc
    return np.asarray(top * (1 - wr) + bottom * wr, dtype=np.float32)


def upsample_linear(image: Float32, factor: int, shape: tuple[int, ...]) -> Float32:
    """A copy reduced by ``factor`` brought back to ``shape`` by bilinear interpolation,
    pixel centres aligned (clamped at the edges): :func:`bilinear` at the photo's pixel
    centres, ``(i + 0.5) / factor - 0.5``, to float32 rounding (OpenCV's resize).

    Parameters
    ----------
    image
        The reduced copy, shape ``(h, w)``, at least ``shape // factor``.
    factor
        Its block side. [px]
    shape
        The shape to bring it to, ``(H, W)`` (any rows and columns beyond ``h factor``
        and ``w factor`` repeat the edge). [px]

    Examples
    --------
    >>> image = np.array([[0.0, 1.0], [2.0, 3.0]], dtype=np.float32)
    >>> upsample_linear(image, 2, (5, 4))
    array([[0.  , 0.25, 0.75, 1.  ],
           [0.5 , 0.75, 1.25, 1.5 ],
           [1.5 , 1.75, 2.25, 2.5 ],
           [2.  , 2.25, 2.75, 3.  ],
           [2.  , 2.25, 2.75, 3.  ]], dtype=float32)
    """

    h, w = image.shape[0] * factor, image.shape[1] * factor
    if factor == 1 or image.size == 0:
        up = np.asarray(image, dtype=np.float32)
    else:
        source = np.ascontiguousarray(image, dtype=np.float32)
        up = np.asarray(cv2.resize(source, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)
        up = up.reshape(h, w)
    up = up[: shape[0], : shape[1]]
    if up.shape[0] < shape[0] or up.shape[1] < shape[1]:
        pad = ((0, shape[0] - up.shape[0]), (0, shape[1] - up.shape[1]))
        up = np.pad(up, pad, mode="edge")
    return np.ascontiguousarray(up, dtype=np.float32)


def block_any(mask: NDArray[np.bool_], side: int) -> NDArray[np.bool_]:
    """Whether any pixel of each ``side`` × ``side`` tile is set, the last tiles of a row
    or a column covering what is left (shape ``(⌈H / side⌉, ⌈W / side⌉)``).

    Examples
    --------
    >>> mask = np.zeros((5, 5), dtype=bool)
    >>> mask[4, 1] = True
    >>> block_any(mask, 2)
    array([[False, False, False],
           [False, False, False],
           [ True, False, False]])
    """
    h, w = mask.shape
    rows, cols = -(-h // side), -(-w // side)
    bands = np.zeros((rows, w), dtype=bool)
    for k in range(min(side, h)):  # the k-th row of every band of tiles
        part = mask[k::side]
        bands[: len(part)] |= part
    tiles = np.zeros((rows, cols), dtype=bool)
    for k in range(min(side, w)):
        part = bands[:, k::side]
        tiles[:, : part.shape[1]] |= part
    return tiles


def block_all(mask: NDArray[np.bool_], factor: int) -> NDArray[np.bool_]:
    """Whether every pixel of each ``factor`` × ``factor`` block is set (edges that do
    not fill a block are cut).

    Examples
    --------
    >>> mask = np.ones((4, 5), dtype=bool)
    >>> mask[0, 0] = False
    >>> block_all(mask, 2)
    array([[False,  True],
           [ True,  True]])
    """
    if factor == 1:
        return np.asarray(mask, dtype=bool)
    h, w = mask.shape[0] // factor, mask.shape[1] // factor
    cut = np.asarray(mask[: h * factor, : w * factor], dtype=bool)
    if factor & (factor - 1):
        return np.asarray(cut.reshape(h, factor, w, factor).all(axis=(1, 3)), dtype=bool)
    while factor > 1:  # halved in turn: the four pixels of each 2 x 2 block
        cut = cut[0::2, 0::2] & cut[1::2, 0::2] & cut[0::2, 1::2] & cut[1::2, 1::2]
        factor //= 2
    return cut


def full_resolution(
    mask: NDArray[np.bool_], factor: int, shape: tuple[int, ...]
) -> NDArray[np.bool_]:
    """A mask of a copy reduced by ``factor`` at full resolution ``shape`` (edges beyond
    whole blocks repeat).

    Examples
    --------
    >>> full_resolution(np.array([[True, False]]), 2, (3, 5)).astype(int)
    array([[1, 1, 0, 0, 0],
           [1, 1, 0, 0, 0],
           [1, 1, 0, 0, 0]])
    """
    full = np.repeat(np.repeat(mask, factor, axis=0), factor, axis=1)
    pad = (shape[0] - full.shape[0], shape[1] - full.shape[1])
    return np.asarray(np.pad(full, ((0, pad[0]), (0, pad[1])), mode="edge"), dtype=bool)


def erode_cross(mask: NDArray[np.bool_], iterations: int) -> NDArray[np.bool_]:
    """``mask`` eroded ``iterations`` times by the 3 × 3 cross, the pixels beyond its
    edges unset: ``scipy.ndimage.binary_erosion(np.pad(mask, iterations),
    iterations=iterations)`` without its padding, exactly (OpenCV's erosion).

    Examples
    --------
    >>> mask = np.ones((3, 5), dtype=bool)
    >>> erode_cross(mask, 1).astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 0, 0, 0]])
    """

    if iterations <= 0 or mask.size == 0:
        return np.array(mask, dtype=bool)
    padded = np.pad(np.asarray(mask, dtype=np.uint8), 1)  # unset beyond the edges
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    out = cv2.erode(padded, cross, iterations=iterations, borderType=cv2.BORDER_REPLICATE)
    return np.asarray(out[1:-1, 1:-1], dtype=bool)


def distance_to_unset(mask: NDArray[np.bool_]) -> Float32:
    """Euclidean distance of each pixel to the nearest unset pixel of ``mask``, exact
    (Felzenszwalb & Huttenlocher 2012, OpenCV's ``distanceTransform``); infinite where
    none is unset. Pixels beyond the edges are not unset. [px]

    Examples
    --------
    >>> mask = np.ones((1, 5), dtype=bool)
    >>> mask[0, 0] = False
    >>> distance_to_unset(mask)
    array([[0., 1., 2., 3., 4.]], dtype=float32)
    """

    if mask.size == 0 or mask.all():
        return np.full(mask.shape, np.inf, dtype=np.float32)
    source = np.ascontiguousarray(mask, dtype=np.uint8)
    out = cv2.distanceTransform(source, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return np.asarray(out, dtype=np.float32)


def kd_tree(points: NDArray[np.floating[Any]]) -> cKDTree:
    """scipy's k-d tree of points ``(row, col)``, built by sliding midpoints (the
    quickest to build; its searches find what any other tree's find). [px]"""
    return cKDTree(np.asarray(points, dtype=np.float64), balanced_tree=False, compact_nodes=False)


#: Neighbours :func:`nearest_among` reads a dropped point's way before searching the
#: kept points alone. [1]
_NEAREST_FEW = 16
#: The last few point sets' nearest distances, by their content: a measurement asks for
#: those of the same dots twice (when pruning them and for their figures).
_NEAREST: dict[bytes, Array] = {}
_NEAREST_KEPT = 2
_NEAREST_LOCK = threading.Lock()


def nearest_distance(points: NDArray[np.floating[Any]], *, tree: cKDTree | None = None) -> Array:
    """Distance from each point ``(row, col)`` to its nearest other point (infinite for
    a lone one), as :func:`nearest_neighbours` finds it. [px]

    The distances of the last few point sets are kept, by the points' values, for a
    second asking.

    Examples
    --------
    >>> nearest_distance(np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 5.0]]))
    array([5., 1., 1.])
    """
    points = np.ascontiguousarray(points, dtype=np.float64)
    shape = repr(points.shape).encode()[:16]
    digest = hashlib.blake2b(points.tobytes(), digest_size=16, person=shape).digest()
    with _NEAREST_LOCK:
        kept = _NEAREST.get(digest)
    if kept is not None:
        return kept.copy()
    nearest = nearest_neighbours(points, tree=tree)[0]
    with _NEAREST_LOCK:
        while len(_NEAREST) >= _NEAREST_KEPT:
            del _NEAREST[next(iter(_NEAREST))]
        _NEAREST[digest] = nearest.copy()
    return nearest


def nearest_neighbours(
    points: NDArray[np.floating[Any]], *, tree: cKDTree | None = None
) -> tuple[Array, Indices]:
    """Distance from each point ``(row, col)`` to its nearest other point [px], and that
    point's index (``len(points)`` for a lone point, at an infinite distance).

    Searched (in ``tree``, their :func:`kd_tree`, if already built) first within twice
    the spacing of as many points spread evenly over their bounding box, a bound that
    prunes the search, then without a bound for the points it leaves without a
    neighbour: the distances are those of an unbounded search.

    Examples
    --------
    >>> nearest_neighbours(np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 5.0]]))
    (array([5., 1., 1.]), array([1, 2, 1]))
    """
    points = np.asarray(points, dtype=np.float64)
    tree = kd_tree(points) if tree is None else tree
    if len(points) < 3:
        distance, index = tree.query(points, k=2)
        return np.asarray(distance[:, 1], np.float64), np.asarray(index[:, 1], np.intp)
    span = np.ptp(points, axis=0)
    area = max(float(span[0]) * float(span[1]), float(span.max()) ** 2 / len(points))
    bound = 2.0 * math.sqrt(area / len(points))
    distance, index = tree.query(points, k=[2], workers=-1, distance_upper_bound=bound)
    distance, index = np.asarray(distance[:, 0], np.float64), np.asarray(index[:, 0], np.intp)
    far = ~np.isfinite(distance)
    if far.any():
        again, at = tree.query(points[far], k=[2], workers=-1)
        distance[far], index[far] = again[:, 0], at[:, 0]
    return distance, index


def nearest_among(
    points: NDArray[np.floating[Any]],
    kept: NDArray[np.bool_],
    distance: Array,
    index: Indices,
    *,
    tree: cKDTree | None = None,
) -> tuple[Array, Indices]:
    """:func:`nearest_neighbours` of the points ``kept`` (their indices among them), from
    those of all the points (``distance``, ``index``): a point whose nearest is kept
    keeps it, the others are searched again: among their nearest few in ``tree`` (all
    the points' :func:`kd_tree`, if given) for the first kept one, else among the kept
    points alone. [px]

    Examples
    --------
    >>> points = np.array([[0.0, 0.0], [0.0, 1.0], [0.0, 3.0], [0.0, 7.0]])
    >>> kept = np.array([True, False, True, True])
    >>> nearest_among(points, kept, *nearest_neighbours(points))
    (array([3., 3., 4.]), array([1, 0, 1]))
    """
    chosen = np.flatnonzero(kept)
    place = np.full(len(points) + 1, -1, dtype=np.intp)  # the last: no nearest
    place[chosen] = np.arange(len(chosen))
    near = index[chosen]
    out_distance, out_index = distance[chosen].copy(), place[near]
    # Its nearest dropped (or the point itself, beside a twin).
    again = (out_index < 0) | (near == chosen)
    if again.any() and tree is not None and len(points) > 2:
        # The first kept one of each point's nearest few (itself excepted).
        few = min(_NEAREST_FEW, len(points))
        found, at = tree.query(np.asarray(points, np.float64)[chosen[again]], k=few)
        usable = (place[at] >= 0) & (at != chosen[again][:, None])
        first = np.argmax(usable, axis=1)
        some = usable[np.arange(len(first)), first]
        redo = np.flatnonzero(again)
        out_distance[redo[some]] = found[some, first[some]]
        out_index[redo[some]] = place[at[some, first[some]]]
        again[redo[some]] = False
    if again.any():
        sub = np.asarray(points, dtype=np.float64)[chosen]
        if len(sub) >= 2:
            found, at = kd_tree(sub).query(sub[again], k=2)
            out_distance[again], out_index[again] = found[:, 1], at[:, 1]
        else:
            out_distance[again], out_index[again] = np.inf, len(sub)
    return out_distance, out_index


def parallel_map(work: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """``work`` applied to each item, the results in the items' order, on up to
    :data:`MAX_WORKERS` threads (no more than the processors this process may use).

    Each call runs in a copy of the caller's context (its ``numpy.errstate``
    included), so that the results are those of a plain loop, whatever the number of
    threads; ``work`` must not change what the items share.

    Examples
    --------
    >>> parallel_map(lambda x: x * x, [1, 2, 3])
    [1, 4, 9]
    """
    try:
        processors = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        processors = os.cpu_count() or 1
    threads = min(MAX_WORKERS, processors, len(items))
    if threads <= 1:
        return [work(item) for item in items]
    contexts = [contextvars.copy_context() for _ in items]
    with ThreadPoolExecutor(threads) as pool:
        futures = [
            pool.submit(context.run, work, item)
            for context, item in zip(contexts, items, strict=True)
        ]
        return [future.result() for future in futures]


#: Pixels of a large picture a filter read only near each pixel runs on at once, band by
#: band (:func:`row_bands`; bounds the memory of its copies, changes no value). [px]
BAND_PX = 2_000_000


def row_bands(height: int, width: int, reach: int) -> list[tuple[int, int, int, int]]:
    """Bands of about :data:`BAND_PX` pixels that cover a picture's rows, for a filter
    whose value at a pixel depends on the rows within ``reach`` of it (mirrored at the
    picture's own edges): ``(top, bottom, first, last)``, the band's rows ``top`` to
    ``bottom`` and the rows ``first`` to ``last`` read for them (the band with up to
    ``reach`` rows of context each side). One band for a small picture.

    Examples
    --------
    >>> row_bands(10, 3, 1)
    [(0, 10, 0, 10)]
    >>> row_bands(9, BAND_PX // 4, 1)  # four rows a band
    [(0, 4, 0, 5), (4, 8, 3, 9), (8, 9, 7, 9)]
    """
    rows = max(1, BAND_PX // max(width, 1), 4 * reach)
    out = []
    for top in range(0, height, rows):
        bottom = min(top + rows, height)
        out.append((top, bottom, max(top - reach, 0), min(bottom + reach, height)))
    return out


def even_sample(values: NDArray[Any]) -> NDArray[Any]:
    """All of ``values`` (flattened), or an even sample of about :data:`MAX_SAMPLE` of
    them (every k-th).

    Examples
    --------
    >>> even_sample(np.arange(6).reshape(2, 3))
    array([0, 1, 2, 3, 4, 5])
    >>> len(even_sample(np.zeros(3 * MAX_SAMPLE))) == MAX_SAMPLE
    True
    """
    flat = values.reshape(-1)
    return flat if flat.size <= MAX_SAMPLE else flat[:: math.ceil(flat.size / MAX_SAMPLE)]
