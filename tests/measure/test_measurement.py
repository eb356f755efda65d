"""Measuring renders photographed under known conditions, against their truth."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import numpy as np
import pytest

from fadecast.errors import InputError
from fadecast.forecasting import scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.measure.accuracy import score
from fadecast.measure.flags import ADVICE
from fadecast.measure.measurement import measure_photo
from fadecast.measure.photo import linear_from_srgb8
from fadecast.render.degrade import PhotoConditions, photograph
from fadecast.render.scene import Renders, RenderSettings, render_profile
from fadecast.report.json import measurement_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
PPM = 20.0
CARD = (16, 16, 100)


@functools.cache
def _renders(name: str, hairline_mm: float | None = None) -> Renders:
    today = dt.date(2026, 11, 23)
    sc = scenario_from_profile(load_profile(EXAMPLES / f"{name}.toml", today=today), today=today)
    settings = RenderSettings(size_mm=32.0, px_per_mm=PPM, seed=5, hairline_mm=hairline_mm)
    return render_profile(sc, [0.0, 5.0], settings)


def _photo(renders: Renders, year_index: int, conditions: PhotoConditions) -> np.ndarray:
    scene = linear_from_srgb8(renders.pictures[year_index].closeup_srgb)
    return photograph(scene, conditions, rng=np.random.default_rng(7))


@pytest.mark.parametrize(
    "conditions",
    [
        PhotoConditions(card_px=CARD),
        PhotoConditions(card_px=CARD, light_rgb=(1.1, 1.0, 0.8), gradient=0.2),
        PhotoConditions(card_px=CARD, noise=0.01, jpeg_quality=70),
        PhotoConditions(card_px=CARD, blur_px=1.0),
    ],
    ids=["clean", "warm-uneven-light", "noise-jpeg70", "slight-defocus"],
)
def test_a_photographed_render_measures_close_to_its_truth(conditions: PhotoConditions) -> None:
    renders = _renders("temperate-office-worker", hairline_mm=8.0)
    for index, picture in enumerate(renders.pictures):
        measurement = measure_photo(_photo(renders, index, conditions), mm_per_px=1 / PPM)
        result = score(measurement, renders.scene, picture)
        assert result.f1 >= 0.95
        assert abs(result.density_error) <= 0.05
        assert abs(result.diameter_error) <= 0.10
        assert abs(result.delta_e00_error) <= 1.5
        assert measurement.white is not None and measurement.white.source == "auto"
        assert "no_bare_skin" not in measurement.figures.flags


def test_the_white_card_removes_the_colour_of_the_light() -> None:
    renders = _renders("temperate-office-worker", hairline_mm=8.0)
    plain = measure_photo(_photo(renders, 0, PhotoConditions(card_px=CARD)))
    warm = measure_photo(
        _photo(renders, 0, PhotoConditions(card_px=CARD, light_rgb=(1.05, 1.0, 0.75)))
    )
    assert plain.figures.skin_lab is not None and warm.figures.skin_lab is not None
    np.testing.assert_allclose(warm.figures.skin_lab, plain.figures.skin_lab, atol=1.0)
    np.testing.assert_allclose(plain.figures.skin_lab, renders.scene.skin_lab, atol=2.0)


def test_an_overexposed_card_does_not_calibrate() -> None:
    renders = _renders("temperate-office-worker")
    photo = _photo(renders, 0, PhotoConditions(card_px=CARD, light_rgb=(1.2, 1.0, 0.9)))
    measurement = measure_photo(photo)
    assert "white_reference_clipped" in measurement.figures.flags
    assert "no_white_reference" not in measurement.figures.flags
    # a white card found in the photo, not the printed one: no grey patch to check
    assert measurement.white is not None and measurement.white.grey_ratio is None
    assert measurement_dict(measurement)["white_reference"]["grey_ratio"] is None


def test_blur_is_read_from_the_cards_edge_and_flagged() -> None:
    renders = _renders("temperate-office-worker")
    sharp = measure_photo(_photo(renders, 0, PhotoConditions(card_px=CARD)))
    assert sharp.figures.blur_px is not None and sharp.figures.blur_px < 0.5
    assert "out_of_focus" not in sharp.figures.flags
    blurred = measure_photo(_photo(renders, 0, PhotoConditions(card_px=CARD, blur_px=3.0)))
    assert blurred.figures.blur_px == pytest.approx(3.0, abs=0.4)
    assert "out_of_focus" in blurred.figures.flags


def test_without_card_scale_or_bare_skin_the_flags_say_so() -> None:
    renders = _renders("temperate-office-worker")
    measurement = measure_photo(renders.pictures[0].closeup_srgb, white=None)
    flags = set(measurement.figures.flags)
    assert {"no_scale", "no_white_reference", "no_bare_skin"} <= flags
    assert measurement.figures.density_per_cm2 is None
    assert measurement.figures.diameter_mm is None
    data = measurement_dict(measurement)
    assert data["scale"]["mm_per_px"] is None and data["dots"]["count"] > 100
    # one line of advice per flag, in the flags' order
    assert data["advice"] == [ADVICE[flag] for flag in data["flags"]]
    assert len(data["advice"]) == len(data["flags"]) >= 3


def test_a_photo_without_dots_says_too_few() -> None:
    rng = np.random.default_rng(2)
    skin = np.clip(170 + rng.normal(0.0, 2.0, (200, 200, 3)), 0, 255).astype(np.uint8)
    measurement = measure_photo(skin)
    assert measurement.figures.dot_count < 20
    assert "too_few_dots" in measurement.figures.flags


def test_an_aruco_marker_gives_the_scale() -> None:
    cv2 = pytest.importorskip("cv2")
    renders = _renders("temperate-office-worker")
    photo = renders.pictures[0].closeup_srgb.copy()
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    side_px = 120
    marker = cv2.aruco.generateImageMarker(dictionary, 3, side_px)
    # A white quiet zone around the marker, as when it is printed.
    photo[20 : 40 + side_px, 20 : 40 + side_px] = 255
    photo[30 : 30 + side_px, 30 : 30 + side_px] = marker[..., None]
    measurement = measure_photo(photo, marker_mm=6.0)
    assert measurement.scale_source == "marker"
    assert measurement.figures.mm_per_px == pytest.approx(6.0 / side_px, rel=0.01)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"mm_per_px": 0.0}, "mm_per_px"),
        ({"mm_per_px": 0.05, "marker_mm": 10.0}, "mm_per_px"),
        ({"marker_mm": 1.0}, "marker_mm"),
        ({"marker_mm": 10.0}, "marker_mm"),  # no marker in the picture
        ({"card_reflectance": 0.0}, "card_reflectance"),
    ],
)
def test_bad_options_name_their_field(options: dict[str, float], field: str) -> None:
    renders = _renders("temperate-office-worker")
    with pytest.raises(InputError) as error:
        measure_photo(renders.pictures[0].closeup_srgb, **options)  # type: ignore[arg-type]
    assert error.value.field == field
