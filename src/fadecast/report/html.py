"""One self-contained HTML report of a forecast: window, permanence, pictures, reasons,
and, given a lifetime plan, its sessions, costs, habits and what removal would take.

The page has no external links, fonts or scripts: plots are inline SVG and the renders
are embedded PNG data, so the file opens the same anywhere, offline, and can be mailed
or archived as it is. :func:`report_html` only assembles text; the command line writes it.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from fadecast.forecasting import MODEL_VERSION, ForecastResult
from fadecast.report.forecast_text import narrowing_sentence, years_text
from fadecast.report.plots import FACTOR_NAMES, attribution_figure, fade_curve_figure, figure_bytes
from fadecast.version import __version__

if TYPE_CHECKING:
    from fadecast.planning import PlanResult

__all__ = ["report_html"]

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       max-width: 980px; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
.sub { color: #666; margin-top: 0; }
.window { font-size: 1.25rem; background: #fdf1e7; border-left: 4px solid #f4b183;
          padding: 0.8rem 1rem; margin: 1rem 0; }
.window strong { font-size: 1.4rem; }
.permanent { background: #eef4fb; border-left: 4px solid #1f4e79; padding: 0.6rem 1rem; }
figure { margin: 1rem 0; }
figure svg, figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; }
td, th { padding: 0.25rem 0.8rem 0.25rem 0; text-align: left; }
.warnings li { margin: 0.3rem 0; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; font-size: 0.85rem; }
footer { color: #777; font-size: 0.8rem; margin-top: 3rem; }
"""


def _svg_inline(svg: bytes) -> str:
    """An SVG document as markup to place inside HTML (without its XML prologue)."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    text = text[start:] if start >= 0 else text
    # Drop the RDF metadata block (it names namespaces of other vocabularies).
    return re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.DOTALL)


def _years(value: float, horizon: float) -> str:
    return f"{years_text(value, horizon)} years"


def _month(value: dt.date | None, fallback: str) -> str:
    """A forecast date to the month (it is not good to the day)."""
    return value.strftime("%B %Y") if value else fallback


def accumulation_paragraph(result: PlanResult) -> str:
    """What the plan's sessions add up to, as a paragraph (empty without it)."""
    from fadecast.report.plan_text import accumulation_lines

    said = [line.strip() for line in accumulation_lines(result)[2:]]
    if not said:
        return ""
    text = ". ".join(part[:1].upper() + part[1:] for part in said)
    return f"<p>{html.escape(text)}.</p>"


def _plan_section(result: PlanResult, timeline_svg: bytes) -> str:
    """The lifetime plan: timeline, sessions, costs, habits, permanence and removal."""
    from fadecast.report.plan_text import date_text, money_text, session_title

    e = html.escape

    def day(years: float) -> str:
        return date_text(result, years)

    sessions = "\n".join(
        f"<tr><td>{e(day(s.p50_years))}</td><td>{e(session_title(s))}</td>"
        f"<td>{e(s.reason)}</td><td>{e(day(s.p10_years))} to {e(day(s.p90_years))}</td>"
        f"<td>{s.share:.0%}</td></tr>"
        for s in result.sessions
        if s.share >= 0.1
    )
    p10, p50, p90 = result.counts["total"]
    fade = result.counts["fade"]
    cost = result.cost_summary
    currency = cost.currency
    if cost.priced:
        assert cost.total_p10 is not None and cost.total_p50 is not None
        assert cost.total_p90 is not None
        spend = (
            f"<p>Cost until the horizon: <strong>{e(money_text(cost.total_p50, currency))}"
            f"</strong>, 80 % of futures between {e(money_text(cost.total_p10, currency))} "
            f"and {e(money_text(cost.total_p90, currency))}.</p>"
        )
    else:
        spend = "<p>No prices given: add <code>[costs]</code> to the profile to see costs.</p>"
    habits = "\n".join(
        f"<tr><td>{e(w.label)}</td><td>{'≥ ' if w.at_least else ''}+{max(w.years_added, 0):.1f}"
        f" y</td><td>{w.touchups_avoided:.2f}</td><td>"
        + (e(money_text(w.money_saved, currency)) if math.isfinite(w.money_saved) else "—")
        + "</td></tr>"
        for w in result.what_ifs
        if w.applicable
    )
    perm = result.permanence
    readings = ", ".join(
        f"{de:.1f} after {y:g} years" for y, de in zip(perm.years, perm.delta_e00_p50, strict=True)
    )
    now, later = result.removal_now, result.removal_at_horizon
    return "\n".join(
        [
            "<h2>The lifetime plan</h2>",
            f"<figure>{_svg_inline(timeline_svg)}<figcaption>Every session until age "
            f"{result.until_age:g}: the dot is the median date, the bar holds 80 % of the "
            "simulated futures, the label gives the share of futures that have the session."
            "</figcaption></figure>",
            f"<p>Sessions until the horizon: <strong>{p50:g}</strong> in all (80 % of futures "
            f"{p10:g}–{p90:g}), of which {fade[1]:g} for fading.</p>",
            "<table><tr><th>median date</th><th>session</th><th>reason</th>"
            "<th>80 % window</th><th>futures</th></tr>",
            sessions,
            "</table>",
            spend,
            "<h3>What aftercare habits would buy</h3>",
            "<table><tr><th>habit</th><th>next touch-up</th><th>touch-ups avoided</th>"
            "<th>money saved</th></tr>",
            habits or "<tr><td colspan='4'>The client already keeps every habit.</td></tr>",
            "</table>",
            "<h3>Stepping back</h3>",
            f"<p>Without any further session the contrast against bare skin (median, ΔE00) "
            f"would be {e(readings)}; {perm.perceptible_delta_e00:g} is perceptible. About "
            f"{perm.slow_share_p50:.0%} of the healed pigment sits in a pool the body clears "
            "only over many decades.</p>",
            accumulation_paragraph(result),
            f"<p>Laser removal on the Kirby–Desai scale (the scalp counts as head and neck): "
            f"{now.total} points today, about {now.sessions_low:g}–{now.sessions_high:g} "
            f"sessions {now.interval_weeks[0]:g}–{now.interval_weeks[1]:g} weeks apart "
            f"({now.months_low:.0f}–{now.months_high:.0f} months); after the planned sessions "
            f"{later.total} points ({later.sessions_low:g}–{later.sessions_high:g} "
            "sessions).</p>",
        ]
    )


def report_html(
    result: ForecastResult,
    *,
    profile_text: str,
    strip_png: bytes | None = None,
    title: str | None = None,
    plots_svg: tuple[bytes, bytes] | None = None,
    progress: Callable[[str], None] | None = None,
    plan: PlanResult | None = None,
    timeline_svg: bytes | None = None,
) -> str:
    """Assemble the report page of a forecast.

    Parameters
    ----------
    result
        The forecast.
    profile_text
        The profile it was made from, as given (TOML), shown verbatim.
    strip_png
        The strip of renders over the years (PNG), or None to leave it out.
    title
        The page's title (e.g. with the profile's name); by default from the place.
    plots_svg
        The fade curve and attribution plots as SVG, if already made
        (:func:`fadecast.report.plots.figure_bytes`); else they are made here.
    progress
        Called with the name of each part as it is made.
    plan
        A lifetime plan of the same profile, for a plan section (None leaves it out).
    timeline_svg
        The plan's timeline as SVG, if already made; else it is made here.

    Returns
    -------
    str
        A complete HTML5 document.

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
    >>> page = report_html(result, profile_text=example.read_text("utf-8"))
    >>> page.startswith("<!DOCTYPE html>"), page.count("<svg"), "<script" in page
    (True, 2, False)
    >>> print(page.split("<h1>")[1].split("</h1>")[0])
    SMP forecast, Manchester (GB)
    """
    sc = result.scenario
    say = progress or (lambda _: None)
    horizon = sc.horizon_years
    p10, p50, p90 = result.touchup_years
    d10, d50, d90 = result.touchup_dates
    place = f"{sc.home.name} ({sc.home.country_code})" if sc.home.country_code else sc.home.name
    heading = title or f"SMP forecast, {place}"
    course = "a standard course starting" if sc.prospective else "sessions from"
    e = html.escape

    if d50 is None:
        window = f"No touch-up expected within the {horizon:g}-year horizon."
    else:
        late = _month(d90, f"beyond {horizon:g} years")
        window = (
            f"Touch-up: median <strong>{e(_month(d50, '?'))}</strong>"
            f" ({e(_years(p50, horizon))} after the first session);"
            f" 80 % of outcomes between {e(_month(d10, '?'))} and {e(late)}"
            f" ({e(_years(p10, horizon))} to {e(_years(p90, horizon))})."
        )
        if result.may_be_due_now:
            window += " <strong>The window has opened: a touch-up may be due now.</strong>"
        narrowing = narrowing_sentence(result)
        if narrowing is not None:
            window += f" {e(narrowing)}"

    personal = ""
    if result.personal is not None and result.personal_dates is not None:
        q = result.personal_dates

        def when(date: dt.date | None) -> str:
            return f"beyond {horizon:g} years" if date is None else date.strftime("%B %Y")

        n = result.personal.measurements
        personal = (
            f"<div class='window'>From the client's own {n} photo measurement"
            f"{'s' if n != 1 else ''}: median <strong>{e(when(q[1]))}</strong>; "
            f"80 % between {e(when(q[0]))} and {e(when(q[2]))} "
            f"(effective sample size {result.personal.effective_sample_size:.0f} of "
            f"{result.samples}).</div>"
        )

    if plots_svg is None:
        say("plots")
        plots_svg = (
            figure_bytes(fade_curve_figure(result), "svg"),
            figure_bytes(attribution_figure(result), "svg"),
        )
    curve_svg, attribution_svg = (_svg_inline(svg) for svg in plots_svg)

    rows = "\n".join(
        f"<tr><td>{e(FACTOR_NAMES.get(a.factor, a.factor))}</td>"
        f"<td>{a.years:+.1f} y</td><td>{e(a.reference)}</td></tr>"
        for a in result.attribution
    )
    warnings = (
        "<ul class='warnings'>" + "".join(f"<li>{e(w)}</li>" for w in result.warnings) + "</ul>"
        if result.warnings
        else "<p>None.</p>"
    )
    strip = ""
    if strip_png is not None:
        data = base64.b64encode(strip_png).decode("ascii")
        strip = (
            "<h2>What it will look like</h2>\n<figure><img alt='The scalp close up and at 2 m, "
            "healed and over the years' src='data:image/png;base64," + data + "'>"
            "<figcaption>The central forecast drawn on a patch of scalp: close up (top) and as "
            "someone 2 m away sees it (bottom), from the healed result on.</figcaption>"
            "</figure>"
        )
    plan_section = ""
    if plan is not None:
        if timeline_svg is None:
            from fadecast.report.plots import plan_timeline_figure

            say("plan")
            timeline_svg = figure_bytes(plan_timeline_figure(plan), "svg")
        plan_section = _plan_section(plan, timeline_svg)
    exposure = result.exposure
    parts = [
        "<!DOCTYPE html>",
        "<html lang='en'>",
        "<head>",
        "<meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{e(heading)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(heading)}</h1>",
        f"<p class='sub'>{e(place)}; {e(sc.pigment)} pigment, {e(sc.placement)} placement; "
        f"{e(course)} {e(sc.first_session.isoformat())}. Made {e(result.today.isoformat())}.</p>",
        f"<div class='window'>{window}</div>",
        personal,
        f"<p class='permanent'>{e(result.permanence_statement())}</p>",
        strip,
        "<h2>How it fades</h2>",
        f"<figure>{curve_svg}<figcaption>Contrast of the SMP against bare skin as seen from 2 m: "
        "median and the band holding 80 % of outcomes; a touch-up is due when it falls below "
        f"the dashed line ({result.threshold_delta_e00:.1f} ΔE00, "
        f"{sc.touchup_threshold:.0%} of the healed look).</figcaption></figure>",
        "<h2>What moves it</h2>",
        f"<figure>{attribution_svg}</figure>",
        "<table><tr><th>factor</th><th>years</th><th>compared with</th></tr>",
        rows,
        "</table>",
        "<h2>Sun</h2>",
        f"<p>{exposure['ambient_sed_per_year']:.0f} SED a year of UV at home (horizontal, "
        f"all sky); {exposure['scalp_sed_per_year']:.0f} SED a year on the scalp. UVA, the "
        "light that reaches the pigment and the one that fades it: "
        f"{exposure['scalp_uva_kj_m2_per_year'] / 1000:.1f} MJ/m² a year on the scalp, "
        f"{exposure['dermal_uva_kj_m2_per_year'] / 1000:.1f} past the skin's melanin.</p>",
        plan_section,
        "<h2>Warnings</h2>",
        warnings,
        "<h2>The profile</h2>",
        f"<pre>{e(profile_text)}</pre>",
        f"<footer>fadecast {e(__version__)}, model {e(MODEL_VERSION)}; {result.samples} Monte "
        f"Carlo draws, seed {result.seed}. A forecast from a model with stated assumptions, "
        "not a guarantee: see the model documentation for what is and is not known.</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"
