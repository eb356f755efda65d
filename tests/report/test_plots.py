"""Tests of the forecast plots: content, and the same bytes for the same forecast."""

from __future__ import annotations

import datetime as dt
import functools
import io
import tomllib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fadecast.forecasting import ForecastResult, forecast
from fadecast.inputs.profile import load_profile
from fadecast.report import plots

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)


@functools.cache
def _result(name: str = "temperate-office-worker") -> ForecastResult:
    profile = load_profile(EXAMPLES / f"{name}.toml", today=TODAY)
    return forecast(profile, samples=400, seed=1, today=TODAY)


@pytest.mark.parametrize("fmt", ["svg", "png"])
@pytest.mark.parametrize("kind", ["fade", "attribution"])
def test_same_forecast_same_bytes(fmt: str, kind: str) -> None:
    make = plots.fade_curve_figure if kind == "fade" else plots.attribution_figure
    first = plots.figure_bytes(make(_result()), fmt)  # type: ignore[arg-type]
    second = plots.figure_bytes(make(_result()), fmt)  # type: ignore[arg-type]
    assert first == second
    if fmt == "svg":
        text = first.decode("utf-8")
        assert text.lstrip().startswith("<?xml") and "<svg" in text
        assert "<dc:date>" not in text
    else:
        image = Image.open(io.BytesIO(first))
        assert image.format == "PNG" and image.size[0] > 500


def test_fade_curve_shows_band_median_threshold_and_window() -> None:
    result = _result()
    fig = plots.fade_curve_figure(result)
    ax = fig.axes[0]
    median = ax.lines[0]
    assert np.allclose(median.get_xdata(), result.curve_years)
    assert np.allclose(median.get_ydata(), result.curve_social[1])
    look = ax.lines[1]  # what the touch-up level is set against
    assert np.allclose(look.get_ydata(), result.curve_look_p50)
    assert np.all(result.curve_look_p50 <= result.curve_social[1] + 1e-9)
    threshold = ax.lines[2]
    assert np.allclose(threshold.get_ydata(), result.threshold_delta_e00)
    labels = ax.get_legend_handles_labels()[1]
    assert "P10–P90" in labels and "touch-up window" in labels
    window = [p for p in ax.patches if p.get_label() == "touch-up window"]
    assert len(window) == 1
    x0 = window[0].get_x()  # type: ignore[attr-defined]
    assert x0 == pytest.approx(result.touchup_years[0])


def test_attribution_bars_are_the_attribution() -> None:
    result = _result("tropical-outdoor-worker")
    ax = plots.attribution_figure(result).axes[0]
    widths = sorted(bar.get_width() for bar in ax.patches)  # type: ignore[attr-defined]
    assert widths == pytest.approx(sorted(a.years for a in result.attribution))
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names[-1] == plots.FACTOR_NAMES[result.attribution[0].factor]  # largest on top


def test_figure_bytes_rejects_unknown_formats() -> None:
    with pytest.raises(ValueError, match="svg"):
        plots.figure_bytes(plots.attribution_figure(_result()), "gif")  # type: ignore[arg-type]


def test_plan_timeline_has_a_row_per_likely_session_and_the_same_bytes() -> None:
    from fadecast.inputs.profile import parse_profile
    from fadecast.planning import plan

    text = (EXAMPLES / "temperate-office-worker.toml").read_text("utf-8")
    profile = parse_profile(
        {**tomllib.loads(text), "hair": {"stage": 3}, "goals": {"mature_hairline_age": 50}},
        today=TODAY,
    )
    result = plan(profile, samples=300, seed=0, today=TODAY, what_ifs=False)
    fig = plots.plan_timeline_figure(result)
    shown = [s for s in result.sessions if s.share >= plots.TIMELINE_MIN_SHARE]
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == len(shown) and any("design" in label for label in labels)
    again = plots.plan_timeline_figure(result)
    assert plots.figure_bytes(fig, "svg") == plots.figure_bytes(again, "svg")
