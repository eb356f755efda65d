"""Tests of the image helpers (:mod:`fadecast.measure.imaging`): each against its exact
reference (scipy's filters and distance transform, brute force)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from fadecast.measure import imaging


@pytest.mark.parametrize("size", [3, 7, 29, 61])
@pytest.mark.parametrize("shape", [(5, 7), (120, 90)])
def test_min_and_max_filters_are_scipys_to_the_bit(size: int, shape: tuple[int, int]) -> None:
    image = np.random.default_rng(size).random(shape).astype(np.float32)
    maxed = imaging.maximum_filter(image, size)
    assert np.array_equal(maxed, ndimage.maximum_filter(image, size=size))
    assert np.array_equal(
        imaging.minimum_filter(image, size), ndimage.minimum_filter(image, size=size)
    )
    closed = ndimage.grey_closing(image, size=(size, size))
    assert np.array_equal(imaging.minimum_filter(maxed, size), closed)


@settings(max_examples=50, deadline=None)
@given(value=st.floats(0.0, 1e9))
def test_the_power_of_two_at_most_a_value_is_the_largest_not_above_it(value: float) -> None:
    power = imaging.power_of_two_at_most(value)
    assert power >= 1 and power & (power - 1) == 0
    if value >= 2.0:
        assert power <= value < 2 * power
    else:
        assert power == 1


@settings(max_examples=50, deadline=None)
@given(
    rows=st.integers(1, 20_000),
    cols=st.integers(1, 20_000),
    sigma=st.floats(0.1, 500.0),
    width=st.floats(1.0, 5.0),
)
def test_a_reduction_brings_a_width_to_at_least_the_width_asked_and_keeps_a_copy(
    rows: int, cols: int, sigma: float, width: float
) -> None:
    factor = imaging.reduction_factor((rows, cols), sigma, width)
    assert factor >= 1 and factor & (factor - 1) == 0
    assert factor == 1 or sigma / factor >= width  # never finer than asked
    assert factor == 1 or min(rows, cols) / factor >= imaging.MIN_COPY_SIDE
    # The next power of two would go below the width asked or the shortest copy.
    doubled = 2 * factor
    assert sigma / doubled < width or min(rows, cols) / doubled < imaging.MIN_COPY_SIDE


def test_bilinear_resampling_is_exact_on_a_plane_and_clamps_at_the_edges() -> None:
    rows, cols = np.mgrid[0:6, 0:9].astype(np.float32)
    plane = np.asarray(2.0 * rows - 0.5 * cols + 1.0, dtype=np.float32)
    r = np.array([0.0, 0.25, 2.5, 5.0])
    c = np.array([0.0, 3.75, 8.0])
    expected = 2.0 * r[:, None] - 0.5 * c[None, :] + 1.0
    np.testing.assert_allclose(imaging.bilinear(plane, r, c), expected, rtol=1e-6)
    outside = imaging.bilinear(plane, np.array([-3.0, 9.0]), np.array([-1.0, 20.0]))
    np.testing.assert_array_equal(outside, plane[[0, -1]][:, [0, -1]])
    single = imaging.bilinear(plane[:1, :1], np.array([0.0, 0.5]), np.array([0.3]))
    np.testing.assert_array_equal(single, np.full((2, 1), plane[0, 0]))


@settings(max_examples=50, deadline=None)
@given(
    factor=st.integers(1, 9),
    rows=st.integers(1, 40),
    cols=st.integers(1, 40),
    share=st.floats(0.5, 1.0),
    seed=st.integers(0, 1000),
)
def test_a_block_is_set_when_all_its_pixels_are(
    factor: int, rows: int, cols: int, share: float, seed: int
) -> None:
    mask = np.random.default_rng(seed).random((rows, cols)) < share
    blocks = imaging.block_all(mask, factor)
    h, w = rows // factor, cols // factor
    assert blocks.shape == (h, w)
    for i in range(h):
        for j in range(w):
            block = mask[i * factor : (i + 1) * factor, j * factor : (j + 1) * factor]
            assert blocks[i, j] == block.all()


@settings(max_examples=50, deadline=None)
@given(
    factor=st.integers(1, 6),
    rows=st.integers(1, 12),
    cols=st.integers(1, 12),
    extra=st.tuples(st.integers(0, 5), st.integers(0, 5)),
    seed=st.integers(0, 1000),
)
def test_full_resolution_repeats_each_block_and_the_edges(
    factor: int, rows: int, cols: int, extra: tuple[int, int], seed: int
) -> None:
    mask = np.random.default_rng(seed).random((rows, cols)) < 0.5
    shape = (rows * factor + extra[0], cols * factor + extra[1])
    full = imaging.full_resolution(mask, factor, shape)
    assert full.shape == shape
    r = np.minimum(np.arange(shape[0]) // factor, rows - 1)
    c = np.minimum(np.arange(shape[1]) // factor, cols - 1)
    np.testing.assert_array_equal(full, mask[r][:, c])


@settings(max_examples=40, deadline=None)
@given(rows=st.integers(1, 40), cols=st.integers(1, 40), seed=st.integers(0, 1000))
def test_distance_to_unset_is_the_exact_euclidean_distance(rows: int, cols: int, seed: int) -> None:
    mask = np.random.default_rng(seed).random((rows, cols)) < 0.9
    got = imaging.distance_to_unset(mask)
    assert got.dtype == np.float32 and got.shape == mask.shape
    if mask.all():
        assert np.isinf(got).all()
    else:
        np.testing.assert_allclose(got, ndimage.distance_transform_edt(mask), rtol=1e-6)


def test_distance_to_unset_of_an_empty_mask_is_empty() -> None:
    assert imaging.distance_to_unset(np.zeros((0, 4), dtype=bool)).shape == (0, 4)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 60), seed=st.integers(0, 1000))
def test_the_nearest_distance_is_the_brute_force_one(n: int, seed: int) -> None:
    points = np.random.default_rng(seed).random((n, 2)) * 100.0
    pairwise = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(pairwise, np.inf)
    np.testing.assert_allclose(imaging.nearest_distance(points), pairwise.min(axis=1))


@pytest.mark.parametrize("size", [1, 1000, imaging.MAX_SAMPLE, imaging.MAX_SAMPLE + 1])
def test_an_even_sample_keeps_small_arrays_whole_and_thins_large_ones(size: int) -> None:
    values = np.arange(size, dtype=np.int64)
    sample = imaging.even_sample(values)
    assert len(sample) <= imaging.MAX_SAMPLE
    step = 1 if size <= imaging.MAX_SAMPLE else math.ceil(size / imaging.MAX_SAMPLE)
    np.testing.assert_array_equal(sample, values[::step])
    assert len(sample) >= imaging.MAX_SAMPLE // 2 or size <= imaging.MAX_SAMPLE


@pytest.mark.parametrize("shape", [(1, 1), (1, 6), (5, 7), (40, 33), (120, 90)])
@pytest.mark.parametrize("sigma", [0.3, 1.0, 2.5, 6.0])
def test_the_gaussian_filters_are_scipys_to_single_precision(
    shape: tuple[int, int], sigma: float
) -> None:
    """Gaussian smoothing (each border mode), the Laplacian of Gaussian (plain and
    mirror-exact) and the 3 × 3 box mean equal scipy's to float32 rounding, on pictures
    smaller than the kernels too."""
    image = np.random.default_rng(len(shape) + int(10 * sigma)).random(shape).astype(np.float32)
    for mode in ("reflect", "nearest", "constant"):
        np.testing.assert_allclose(
            imaging.gaussian_filter(image, sigma, mode=mode),
            ndimage.gaussian_filter(image, sigma, mode=mode),
            atol=1e-6,
        )
    reference = ndimage.gaussian_laplace(image, sigma)
    scale = max(float(np.abs(reference).max()), 1.0)
    for mirror in (False, True):
        got = imaging.gaussian_laplace(image, sigma, mirror=mirror)
        assert got.dtype == np.float32 and got.shape == shape
        np.testing.assert_allclose(got, reference, atol=1e-6 * scale)
    np.testing.assert_allclose(
        imaging.box_mean(image, 3), ndimage.uniform_filter(image, 3), atol=1e-6
    )


def test_a_gaussian_kernel_reaches_as_far_as_scipys() -> None:
    for sigma in (0.1, 0.5, 1.0, 2.6, 7.3):
        reach = imaging.gaussian_reach(sigma)
        assert len(imaging.gaussian_kernel(sigma)) == 2 * reach + 1
        assert len(imaging.gaussian_kernel(sigma, 2)) == 2 * reach + 1
        impulse = np.zeros(4 * reach + 3)
        impulse[2 * reach + 1] = 1.0
        spread = np.flatnonzero(ndimage.gaussian_filter1d(impulse, sigma))
        assert spread[0] == reach + 1 and spread[-1] == 3 * reach + 1


@pytest.mark.parametrize("sigma", [1.0, 2.0, 3.3])
def test_the_mirror_exact_laplacian_keeps_a_symmetric_picture_symmetric_to_the_bit(
    sigma: float,
) -> None:
    rows, cols = np.mgrid[0:64, 0:64] % 16 - 7.5  # blobs centred between pixels
    image = (1.0 - 0.4 * np.exp(-(rows**2 + cols**2) / (2 * sigma**2))).astype(np.float32)
    log = imaging.gaussian_laplace(image, sigma, mirror=True)
    block = log[8:24, 8:24]  # one period, symmetric about its middle both ways
    np.testing.assert_array_equal(block, block[::-1, :])
    np.testing.assert_array_equal(block, block[:, ::-1])


@settings(max_examples=50, deadline=None)
@given(
    rows=st.integers(1, 12),
    cols=st.integers(1, 12),
    factor=st.sampled_from([1, 2, 4, 8]),
    extra_rows=st.integers(0, 7),
    extra_cols=st.integers(0, 7),
    seed=st.integers(0, 1000),
)
def test_linear_upsampling_is_bilinear_at_the_pixel_centres(
    rows: int, cols: int, factor: int, extra_rows: int, extra_cols: int, seed: int
) -> None:
    image = np.random.default_rng(seed).random((rows, cols)).astype(np.float32)
    shape = (rows * factor + min(extra_rows, factor - 1), cols * factor + min(extra_cols, 9))
    at_rows = (np.arange(shape[0]) + 0.5) / factor - 0.5
    at_cols = (np.arange(shape[1]) + 0.5) / factor - 0.5
    got = imaging.upsample_linear(image, factor, shape)
    assert got.shape == shape and got.dtype == np.float32
    np.testing.assert_allclose(got, imaging.bilinear(image, at_rows, at_cols), atol=1e-6)


@settings(max_examples=50, deadline=None)
@given(
    rows=st.integers(1, 30),
    cols=st.integers(1, 30),
    iterations=st.integers(0, 5),
    share=st.floats(0.0, 0.4),
    seed=st.integers(0, 1000),
)
def test_the_cross_erosion_is_scipys_padded_erosion_exactly(
    rows: int, cols: int, iterations: int, share: float, seed: int
) -> None:
    mask = np.random.default_rng(seed).random((rows, cols)) >= share
    got = imaging.erode_cross(mask, iterations)
    if iterations == 0:
        np.testing.assert_array_equal(got, mask)
        return
    padded = ndimage.binary_erosion(np.pad(mask, iterations), iterations=iterations)
    np.testing.assert_array_equal(got, padded[iterations:-iterations, iterations:-iterations])


@settings(max_examples=50, deadline=None)
@given(
    rows=st.integers(1, 30),
    cols=st.integers(1, 30),
    side=st.integers(1, 9),
    seed=st.integers(0, 1000),
)
def test_a_tile_is_set_when_any_of_its_pixels_is(
    rows: int, cols: int, side: int, seed: int
) -> None:
    mask = np.random.default_rng(seed).random((rows, cols)) > 0.9
    tiles = imaging.block_any(mask, side)
    assert tiles.shape == (math.ceil(rows / side), math.ceil(cols / side))
    for i, j in np.ndindex(*tiles.shape):
        assert tiles[i, j] == mask[i * side : (i + 1) * side, j * side : (j + 1) * side].any()


def test_work_in_parallel_gives_the_results_of_a_loop_in_order_and_context() -> None:
    """Results in the items' order, each computed under the caller's numpy error state."""

    def work(item: int) -> tuple[int, str]:
        return item * item, str(np.geterr()["divide"])

    with np.errstate(divide="raise"):
        results = imaging.parallel_map(work, list(range(20)))
    assert results == [(i * i, "raise") for i in range(20)]
    assert imaging.parallel_map(work, []) == []


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 200), seed=st.integers(0, 10**6), keep=st.floats(0.0, 1.0))
def test_the_nearest_neighbours_of_a_subset_are_those_searched_among_it(
    n: int, seed: int, keep: float
) -> None:
    """Each point's nearest (its distance and index) is the brute-force one, and so is
    each kept point's among the kept, found from the whole set's (on integer points,
    whose ties the index must not confuse)."""
    rng = np.random.default_rng(seed)
    points = np.unique(np.floor(rng.random((n, 2)) * 30.0), axis=0)
    kept = rng.random(len(points)) < keep

    def brute(p: np.ndarray) -> np.ndarray:
        d = np.hypot(*(p[:, None, :] - p[None, :, :]).transpose(2, 0, 1))
        np.fill_diagonal(d, np.inf)
        return d.min(axis=1) if len(p) > 1 else np.full(len(p), np.inf)

    distance, index = imaging.nearest_neighbours(points)
    assert np.allclose(distance, brute(points))
    if len(points) > 1:
        assert np.allclose(np.hypot(*(points - points[index]).T), distance)
    among, at = imaging.nearest_among(points, kept, distance, index)
    sub = points[kept]
    assert np.allclose(among, brute(sub))
    if len(sub) > 1:
        assert np.allclose(np.hypot(*(sub - sub[at]).T), among)


def test_nearest_distances_asked_again_are_the_same_and_not_shared() -> None:
    points = np.random.default_rng(0).random((500, 2)) * 100.0
    first = imaging.nearest_distance(points)
    first[:] = -1.0  # the caller's own copy
    again = imaging.nearest_distance(points.copy())
    assert np.array_equal(again, imaging.nearest_distance(points[::-1].copy())[::-1])
    assert (again > 0.0).all()


@pytest.mark.parametrize("size", [3, 9])
def test_min_and_max_filters_in_place_are_the_same(size: int) -> None:
    image = np.random.default_rng(size).random((60, 70)).astype(np.float32)
    for operation in (imaging.maximum_filter, imaging.minimum_filter):
        expected = operation(image, size)
        into = image.copy()
        assert operation(into, size, out=into) is into
        assert np.array_equal(into, expected)
    with pytest.raises(ValueError, match="out"):
        imaging.maximum_filter(image, size, out=np.zeros((3, 3), dtype=np.float32))
