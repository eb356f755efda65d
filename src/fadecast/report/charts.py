"""The fade curve as a small SVG for a phone screen, styled by a stylesheet.

The matplotlib figures (:mod:`fadecast.report.plots`) are drawn for a wide page; shrunk
to a phone's width their text is a few pixels high. This curve is drawn on a
360-unit-wide canvas, so at a phone's width one unit is about one CSS pixel and its
15-unit text (``chart.css``) reads at 14 px or more. It carries classes instead of
colours or inline styles (the web pages' Content Security Policy allows no inline style;
they load ``chart.css`` as a file), a title and a description for screen readers, and
shows the first years, where the touch-up falls, rather than the whole horizon. A
standalone file (the HTML report, and the PDF made from it) puts the same stylesheet
inside the SVG, where every renderer applies it.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence

import numpy as np

from fadecast.forecasting import ForecastResult

__all__ = ["fade_curve_svg", "shown_years"]

_WIDTH, _HEIGHT = 360.0, 250.0
_LEFT, _RIGHT, _TOP, _BOTTOM = 40.0, 12.0, 30.0, 44.0
_DAYS_PER_YEAR = 365.25


def shown_years(result: ForecastResult) -> float:
    """How many years after the first session the curve shows: the touch-up window and
    three years more, at least ten, at most the horizon. [yr]

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> from fadecast.forecasting import forecast
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> result = forecast(load_profile(example, today=today), samples=50, seed=0, today=today)
    >>> 10.0 <= shown_years(result) <= result.scenario.horizon_years
    True
    """
    horizon = float(result.curve_years[-1])
    late = result.touchup_years[2]
    wanted = late + 3.0 if math.isfinite(late) else horizon
    return float(min(horizon, max(10.0, math.ceil(wanted))))


def _ticks(low: float, high: float, most: int) -> list[float]:
    """Round tick values from low to high, at most ``most`` of them."""
    span = max(high - low, 1e-9)
    for step in (0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0):
        if span / step <= most - 1:
            break
    first = math.ceil(low / step) * step
    return [float(v) for v in np.arange(first, high + 1e-9, step)]


def fade_curve_svg(
    result: ForecastResult,
    *,
    ident: str = "fade",
    photos: Sequence[tuple[dt.date, float]] = (),
    embedded_css: str = "",
) -> str:
    """The fade curve: median contrast at 2 m with its 80 % band, the touch-up level,
    the touch-up window and today, over calendar years; with a client's photos, their
    measured contrast as points and the personal window they give.

    Parameters
    ----------
    result
        A forecast.
    ident
        Prefix of the ids inside the SVG (its title and description), unique on the page.
    photos
        Photos' days and measured contrast at 2 m (ΔE00), drawn as points over the band.
    embedded_css
        A stylesheet to put inside the SVG (``chart.css`` from
        :func:`fadecast.report.templating.stylesheet`), for a standalone file: WeasyPrint
        does not style an SVG from the page around it. Empty for a web page, whose
        Content Security Policy allows no ``<style>`` element.

    Returns
    -------
    str
        An ``<svg>`` element to put in HTML as it is.

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> from fadecast.forecasting import forecast
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> result = forecast(load_profile(example, today=today), samples=50, seed=0, today=today)
    >>> svg = fade_curve_svg(result)
    >>> svg.startswith("<svg"), "style=" in svg, 'class="band"' in svg
    (True, False, True)
    >>> 'class="photo"' in fade_curve_svg(result, photos=[(dt.date(2026, 3, 1), 15.4)])
    True
    >>> "<style>.band { fill: #9ec3e6; }</style>" in fade_curve_svg(
    ...     result, embedded_css=".band { fill: #9ec3e6; }"
    ... )
    True
    """
    e = html.escape
    years = np.asarray(result.curve_years, dtype=float)
    x_max = shown_years(result)
    keep = years <= x_max + 1e-9
    p10, p50, p90 = (np.asarray(q, dtype=float)[keep] for q in result.curve_social)
    xs = years[keep]
    first = result.scenario.first_session
    seen = [
        ((day - first).days / _DAYS_PER_YEAR, float(value))
        for day, value in photos
        if math.isfinite(value) and 0.0 <= (day - first).days / _DAYS_PER_YEAR <= x_max
    ]
    y_max = max([float(np.max(p90)), result.target_delta_e00, *(v for _, v in seen)]) * 1.1
    plot_w = _WIDTH - _LEFT - _RIGHT
    plot_h = _HEIGHT - _TOP - _BOTTOM

    def x_of(t: float) -> float:
        return _LEFT + plot_w * min(max(t / x_max, 0.0), 1.0)

    def y_of(v: float) -> float:
        return _TOP + plot_h * (1.0 - min(max(v / y_max, 0.0), 1.0))

    def points(ts: np.ndarray, vs: np.ndarray) -> str:
        return " ".join(f"{x_of(t):.1f},{y_of(v):.1f}" for t, v in zip(ts, vs, strict=True))

    start_year = first.year + (first.timetuple().tm_yday - 1) / _DAYS_PER_YEAR
    parts: list[str] = []
    # Gridlines and labels: calendar years along, contrast up.
    for cal in _ticks(math.ceil(start_year), start_year + x_max, 5):
        if cal != int(cal):
            continue
        x = x_of(cal - start_year)
        parts.append(
            f'<line class="grid" x1="{x:.1f}" y1="{_TOP}" x2="{x:.1f}" y2="{_TOP + plot_h}"/>'
        )
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{_TOP + plot_h + 18}" '
            f'text-anchor="middle">{int(cal)}</text>'
        )
    for value in _ticks(0.0, y_max, 5):
        y = y_of(value)
        parts.append(
            f'<line class="grid" x1="{_LEFT}" y1="{y:.1f}" x2="{_LEFT + plot_w}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="tick" x="{_LEFT - 6}" y="{y + 5:.1f}" text-anchor="end">{value:g}</text>'
        )
    t10, t50, t90 = result.touchup_years
    if math.isfinite(t10) and t10 < x_max:
        right = x_of(t90 if math.isfinite(t90) else x_max)
        parts.append(
            f'<rect class="window" x="{x_of(t10):.1f}" y="{_TOP}" '
            f'width="{max(right - x_of(t10), 1.0):.1f}" height="{plot_h}"/>'
        )
    if result.personal is not None:
        q10, _, q90 = result.personal.touchup_years
        if math.isfinite(q10) and q10 < x_max:
            right = x_of(q90 if math.isfinite(q90) else x_max)
            parts.append(
                f'<rect class="personal" x="{x_of(q10):.1f}" y="{_TOP + plot_h - 14:.1f}" '
                f'width="{max(right - x_of(q10), 1.0):.1f}" height="14"/>'
            )
    band = points(xs, p90) + " " + points(xs[::-1], p10[::-1])
    parts.append(f'<polygon class="band" points="{band}"/>')
    level = y_of(result.threshold_delta_e00)
    parts.append(
        f'<line class="level" x1="{_LEFT}" y1="{level:.1f}" x2="{_LEFT + plot_w}" '
        f'y2="{level:.1f}"/>'
    )
    parts.append(f'<polyline class="median" points="{points(xs, p50)}"/>')
    if math.isfinite(t50) and t50 <= x_max:
        parts.append(
            f'<line class="due" x1="{x_of(t50):.1f}" y1="{_TOP}" x2="{x_of(t50):.1f}" '
            f'y2="{_TOP + plot_h}"/>'
        )
    now = (result.today - first).days / _DAYS_PER_YEAR
    if 0.0 <= now <= x_max:
        x = x_of(now)
        parts.append(
            f'<line class="today" x1="{x:.1f}" y1="{_TOP}" x2="{x:.1f}" y2="{_TOP + plot_h}"/>'
        )
        anchor = "start" if x < _WIDTH - 60 else "end"
        shift = 4 if anchor == "start" else -4
        parts.append(
            f'<text class="note" x="{x + shift:.1f}" y="{_TOP + 14}" '
            f'text-anchor="{anchor}">today</text>'
        )
    for at_years, value in seen:
        parts.append(
            f'<circle class="photo" cx="{x_of(at_years):.1f}" cy="{y_of(value):.1f}" r="5">'
            f"<title>A photo: {value:.1f} ΔE00 measured</title></circle>"
        )
    parts.append(f'<rect class="frame" x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}"/>')
    parts.append(f'<text class="axis" x="{_LEFT}" y="18">contrast at 2 m (ΔE00)</text>')
    parts.append(
        f'<text class="axis" x="{_WIDTH - _RIGHT}" y="{_HEIGHT - 6}" text-anchor="end">year</text>'
    )

    d10, d50, d90 = result.touchup_dates
    if d50 is not None:
        late = d90.strftime("%B %Y") if d90 else "beyond the horizon"
        early = d10.strftime("%B %Y") if d10 else "?"
        when = (
            f"The line falls below the touch-up level around {d50.strftime('%B %Y')}; "
            f"in 8 of 10 outcomes between {early} and {late}."
        )
    else:
        when = "The line stays above the touch-up level within the horizon."
    if seen:
        when += (
            f" {len(seen)} photo{'s' if len(seen) != 1 else ''} measured "
            + ", ".join(f"{v:.1f}" for _, v in seen)
            + "."
        )
    title = "How the SMP fades: contrast seen from 2 m over the years"
    desc = (
        f"The median contrast starts near {float(p50[0]):.1f} and falls to "
        f"{float(p50[-1]):.1f} after {x_max:g} years; a touch-up is due below "
        f"{result.threshold_delta_e00:.1f}. {when}"
    )
    if "<" in embedded_css or "&" in embedded_css:
        raise ValueError("embedded_css must hold no '<' or '&': inside an SVG it is read as markup")
    style = f"<style>{embedded_css}</style>" if embedded_css else ""
    return (
        f'<svg class="chart" viewBox="0 0 {_WIDTH:g} {_HEIGHT:g}" role="img" '
        f'aria-labelledby="{e(ident)}-title {e(ident)}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{e(ident)}-title">{e(title)}</title>'
        f'<desc id="{e(ident)}-desc">{e(desc)}</desc>{style}' + "".join(parts) + "</svg>"
    )
