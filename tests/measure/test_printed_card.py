"""A photo with the printed card: its white patch, placed by its marker, sets the white."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fadecast.forecasting import scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.measure.measurement import measure_photo
from fadecast.measure.printed_card import card_layout, card_to_photo
from fadecast.render.scene import RenderSettings, render_profile
from fadecast.report.card import card_png

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


def _photo_with_card(light: tuple[float, float, float]) -> tuple[np.ndarray, tuple[int, int]]:
    today = dt.date(2026, 11, 23)
    profile = load_profile(EXAMPLES / "temperate-office-worker.toml", today=today)
    sc = scenario_from_profile(profile, today=today)
    settings = RenderSettings(size_mm=90.0, px_per_mm=PPM, seed=3, hairline_mm=None)
    scalp = render_profile(sc, [0.0], settings).pictures[0].closeup_srgb.copy()
    card = _card_at(PPM)
    top, left = 20, 20
    scalp[top : top + card.shape[0], left : left + card.shape[1]] = card
    linear = (scalp / 255.0) ** 2.2 * np.asarray(light)
    return np.clip(255.0 * linear ** (1 / 2.2), 0, 255).astype(np.uint8), (left, top)


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
