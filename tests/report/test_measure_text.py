"""Tests of the plain-text measurement: what it says for real measurements of renders."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from fadecast.forecasting import scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.measure.figures import Spread
from fadecast.measure.flags import ADVICE, FLAGS
from fadecast.measure.measurement import Measurement, measure_photo
from fadecast.measure.photo import linear_from_srgb8
from fadecast.render import raster
from fadecast.render.degrade import PhotoConditions, photograph
from fadecast.render.scene import Renders, RenderSettings, render_profile
from fadecast.report.measure_text import format_measurement

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 6, 1)
PPM = 20.0
SIZE_MM = 20.0
CARD = (16, 16, 100)


@functools.cache
def renders() -> Renders:
    path = EXAMPLES / "temperate-office-worker.toml"
    sc = scenario_from_profile(load_profile(path, today=TODAY), today=TODAY)
    return render_profile(sc, [1.0], RenderSettings(size_mm=SIZE_MM, px_per_mm=PPM, seed=3))


def closeup() -> NDArray[np.uint8]:
    return renders().pictures[0].closeup_srgb


@functools.cache
def scaled() -> Measurement:
    return measure_photo(closeup(), mm_per_px=1 / PPM)


@functools.cache
def unscaled() -> Measurement:
    return measure_photo(closeup())


def photographed(conditions: PhotoConditions) -> NDArray[np.uint8]:
    return photograph(linear_from_srgb8(closeup()), conditions, rng=np.random.default_rng(7))


def spread(value: Spread | None, unit: str, digits: int) -> str:
    assert value is not None
    return f"{value.median:.{digits}f} {unit} (IQR {value.p25:.{digits}f}–{value.p75:.{digits}f})"


def row(text: str, label: str) -> str:
    """The value on the row of ``label`` (the label column is 14 characters wide)."""
    found = [line for line in text.splitlines() if line.startswith(f"  {label:<14}")]
    assert len(found) == 1, (label, text)
    return found[0][16:]


def test_a_scaled_render_reads_in_millimetres_and_per_square_centimetre() -> None:
    m = scaled()
    fig = m.figures
    text = format_measurement(m, name="closeup_y1.png")
    side = round(SIZE_MM * PPM)
    assert text.splitlines()[0] == f"closeup_y1.png: {side} x {side} px"
    assert row(text, "scale") == "50.0 µm per pixel (given)"
    assert row(text, "dots") == str(fig.dot_count)
    assert row(text, "density") == f"{fig.density_per_cm2:.1f} per cm²"
    assert row(text, "diameter") == spread(fig.diameter_mm, "mm", 2)
    assert row(text, "edge (10-90%)") == spread(fig.edge_mm, "mm", 2)
    assert row(text, "coverage") == f"{fig.coverage:.0%} of the area"
    assert row(text, "dot contrast") == spread(fig.delta_e00, "ΔE00", 1) + " against the skin"
    assert row(text, "at 2 m") == f"ΔE00 {fig.social_delta_e00:.1f} (mean tone against the skin)"
    assert fig.skin_lab is not None
    assert row(text, "skin L*a*b*") == ", ".join(f"{v:.1f}" for v in fig.skin_lab)
    assert "white card" not in text and "blur" not in text  # none in the picture
    assert "grey patch" not in text


def test_the_figures_said_are_those_of_the_render() -> None:
    """What the text says of a clean render agrees with what was drawn."""
    truth = renders()
    fig = scaled().figures
    picture = truth.pictures[0]
    assert fig.dot_count == pytest.approx(truth.scene.layout.count, rel=0.05)
    assert fig.density_per_cm2 == pytest.approx(
        truth.scene.layout.count / (SIZE_MM / 10.0) ** 2, rel=0.05
    )
    assert fig.diameter_mm is not None
    assert fig.diameter_mm.median == pytest.approx(float(np.median(picture.diameter_mm)), rel=0.1)
    # No untreated skin in view: the contrast is understated, as the flag warns.
    assert "no_bare_skin" in fig.flags
    assert fig.social_delta_e00 is not None
    assert 0.0 < fig.social_delta_e00 < picture.social_delta_e00


def test_without_a_scale_sizes_are_in_pixels_and_density_per_megapixel() -> None:
    m = unscaled()
    fig = m.figures
    text = format_measurement(m)
    assert text.splitlines()[0].startswith("photo: ")  # the default name
    assert not any(line.startswith("  scale") for line in text.splitlines())
    assert row(text, "density") == f"{fig.density_per_megapixel:.0f} per megapixel (no scale)"
    assert row(text, "diameter") == spread(fig.diameter_px, "px", 1)
    assert row(text, "edge (10-90%)") == spread(fig.edge_px, "px", 1)
    assert "  ! no_scale: " in text
    # The same dots, only in other units.
    scaled_fig = scaled().figures
    assert fig.diameter_px is not None and scaled_fig.diameter_mm is not None
    assert fig.diameter_px.median / PPM == pytest.approx(scaled_fig.diameter_mm.median, rel=1e-6)


def test_every_flag_has_one_line_of_advice_a_person_can_follow() -> None:
    assert list(ADVICE) == list(FLAGS)  # every flag, in the same order
    for flag, advice in ADVICE.items():
        assert advice and advice == advice.strip() and "\n" not in advice, flag
        assert len(advice) <= 100, flag  # one line of a terminal, indented
        assert "\n" not in FLAGS[flag], flag


def test_every_flag_has_its_meaning_then_its_advice_last() -> None:
    for m in (scaled(), unscaled()):
        flags = m.figures.flags
        assert flags
        lines = format_measurement(m).splitlines()
        expected = []
        for flag in flags:
            expected += [f"  ! {flag}: {FLAGS[flag]}", f"    → {ADVICE[flag]}"]
        assert lines[-2 * len(flags) :] == expected
        assert sum(line.startswith("  ! ") for line in lines) == len(flags)
        assert sum(line.startswith("    → ") for line in lines) == len(flags)
    assert set(scaled().figures.flags) == {"no_white_reference", "no_bare_skin"}
    assert set(unscaled().figures.flags) == {"no_scale", "no_white_reference", "no_bare_skin"}


def test_a_white_card_is_located_and_a_blurred_one_gives_the_blur() -> None:
    m = measure_photo(photographed(PhotoConditions(card_px=CARD, blur_px=2.0)), mm_per_px=1 / PPM)
    assert m.white is not None and m.figures.blur_px is not None
    text = format_measurement(m)
    x, y, w, h = m.white.rect
    assert row(text, "white card") == f"auto at x,y,w,h = {x},{y},{w},{h}"
    assert CARD[0] <= x and x + w <= CARD[0] + CARD[2]  # inside the card that was laid
    assert row(text, "blur") == f"{m.figures.blur_px:.1f} px (from the card's edge)"
    assert "grey patch" not in text  # a white card found, not the printed one
    assert m.figures.blur_px == pytest.approx(2.0, abs=0.5)
    assert "  ! out_of_focus: " in text and "no_white_reference" not in text
    assert f"    → {ADVICE['out_of_focus']}" in text


def test_a_greyscale_photo_is_flagged_and_has_no_hue() -> None:
    grey = np.repeat(closeup().mean(axis=2, keepdims=True).astype(np.uint8), 3, axis=2)
    m = measure_photo(grey, mm_per_px=1 / PPM)
    text = format_measurement(m)
    assert f"  ! greyscale: {FLAGS['greyscale']}" in text
    lightness, a, b = row(text, "skin L*a*b*").split(", ")
    assert (a, b) == ("0.0", "0.0") and float(lightness) > 0


def test_bare_skin_finds_nothing_and_says_so_with_dashes() -> None:
    rng = np.random.default_rng(1)
    skin = np.array([0.45, 0.35, 0.3]) * (1.0 + 0.006 * rng.standard_normal((300, 300, 1)))
    m = measure_photo(raster.encode_srgb8(skin), mm_per_px=1 / PPM)
    assert m.figures.dot_count == 0
    text = format_measurement(m, name="skin.png")
    assert row(text, "dots") == "0"
    assert row(text, "diameter") == "—" and row(text, "edge (10-90%)") == "—"
    assert row(text, "dot contrast") == "— against the skin"
    assert "at 2 m" not in text
    assert f"  ! too_few_dots: {FLAGS['too_few_dots']}" in text


def test_the_same_photo_reads_the_same() -> None:
    assert format_measurement(scaled()) == format_measurement(
        measure_photo(closeup(), mm_per_px=1 / PPM)
    )
