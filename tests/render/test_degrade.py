"""Renders made to look like photos: the camera's angle (a rotation and a perspective tilt)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from fadecast.forecasting import scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.measure.measurement import measure_photo
from fadecast.measure.photo import linear_from_srgb8
from fadecast.render.degrade import PhotoConditions, photograph, posed
from fadecast.render.scene import RenderSettings, render_profile

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"


def test_without_an_angle_a_photo_is_what_it_always_was() -> None:
    """The angle's defaults leave every earlier photo byte for byte as it was."""
    defaults = PhotoConditions()
    assert (defaults.rotation_deg, defaults.tilt) == (0.0, 0.0)
    scene = np.random.default_rng(0).uniform(0.05, 0.6, (48, 64, 3))
    conditions = PhotoConditions(
        card_px=(4, 4, 12), light_rgb=(1.05, 1.0, 0.8), gradient=0.2, blur_px=1.0, noise=0.02
    )
    photo = photograph(scene, conditions, rng=np.random.default_rng(1))
    # The SHA-256 of this photo before the camera's angle was added.
    assert hashlib.sha256(photo.tobytes()).hexdigest() == (
        "cdf3d3aebefae9bd7ba0f147c3d13d64068ffaf84ea06484442453121d0064fb"
    )


def spot(rows: int, cols: int, at: tuple[int, int]) -> np.ndarray:
    scene = np.zeros((rows, cols, 3))
    y, x = np.mgrid[0:rows, 0:cols]
    scene[...] = np.exp(-((y - at[0]) ** 2 + (x - at[1]) ** 2) / 8.0)[..., None]
    return scene


@settings(deadline=None, max_examples=30)
@given(st.floats(min_value=-30.0, max_value=30.0))
def test_a_rotation_turns_a_spot_about_the_centre(degrees: float) -> None:
    scene = spot(61, 81, (30, 55))  # 15 px right of the centre (30, 40)
    seen = posed(scene, rotation_deg=degrees)
    row, col = ndimage.center_of_mass(seen[..., 0])
    angle = np.deg2rad(degrees)
    assert row == pytest.approx(30 - 15 * np.sin(angle), abs=0.05)  # anticlockwise: up
    assert col == pytest.approx(40 + 15 * np.cos(angle), abs=0.05)
    back = posed(seen, rotation_deg=-degrees)
    assert np.abs(back - scene)[20:41, 30:71].max() < 0.02


@settings(deadline=None, max_examples=30)
@given(st.floats(min_value=-0.2, max_value=0.2))
def test_a_tilt_scales_each_row_by_one_minus_tilt_times_its_height(tilt: float) -> None:
    rows, cols = 101, 101
    scene = np.zeros((rows, cols, 3))
    scene[:, 40:61] = 1.0  # a bar 21 px wide down the middle
    seen = posed(scene, tilt=tilt)
    for row in (10, 50, 90):
        v = (row - 50) / 50
        width = float(seen[row, :, 0].clip(0.0, 1.0).sum())
        assert width == pytest.approx(21 * (1 - tilt * v), abs=0.3)
    assert np.allclose(seen[50], scene[50], atol=1e-6)  # the midline is kept


def test_nothing_to_pose_leaves_the_scene_and_a_bad_tilt_is_refused() -> None:
    scene = np.random.default_rng(2).uniform(0, 1, (20, 30, 3))
    assert np.allclose(posed(scene), scene)
    with pytest.raises(ValueError, match="tilt"):
        posed(scene, tilt=1.0)


def test_the_card_is_turned_with_the_scene() -> None:
    scene = np.full((60, 60, 3), 0.2)
    flat = photograph(scene, PhotoConditions(card_px=(5, 5, 15)), rng=np.random.default_rng(0))
    turned = photograph(
        scene,
        PhotoConditions(card_px=(5, 5, 15), rotation_deg=90.0),
        rng=np.random.default_rng(0),
    )
    assert flat[10, 10].tolist() == turned[50, 10].tolist()  # the top left went bottom left
    assert turned[10, 10].tolist() == flat[30, 30].tolist()


def test_a_photo_at_a_slight_angle_measures_as_a_square_one() -> None:
    today = dt.date(2026, 11, 23)
    profile = load_profile(EXAMPLES / "temperate-office-worker.toml", today=today)
    sc = scenario_from_profile(profile, today=today)
    settings_ = RenderSettings(size_mm=24.0, px_per_mm=20.0, seed=2, hairline_mm=6.0)
    scene = linear_from_srgb8(render_profile(sc, [1.0], settings_).pictures[0].closeup_srgb)
    square = PhotoConditions(card_px=(12, 12, 80))
    figures = []
    for conditions in (square, dataclasses.replace(square, rotation_deg=3.0, tilt=0.02)):
        measured = measure_photo(
            photograph(scene, conditions, rng=np.random.default_rng(0)), mm_per_px=0.05
        )
        assert measured.white is not None  # the turned card is still found
        figures.append(measured.figures)
    flat, angled = figures
    assert angled.density_per_cm2 == pytest.approx(flat.density_per_cm2, rel=0.05)
    assert flat.diameter_mm is not None and angled.diameter_mm is not None
    assert angled.diameter_mm.median == pytest.approx(flat.diameter_mm.median, rel=0.05)
    assert angled.social_delta_e00 == pytest.approx(flat.social_delta_e00, abs=0.5)
