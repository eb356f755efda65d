"""One self-contained HTML report of a forecast: window, permanence, pictures, reasons.

The page has no external links, fonts or scripts: plots are inline SVG and the renders
are embedded PNG data, so the file opens the same anywhere, offline, and can be mailed
or archived as it is. :func:`report_html` only assembles text; the command line writes it.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from collections.abc import Callable

from fadecast import __version__
from fadecast.forecasting import MODEL_VERSION, ForecastResult
from fadecast.plots import FACTOR_NAMES, attribution_figure, fade_curve_figure, figure_bytes
from fadecast.summary import years_text

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


def _date(value: dt.date | None, fallback: str) -> str:
    return value.strftime("%d %B %Y").lstrip("0") if value else fallback


def report_html(
    result: ForecastResult,
    *,
    profile_text: str,
    strip_png: bytes | None = None,
    title: str | None = None,
    plots_svg: tuple[bytes, bytes] | None = None,
    progress: Callable[[str], None] | None = None,
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
        (:func:`fadecast.plots.figure_bytes`); else they are made here.
    progress
        Called with the name of each part as it is made.

    Returns
    -------
    str
        A complete HTML5 document.
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
        late = _date(d90, f"beyond {horizon:g} years")
        window = (
            f"Touch-up most likely around <strong>{e(_date(d50, '?'))}</strong>"
            f" ({e(_years(p50, horizon))} after the first session);"
            f" 80 % of outcomes between {e(_date(d10, '?'))} and {e(late)}"
            f" ({e(_years(p10, horizon))} to {e(_years(p90, horizon))})."
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
        f"all sky); {exposure['scalp_sed_per_year']:.0f} SED a year on the scalp; a dermal dose "
        f"of {exposure['dermal_dose_per_year']:.0f} (UVA-weighted, through this skin).</p>",
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
