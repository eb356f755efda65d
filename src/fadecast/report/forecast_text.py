"""A readable plain-text summary of a forecast (used by the command line)."""

from __future__ import annotations

import datetime as dt
import math

from fadecast.forecasting import ForecastResult, summarise_factors
from fadecast.forecasting.result import date_after

__all__ = [
    "FACTOR_LABELS",
    "MIN_NARROWING_YEARS",
    "SED_IN_WORDS",
    "format_summary",
    "month_text",
    "narrowing_lines",
    "narrowing_sentence",
    "years_text",
]

#: What the units shown mean, in plain words.
SED_IN_WORDS = (
    "SED, a standard erythemal dose: the sunburn-weighted UV of about ten minutes of midday "
    "summer sun in northern Europe; 2-3 SED redden fair skin"
)

#: How each attribution factor is named to people.
FACTOR_LABELS = {
    "sun_exposure": "sun exposure",
    "sun_protection": "sun protection",
    "sunbeds": "sunbeds",
    "pigment": "pigment",
    "procedure": "procedure",
    "biology": "age, immune system, smoking",
    "skin_tone": "skin tone",
}


def years_text(value: float, horizon_years: float) -> str:
    """A number of years for people: one decimal, or "more than" the horizon if infinite.

    Examples
    --------
    >>> years_text(5.66, 30.0), years_text(math.inf, 30.0)
    ('5.7', 'more than 30')
    """
    return f"{value:.1f}" if math.isfinite(value) else f"more than {horizon_years:g}"


def month_text(date: dt.date) -> str:
    """A date for people, to the month: the forecast is not good to the day.

    Examples
    --------
    >>> month_text(dt.date(2030, 11, 6))
    'November 2030'
    """
    return date.strftime("%B %Y")


def _personal_lines(result: ForecastResult) -> list[str]:
    personal = result.personal
    dates = result.personal_dates
    assert personal is not None and dates is not None
    horizon = result.scenario.horizon_years
    p10, p50, p90 = personal.touchup_years

    def when(date: dt.date | None) -> str:
        return f"beyond the {horizon:g}-year horizon" if date is None else month_text(date)

    plural = "s" if personal.measurements != 1 else ""
    lines = [
        f"Personal window, from {personal.measurements} photo measurement{plural}: "
        f"{when(dates[0])} to {when(dates[2])} (median {when(dates[1])})",
        f"  that is {years_text(p10, horizon)} to {years_text(p90, horizon)} years "
        f"(median {years_text(p50, horizon)}); {personal.effective_sample_size:.0f} of "
        f"{result.samples} draws' worth of the model still fit the measurements",
    ]
    return lines


#: The least a photo must narrow the window by for the summary to say so. [yr]
MIN_NARROWING_YEARS = 0.1


def narrowing_sentence(result: ForecastResult) -> str | None:
    """What a photo at the next visit would do to the window, in one sentence (None when
    there is nothing worth saying: no window, a visit past the horizon or after the median
    touch-up, or a photo that would narrow the window by less than a tenth of a year)."""
    found = result.narrowing
    if found is None or not result.can_show or result.touchup_dates[1] is None:
        return None
    now, after = found.prior_p10_p90_years, found.expected_p10_p90_years
    if not (math.isfinite(now) and math.isfinite(after)):
        return None
    if now - after < MIN_NARROWING_YEARS or found.measured_at_years >= result.touchup_years[1]:
        return None
    photo = date_after(result.scenario.first_session, found.measured_at_years)
    when = "" if photo is None else f" in {month_text(photo)}"
    return (
        f"A photo at a visit{when} would likely narrow this {now:.1f}-year window to about "
        f"{after:.1f} years: a photo at every visit makes the date surer."
    )


def narrowing_lines(result: ForecastResult) -> list[str]:
    """:func:`narrowing_sentence` as the summary's indented line (none without it)."""
    sentence = narrowing_sentence(result)
    return [] if sentence is None else [f"  {sentence}"]


def format_summary(result: ForecastResult) -> str:
    """Format a forecast for people: window, permanence, reasons, warnings.

    Parameters
    ----------
    result
        The forecast.

    Returns
    -------
    str
        Several lines of plain text.

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> profile = load_profile(example, today=today)
    >>> from fadecast.forecasting import forecast
    >>> result = forecast(profile, samples=50, seed=0, today=today)
    >>> text = format_summary(result)
    >>> print(text.splitlines()[0])
    Manchester (GB); carbon-black, optimal placement; sessions from 2025-03-01
    >>> "(median " in text, "What moves it" in text
    (True, True)
    """
    sc = result.scenario
    p10, p50, p90 = result.touchup_years
    d10, d50, d90 = result.touchup_dates
    place = f"{sc.home.name} ({sc.home.country_code})" if sc.home.country_code else sc.home.name
    course = "a standard course starting" if sc.prospective else "sessions from"
    lines = [
        f"{place}; {sc.pigment}, {sc.placement} placement; {course} {sc.first_session.isoformat()}",
        "",
    ]
    horizon = sc.horizon_years
    if not result.can_show:
        lines.append(
            "Touch-up: none forecast; on this skin the SMP would hardly show even when fresh "
            "(see the warnings)."
        )
    elif d50 is None:
        lines.append(f"Touch-up: not expected within the {horizon:g}-year horizon.")
    else:
        early = month_text(d10) if d10 else "?"
        late = month_text(d90) if d90 else f"beyond the {horizon:g}-year horizon"
        lines += [
            f"Touch-up window: {early} to {late} (median {month_text(d50)})",
            f"  that is {years_text(p10, horizon)} to {years_text(p90, horizon)} years after "
            f"the first session (median {years_text(p50, horizon)}; 80 % of outcomes in the "
            "window)",
        ]
        if result.may_be_due_now:
            lines.append(f"  The window opened in {early}: a touch-up may be due now.")
    if result.personal is not None:
        lines += _personal_lines(result)
    lines += narrowing_lines(result)
    lines += ["", result.permanence_statement(), ""]
    top = summarise_factors(result)
    if top:
        lines.append("What moves it (years gained + or lost - against the reference):")
        width = max(len(FACTOR_LABELS[a.factor]) for a in top)
        for a in top:
            label = FACTOR_LABELS[a.factor]
            lines.append(f"  {label:<{width}}  {a.years:+5.1f} y   (reference: {a.reference})")
        lines.append("")
    e = result.exposure
    lines.append(
        f"Sun: {e['ambient_sed_per_year']:.0f} SED a year in the open at home; "
        f"{e['scalp_sed_per_year']:.0f} SED a year on the scalp"
    )
    lines.append(f"  ({SED_IN_WORDS})")
    lines.append(
        f"  UVA, the light that reaches the pigment: {e['scalp_uva_kj_m2_per_year'] / 1000:.1f} "
        f"MJ/m² a year on the scalp, {e['dermal_uva_kj_m2_per_year'] / 1000:.1f} past the skin's "
        "melanin"
    )
    if result.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  - {w}" for w in result.warnings]
    return "\n".join(lines)
