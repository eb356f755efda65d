"""Tests of dot finding: on renders with known truth, and its building blocks."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage
from scipy.spatial import cKDTree

from fadecast.forecasting import scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.measure import dots
from fadecast.measure.photo import linear_from_srgb8, luminance
from fadecast.render.scene import Renders, RenderSettings, render_profile

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
PX_PER_MM = 20.0
SPACING_MM = 1.0


@functools.cache
def _renders(name: str, stubble: bool = False) -> Renders:
    today = dt.date(2026, 11, 23)
    sc = scenario_from_profile(load_profile(EXAMPLES / f"{name}.toml", today=today), today=today)
    settings = RenderSettings(size_mm=24.0, px_per_mm=PX_PER_MM, seed=3, stubble=stubble)
    return render_profile(sc, [0.0, 5.0], settings)


def _f1(found: dots.DotFinding, renders: Renders) -> tuple[float, np.ndarray]:
    """F1 of the detections (a match within half the dot spacing, one to one)."""
    truth = renders.scene.layout.centres_mm[:, ::-1] * PX_PER_MM
    distance, index = cKDTree(truth).query(np.c_[found.rows, found.cols])
    matched = np.unique(index[distance < 0.5 * SPACING_MM * PX_PER_MM])
    precision = len(matched) / max(found.count, 1)
    recall = len(matched) / len(truth)
    return 2 * precision * recall / max(precision + recall, 1e-12), matched


@pytest.mark.parametrize("name", ["temperate-office-worker", "dark-skinned-client"])
@pytest.mark.parametrize("year_index", [0, 1])
def test_dots_of_a_render_are_found_and_sized(name: str, year_index: int) -> None:
    renders = _renders(name)
    picture = renders.pictures[year_index]
    rgb = linear_from_srgb8(picture.closeup_srgb)
    found = dots.find_dots(luminance(rgb), rgb)
    f1, _ = _f1(found, renders)
    assert f1 >= 0.95
    truth_diameter = float(np.median(picture.diameter_mm)) * PX_PER_MM
    assert float(np.median(found.diameter_px)) == pytest.approx(truth_diameter, rel=0.10)
    assert np.all(found.depth > 0.0)
    assert np.all(found.edge_px >= 0.0)


def test_dots_fade_over_the_years() -> None:
    renders = _renders("temperate-office-worker")
    depths = []
    for picture in renders.pictures:
        rgb = linear_from_srgb8(picture.closeup_srgb)
        depths.append(float(np.median(dots.find_dots(luminance(rgb), rgb).depth)))
    assert depths[1] < depths[0]


def test_stubble_is_masked_as_hair() -> None:
    """Nearly every hair pixel is masked, and little beside the hairs' soft edges."""
    renders = _renders("temperate-office-worker", stubble=True)
    for picture in renders.pictures:
        rgb = linear_from_srgb8(picture.closeup_srgb)
        found = dots.find_dots(luminance(rgb), rgb)
        f = found.working_factor
        mask = np.repeat(np.repeat(found.hair, f, axis=0), f, axis=1)
        truth = renders.scene.hair_coverage[: mask.shape[0], : mask.shape[1]] > 0.3
        assert mask[truth].mean() >= 0.95
        assert mask[~truth].mean() <= 0.05


def test_stubble_does_not_hide_the_dots_or_shrink_them() -> None:
    """Hairs lying across dots are painted out; the dots are found and sized as
    without stubble."""
    plain, hairy = _renders("temperate-office-worker"), _renders("temperate-office-worker", True)
    for index, picture in enumerate(hairy.pictures):
        rgb = linear_from_srgb8(picture.closeup_srgb)
        found = dots.find_dots(luminance(rgb), rgb)
        truth = hairy.scene.layout.centres_mm[:, ::-1] * PX_PER_MM
        seen = truth[~picture.centre_hidden]
        distance = cKDTree(np.c_[found.rows, found.cols]).query(seen)[0]
        assert (distance < 0.5 * SPACING_MM * PX_PER_MM).mean() >= 0.97
        plain_rgb = linear_from_srgb8(plain.pictures[index].closeup_srgb)
        plain_found = dots.find_dots(luminance(plain_rgb), plain_rgb)
        assert found.sigma_px == pytest.approx(plain_found.sigma_px, rel=0.1)
        assert float(np.median(found.diameter_px)) == pytest.approx(
            float(np.median(plain_found.diameter_px)), rel=0.05
        )


def test_blotchy_noise_on_bare_skin_is_not_taken_for_dots() -> None:
    """Compression-like noise (white noise smoothed to the dots' scale) over a photo whose
    upper half is bare skin: the dots below are found, almost nothing above."""
    rng = np.random.default_rng(3)
    size, spacing, sigma = 320, 20, 4.0
    image = _gaussian_dots(sigma, spacing, size).astype(np.float64)
    image = 1.0 - (1.0 - image) * 0.3  # faded: 12 % deep
    image[: size // 2] = 1.0
    blotches = ndimage.gaussian_filter(rng.standard_normal((size, size)), 2.0)
    image *= 1.0 + 0.01 * blotches / blotches.std()
    y = image.astype(np.float32)
    found = dots.find_dots(y, np.repeat(y[..., None], 3, axis=2), sigma_px=sigma)
    upper = found.rows < size // 2 - spacing
    true_lower = len(range(spacing // 2, size, spacing)) ** 2 // 2
    assert upper.sum() <= 3
    assert (~upper).sum() >= 0.95 * true_lower


def test_one_dot_split_by_noise_is_merged_and_touching_dots_are_not() -> None:
    size, sigma = 120, 4.0
    rows, cols = np.mgrid[0:size, 0:size] + 0.5
    darkness = np.exp(-((rows - 40) ** 2 + (cols - 40) ** 2) / (2 * sigma**2))
    for centre in (30.0, 30.0 + 3.2 * sigma):  # touching dots, 3.2 widths apart
        darkness += np.exp(-((rows - 85) ** 2 + (cols - centre) ** 2) / (2 * sigma**2))
    whole = (-(sigma**2) * ndimage.gaussian_laplace(darkness, sigma)).astype(np.float32)
    candidates_r = np.array([38, 42, 85, 85, 10], dtype=np.intp)  # two on the first dot
    candidates_c = np.array([39, 41, 30, 43, 110], dtype=np.intp)
    strength = whole[candidates_r, candidates_c]
    merged_r, merged_c = dots._merge_close(candidates_r, candidates_c, strength, whole, sigma)
    kept = set(zip(merged_r.tolist(), merged_c.tolist(), strict=True))
    assert len(kept & {(38, 39), (42, 41)}) == 1
    assert {(85, 30), (85, 43), (10, 110)} <= kept


def test_a_picture_without_dots_finds_none() -> None:
    rng = np.random.default_rng(0)
    skin = np.full((300, 300, 3), 0.35, dtype=np.float32)
    skin *= 1.0 + 0.01 * rng.standard_normal((300, 300, 1)).astype(np.float32)
    found = dots.find_dots(luminance(skin), skin)
    assert found.count < 20  # below the figures' minimum: flagged too_few_dots


def _gaussian_dots(sigma_px: float, spacing_px: int, size: int = 320) -> np.ndarray:
    rows, cols = np.mgrid[0:size, 0:size] + 0.5
    image = np.ones((size, size))
    for r in range(spacing_px // 2, size, spacing_px):
        for c in range(spacing_px // 2, size, spacing_px):
            image -= 0.4 * np.exp(-((rows - r) ** 2 + (cols - c) ** 2) / (2 * sigma_px**2))
    return image.astype(np.float32)


def test_the_dots_scale_is_read_from_the_image() -> None:
    """The scale sets the working resolution and windows, not a reported size: it must
    follow the dots' size closely, not equal it."""
    found = [dots.dot_scale_px(_gaussian_dots(s, spacing_px=int(6 * s))) for s in (2.0, 3.5, 6.0)]
    assert found == sorted(found)
    for estimate, sigma_px in zip(found, (2.0, 3.5, 6.0), strict=True):
        assert estimate == pytest.approx(sigma_px, rel=0.35)


@settings(max_examples=25, deadline=None)
@given(
    factor=st.integers(1, 5),
    rows=st.integers(5, 40),
    cols=st.integers(5, 40),
    seed=st.integers(0, 1000),
)
def test_block_mean_keeps_the_mean_of_whole_blocks(
    factor: int, rows: int, cols: int, seed: int
) -> None:
    image = np.random.default_rng(seed).random((rows, cols)).astype(np.float32)
    reduced = dots.block_mean(image, factor)
    h, w = rows // factor, cols // factor
    assert reduced.shape == (h, w)
    if h and w:
        whole = image[: h * factor, : w * factor]
        assert float(reduced.mean()) == pytest.approx(float(whole.mean()), rel=1e-5)


def test_inpainting_fills_only_the_mask_from_its_surroundings() -> None:
    image = np.full((50, 50), 0.2, dtype=np.float32)
    mask = np.zeros((50, 50), dtype=bool)
    mask[20:30, 24:26] = True
    image[mask] = 0.9  # a dark line
    filled = dots.inpaint(image, mask, 3.0)
    np.testing.assert_array_equal(filled[~mask], image[~mask])
    np.testing.assert_allclose(filled[mask], 0.2, atol=1e-5)


def test_a_dark_line_is_a_hair_and_a_round_dot_is_not() -> None:
    darkness = np.zeros((60, 60), dtype=np.float32)
    darkness[10:50, 15] = 0.8  # a hair, one pixel wide
    rows, cols = np.mgrid[0:60, 0:60]
    darkness += 0.5 * np.exp(-((rows - 30) ** 2 + (cols - 42) ** 2) / (2 * 3.0**2))
    mask = dots.hair_mask(darkness.astype(np.float32), 3.0, min_darkness=0.05)
    assert mask[30, 15] and mask[20, 15]
    assert not mask[30, 42]


@pytest.mark.parametrize("size", [3, 7, 29, 61])
@pytest.mark.parametrize("shape", [(5, 7), (120, 90)])
def test_min_and_max_filters_are_scipys_to_the_bit(size: int, shape: tuple[int, int]) -> None:
    image = np.random.default_rng(size).random(shape).astype(np.float32)
    maxed = dots.maximum_filter(image, size)
    assert np.array_equal(maxed, ndimage.maximum_filter(image, size=size))
    assert np.array_equal(
        dots.minimum_filter(image, size), ndimage.minimum_filter(image, size=size)
    )
    closed = ndimage.grey_closing(image, size=(size, size))
    assert np.array_equal(dots.minimum_filter(maxed, size), closed)
