"""Tests of each dot's measurement (:mod:`fadecast.measure.dot_measures`) against the
closed forms of a Gaussian dot."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.measure.dot_measures import (
    DotMeasures,
    dots_per_chunk,
    edge_crossings,
    measure_dots,
)
from fadecast.measure.photo import LinearRGB, linear_from_srgb8

SKIN_RGB = np.array([0.5, 0.35, 0.3])
INK_RGB = np.array([0.1, 0.1, 0.12])


def _dots(
    centres: np.ndarray, sigma: float, depth: float, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian dots of ink on skin: luminance and linear RGB. Each pixel is the skin
    mixed with the ink by ``depth`` times the Gaussian, so that its darkness
    ``1 - Y / Y_skin`` is that share of the ink's contrast."""
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]] + 0.5
    share = np.zeros(shape)
    for r, c in centres:
        share += depth * np.exp(-((rows - r) ** 2 + (cols - c) ** 2) / (2 * sigma**2))
    rgb = SKIN_RGB * (1 - share[..., None]) + INK_RGB * share[..., None]
    y = rgb @ np.array([0.2126, 0.7152, 0.0722])
    return y.astype(np.float32), rgb.astype(np.float32)


def _contrast() -> float:
    weights = np.array([0.2126, 0.7152, 0.0722])
    return float(1.0 - INK_RGB @ weights / (SKIN_RGB @ weights))


def _measure(centres: np.ndarray, sigma: float, depth: float, size: int) -> DotMeasures:
    y, rgb = _dots(centres, sigma, depth, (size, size))
    skin_y = np.full(len(centres), float(SKIN_RGB @ np.array([0.2126, 0.7152, 0.0722])))
    return measure_dots(
        y,
        rgb,
        centres[:, 0],
        centres[:, 1],
        skin_y,
        np.zeros((size, size), dtype=bool),
        working_factor=1,
        sigma_px=sigma,
    )


@settings(max_examples=30, deadline=None)
@given(
    sigma=st.floats(4.0, 8.0),
    depth=st.floats(0.3, 0.9),
    dr=st.floats(0.0, 1.0, exclude_max=True),
    dc=st.floats(0.0, 1.0, exclude_max=True),
)
def test_a_gaussian_dot_is_measured_as_its_closed_form(
    sigma: float, depth: float, dr: float, dc: float
) -> None:
    """Depth: the share times the ink's contrast, read over a small disk at the centre
    (so a few per cent under the peak); then, at the depth read, the diameter is the
    width where the Gaussian falls to half of it, ``2 σ sqrt(2 ln(2 d / d_read))`` (the
    full width at half depth, ``2 σ sqrt(2 ln 2)``, when read exactly), the edge the
    distance between its 10 % and 90 % levels, and the centre's colour the ink's mix at
    that depth; the skin's colour is the skin's."""
    centre = np.array([[40.0 + dr, 40.0 + dc]])
    measured = _measure(centre, sigma, depth, 80)
    true_depth = depth * _contrast()
    read = float(measured.depth[0])
    assert read == pytest.approx(true_depth, rel=0.07)
    assert read <= true_depth

    def radius(level: float) -> float:  # where the dot is ``level`` of the depth read
        return sigma * math.sqrt(2.0 * math.log(true_depth / (level * read)))

    assert float(measured.diameter_px[0]) == pytest.approx(2.0 * radius(0.5), rel=0.06)
    assert float(measured.edge_px[0]) == pytest.approx(radius(0.1) - radius(0.9), rel=0.08)
    share = read / _contrast()
    centre_rgb = SKIN_RGB * (1 - share) + INK_RGB * share
    np.testing.assert_allclose(measured.centre_rgb[0], centre_rgb, rtol=0.03)
    np.testing.assert_allclose(measured.skin_rgb[0], SKIN_RGB, rtol=0.01)


def test_a_dot_wider_than_the_measuring_copy_is_measured_on_a_reduced_one() -> None:
    """σ = 12 px: measured where it is 3 px wide (a copy a quarter the size), its
    diameter still in full-resolution pixels."""
    centre = np.array([[96.0, 96.0]])
    measured = _measure(centre, 12.0, 0.6, 192)
    fwhm = 2.0 * 12.0 * math.sqrt(2.0 * math.log(2.0))
    assert float(measured.diameter_px[0]) == pytest.approx(fwhm, rel=0.06)


def test_a_hair_across_a_dot_neither_hides_it_nor_shrinks_it() -> None:
    sigma, size = 5.0, 80
    centre = np.array([[40.0, 40.0]])
    y, rgb = _dots(centre, sigma, 0.6, (size, size))
    hair = np.zeros((size, size), dtype=bool)
    hair[:, 41:43] = True  # across the centre
    y_hairy = y.copy()
    y_hairy[hair] *= 0.3
    skin_y = np.array([float(SKIN_RGB @ np.array([0.2126, 0.7152, 0.0722]))])
    args = (centre[:, 0], centre[:, 1], skin_y)
    plain = measure_dots(y, rgb, *args, np.zeros_like(hair), working_factor=1, sigma_px=sigma)
    hairy = measure_dots(y_hairy, rgb, *args, hair, working_factor=1, sigma_px=sigma)
    assert float(hairy.depth[0]) == pytest.approx(float(plain.depth[0]), rel=0.05)
    assert float(hairy.diameter_px[0]) == pytest.approx(float(plain.diameter_px[0]), rel=0.06)


def _dot_grid(
    *, spacing: int, count: int, sigma: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A count × count grid of Gaussian ink dots on skin: luminance, linear RGB and the
    dots' centres (row, col)."""
    size = spacing * count
    rows, cols = np.mgrid[0:size, 0:size] + 0.5
    dr, dc = rows % spacing - spacing / 2, cols % spacing - spacing / 2
    share = 0.5 * np.exp(-(dr**2 + dc**2) / (2 * sigma**2))
    rgb = (SKIN_RGB * (1 - share[..., None]) + INK_RGB * share[..., None]).astype(np.float32)
    y = rgb @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
    centres = np.array(
        [(spacing * (i + 0.5), spacing * (j + 0.5)) for i in range(count) for j in range(count)]
    )
    return y, rgb, centres


def test_dots_are_measured_the_same_in_one_chunk_or_many() -> None:
    """More dots than a chunk holds: each one's figures as if measured alone."""
    sigma = 2.5
    y, rgb, grid = _dot_grid(spacing=12, count=48, sigma=sigma)
    chunk = dots_per_chunk(sigma)
    assert len(grid) > chunk
    skin = float(SKIN_RGB @ np.array([0.2126, 0.7152, 0.0722]))
    hair = np.zeros(y.shape, dtype=bool)

    def measured(picked: np.ndarray) -> DotMeasures:
        return measure_dots(
            y,
            rgb,
            grid[picked, 0],
            grid[picked, 1],
            np.full(len(picked), skin),
            hair,
            working_factor=1,
            sigma_px=sigma,
        )

    all_at_once = measured(np.arange(len(grid)))
    picked = np.array([0, 700, chunk, len(grid) - 1])
    alone = measured(picked)
    for name in ("depth", "diameter_px", "edge_px", "centre_rgb", "skin_rgb"):
        np.testing.assert_array_equal(getattr(alone, name), getattr(all_at_once, name)[picked])


def test_colours_read_from_codes_are_those_of_the_decoded_photo() -> None:
    rng = np.random.default_rng(0)
    srgb = rng.integers(60, 200, (40, 40, 3), dtype=np.uint8)
    rgb = linear_from_srgb8(srgb)
    y = rgb @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
    args = (np.array([20.0, 5.0]), np.array([20.0, 30.0]), np.array([0.3, 0.3]))
    hair = np.zeros((40, 40), dtype=bool)
    from_array = measure_dots(y, rgb, *args, hair, working_factor=1, sigma_px=3.0)
    from_codes = measure_dots(y, LinearRGB(srgb), *args, hair, working_factor=1, sigma_px=3.0)
    np.testing.assert_allclose(from_codes.centre_rgb, from_array.centre_rgb, rtol=1e-6)
    np.testing.assert_allclose(from_codes.skin_rgb, from_array.skin_rgb, rtol=1e-6)


def test_no_dots_give_empty_measures_and_a_subset_keeps_its_dots() -> None:
    y = np.ones((20, 20), dtype=np.float32)
    none = measure_dots(
        y,
        np.ones((20, 20, 3), dtype=np.float32),
        np.zeros(0),
        np.zeros(0),
        np.zeros(0),
        np.zeros((20, 20), dtype=bool),
        working_factor=1,
        sigma_px=2.0,
    )
    assert none.depth.shape == (0,) and none.centre_rgb.shape == (0, 3)
    measured = _measure(np.array([[20.0, 20.0], [20.0, 50.0]]), 4.0, 0.5, 70)
    second = measured.subset(np.array([False, True]))
    assert second.depth.tolist() == measured.depth[1:].tolist()
    assert second.skin_rgb.shape == (1, 3)


def _crossings_by_definition(
    profiles: np.ndarray, depth: np.ndarray, levels: tuple[float, ...], floor: np.ndarray | None
) -> list[np.ndarray]:
    """Each ray's first fall below each level, each sample compared with its target
    exactly (in double precision), interpolated linearly; NaN where unread first."""
    n = profiles.shape[-1]
    unread = np.isnan(profiles)
    first_unread = np.where(unread.any(axis=-1), np.argmax(unread, axis=-1), n)
    top = depth[:, None]
    base = np.zeros_like(top) if floor is None else floor
    out = []
    for level in levels:
        target = base + level * (top - base)
        below = profiles.astype(np.float64) < target[..., None]
        fell = below.any(axis=-1)
        k = np.argmax(below, axis=-1)
        before = np.take_along_axis(profiles, np.maximum(k - 1, 0)[..., None], -1)[..., 0]
        after = np.take_along_axis(profiles, k[..., None], -1)[..., 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.clip((before - target) / (before - after), 0.0, 1.0)
        radius = np.where(fell, np.where(k > 0, k - 1 + share, 0.0), np.inf)
        blind = first_unread <= np.where(fell, k, n - 1)
        out.append(np.where(blind | ~np.isfinite(target), np.nan, radius))
    return out


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 1000), unread=st.floats(0.0, 0.3))
def test_edge_crossings_of_single_precision_profiles_are_those_of_their_definition(
    seed: int, unread: float
) -> None:
    """Single-precision profiles, compared with their targets in their own precision,
    give the crossings of comparing each sample exactly, targets on a sample included."""
    rng = np.random.default_rng(seed)
    profiles = np.sort(rng.random((40, 24, 12)), axis=-1)[..., ::-1].astype(np.float32)
    profiles[rng.random(profiles.shape) < unread] = np.nan
    depth = rng.random(40)
    depth[:3] = profiles[:3, 0, 3]  # targets falling on a sample
    depth[3] = np.nan
    floor = rng.random((40, 24)) * 0.2
    levels = (0.9, 0.5, 0.1, 1.0)
    for base in (None, floor):
        got = edge_crossings(profiles, depth, levels, step=1.0, floor=base)
        for a, b in zip(got, _crossings_by_definition(profiles, depth, levels, base), strict=True):
            np.testing.assert_array_equal(a, b)


def test_dots_are_measured_the_same_on_one_thread_or_several(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fadecast.measure import imaging

    sigma = 2.5
    y, rgb, centres = _dot_grid(spacing=12, count=40, sigma=sigma)
    hair = np.zeros(y.shape, dtype=bool)
    hair[100:300, 200] = True  # a hair across some of them

    def measured() -> DotMeasures:
        return measure_dots(
            y,
            rgb,
            centres[:, 0],
            centres[:, 1],
            np.full(len(centres), float(SKIN_RGB @ np.array([0.2126, 0.7152, 0.0722]))),
            hair,
            working_factor=1,
            sigma_px=sigma,
        )

    monkeypatch.setattr(imaging, "MAX_WORKERS", 1)
    one = measured()
    monkeypatch.setattr(imaging, "MAX_WORKERS", 4)
    several = measured()
    for name in ("depth", "diameter_px", "edge_px", "centre_rgb", "skin_rgb"):
        np.testing.assert_array_equal(getattr(one, name), getattr(several, name))


def test_dots_at_the_edge_and_under_a_hair_are_measured_the_same_alone() -> None:
    """Dots whose window crosses the picture's edge or meets a hair (read on their own
    paths) have the figures they have when measured alone, and ones clear of both
    the same as without any such dot beside them."""
    sigma = 2.5
    y, rgb, grid = _dot_grid(spacing=12, count=12, sigma=sigma)
    hair = np.zeros(y.shape, dtype=bool)
    hair[30:90, 40] = True
    centres = np.r_[grid, [[0.0, 30.0], [70.0, 0.0], [143.5, 143.5]]]
    skin = np.full(len(centres), float(SKIN_RGB @ np.array([0.2126, 0.7152, 0.0722])))

    def measured(picked: np.ndarray) -> DotMeasures:
        return measure_dots(
            y,
            rgb,
            centres[picked, 0],
            centres[picked, 1],
            skin[picked],
            hair,
            working_factor=1,
            sigma_px=sigma,
        )

    all_at_once = measured(np.arange(len(centres)))
    for picked in ([len(centres) - 3], [len(centres) - 2, 40], [38, 39, len(centres) - 1]):
        alone = measured(np.array(picked))
        for name in ("depth", "diameter_px", "edge_px", "centre_rgb", "skin_rgb"):
            np.testing.assert_array_equal(getattr(alone, name), getattr(all_at_once, name)[picked])
    assert np.isfinite(all_at_once.diameter_px[-3:]).all()
