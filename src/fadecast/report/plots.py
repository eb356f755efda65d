"""Plots of a forecast (the fade curve with its uncertainty, the attribution) and of a
lifetime plan (the timeline of its sessions by reason).

matplotlib's object-oriented API on the Agg canvas (no global pyplot state), so plots
can be made from any thread or process without a display. :func:`figure_bytes` writes
SVG or PNG with no dates, versions or random ids in them: the same forecast gives the
same bytes.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Literal

import numpy as np

from fadecast.report.forecast_text import FACTOR_LABELS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from fadecast.forecasting import ForecastResult
    from fadecast.planning import PlanResult

__all__ = ["attribution_figure", "fade_curve_figure", "figure_bytes", "plan_timeline_figure"]

_DAYS_PER_YEAR = 365.25
_INK = "#303030"
_MEDIAN = "#1f4e79"
_BAND = "#9ec3e6"
_WINDOW = "#f4b183"
_GAIN = "#548235"
_LOSS = "#c55a11"

#: Bar labels: the summary's factor names, capitalised.
FACTOR_NAMES = {factor: label[0].upper() + label[1:] for factor, label in FACTOR_LABELS.items()}


def _figure(width_in: float, height_in: float) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")
    return fig


def fade_curve_figure(result: ForecastResult) -> Figure:
    """Visible contrast over the years: P50 with the P10-P90 band, threshold, window.

    The x axis is years since the first session; the touch-up window (P10 to P90 of the
    touch-up time) is shaded, the touch-up level drawn as a dashed line, today marked.

    Parameters
    ----------
    result
        A forecast.

    Returns
    -------
    matplotlib.figure.Figure

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
    >>> ax = fade_curve_figure(result).axes[0]
    >>> bool(np.allclose(ax.lines[0].get_ydata(), result.curve_social[1]))  # the median
    True
    """
    fig = _figure(7.0, 3.8)
    ax = fig.add_subplot()
    years = result.curve_years
    p10, p50, p90 = result.curve_social
    ax.fill_between(years, p10, p90, color=_BAND, alpha=0.6, linewidth=0, label="P10–P90")
    ax.plot(years, p50, color=_MEDIAN, linewidth=2.0, label="median tone")
    ax.plot(
        years,
        result.curve_look_p50,
        color=_MEDIAN,
        linewidth=1.2,
        linestyle="-.",
        label="median look (tone, or the dots' definition if lower)",
    )
    ax.axhline(
        result.threshold_delta_e00,
        color=_INK,
        linestyle="--",
        linewidth=1.0,
        label=f"touch-up level ({result.threshold_delta_e00:.1f} ΔE00)",
    )
    t10, t50, t90 = result.touchup_years
    horizon = float(years[-1])
    if math.isfinite(t10):
        right = t90 if math.isfinite(t90) else horizon
        ax.axvspan(t10, right, color=_WINDOW, alpha=0.35, linewidth=0, label="touch-up window")
    if math.isfinite(t50):
        ax.axvline(t50, color=_WINDOW, linewidth=1.5)
    first = result.scenario.first_session
    today_years = (result.today - first).days / _DAYS_PER_YEAR
    if 0.0 <= today_years <= horizon:
        ax.axvline(today_years, color=_INK, linewidth=1.0, linestyle=":")
        ax.annotate(
            "today",
            (today_years, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -12),
            textcoords="offset points",
            fontsize=8,
            color=_INK,
        )
    ax.set_xlim(0.0, horizon)
    ax.set_ylim(0.0, max(float(np.max(p90)), result.target_delta_e00) * 1.08)
    ax.set_xlabel(f"years since the first session ({first.isoformat()})")
    ax.set_ylabel("visible contrast at 2 m [ΔE00]")
    ax.set_title("How the SMP fades", loc="left", fontsize=11)
    ax.grid(True, color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    return fig


def attribution_figure(result: ForecastResult) -> Figure:
    """Years each factor gains (+) or costs (−) against its reference, as bars.

    Parameters
    ----------
    result
        A forecast with attribution.

    Returns
    -------
    matplotlib.figure.Figure

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
    >>> ax = attribution_figure(result).axes[0]
    >>> [label.get_text() for label in ax.get_yticklabels()][-1]  # the largest on top
    'Sun exposure'
    """
    items = list(result.attribution)
    fig = _figure(7.0, 0.45 * max(len(items), 1) + 1.1)
    ax = fig.add_subplot()
    if not items:
        ax.text(0.5, 0.5, "no attribution", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    names = [FACTOR_NAMES.get(a.factor, a.factor) for a in items][::-1]
    values = np.array([a.years for a in items][::-1])
    colours = [_GAIN if v >= 0 else _LOSS for v in values]
    positions = np.arange(len(items))
    ax.barh(positions, values, color=colours, height=0.6)
    ax.set_yticks(positions, names)
    ax.axvline(0.0, color=_INK, linewidth=0.8)
    span = max(float(np.abs(values).max()), 0.5)
    ax.set_xlim(-1.25 * span, 1.25 * span)
    for y, v in zip(positions, values, strict=True):
        ax.annotate(
            f"{v:+.1f} y".replace("-", "−"),
            (v, y),
            xytext=(4 if v >= 0 else -4, 0),
            textcoords="offset points",
            ha="left" if v >= 0 else "right",
            va="center",
            fontsize=8,
            color=_INK,
        )
    ax.set_xlabel("years gained (+) or lost (−) against the reference")
    ax.set_title("What moves the touch-up date", loc="left", fontsize=11)
    ax.grid(True, axis="x", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig


#: Colour and legend name of each kind of planned session.
_KINDS = {
    "fade": ("#1f4e79", "touch-up for fading"),
    "extension": ("#c55a11", "area extension for hair loss"),
    "design": ("#548235", "design change"),
}
#: Sessions in fewer than this share of the draws are left off the timeline.
TIMELINE_MIN_SHARE = 0.1


def plan_timeline_figure(result: PlanResult) -> Figure:
    """The plan's sessions over the calendar years, one row each, coloured by reason.

    Each row shows the P10–P90 window of a session as a bar (to the horizon when P90 lies
    beyond it) and its median date as a dot whose size grows with the share of draws that
    have the session. Sessions in fewer than 10 % of draws are left out.

    Parameters
    ----------
    result
        A lifetime plan.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> profile = load_profile(example, today=today)
    >>> from fadecast.planning import plan
    >>> result = plan(profile, samples=50, seed=0, today=today)
    >>> ax = plan_timeline_figure(result).axes[0]
    >>> labels = [label.get_text() for label in ax.get_yticklabels()]
    >>> labels[-3:], len(labels)  # the first session on top
    (['touch-up 3 (100%)', 'touch-up 2 (100%)', 'touch-up 1 (100%)'], 10)
    """
    from fadecast.report.plan_text import session_title

    sessions = [s for s in result.sessions if s.share >= TIMELINE_MIN_SHARE]
    fig = _figure(7.0, 0.32 * max(len(sessions), 1) + 1.5)
    ax = fig.add_subplot()
    start = result.scenario.first_session
    year0 = start.year + (start.timetuple().tm_yday - 1) / _DAYS_PER_YEAR
    horizon = result.horizon_years
    today = result.today_years
    if not sessions:
        ax.text(
            0.5,
            0.5,
            "no session before the horizon",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        ax.set_axis_off()
        return fig
    seen: set[str] = set()
    for row, s in enumerate(reversed(sessions)):
        colour, name = _KINDS[s.kind]
        low = s.p10_years if math.isfinite(s.p10_years) else horizon
        high = s.p90_years if math.isfinite(s.p90_years) else horizon
        ax.plot(
            [year0 + low, year0 + high],
            [row, row],
            color=colour,
            alpha=0.35,
            linewidth=6,
            solid_capstyle="butt",
        )
        if math.isfinite(s.p50_years):
            ax.scatter(
                [year0 + s.p50_years],
                [row],
                s=20 + 60 * s.share,
                color=colour,
                zorder=3,
                label=None if s.kind in seen else name,
            )
            seen.add(s.kind)
    labels = [f"{session_title(s)} ({s.share:.0%})" for s in reversed(sessions)]
    ax.set_yticks(np.arange(len(sessions)), labels, fontsize=8)
    ax.axvline(year0 + today, color=_INK, linewidth=1.0, linestyle=":")
    ax.annotate(
        "today",
        (year0 + today, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, -12),
        textcoords="offset points",
        fontsize=8,
        color=_INK,
    )
    ax.set_xlim(year0 + today - 1.0, year0 + horizon + 0.5)
    ax.set_ylim(-0.7, len(sessions) - 0.3)
    ax.set_xlabel(f"year (plan until age {result.until_age:g}); bars: 80 % of futures")
    ax.set_title("The sessions ahead, by reason", loc="left", fontsize=11)
    ax.grid(True, axis="x", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    if seen:
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=3, fontsize=8, frameon=False
        )
    return fig


def figure_bytes(fig: Figure, fmt: Literal["svg", "png"]) -> bytes:
    """SVG or PNG bytes of a figure, the same for the same figure.

    SVG: no date and a fixed hash salt for element ids; PNG: no software tag.

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
    >>> svg = figure_bytes(attribution_figure(result), "svg")
    >>> svg.startswith(b"<?xml"), svg == figure_bytes(attribution_figure(result), "svg")
    (True, True)
    >>> figure_bytes(attribution_figure(result), "png")[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    import matplotlib as mpl

    buffer = io.BytesIO()
    if fmt == "svg":
        with mpl.rc_context({"svg.hashsalt": "fadecast", "svg.fonttype": "path"}):
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    elif fmt == "png":
        fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    else:
        raise ValueError(f"fmt must be 'svg' or 'png', got {fmt!r}")
    return buffer.getvalue()
