"""The answer to "how long will my SMP last?" in plain words, made from a forecast and a plan.

The calculator's result page and the HTML report (:mod:`fadecast.report.html`) lay out the
same answer from the same templates (:mod:`fadecast.report.templating`); the words come
from here and from the report's text functions (:mod:`fadecast.report.forecast_text`,
:mod:`fadecast.report.plan_text`), so the page, the report and the printed summary say the
same things.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from fadecast.forecasting import ForecastResult, summarise_factors
from fadecast.planning import PlanResult
from fadecast.planning.removal import KirbyDesaiEstimate
from fadecast.report.forecast_text import month_text, narrowing_sentence, years_text
from fadecast.report.plan_text import accumulation_lines, money_text, session_title
from fadecast.report.plots import FACTOR_NAMES

if TYPE_CHECKING:
    from fadecast.render.scene import Renders

__all__ = [
    "PICTURE_MAX_PX",
    "PLACEMENT_WORDS",
    "Factor",
    "Habit",
    "PlanView",
    "ResultView",
    "Session",
    "YearPair",
    "plan_view",
    "result_view",
    "season_text",
    "year_pairs",
]

#: What each placement is called in the answer.
PLACEMENT_WORDS = {
    "optimal": "placed at the right depth",
    "shallow": "placed too shallow",
    "deep": "placed too deep",
}


def season_text(day: dt.date) -> str:
    """A date as people say it of something months away: early, mid or late in a year.

    Examples
    --------
    >>> [season_text(dt.date(2031, m, 1)) for m in (2, 6, 11)]
    ['early 2031', 'mid-2031', 'late 2031']
    """
    if day.month <= 4:
        return f"early {day.year}"
    if day.month <= 8:
        return f"mid-{day.year}"
    return f"late {day.year}"


@dataclass(frozen=True)
class Factor:
    """One factor that moves the touch-up date."""

    name: str
    years: str  # e.g. "−2.3 years"
    reference: str
    gain: bool


@dataclass(frozen=True)
class Habit:
    """What one aftercare habit would buy."""

    label: str
    years: str
    touchups: str
    money: str | None


@dataclass(frozen=True)
class Session:
    """One planned session."""

    when: str
    title: str
    reason: str
    window: str
    share: str


@dataclass(frozen=True)
class PlanView:
    """The lifetime plan in words."""

    until_age: str
    sessions: tuple[Session, ...]
    unlikely: str
    counts: str
    cost: str
    habits: tuple[Habit, ...]
    kept: tuple[str, ...]
    accumulation: str
    permanence: str
    removal_now: str
    removal_later: str


@dataclass(frozen=True)
class ResultView:
    """The forecast in words, the answer first.

    ``window`` is the touch-up window to the month (None without one), ``personal`` the
    window the client's own photos give (None without photos), ``treatment`` the pigment
    and its placement, ``level`` the touch-up level of the fade curve's legend.
    """

    headline: str
    spread: str | None
    due_now: str | None
    window: str | None
    personal: str | None
    course: str
    place: str
    treatment: str
    permanence: str
    narrowing: str | None
    level: str
    factors: tuple[Factor, ...]
    warnings: tuple[str, ...]
    made_on: str
    plan: PlanView | None


@dataclass(frozen=True)
class YearPair:
    """The two pictures of one year, close up and at 2 m, as PNG data URIs for an
    ``<img>``, with the year's name ('healed', 'year 3')."""

    label: str
    closeup_uri: str
    social_uri: str


#: The largest side a picture is embedded at (larger renders are resampled to it): twice
#: the size it is shown at, for sharp screens. [px]
PICTURE_MAX_PX = 384


def _picture_uri(srgb: NDArray[np.uint8], most_px: int) -> str:
    from PIL import Image

    from fadecast.report.files import jpeg_data_uri

    picture = np.ascontiguousarray(srgb)
    side = max(picture.shape[:2])
    if side > most_px:
        image = Image.fromarray(picture)
        scale = most_px / side
        size = (max(round(picture.shape[1] * scale), 1), max(round(picture.shape[0] * scale), 1))
        picture = np.asarray(image.resize(size, Image.Resampling.LANCZOS), dtype=np.uint8)
    return jpeg_data_uri(picture)


def year_pairs(renders: Renders, *, most_px: int = PICTURE_MAX_PX) -> tuple[YearPair, ...]:
    """Each year's pictures of a render as data URIs of their JPEG
    (:func:`fadecast.report.files.jpeg_data_uri`), resampled to at most ``most_px``.

    Parameters
    ----------
    renders
        The pictures of a profile at several years
        (:func:`fadecast.render.scene.render_profile`).
    most_px
        The largest side of an embedded picture. [px]

    Returns
    -------
    tuple of YearPair
        One per year, in the order drawn.

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> from fadecast.forecasting import scenario_from_profile
    >>> from fadecast.render.scene import RenderSettings, render_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> sc = scenario_from_profile(load_profile(example, today=today), today=today)
    >>> renders = render_profile(sc, [0.0, 5.0], RenderSettings(size_mm=5.0, px_per_mm=10.0))
    >>> [(p.label, p.closeup_uri[:22]) for p in year_pairs(renders)]
    [('healed', 'data:image/jpeg;base64'), ('year 5', 'data:image/jpeg;base64')]
    """
    from fadecast.render.strip import year_label

    if most_px < 1:
        raise ValueError(f"most_px must be at least 1, got {most_px}")
    return tuple(
        YearPair(
            label=year_label(p.year),
            closeup_uri=_picture_uri(p.closeup_srgb, most_px),
            social_uri=_picture_uri(p.social_srgb, most_px),
        )
        for p in renders.pictures
    )


def _years(value: float) -> str:
    sign = "+" if value >= 0 else "−"
    return f"{sign}{abs(value):.1f} years"


def _headline(result: ForecastResult) -> tuple[str, str | None]:
    horizon = result.scenario.horizon_years
    d10, d50, d90 = result.touchup_dates
    if not result.can_show:
        return (
            "No touch-up forecast: on this skin the SMP would hardly show even when fresh",
            None,
        )
    if d50 is None:
        return f"No touch-up expected within {horizon:g} years", None
    early = d10.year if d10 is not None else d50.year
    late = f"{d90.year}" if d90 is not None else f"after {horizon:g} years"
    if d10 is not None and d90 is not None and d10.year == d90.year:
        spread = f"most people like you in {early}"
    else:
        spread = f"most people like you between {early} and {late}"
    return f"A touch-up around {season_text(d50)}", spread


def _window(result: ForecastResult) -> str | None:
    """The touch-up window to the month, with the years after the first session."""
    horizon = result.scenario.horizon_years
    d10, d50, d90 = result.touchup_dates
    p50 = result.touchup_years[1]
    if not result.can_show or d50 is None:
        return None
    early = month_text(d10) if d10 is not None else month_text(d50)
    late = month_text(d90) if d90 is not None else f"after {horizon:g} years"
    return (
        f"To the month: the median is {month_text(d50)}, {years_text(p50, horizon)} years "
        f"after the first session; 8 in 10 futures fall between {early} and {late}."
    )


def _personal(result: ForecastResult) -> str | None:
    """The window the client's own photo measurements give."""
    found, dates = result.personal, result.personal_dates
    if found is None or dates is None:
        return None
    horizon = result.scenario.horizon_years

    def when(day: dt.date | None) -> str:
        return f"after {horizon:g} years" if day is None else month_text(day)

    n = found.measurements
    return (
        f"From your own {n} photo measurement{'s' if n != 1 else ''}: a touch-up around "
        f"{when(dates[1])}, 8 in 10 futures between {when(dates[0])} and {when(dates[2])} "
        f"(the photos agree with about {found.effective_sample_size:.0f} of the "
        f"{result.samples} simulated futures)."
    )


def result_view(result: ForecastResult, plan: PlanResult | None) -> ResultView:
    """The answer's words for a forecast and (if there is one) its plan.

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> from fadecast.forecasting import forecast
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> result = forecast(load_profile(example, today=today), samples=200, seed=0, today=today)
    >>> view = result_view(result, None)
    >>> view.headline.startswith("A touch-up around"), view.spread.startswith("most people")
    (True, True)
    >>> view.window.startswith("To the month: the median is"), view.personal is None
    (True, True)
    """
    sc = result.scenario
    headline, spread = _headline(result)
    due_now = None
    if result.may_be_due_now and result.touchup_dates[0] is not None:
        due_now = (
            f"The window opened in {month_text(result.touchup_dates[0])}: "
            "a touch-up may be due now."
        )
    if sc.prospective:
        course = f"For a standard course of three sessions starting {month_text(sc.first_session)}."
    else:
        course = f"For your sessions from {month_text(sc.first_session)}."
    place = f"{sc.home.name} ({sc.home.country_code})" if sc.home.country_code else sc.home.name
    placement = PLACEMENT_WORDS.get(sc.placement, f"placed {sc.placement}")
    factors = tuple(
        Factor(
            name=FACTOR_NAMES.get(a.factor, a.factor),
            years=_years(a.years),
            reference=a.reference,
            gain=a.years >= 0,
        )
        for a in (summarise_factors(result, top=len(result.attribution)) or result.attribution)
    )
    return ResultView(
        headline=headline,
        spread=spread,
        due_now=due_now,
        window=_window(result),
        personal=_personal(result),
        course=course,
        place=place,
        treatment=f"{sc.pigment.replace('-', ' ')} pigment, {placement}",
        permanence=result.permanence_statement(),
        narrowing=narrowing_sentence(result),
        level=(
            f"touch-up level: {result.threshold_delta_e00:.1f} ΔE00, "
            f"{sc.touchup_threshold * 100:.0f} % of the healed look"
        ),
        factors=factors,
        warnings=tuple(result.warnings),
        made_on=month_text(result.today),
        plan=None if plan is None else plan_view(plan),
    )


def _when(plan: PlanResult, years: float) -> str:
    day = plan.date_of(years)
    return month_text(day) if day is not None else "after the plan's end"


def _removal(label: str, est: KirbyDesaiEstimate) -> str:
    return (
        f"{label}: about {est.sessions_low:g} to {est.sessions_high:g} laser sessions, "
        f"{est.interval_weeks[0]:g} to {est.interval_weeks[1]:g} weeks apart, over "
        f"{est.months_low:.0f} to {est.months_high:.0f} months ({est.total} points on the "
        "Kirby–Desai scale)."
    )


def plan_view(plan: PlanResult) -> PlanView:
    """The lifetime plan in words: sessions, counts, cost, habits, removal.

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> from fadecast.planning import plan
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> lifetime = plan(load_profile(example, today=today), samples=50, seed=0, today=today)
    >>> words = plan_view(lifetime)
    >>> words.sessions[0].title, words.removal_now.startswith("Today: about")
    ('Touch-up 1', True)
    """
    cur = plan.cost_summary.currency
    sessions = tuple(
        Session(
            when=_when(plan, s.p50_years),
            title=session_title(s)[:1].upper() + session_title(s)[1:],
            reason=s.reason,
            window=(
                ""
                if s.p10_years == s.p90_years
                else f"{_when(plan, s.p10_years)} to {_when(plan, s.p90_years)}"
            ),
            share=f"{s.share:.0%}",
        )
        for s in plan.sessions
        if math.isfinite(s.p50_years)
    )
    rare = [s for s in plan.sessions if not math.isfinite(s.p50_years) and s.share >= 0.1]
    unlikely = (
        "In fewer than half of the futures, also: "
        + ", ".join(f"{session_title(s)} ({s.share:.0%})" for s in rare)
        + "."
        if rare
        else ""
    )
    p10, p50, p90 = plan.counts["total"]
    fade = plan.counts["fade"][1]
    counts = (
        f"{p50:g} sessions in all until age {plan.until_age:g} (8 in 10 futures: "
        f"{p10:g} to {p90:g}), {fade:g} of them touch-ups for fading."
    )
    cost_summary = plan.cost_summary
    if cost_summary.priced and cost_summary.total_p50 is not None:
        assert cost_summary.total_p10 is not None and cost_summary.total_p90 is not None
        cost = (
            f"About {money_text(cost_summary.total_p50, cur)} until age {plan.until_age:g} "
            f"(8 in 10 futures between {money_text(cost_summary.total_p10, cur)} and "
            f"{money_text(cost_summary.total_p90, cur)})."
        )
    else:
        cost = "Give a price per session to see what the plan would cost."
    habits = tuple(
        Habit(
            label=w.label[:1].upper() + w.label[1:],
            years=f"{'at least ' if w.at_least else ''}+{max(w.years_added, 0.0):.1f} years",
            touchups=f"{w.touchups_avoided:.1f}",
            money=money_text(w.money_saved, cur) if math.isfinite(w.money_saved) else None,
        )
        for w in plan.what_ifs
        if w.applicable
    )
    kept = tuple(w.label for w in plan.what_ifs if not w.applicable)
    said = [line.strip() for line in accumulation_lines(plan)[2:]]
    accumulation = ". ".join(part[:1].upper() + part[1:] for part in said)
    perm = plan.permanence
    readings = ", ".join(
        f"{de:.1f} after {y:g} years" for y, de in zip(perm.years, perm.delta_e00_p50, strict=True)
    )
    permanence = (
        f"If all touch-ups stopped now, the contrast against bare skin (ΔE00, the colour "
        f"difference an eye sees; {perm.perceptible_delta_e00:g} is just perceptible) would be "
        f"{readings}. About {perm.slow_share_p50:.0%} of the healed pigment sits where the "
        "body clears it only over many decades: SMP fades but does not go away by itself."
    )

    return PlanView(
        until_age=f"{plan.until_age:g}",
        sessions=sessions,
        unlikely=unlikely,
        counts=counts,
        cost=cost,
        habits=habits,
        kept=kept,
        accumulation=accumulation + "." if accumulation else "",
        permanence=permanence,
        removal_now=_removal("Today", plan.removal_now),
        removal_later=_removal("After the planned sessions", plan.removal_at_horizon),
    )
