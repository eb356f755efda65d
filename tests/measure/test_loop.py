"""From forecast to photo and back: a photo of the forecast measures what it means.

Renders of each example's central forecast, measured as ``fadecast measure`` does, read
the model's social-distance contrast (the quantity personal calibration compares); fed
back as a measurement they leave the forecast where it was.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import numpy as np
import pytest

from fadecast import forecasting
from fadecast.forecasting import Scenario, scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.measure.measurement import Measurement, measure_photo
from fadecast.measure.photo import linear_from_srgb8
from fadecast.render.degrade import PhotoConditions, photograph
from fadecast.render.scene import Renders, RenderSettings, render_profile

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)
NAMES = (
    "temperate-office-worker",
    "tropical-outdoor-worker",
    "sunbed-user",
    "dark-skinned-client",
    "deep-placement",
)
YEARS = (0.0, 5.0, 15.0)
HAIRLINE_MM = 8.0
#: The loop closes within this. [ΔE00]
TOLERANCE_DELTA_E00 = 0.5


@functools.cache
def _scenario(name: str) -> Scenario:
    return scenario_from_profile(load_profile(EXAMPLES / f"{name}.toml", today=TODAY), today=TODAY)


@functools.cache
def _renders(name: str, hairline_mm: float | None, years: tuple[float, ...] = YEARS) -> Renders:
    settings = RenderSettings(size_mm=32.0, px_per_mm=20.0, seed=3, hairline_mm=hairline_mm)
    return render_profile(_scenario(name), list(years), settings)


def _measured(srgb: np.ndarray) -> Measurement:
    photo = photograph(
        linear_from_srgb8(srgb),
        PhotoConditions(card_px=(16, 16, 100)),
        rng=np.random.default_rng(0),
    )
    return measure_photo(photo, mm_per_px=0.05)


#: The examples whose loop closes with untreated skin in view: all of them, deep
#: placement's merged dots too (the dots' scale is read where most of them peak, not at
#: their clumps under a feathered hairline, :mod:`fadecast.measure.scale_selection`).
RESOLVED = NAMES


@pytest.mark.parametrize("name", RESOLVED)
def test_a_photo_with_untreated_skin_reads_the_forecasts_contrast(name: str) -> None:
    for picture in _renders(name, HAIRLINE_MM).pictures:
        figures = _measured(picture.closeup_srgb).figures
        assert "no_bare_skin" not in figures.flags
        assert figures.social_delta_e00 == pytest.approx(
            picture.social_delta_e00, abs=TOLERANCE_DELTA_E00
        ), f"year {picture.year:g}"


@pytest.mark.parametrize("name", NAMES)
def test_a_photo_without_untreated_skin_says_so_and_reads_a_lower_bound(name: str) -> None:
    for picture in _renders(name, None).pictures:
        figures = _measured(picture.closeup_srgb).figures
        assert "no_bare_skin" in figures.flags
        assert figures.social_delta_e00 is not None
        assert figures.social_delta_e00 <= picture.social_delta_e00 + TOLERANCE_DELTA_E00


@pytest.mark.parametrize("name", ["temperate-office-worker", "tropical-outdoor-worker"])
@pytest.mark.parametrize("hairline_mm", [HAIRLINE_MM, None])
def test_a_photo_of_the_forecast_fed_back_leaves_it_where_it_was(
    name: str, hairline_mm: float | None, tmp_path: Path
) -> None:
    sc = _scenario(name)
    picture = _renders(name, hairline_mm, (1.0,)).pictures[0]
    figures = _measured(picture.closeup_srgb).figures
    date = sc.session_dates[0] + dt.timedelta(days=365)
    flags = ", ".join(f'"{flag}"' for flag in figures.flags)
    entry = (
        f'\n[[measurements]]\ndate = "{date.isoformat()}"\n'
        f"social_delta_e00 = {figures.social_delta_e00:.3f}\nflags = [{flags}]\n"
    )
    path = tmp_path / "client.toml"
    path.write_text((EXAMPLES / f"{name}.toml").read_text("utf-8") + entry, "utf-8")
    prior = forecasting.forecast(
        load_profile(EXAMPLES / f"{name}.toml", today=TODAY),
        samples=1000,
        seed=0,
        today=TODAY,
        attribution=False,
    )
    calibrated = forecasting.forecast(
        load_profile(path, today=TODAY), samples=1000, seed=0, today=TODAY, attribution=False
    )
    assert calibrated.personal is not None
    assert calibrated.personal.touchup_years[1] == pytest.approx(prior.touchup_years[1], abs=0.3)
