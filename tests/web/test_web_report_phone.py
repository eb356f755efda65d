"""The HTML report a clinic mails, opened in a real browser (Debian's Chromium driven by
Playwright): on a 390-px phone screen nothing scrolls sideways and no text, the chart's
included, is under 14 px; the years' pictures are stacked; printed, nothing is wider
than A4, nothing that can be kept whole is cut across pages, and the colours that carry
meaning are kept."""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

PHONE: ViewportSize = {"width": 390, "height": 844}
#: An A4 sheet at the browser's 96 px an inch. [px]
A4: ViewportSize = {"width": 794, "height": 1123}
TODAY = dt.date(2026, 11, 23)
EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"


def _cli(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fadecast", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def written_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report ``fadecast report`` writes, with its lifetime plan."""
    out = tmp_path_factory.mktemp("written") / "report"
    example = str(EXAMPLES / "temperate-office-worker.toml")
    _cli("report", example, "--out", str(out), "--samples", "300", "--today", TODAY.isoformat())
    return out / "index.html"


@pytest.fixture(scope="module")
def full_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report with every part: each year's pictures, a priced plan, the client's photos."""
    from fadecast.forecasting import forecast, scenario_from_profile
    from fadecast.inputs.profile import parse_profile
    from fadecast.planning import plan
    from fadecast.render.scene import RenderSettings, render_profile
    from fadecast.report.html import report_html

    text = (EXAMPLES / "sunbed-user.toml").read_text(encoding="utf-8")
    text += '\n[costs]\ncurrency = "GBP"\nprice_per_session = 300\n'
    tables = tomllib.loads(text)
    tables["measurements"] = [
        {"date": "2025-12-01", "social_delta_e00": 13.5},
        {"date": "2026-09-01", "social_delta_e00": 12.4},
    ]
    profile = parse_profile(tables, today=TODAY)
    result = forecast(profile, samples=300, seed=0, today=TODAY)
    assert result.personal is not None
    renders = render_profile(
        scenario_from_profile(profile, today=TODAY),
        [0.0, 1.0, 3.0, 5.0, 7.0, 10.0],
        RenderSettings(size_mm=20.0, px_per_mm=20.0, stubble=True),
    )
    page = report_html(
        result,
        profile_text=text,
        title="SMP forecast: a client with a very long name, Maximiliana Wolfeschlegelsteinhausen",
        plan=plan(profile, samples=300, seed=0, today=TODAY),
        renders=renders,
    )
    path = tmp_path_factory.mktemp("full") / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.fixture(params=["written", "full"])
def report(request: pytest.FixtureRequest) -> Path:
    path: Path = request.getfixturevalue(f"{request.param}_report")
    return path


def opened(browser: Browser, path: Path, viewport: ViewportSize) -> Page:
    """The report opened from its file; every picture in it decoded."""
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    widths = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
    assert widths and all(w > 0 for w in widths)
    return page


def scroll_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def test_the_report_reads_on_a_phone(
    browser: Browser, report: Path, drawn_font_sizes: Callable[[Page], list[tuple[str, float, str]]]
) -> None:
    page = opened(browser, report, PHONE)
    try:
        assert scroll_width(page) <= PHONE["width"]
        # Every chart is one drawn for a phone, its words as text (that is measured here),
        # not a wide figure whose words are drawn as shapes.
        charts = page.eval_on_selector_all(
            "svg",
            "els => els.map(e => [e.classList.contains('chart'), "
            "e.querySelectorAll('text').length])",
        )
        assert charts and all(chart and texts >= 5 for chart, texts in charts)
        sizes = drawn_font_sizes(page)
        assert any(tag == "text" for tag, _, _ in sizes), "the chart's text was not measured"
        assert any(tag == "pre" for tag, _, _ in sizes), "the profile was not measured"
        small = [(tag, round(size, 2), text) for tag, size, text in sizes if size < 14.0]
        assert small == []
        # Nothing sticks out of the screen, though it be clipped.
        right = page.evaluate(
            "Math.max(...[...document.body.querySelectorAll('*')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert right <= PHONE["width"]
    finally:
        page.context.close()


def test_the_years_pictures_are_stacked_on_a_phone(browser: Browser, full_report: Path) -> None:
    page = opened(browser, full_report, PHONE)
    try:
        years = page.eval_on_selector_all(
            ".year",
            "els => els.map(e => { const b = e.getBoundingClientRect(); "
            "return [b.top, b.bottom, b.right]; })",
        )
        assert len(years) == 6
        tops = [top for top, _, _ in years]
        assert tops == sorted(tops) and len(set(tops)) == 6
        # Each year below the one before, not beside it.
        assert all(b[0] >= a[1] for a, b in itertools.pairwise(years))
        assert all(right <= PHONE["width"] for _, _, right in years)
        # The two views of a year side by side, each big enough to see the dots.
        shown = page.eval_on_selector_all(
            ".pair-pictures img", "els => els.map(e => e.getBoundingClientRect().width)"
        )
        assert len(shown) == 12 and min(shown) >= 150
    finally:
        page.context.close()


def test_the_report_prints_cleanly(browser: Browser, report: Path, tmp_path: Path) -> None:
    page = opened(browser, report, A4)
    try:
        page.emulate_media(media="print")
        assert scroll_width(page) <= A4["width"]
        kept_whole = page.evaluate(
            "[...document.querySelectorAll('figure, svg.chart, li, .permanent')]"
            ".map(e => getComputedStyle(e).breakInside)"
        )
        assert kept_whole and set(kept_whole) == {"avoid"}
        headings = page.evaluate(
            "[...document.querySelectorAll('h2, h3')].map(e => getComputedStyle(e).breakAfter)"
        )
        assert set(headings) == {"avoid"}
        # The legend's keys and the boxed statements are colours, printed as they are.
        coloured = page.evaluate(
            "[...document.querySelectorAll('.key, .permanent')]"
            ".map(e => getComputedStyle(e).printColorAdjust)"
        )
        assert coloured and set(coloured) == {"exact"}
        pdf = page.pdf(format="A4", path=str(tmp_path / "report.pdf"))
        assert pdf.startswith(b"%PDF-") and len(pdf) > 50_000
    finally:
        page.context.close()
