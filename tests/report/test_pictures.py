"""Tests of a render's files as bytes: the PNGs, the strip and the manifest."""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from fadecast.errors import InputError
from fadecast.forecasting import MODEL_VERSION, Scenario, scenario_from_profile
from fadecast.inputs.profile import Profile, load_profile
from fadecast.render.scene import Renders, RenderSettings, manifest, render_profile
from fadecast.render.strip import year_strip
from fadecast.report.pictures import picture_names, render_files, strip_png
from fadecast.version import __version__

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 6, 1)
YEARS = (0.0, 2.5, 10.0)
SETTINGS = RenderSettings(size_mm=8.0, px_per_mm=10.0, seed=3, stubble=True)


@functools.cache
def profile() -> Profile:
    return load_profile(EXAMPLES / "temperate-office-worker.toml", today=TODAY)


@functools.cache
def scenario() -> Scenario:
    return scenario_from_profile(profile(), today=TODAY)


@functools.cache
def renders() -> Renders:
    return render_profile(scenario(), YEARS, SETTINGS)


@functools.cache
def files() -> dict[str, bytes]:
    return render_files(scenario(), YEARS, SETTINGS, today=TODAY)


def decoded(png: bytes) -> NDArray[np.uint8]:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.mode == "RGB"
        return np.asarray(image, dtype=np.uint8)


def no_nan(text: str) -> Any:
    raise ValueError(f"not JSON: {text}")


@pytest.mark.parametrize(
    ("year", "closeup", "social"),
    [
        (0.0, "closeup_y0.png", "social_y0.png"),
        (1.0, "closeup_y1.png", "social_y1.png"),
        (2.5, "closeup_y2.5.png", "social_y2.5.png"),
        (10.0, "closeup_y10.png", "social_y10.png"),
    ],
)
def test_pictures_are_named_by_view_and_year(year: float, closeup: str, social: str) -> None:
    assert picture_names(year) == {"closeup": closeup, "social": social}


def test_a_render_gives_two_pictures_a_year_the_strip_and_the_manifest() -> None:
    names = [name for year in YEARS for name in picture_names(year).values()]
    assert list(files()) == [*names, "strip.png", "manifest.json"]


def test_the_pngs_hold_the_rendered_pixels_exactly() -> None:
    for picture in renders().pictures:
        names = picture_names(picture.year)
        np.testing.assert_array_equal(decoded(files()[names["closeup"]]), picture.closeup_srgb)
        np.testing.assert_array_equal(decoded(files()[names["social"]]), picture.social_srgb)


def test_the_strip_shows_both_views_of_every_year() -> None:
    pictures = renders().pictures
    expected = year_strip(
        [[p.closeup_srgb for p in pictures], [p.social_srgb for p in pictures]],
        YEARS,
        row_names=["close up", "at 2 m"],
    )
    np.testing.assert_array_equal(decoded(files()["strip.png"]), expected)
    assert strip_png(renders()) == files()["strip.png"]


def test_the_manifest_is_the_ground_truth_with_versions_and_file_names() -> None:
    raw = files()["manifest.json"]
    truth = json.loads(raw, parse_constant=no_nan)
    # One line of compact JSON.
    assert raw == (json.dumps(truth, separators=(",", ":")) + "\n").encode("utf-8")
    assert list(truth)[:2] == ["fadecast_version", "model_version"]
    assert truth["fadecast_version"] == __version__ and truth["model_version"] == MODEL_VERSION
    names = {year: picture_names(year) for year in YEARS}
    expected = manifest(renders().scene, renders().pictures, names)
    assert {k: v for k, v in truth.items() if k not in ("fadecast_version", "model_version")} == (
        json.loads(json.dumps(expected))
    )
    for year in truth["years"]:
        assert set(year["files"].values()) <= set(files())


def test_a_profile_and_its_scenario_give_the_same_bytes() -> None:
    assert render_files(profile(), YEARS, SETTINGS, today=TODAY) == files()


def test_progress_is_told_after_each_year() -> None:
    told: list[int] = []
    render_files(scenario(), YEARS, SETTINGS, today=TODAY, progress=told.append)
    assert told == [1, 2, 3]


@pytest.mark.parametrize(
    ("years", "settings", "field"),
    [
        ([5.0, 1.0], SETTINGS, "years"),
        ([], SETTINGS, "years"),
        ([0.0, 60.0], SETTINGS, "years"),
        ([0.0], RenderSettings(size_mm=4.0), "size_mm"),
        ([0.0], RenderSettings(size_mm=10.0, hairline_mm=10.0), "hairline_mm"),
    ],
)
def test_bad_years_or_settings_are_refused_naming_them(
    years: list[float], settings: RenderSettings, field: str
) -> None:
    told: list[int] = []
    with pytest.raises(InputError) as refused:
        render_files(scenario(), years, settings, today=TODAY, progress=told.append)
    assert refused.value.field == field
    assert told == []  # refused before any picture is drawn
