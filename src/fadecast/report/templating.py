"""The templates and stylesheets of the answer, shared by the HTML report and the web.

The answer to "how long will my SMP last?" (the window, the renders over the years, the
fade curve with its band, what moves it, what habits buy, the lifetime plan and its cost,
removal, what a photo would narrow) is laid out once, by the Jinja2 templates in this
package's ``templates/answer/`` folder, and styled once, by ``styles/answer.css`` and
``styles/chart.css``. Two shells use them:

- :func:`fadecast.report.html.report_html` renders ``templates/report.html`` into one
  self-contained file, with the stylesheets inline (:func:`stylesheet`);
- the web app adds :func:`template_loader` to its own Jinja loader, so its result page
  includes the same ``answer/*.html``, and serves :data:`STYLE_PACKAGE` as static files
  (its Content Security Policy allows no inline style).

The templates read ``view`` (:class:`fadecast.report.answer.ResultView`), ``pictures``
(each with ``label``, ``closeup_uri`` and ``social_uri``, such as
:class:`fadecast.report.answer.YearPair`), ``curve_svg`` (from
:func:`fadecast.report.charts.fade_curve_svg`) and optionally ``patch_mm`` (the side of
the patch drawn [mm]), ``strip_uri`` (one picture of all years, when there are no
``pictures``) and ``answer_heading`` (the answer's heading element, ``h1`` by default).
"""

from __future__ import annotations

import functools
from importlib import resources

from jinja2 import BaseLoader, Environment, PackageLoader, StrictUndefined, select_autoescape

__all__ = ["STYLESHEETS", "STYLE_PACKAGE", "environment", "stylesheet", "template_loader"]

#: The package and folder of the stylesheets, as Starlette's ``StaticFiles(packages=...)``
#: takes them.
STYLE_PACKAGE = ("fadecast.report", "styles")
#: The stylesheets: the answer's type, palette, sections and print rules; the charts' (in
#: literal colours, as it is also put inside each SVG of a standalone file); the report
#: page's own.
STYLESHEETS = ("answer.css", "chart.css", "report.css")


def template_loader() -> BaseLoader:
    """The loader of the shared templates (``answer/*.html``, ``report.html``).

    Examples
    --------
    >>> from jinja2 import ChoiceLoader
    >>> env = Environment(loader=ChoiceLoader([template_loader()]))
    >>> "answer/all.html" in env.list_templates()
    True
    """
    return PackageLoader("fadecast.report", "templates")


@functools.cache
def environment() -> Environment:
    """The report's Jinja2 environment: the shared templates, HTML escaped, and an error
    for any name a template uses and the report does not give (so nothing is left out
    silently).

    Examples
    --------
    >>> environment().from_string("{{ name }}").render(name="<b>")
    '&lt;b&gt;'
    """
    return Environment(
        loader=template_loader(),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )


@functools.cache
def stylesheet(name: str) -> str:
    """The text of one of the :data:`STYLESHEETS`.

    Raises
    ------
    ValueError
        For another name, listing the stylesheets.

    Examples
    --------
    >>> "svg.chart .band" in stylesheet("chart.css")
    True
    >>> stylesheet("main.css")
    Traceback (most recent call last):
      ...
    ValueError: name must be one of answer.css, chart.css, report.css, got 'main.css'
    """
    if name not in STYLESHEETS:
        raise ValueError(f"name must be one of {', '.join(STYLESHEETS)}, got {name!r}")
    package, folder = STYLE_PACKAGE
    return (resources.files(package) / folder / name).read_text(encoding="utf-8")
