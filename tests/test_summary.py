"""Tests of the plain-text forecast summary."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import fadecast
from fadecast.inputs.profile import parse_profile
from fadecast.report.forecast_text import format_summary

EXAMPLES = Path(__file__).parents[1] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)


def office(**person: Any) -> fadecast.Profile:
    data = tomllib.loads((EXAMPLES / "temperate-office-worker.toml").read_text("utf-8"))
    data["person"].update(person)
    return parse_profile(data, today=TODAY)


def test_the_summary_gives_the_window_permanence_reasons_and_uv() -> None:
    text = format_summary(fadecast.forecast(office(), samples=200, seed=0, today=TODAY))
    assert "Touch-up window: " in text and "(most likely " in text
    assert "Permanent: it fades but never goes away completely" in text
    assert "What moves it" in text and "sun exposure" in text
    assert "SED/yr on the scalp" in text


def test_an_smp_that_cannot_show_on_this_skin_forecasts_no_touch_up() -> None:
    result = fadecast.forecast(office(skin={"lab": [21.0, 8.0, 8.0]}), samples=200, today=TODAY)
    assert not result.can_show
    text = format_summary(result)
    assert "Touch-up: none forecast; on this skin the SMP would hardly show" in text
    assert "Touch-up window" not in text
    assert any("no touch-up window is forecast" in w for w in result.warnings)
