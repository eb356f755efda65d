"""A photo with the printed card: its white patch, placed by its marker, sets the white, and
its grey patch checks that the photo reads as printed."""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fadecast.forecasting import scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.measure.flags import ADVICE
from fadecast.measure.measurement import Measurement, measure_photo
from fadecast.measure.photo import linear_from_srgb8
from fadecast.measure.printed_card import (
    card_layout,
    card_to_photo,
    expected_grey_ratio,
    grey_reads_as_printed,
)
from fadecast.render.raster import encode_srgb8
from fadecast.render.scene import RenderSettings, render_profile
from fadecast.report.card import card_png
from fadecast.report.json import measurement_dict
from fadecast.report.measure_text import format_measurement

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
PPM = 20.0


def _card_at(px_per_mm: float) -> np.ndarray:
    """The printed card cut out of its page, at ``px_per_mm``."""
    layout = card_layout()
    page = Image.open(io.BytesIO(card_png())).convert("RGB")
    dpmm = layout.png_dpi / 25.4
    x0, y0 = layout.card_origin_mm
    q = layout.quiet_zone_mm
    gx, _, gw, _ = layout.grey_patch_mm
    box = (x0 - q, y0 - q, x0 + gx + gw + q, y0 + layout.marker_mm + q)
    left, top, right, bottom = (round(v * dpmm) for v in box)
    crop = page.crop((left, top, right, bottom))
    size = (round(crop.width * px_per_mm / dpmm), round(crop.height * px_per_mm / dpmm))
    return np.asarray(crop.resize(size, Image.Resampling.LANCZOS))


@functools.cache
def _scalp_with_card() -> tuple[np.ndarray, tuple[int, int]]:
    """A 90 mm render with the printed card pasted in at 20 px/mm, and where (x, y). [px]"""
    today = dt.date(2026, 11, 23)
    profile = load_profile(EXAMPLES / "temperate-office-worker.toml", today=today)
    sc = scenario_from_profile(profile, today=today)
    settings = RenderSettings(size_mm=90.0, px_per_mm=PPM, seed=3, hairline_mm=None)
    scalp = render_profile(sc, [0.0], settings).pictures[0].closeup_srgb.copy()
    card = _card_at(PPM)
    top, left = 20, 20
    scalp[top : top + card.shape[0], left : left + card.shape[1]] = card
    scalp.flags.writeable = False
    return scalp, (left, top)


def _photo_with_card(light: tuple[float, float, float]) -> tuple[np.ndarray, tuple[int, int]]:
    scalp, corner = _scalp_with_card()
    linear = (scalp / 255.0) ** 2.2 * np.asarray(light)
    return np.clip(255.0 * linear ** (1 / 2.2), 0, 255).astype(np.uint8), corner


#: A warm light that leaves the card's white below clipping in every channel. [1]
SOFT_WARM = (0.85, 0.75, 0.6)


def _photographed(
    light: tuple[float, float, float] = SOFT_WARM,
    *,
    gamma: float = 1.0,
    grey_srgb: int | None = None,
) -> Measurement:
    """The card photo under ``light``, with ``gamma`` on its linear light (a tone curve)
    and the grey patch repainted ``grey_srgb``, measured with the card's marker."""
    scalp, (left, top) = _scalp_with_card()
    scalp = scalp.copy()
    if grey_srgb is not None:
        layout = card_layout()
        gx, gy, gw, gh = layout.grey_patch_mm
        q = layout.quiet_zone_mm
        x0, y0 = left + round((q + gx + 1) * PPM), top + round((q + gy + 1) * PPM)
        scalp[y0 : y0 + round((gh - 2) * PPM), x0 : x0 + round((gw - 2) * PPM)] = grey_srgb
    linear = (linear_from_srgb8(scalp) * np.asarray(light, dtype=np.float32)) ** gamma
    return measure_photo(encode_srgb8(linear), marker_mm=card_layout().marker_mm)


def test_the_white_is_read_on_the_cards_patch_under_a_warm_light() -> None:
    warm = (1.0, 0.85, 0.65)
    photo, (left, top) = _photo_with_card(warm)
    measured = measure_photo(photo, marker_mm=card_layout().marker_mm)
    assert measured.white is not None and measured.white.source == "card"
    layout = card_layout()
    x, y, w, _ = layout.white_patch_mm
    q = layout.quiet_zone_mm
    centre_px = np.array([left + (q + x + w / 2) * PPM, top + (q + y + w / 2) * PPM])
    rx, ry, rw, rh = measured.white.rect
    assert abs(rx + rw / 2 - centre_px[0]) < 0.05 * w * PPM
    assert abs(ry + rh / 2 - centre_px[1]) < 0.05 * w * PPM
    # the gains undo the light's colour (up to the paper's level)
    gains = measured.white.gains
    assert (gains / gains[0]).tolist() == pytest.approx(
        [1.0, warm[0] / warm[1], warm[0] / warm[2]], rel=0.03
    )
    # the card is left out of the dots
    assert measured.figures.dot_count > 1000


def test_card_points_follow_the_marker() -> None:
    from fadecast.measure.scale import Marker

    corners = np.array([[0.0, 0.0], [0.0, 200.0], [-200.0, 200.0], [-200.0, 0.0]])  # turned
    marker = Marker(corners=corners, side_px=200.0, mm_per_px=0.1, marker_id=1)
    moved = card_to_photo(marker, np.array([[20.0, 0.0], [0.0, 20.0]]), 20.0)
    np.testing.assert_allclose(moved, [[0.0, 200.0], [-200.0, 0.0]], atol=1e-6)


def test_a_marker_that_is_not_the_cards_leaves_the_white_to_be_found() -> None:
    from fadecast.measure.printed_card import printed_card_white
    from fadecast.measure.scale import Marker

    corners = np.array([[10.0, 10.0], [50.0, 10.0], [50.0, 50.0], [10.0, 50.0]])
    other = Marker(corners=corners, side_px=40.0, mm_per_px=0.5, marker_id=7)
    rgb = np.full((200, 400, 3), 0.8, dtype=np.float32)
    assert printed_card_white(rgb, other, reflectance=0.9) is None
    mine = Marker(corners=corners, side_px=40.0, mm_per_px=0.5, marker_id=1)
    assert printed_card_white(rgb[:40, :60], mine, reflectance=0.9) is None  # out of view
    found = printed_card_white(rgb, mine, reflectance=0.9)
    assert found is not None and found.source == "card"


@pytest.mark.parametrize("hairline_mm", [None, 8.0])
@pytest.mark.parametrize(
    "name", ["temperate-office-worker", "tropical-outdoor-worker", "dark-skinned-client"]
)
def test_without_a_card_the_white_is_not_guessed_from_bright_skin(
    name: str, hairline_mm: float | None
) -> None:
    """A phone-like photo of a render under a light gradient, warm light, noise and JPEG,
    with no card (and with or without forehead skin in view): no white is found, and the
    measurement says so instead of calibrating on bright skin."""
    from fadecast.measure.photo import linear_from_srgb8
    from fadecast.render.degrade import PhotoConditions, photograph

    today = dt.date(2026, 11, 23)
    sc = scenario_from_profile(load_profile(EXAMPLES / f"{name}.toml", today=today), today=today)
    settings = RenderSettings(size_mm=40.0, px_per_mm=PPM, seed=2, hairline_mm=hairline_mm)
    scene = linear_from_srgb8(render_profile(sc, [0.0], settings).pictures[0].closeup_srgb)
    conditions = PhotoConditions(
        gradient=0.4, light_rgb=(1.0, 0.92, 0.8), noise=0.01, jpeg_quality=85
    )
    measured = measure_photo(photograph(scene, conditions, rng=np.random.default_rng(1)))
    assert measured.white is None
    assert "no_white_reference" in measured.figures.flags


def test_the_grey_patch_reads_as_printed_in_a_linear_photo() -> None:
    """The printed card under a warm light, its white unclipped: the grey over the white
    is the print's 0.184 and raises no flag; the text and the JSON give it."""
    measured = _photographed()
    assert measured.white is not None and measured.white.grey_ratio is not None
    assert measured.white.grey_ratio == pytest.approx(expected_grey_ratio(), abs=0.01)
    assert grey_reads_as_printed(measured.white.grey_ratio)
    assert "card_grey_off" not in measured.figures.flags
    assert "white_reference_clipped" not in measured.figures.flags
    data = measurement_dict(measured)
    assert data["white_reference"]["grey_ratio"] == round(measured.white.grey_ratio, 4)
    assert data["advice"] == [ADVICE[flag] for flag in data["flags"]]
    text = format_measurement(measured)
    ratio = f"{measured.white.grey_ratio:.2f}"
    assert f"  grey patch    {ratio} of the white, linear (printed 0.18; 0.10–0.32" in text


@pytest.mark.parametrize(
    ("gamma", "grey_srgb", "ratio"),
    [(0.6, None, expected_grey_ratio() ** 0.6), (1.0, 170, 0.402), (1.6, None, 0.067)],
    ids=["lifted-mid-tones", "grey-printed-too-light", "darkened-mid-tones"],
)
def test_a_bent_tone_curve_or_a_wrong_grey_is_flagged(
    gamma: float, grey_srgb: int | None, ratio: float
) -> None:
    """Gamma 0.6 on linear light (an HDR-like lift), a grey patch printed sRGB 170, and
    gamma 1.6 (a contrast filter): the grey does not read as printed, and the flag says
    what to do."""
    measured = _photographed(gamma=gamma, grey_srgb=grey_srgb)
    assert measured.white is not None and measured.white.grey_ratio is not None
    assert measured.white.grey_ratio == pytest.approx(ratio, rel=0.05)
    assert measured.figures.flags[-1] == "card_grey_off"
    data = measurement_dict(measured)
    assert data["flags"][-1] == "card_grey_off"
    assert data["advice"][-1] == ADVICE["card_grey_off"]
    lines = format_measurement(measured).splitlines()
    assert lines[-2].startswith("  ! card_grey_off: ")
    assert lines[-1] == f"    → {ADVICE['card_grey_off']}"


def test_a_clipped_white_is_flagged_as_such_not_as_a_grey_off() -> None:
    """With the white clipped, the grey over it is no check of the tone curve: only
    white_reference_clipped is raised."""
    measured = _photographed((1.0, 1.0, 1.0), gamma=0.6)
    assert measured.white is not None and measured.white.grey_ratio is not None
    assert not grey_reads_as_printed(measured.white.grey_ratio)
    assert "white_reference_clipped" in measured.figures.flags
    assert "card_grey_off" not in measured.figures.flags


def test_a_grey_patch_out_of_view_gives_no_ratio() -> None:
    from fadecast.measure.printed_card import printed_card_white
    from fadecast.measure.scale import Marker

    corners = np.array([[10.0, 10.0], [50.0, 10.0], [50.0, 50.0], [10.0, 50.0]])  # 2 px/mm
    marker = Marker(corners=corners, side_px=40.0, mm_per_px=0.5, marker_id=1)
    rgb = np.full((60, 105, 3), 0.8, dtype=np.float32)  # the white patch ends at x = 102
    found = printed_card_white(rgb, marker, reflectance=0.9)
    assert found is not None and found.grey_ratio is None
    wider = printed_card_white(np.full((60, 160, 3), 0.8, np.float32), marker, reflectance=0.9)
    assert wider is not None and wider.grey_ratio == pytest.approx(1.0)
