"""One self-contained HTML report of a forecast: the same answer as the calculator's
result page (window, pictures over the years, fade curve, what moves it and, given a
lifetime plan, what habits buy, the sessions and their cost, removal), then the sun,
the profile as given and how it was made.

The answer comes from the templates the web's result page uses
(:mod:`fadecast.report.templating`); the page is one file with its stylesheet inline,
the chart as inline SVG and the pictures as embedded PNG data, no script and no link to
anything outside it, so it opens the same anywhere, offline, on a phone as on paper, and
can be mailed or archived as it is (and printed to PDF: the web's download does so with
WeasyPrint). :func:`report_html` only assembles text; the command line writes it.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING

from markupsafe import Markup

from fadecast.forecasting import MODEL_VERSION, ForecastResult
from fadecast.report.answer import YearPair, result_view, year_pairs
from fadecast.report.charts import fade_curve_svg
from fadecast.report.forecast_text import SED_IN_WORDS, month_text
from fadecast.report.templating import environment, stylesheet
from fadecast.version import __version__

if TYPE_CHECKING:
    from fadecast.planning import PlanResult
    from fadecast.render.scene import Renders

__all__ = ["report_html", "report_stylesheet"]


def report_stylesheet() -> str:
    """The report's whole stylesheet, as it is put inline: the shared answer's, the
    charts' and the report page's own.

    Examples
    --------
    >>> css = report_stylesheet()
    >>> "@media print" in css and "svg.chart .band" in css and "pre.profile" in css
    True
    """
    return "\n".join(stylesheet(name) for name in ("answer.css", "chart.css", "report.css"))


def _sun_text(result: ForecastResult) -> str:
    exposure = result.exposure
    return (
        f"{exposure['ambient_sed_per_year']:.0f} SED a year of UV at home (on open "
        f"ground, all weathers); {exposure['scalp_sed_per_year']:.0f} SED a year on the "
        "scalp. UVA, the light that reaches the pigment and the one that fades it: "
        f"{exposure['scalp_uva_kj_m2_per_year'] / 1000:.1f} MJ/m² a year on the scalp, "
        f"{exposure['dermal_uva_kj_m2_per_year'] / 1000:.1f} past the skin's own melanin."
    )


def report_html(
    result: ForecastResult,
    *,
    profile_text: str,
    strip_png: bytes | None = None,
    title: str | None = None,
    progress: Callable[[str], None] | None = None,
    plan: PlanResult | None = None,
    renders: Renders | None = None,
) -> str:
    """Assemble the report page of a forecast.

    Parameters
    ----------
    result
        The forecast.
    profile_text
        The profile it was made from, as given (TOML), shown verbatim.
    strip_png
        The strip of renders over the years (PNG), shown as one picture when no
        ``renders`` are given; None (and no ``renders``) leaves the pictures out.
    title
        The page's title (e.g. with the profile's name); by default from the place.
    progress
        Called with the name of each part as it is made.
    plan
        A lifetime plan of the same profile, for its sections (None leaves them out).
    renders
        The pictures over the years (:func:`fadecast.render.scene.render_profile`):
        each year's close-up and view at 2 m, one year below the other on a phone.

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
    (True, 1, False)
    >>> print(page.split("<h1>")[1].split("</h1>")[0])
    SMP forecast, Manchester (GB)
    """
    sc = result.scenario
    say = progress or (lambda _: None)
    view = result_view(result, plan)
    heading = title or f"SMP forecast, {view.place}"
    pictures: tuple[YearPair, ...] = ()
    strip_uri: str | None = None
    patch_mm: float | None = None
    if renders is not None:
        say("pictures")
        pictures = year_pairs(renders)
        patch_mm = renders.scene.settings.size_mm
    elif strip_png is not None:
        strip_uri = "data:image/png;base64," + base64.b64encode(strip_png).decode("ascii")
    say("chart")
    curve = fade_curve_svg(result, embedded_css=stylesheet("chart.css"))
    say("page")
    course = "a standard course starting" if sc.prospective else "sessions from"
    template = environment().get_template("report.html")
    return template.render(
        title=heading,
        subtitle=(
            f"Made {month_text(result.today)} ({result.today.isoformat()}) for {course} "
            f"{sc.first_session.isoformat()} in {view.place}."
        ),
        stylesheet=Markup(report_stylesheet()),
        view=view,
        pictures=pictures,
        strip_uri=strip_uri,
        patch_mm=patch_mm,
        curve_svg=Markup(curve),
        answer_heading="h2",
        sun=_sun_text(result),
        sed_words=SED_IN_WORDS[:1].upper() + SED_IN_WORDS[1:],
        profile_text=profile_text,
        footer=(
            f"fadecast {__version__}, model {MODEL_VERSION}; {result.samples} simulated "
            f"futures (Monte Carlo draws), seed {result.seed}. A forecast from a model with "
            "stated assumptions, not a guarantee: see the model documentation for what is "
            "and is not known."
        ),
    )
