"""Tests of the plain-text forecast summary: what it says for real forecasts."""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest

import fadecast
from fadecast.forecasting import FACTORS, ForecastResult, summarise_factors
from fadecast.inputs.profile import parse_profile
from fadecast.report.forecast_text import (
    FACTOR_LABELS,
    SED_IN_WORDS,
    format_summary,
    month_text,
    years_text,
)
from fadecast.report.json import forecast_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)
SAMPLES = 100


def office(**person: Any) -> fadecast.Profile:
    data = tomllib.loads((EXAMPLES / "temperate-office-worker.toml").read_text("utf-8"))
    data["person"].update(person)
    return parse_profile(data, today=TODAY)


def profile(name: str = "temperate-office-worker", **tables: Any) -> fadecast.Profile:
    """An example with some of its tables replaced or added."""
    data = tomllib.loads((EXAMPLES / f"{name}.toml").read_text("utf-8"))
    data.update(tables)
    return parse_profile(data, today=TODAY)


def run(p: fadecast.Profile, **kw: Any) -> ForecastResult:
    return fadecast.forecast(p, samples=SAMPLES, seed=0, today=TODAY, **kw)


@functools.cache
def example(name: str) -> ForecastResult:
    return run(profile(name))


def test_the_summary_gives_the_window_permanence_reasons_and_uv() -> None:
    text = format_summary(fadecast.forecast(office(), samples=200, seed=0, today=TODAY))
    assert "Touch-up window: " in text and "(median " in text
    assert "Permanent: it fades but never goes away completely" in text
    assert "What moves it" in text and "sun exposure" in text
    assert "SED a year on the scalp" in text


def test_an_smp_that_cannot_show_on_this_skin_forecasts_no_touch_up() -> None:
    from fadecast.forecasting import ModelCache, Params, forecast_of_scenario, scenario_from_profile
    from fadecast.inputs.parameters import central_values

    # On the darkest skin SMP barely shows (ΔE00 about 1); to an observer who needs 4 it
    # does not show at all.
    cache = ModelCache({**central_values(), "perceptibility_delta_e00": 4.0})
    sc = scenario_from_profile(office(skin={"lab": [21.0, 8.0, 8.0]}), today=TODAY)
    result = forecast_of_scenario(
        sc, Params.sampled(200, 0), cache, samples=200, seed=0, today=TODAY, attribution=True
    )
    assert not result.can_show
    text = format_summary(result)
    assert "Touch-up: none forecast; on this skin the SMP would hardly show" in text
    assert "Touch-up window" not in text
    assert any("no touch-up window is forecast" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("name", "course"),
    [
        ("temperate-office-worker", "sessions from"),
        ("tropical-outdoor-worker", "sessions from"),
        ("sunbed-user", "sessions from"),
        ("dark-skinned-client", "sessions from"),
        ("deep-placement", "a standard course starting"),  # no sessions yet
    ],
)
def test_the_window_lines_give_the_forecasts_dates_and_years(name: str, course: str) -> None:
    result = example(name)
    sc = result.scenario
    lines = format_summary(result).splitlines()
    place = f"{sc.home.name} ({sc.home.country_code})"
    assert lines[0] == (
        f"{place}; {sc.pigment}, {sc.placement} placement; {course} {sc.first_session.isoformat()}"
    )
    assert lines[1] == ""
    d10, d50, d90 = result.touchup_dates
    p10, p50, p90 = result.touchup_years
    assert d10 is not None and d50 is not None and d90 is not None
    assert lines[2] == (
        f"Touch-up window: {month_text(d10)} to {month_text(d90)} (median {month_text(d50)})"
    )
    assert lines[3] == (
        f"  that is {p10:.1f} to {p90:.1f} years after the first session "
        f"(median {p50:.1f}; 80 % of outcomes in the window)"
    )
    after = 4
    if result.may_be_due_now:  # the window opened before today
        assert lines[4] == f"  The window opened in {month_text(d10)}: a touch-up may be due now."
        after = 5
    from fadecast.report.forecast_text import narrowing_sentence

    if narrowing_sentence(result) is not None:  # what a photo at the next visit would do
        assert result.narrowing is not None
        assert lines[after].startswith("  A photo at a visit")
        assert f"{result.narrowing.prior_p10_p90_years:.1f}-year window" in lines[after]
        after += 1
    assert lines[after + 1] == result.permanence_statement()


def test_the_reasons_are_aligned_signed_and_name_their_reference() -> None:
    result = example("tropical-outdoor-worker")
    lines = format_summary(result).splitlines()
    start = lines.index("What moves it (years gained + or lost - against the reference):")
    shown = summarise_factors(result)
    assert shown
    rows = lines[start + 1 : start + 1 + len(shown)]
    assert lines[start + 1 + len(shown)] == ""
    width = max(len(FACTOR_LABELS[a.factor]) for a in shown)
    for row, attribution in zip(rows, shown, strict=True):
        label = FACTOR_LABELS[attribution.factor]
        assert row.startswith(f"  {label}")
        assert row.index(" y   (reference: ") == 2 + width + 2 + 5  # one column for all
        assert f"{attribution.years:+5.1f} y" in row
        assert row.endswith(f"(reference: {attribution.reference})")
    # Largest effect first.
    sizes = [abs(a.years) for a in shown]
    assert sizes == sorted(sizes, reverse=True)


def test_every_factor_has_a_name_for_people() -> None:
    assert set(FACTOR_LABELS) == set(FACTORS)
    assert all(label and label == label.lower() for label in FACTOR_LABELS.values())


def test_without_attribution_there_are_no_reasons() -> None:
    text = format_summary(run(profile(), attribution=False))
    assert "What moves it" not in text
    assert "Touch-up window: " in text and "Sun: " in text


def test_the_sun_lines_give_the_erythemal_and_the_uva_doses() -> None:
    result = example("sunbed-user")
    exposure = result.exposure
    lines = format_summary(result).splitlines()
    sun = next(line for line in lines if line.startswith("Sun: "))
    assert sun == (
        f"Sun: {exposure['ambient_sed_per_year']:.0f} SED a year in the open at home; "
        f"{exposure['scalp_sed_per_year']:.0f} SED a year on the scalp"
    )
    assert lines[lines.index(sun) + 1] == f"  ({SED_IN_WORDS})"  # what a SED is, in words
    uva = lines[lines.index(sun) + 2]
    assert uva.startswith("  UVA, the light that reaches the pigment: ")
    assert f"{exposure['dermal_uva_kj_m2_per_year'] / 1000:.1f} past the skin's melanin" in uva


def test_warnings_come_last_one_per_line() -> None:
    result = example("sunbed-user")
    assert result.warnings
    lines = format_summary(result).splitlines()
    start = lines.index("Warnings:")
    assert lines[start - 1] == ""
    assert lines[start + 1 :] == [f"  - {w}" for w in result.warnings]


def test_no_warnings_no_warnings_block() -> None:
    result = example("temperate-office-worker")
    assert not result.warnings
    assert "Warnings:" not in format_summary(result)


def test_a_late_end_beyond_the_horizon_is_said_in_words() -> None:
    result = run(profile(forecast={"horizon_years": 8}))
    d10, d50, d90 = result.touchup_dates
    assert d10 is not None and d50 is not None and d90 is None
    assert math.isinf(result.touchup_years[2])
    text = format_summary(result)
    assert (
        f"Touch-up window: {month_text(d10)} to beyond the 8-year horizon "
        f"(median {month_text(d50)})"
    ) in text
    assert " to more than 8 years after the first session" in text


def test_no_touch_up_within_the_horizon_is_said_and_no_window_given() -> None:
    result = run(profile(forecast={"horizon_years": 5, "touchup_threshold": 0.1}))
    assert result.can_show and result.touchup_dates[1] is None
    horizon = result.scenario.horizon_years
    text = format_summary(result)
    assert f"Touch-up: not expected within the {horizon:g}-year horizon." in text
    assert "Touch-up window" not in text and "that is" not in text


def test_a_fresh_course_and_a_place_given_by_coordinates() -> None:
    data = tomllib.loads((EXAMPLES / "temperate-office-worker.toml").read_text("utf-8"))
    data["place"] = {"lat": 10.0, "lon": 20.0}
    data["treatment"] = {"pigment": "iron-oxide", "placement": "deep"}
    result = run(parse_profile(data, today=TODAY))
    first = format_summary(result).splitlines()[0]
    assert first == (
        "10.00°N, 20.00°E; iron-oxide, deep placement; a standard course starting "
        f"{TODAY.isoformat()}"
    )


@pytest.mark.parametrize(
    ("measurements", "words"),
    [
        ([{"date": "2026-09-01", "social_delta_e00": 5.0}], "from 1 photo measurement:"),
        (
            [
                {"date": "2025-09-01", "social_delta_e00": 6.4},
                {"date": "2026-09-01", "social_delta_e00": 4.9},
            ],
            "from 2 photo measurements:",
        ),
    ],
)
def test_photo_measurements_add_a_personal_window(
    measurements: list[dict[str, Any]], words: str
) -> None:
    result = run(profile(measurements=measurements))
    assert result.personal is not None and result.personal_dates is not None
    lines = format_summary(result).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Personal window, "))
    assert lines[at - 1].startswith("  that is ")  # right after the model's window
    q10, q50, q90 = result.personal_dates
    assert q10 is not None and q50 is not None and q90 is not None
    assert lines[at] == (
        f"Personal window, {words} {month_text(q10)} to {month_text(q90)} "
        f"(median {month_text(q50)})"
    )
    p10, p50, p90 = result.personal.touchup_years
    ess = result.personal.effective_sample_size
    assert lines[at + 1] == (
        f"  that is {p10:.1f} to {p90:.1f} years (median {p50:.1f}); {ess:.0f} of "
        f"{SAMPLES} draws' worth of the model still fit the measurements"
    )
    assert "Personal window" not in format_summary(example("temperate-office-worker"))


@pytest.mark.parametrize(
    ("value", "horizon", "text"),
    [
        (5.66, 30.0, "5.7"),
        (0.04, 30.0, "0.0"),
        (12.0, 30.0, "12.0"),
        (math.inf, 30.0, "more than 30"),
        (math.inf, 5.1, "more than 5.1"),
    ],
)
def test_years_read_with_one_decimal_or_as_more_than_the_horizon(
    value: float, horizon: float, text: str
) -> None:
    assert years_text(value, horizon) == text


def test_an_open_window_says_a_touch_up_may_be_due_now() -> None:
    """Sessions in 2025 and today in mid-2030: the P10 date has passed, the median not."""
    later = dt.date(2030, 6, 1)
    result = fadecast.forecast(office(), samples=300, seed=0, today=later)
    d10, d50, _ = result.touchup_dates
    assert d10 is not None and d50 is not None and d10 <= later < d50
    assert result.may_be_due_now
    lines = format_summary(result).splitlines()
    assert f"  The window opened in {month_text(d10)}: a touch-up may be due now." in lines
    assert forecast_dict(result)["touchup"]["may_be_due_now"] is True
    assert not fadecast.forecast(office(), samples=300, seed=0, today=TODAY).may_be_due_now


def test_a_photo_at_the_next_visit_is_said_to_narrow_the_window_in_text_json_and_report() -> None:
    from fadecast.report.forecast_text import narrowing_sentence
    from fadecast.report.html import report_html

    # The sunbed user's tone moves enough by the next visit for a photo to tell (enough
    # draws that the narrowing is not lost in their noise).
    result = fadecast.forecast(profile("sunbed-user"), samples=400, seed=0, today=TODAY)
    found = result.narrowing
    assert found is not None
    assert 0.0 < found.expected_p10_p90_years < found.prior_p10_p90_years
    sentence = narrowing_sentence(result)
    assert sentence is not None and sentence.startswith("A photo at a visit in ")
    assert f"{found.prior_p10_p90_years:.1f}-year window" in sentence
    assert f"about {found.expected_p10_p90_years:.1f} years" in sentence
    assert f"  {sentence}" in format_summary(result).splitlines()
    data = json.loads(json.dumps(forecast_dict(result), allow_nan=False))["narrowing"]
    assert data["window_width_years_now"] == round(found.prior_p10_p90_years, 2)
    assert data["window_width_years_after_photo"] == round(found.expected_p10_p90_years, 2)
    assert data["photo_at_years"] == round(found.measured_at_years, 2)
    page = report_html(result, profile_text="", strip_png=b"\x89PNG fake")
    assert html.escape(sentence) in page


def test_no_narrowing_is_said_without_a_window() -> None:
    from fadecast.report.forecast_text import narrowing_sentence

    result = fadecast.forecast(office(skin={"lab": [21.0, 8.0, 8.0]}), samples=200, today=TODAY)
    assert narrowing_sentence(result) is None


def test_a_photo_that_would_come_too_late_or_teach_nothing_is_not_offered() -> None:
    from fadecast.report.forecast_text import narrowing_sentence

    deep = example("deep-placement")  # due at healing, before any follow-up photo
    assert deep.narrowing is not None
    assert narrowing_sentence(deep) is None
    assert not any(
        line.startswith("  A photo at a visit") for line in format_summary(deep).splitlines()
    )
