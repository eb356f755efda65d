"""Tests of the compared photos as text and as JSON: what they say for real renders."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.forecasting import scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.measure.compare import QUANTITIES, Comparison, compare_measurements
from fadecast.measure.flags import FLAGS
from fadecast.measure.measurement import Measurement, measure_photo
from fadecast.measure.photo import linear_from_srgb8
from fadecast.render.degrade import PhotoConditions, photograph
from fadecast.render.scene import Renders, RenderSettings, render_profile
from fadecast.report.compare_text import LABELS, compare_dict, format_comparison
from fadecast.report.json import measurement_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)
PPM = 20.0
NAMES = ["fresh.jpg", "five-years.jpg"]
MORE = "more than same-day repeat photos differ"
NO_MORE = "no more than same-day repeat photos differ"


@functools.cache
def renders() -> Renders:
    path = EXAMPLES / "tropical-outdoor-worker.toml"
    sc = scenario_from_profile(load_profile(path, today=TODAY), today=TODAY)
    settings = RenderSettings(size_mm=24.0, px_per_mm=PPM, seed=3, hairline_mm=6.0)
    return render_profile(sc, [0.0, 5.0], settings)


@functools.cache
def measured(index: int, *, card: bool = True, scaled: bool = True) -> Measurement:
    conditions = PhotoConditions(card_px=(12, 12, 80) if card else None, rotation_deg=1.0)
    scene = linear_from_srgb8(renders().pictures[index].closeup_srgb)
    srgb = photograph(scene, conditions, rng=np.random.default_rng(index))
    return measure_photo(srgb, mm_per_px=1.0 / PPM if scaled else None)


@functools.cache
def faded() -> Comparison:
    return compare_measurements([measured(0), measured(1)])


def line_of(text: str, start: str) -> str:
    found = [line for line in text.splitlines() if line.startswith(start)]
    assert len(found) == 1, (start, text)
    return found[0]


def test_each_change_is_said_with_its_values_uncertainty_and_verdict() -> None:
    comparison = faded()
    text = format_comparison(comparison, names=NAMES)
    assert line_of(text, "fresh.jpg → ") == "fresh.jpg → five-years.jpg"
    later = comparison.changes[0]
    for quantity, digits in zip(QUANTITIES, (1, 2, 1), strict=True):
        change = later.of(quantity)
        assert change.before is not None and change.after is not None
        assert change.change is not None and change.uncertainty is not None
        line = line_of(text, f"  {LABELS[quantity]}: ")
        assert f"{change.before:.{digits}f} → {change.after:.{digits}f}, change " in line
        assert f" ± {change.uncertainty:.{digits}f}" in line
        assert line.endswith(MORE if change.exceeds_repeatability else NO_MORE)
        if quantity != "social_delta_e00":
            assert line.count(" %)") == 1
    contrast = line_of(text, "  contrast at 2 m (ΔE00, colour difference; about 1 is just")
    assert "change −" in contrast and contrast.endswith(", " + MORE)  # a true minus: it faded
    assert text.splitlines()[-1].startswith("± : two photos of the same skin")


def test_each_photo_has_a_line_and_each_of_its_flags_one_more() -> None:
    unbalanced = measured(1, card=False)
    comparison = compare_measurements([measured(0), unbalanced])
    text = format_comparison(comparison, names=NAMES)
    first = line_of(text, "fresh.jpg: ")
    assert "50.0 µm per pixel (given)" in first and "white card auto" in first
    assert "no white card" in line_of(text, "five-years.jpg: ")
    lines = text.splitlines()
    at = lines.index(line_of(text, "five-years.jpg: "))
    flags = unbalanced.figures.flags
    assert "no_white_reference" in flags
    assert lines[at + 1 : at + 1 + len(flags)] == [f"  ! {f}: {FLAGS[f]}" for f in flags]
    assert sum(line.startswith("  ! ") for line in lines) == len(measured(0).figures.flags) + len(
        flags
    )


def test_without_a_scale_density_and_diameter_are_one_line() -> None:
    unscaled = compare_measurements([measured(0, scaled=False), measured(1, scaled=False)])
    text = format_comparison(unscaled, names=NAMES)
    line = line_of(text, "  density and diameter: ")
    assert "cannot be compared, neither photo has a scale" in line
    assert "--mm-per-px" in line
    assert LABELS["density_per_cm2"] not in text and LABELS["diameter_mm"] not in text
    assert line_of(text, f"  {LABELS['social_delta_e00']}: ").endswith(MORE)
    mixed = compare_measurements([measured(0), measured(1, scaled=False)])
    line = line_of(format_comparison(mixed, names=NAMES), "  density and diameter: ")
    assert "five-years.jpg has no scale" in line


def test_a_contrast_not_measured_is_said_so() -> None:
    m = measured(1)
    blank = dataclasses.replace(m, figures=dataclasses.replace(m.figures, social_delta_e00=None))
    text = format_comparison(compare_measurements([measured(0), blank]), names=NAMES)
    line = line_of(text, f"  {LABELS['social_delta_e00']}: ")
    assert line.endswith("cannot be compared, five-years.jpg has no value for it")


def test_names_default_to_the_photos_order_and_must_match_them() -> None:
    text = format_comparison(faded())
    assert line_of(text, "photo 1 → ") == "photo 1 → photo 2"
    with pytest.raises(ValueError, match="2 names are needed"):
        format_comparison(faded(), names=["only.jpg"])
    with pytest.raises(ValueError, match="2 names are needed"):
        compare_dict(faded(), names=["a", "b", "c"])


def test_every_later_photo_gets_its_own_block_against_the_first() -> None:
    comparison = compare_measurements([measured(0), measured(1), measured(0)])
    text = format_comparison(comparison, names=["a.jpg", "b.jpg", "c.jpg"])
    assert [line for line in text.splitlines() if " → " in line and ":" not in line] == [
        "a.jpg → b.jpg",
        "a.jpg → c.jpg",
    ]
    block = text.split("a.jpg → c.jpg")[1]
    assert block.count(NO_MORE) == 3 and block.count("change 0.0") >= 2


@settings(deadline=None, max_examples=25)
@given(st.floats(min_value=-0.5, max_value=0.5, allow_nan=False))
def test_the_sign_of_a_change_is_a_plus_a_true_minus_or_none(shift: float) -> None:
    m = measured(0)
    assert m.figures.social_delta_e00 is not None
    later = dataclasses.replace(
        m,
        figures=dataclasses.replace(m.figures, social_delta_e00=m.figures.social_delta_e00 + shift),
    )
    comparison = compare_measurements([m, later])
    change = comparison.changes[0].of("social_delta_e00").change
    assert change is not None
    text = format_comparison(comparison)
    said = line_of(text, f"  {LABELS['social_delta_e00']}: ").split("change ")[1].split(" ±")[0]
    digits = f"{abs(change):.1f}"
    assert said == (digits if float(digits) == 0.0 else ("+" if change > 0 else "−") + digits)
    assert "-" not in said


def test_the_json_holds_every_photo_and_change_and_the_figures() -> None:
    comparison = faded()
    data = compare_dict(comparison, names=NAMES)
    json.dumps(data, allow_nan=False)  # plain data, no NaN
    assert data["against"] == "first"
    assert [p["file"] for p in data["photos"]] == NAMES
    assert data["photos"][1] == {"file": NAMES[1], **measurement_dict(measured(1))}
    (change,) = data["changes"]
    assert (change["before"], change["after"]) == tuple(NAMES)
    for quantity in QUANTITIES:
        entry = change[quantity]
        real = comparison.changes[0].of(quantity)
        assert entry["unit"] == real.unit
        assert entry["exceeds_repeatability"] == real.exceeds_repeatability
        assert entry["change"] == pytest.approx(real.change, abs=1e-3)
        assert entry["uncertainty"] == pytest.approx(real.uncertainty, abs=1e-3)
        assert entry["missing"] is None
        figure = data["repeatability"][quantity]
        assert figure["limit"] == comparison.repeatability[quantity].limit
    assert change["social_delta_e00"]["exceeds_repeatability"] is True
    unscaled = compare_measurements([measured(0, scaled=False), measured(1, scaled=False)])
    entry = compare_dict(unscaled)["changes"][0]["diameter_mm"]
    assert entry["missing"] == "no_scale" and entry["change"] is None
    assert entry["exceeds_repeatability"] is None
