"""Tests of the HTML report and the commands that write it."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from fadecast.forecasting import forecast
from fadecast.inputs.profile import load_profile, parse_profile
from fadecast.report.html import report_html

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 11, 23)


def _page(name: str = "deep-placement") -> tuple[str, str]:
    path = EXAMPLES / f"{name}.toml"
    result = forecast(load_profile(path, today=TODAY), samples=300, seed=0, today=TODAY)
    text = path.read_text(encoding="utf-8")
    return report_html(result, profile_text=text, strip_png=b"\x89PNG fake"), text


def test_report_is_self_contained() -> None:
    page, _ = _page()
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*['"](?!data:|#)""", page)
    # Only XML namespace names, which are identifiers, never fetched.
    for match in re.finditer(r"https?://[^\s'\"]+", page):
        before = page[max(match.start() - 16, 0) : match.start()]
        assert "xmlns" in before, match.group(0)
    assert page.count("<svg") == 1  # the fade curve, inline
    assert "data:image/png;base64," in page  # the strip of renders, embedded
    # The styles are inline: the page's own, and the chart's inside the SVG (WeasyPrint
    # styles an SVG only from within); nothing is linked.
    assert "<link" not in page and page.count("<style>") == 2
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "<style>" in svg and "svg.chart .band" in svg


def test_report_says_what_the_forecast_says() -> None:
    path = EXAMPLES / "deep-placement.toml"
    result = forecast(load_profile(path, today=TODAY), samples=300, seed=0, today=TODAY)
    page = report_html(result, profile_text=path.read_text(encoding="utf-8"))
    text = html.unescape(page)
    assert result.permanence_statement() in text
    for warning in result.warnings:
        assert warning in text
    d50 = result.touchup_dates[1]
    assert d50 is not None and d50.strftime("%B %Y") in text
    assert 'placement = "deep"' in text  # the profile, verbatim
    assert "What it will look like" not in text  # no strip given


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fadecast", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
    )


def test_report_command_writes_index_html(tmp_path: Path) -> None:
    out = tmp_path / "report"
    example = str(EXAMPLES / "temperate-office-worker.toml")
    done = _cli("report", example, "--out", str(out), "--samples", "300", "--today", "2026-11-23")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "attribution.png",
        "attribution.svg",
        "fade_curve.png",
        "fade_curve.svg",
        "index.html",
        "plan_timeline.png",
        "plan_timeline.svg",
    ]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "What it will look like" in page and page.count("<svg") == 1
    assert "The lifetime plan" in page and "until age 75" in page
    assert done.stderr == ""


@pytest.mark.parametrize("years", ["3,1", "0,99", "a,b"])
def test_report_command_rejects_bad_years(tmp_path: Path, years: str) -> None:
    out = tmp_path / "report"
    example = str(EXAMPLES / "temperate-office-worker.toml")
    done = _cli("report", example, "--out", str(out), "--years", years)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "--years" in done.stderr
    assert not out.exists()


def test_demo_writes_the_report_and_says_where(tmp_path: Path) -> None:
    done = _cli("demo", "--samples", "200", "--today", "2026-11-23", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Touch-up window:" in done.stdout
    report = tmp_path / "fadecast-demo" / "index.html"
    assert report.is_file()
    assert f"Report: {Path('fadecast-demo') / 'index.html'}" in done.stdout


def test_report_gains_a_plan_section_with_sessions_costs_and_habits() -> None:
    from fadecast.planning import plan
    from fadecast.report.answer import plan_view

    path = EXAMPLES / "sunbed-user.toml"
    text = (
        path.read_text(encoding="utf-8") + '\n[costs]\ncurrency = "GBP"\nprice_per_session = 300\n'
    )
    profile = parse_profile(tomllib.loads(text), today=TODAY)
    result = forecast(profile, samples=300, seed=0, today=TODAY)
    lifetime = plan(profile, samples=300, seed=0, today=TODAY)
    page = html.unescape(report_html(result, profile_text=text, plan=lifetime))
    words = plan_view(lifetime)
    assert page.count("<svg") == 1  # the curve; the plan is in words that wrap on a phone
    assert f"The lifetime plan until age {words.until_age}" in page
    assert words.counts in page and words.permanence in page
    assert words.cost.startswith("About GBP") and f"<strong>{words.cost}</strong>" in page
    assert words.sessions and all(f"{s.when}: {s.title}</strong>" in page for s in words.sessions)
    habits = page[page.index('id="habits-title"') : page.index('id="plan-title"')]
    kept = habits[habits.index("Already kept") :] if "Already kept" in habits else ""
    for what_if in lifetime.what_ifs:
        label = what_if.label[:1].upper() + what_if.label[1:]
        assert (f"<strong>{label}</strong>" in habits) == what_if.applicable
        assert (what_if.label in kept) == (not what_if.applicable)
    assert words.removal_now in page and words.removal_later in page
    assert f"({lifetime.removal_now.total} points on the Kirby–Desai scale)" in page
    # Without a plan there is no plan section.
    alone = report_html(result, profile_text=text)
    assert "The lifetime plan" not in alone and "What each habit buys" not in alone


def test_report_stacks_each_years_pictures_when_given_the_renders() -> None:
    from fadecast.forecasting import scenario_from_profile
    from fadecast.render.scene import RenderSettings, render_profile

    path = EXAMPLES / "temperate-office-worker.toml"
    profile = load_profile(path, today=TODAY)
    result = forecast(profile, samples=100, seed=0, today=TODAY)
    renders = render_profile(
        scenario_from_profile(profile, today=TODAY),
        [0.0, 1.0, 5.0],
        RenderSettings(size_mm=5.0, px_per_mm=10.0),
    )
    page = report_html(result, profile_text="", renders=renders, strip_png=b"\x89PNG fake")
    assert page.count('<li class="year">') == 3
    pictures = re.findall(r'<img src="data:image/jpeg;base64,[^"]+" [^>]*alt="([^"]+)"', page)
    assert pictures == [
        f"{view}, {year}"
        for year in ("healed", "year 1", "year 5")
        for view in ("Close up", "From 2 m away")
    ]
    assert "A patch of scalp 0.5 cm across" in page
    assert "iVBORw0KGgo" not in page.split("<ol class=")[0]  # the strip is not shown too


def test_large_renders_are_embedded_at_most_the_size_given() -> None:
    import base64
    import io

    from PIL import Image

    from fadecast.forecasting import scenario_from_profile
    from fadecast.render.scene import RenderSettings, render_profile
    from fadecast.report.answer import year_pairs

    profile = load_profile(EXAMPLES / "temperate-office-worker.toml", today=TODAY)
    renders = render_profile(
        scenario_from_profile(profile, today=TODAY),
        [0.0],
        RenderSettings(size_mm=5.0, px_per_mm=16.0),
    )
    assert renders.pictures[0].closeup_srgb.shape[:2] == (80, 80)
    (pair,) = year_pairs(renders, most_px=32)
    for uri in (pair.closeup_uri, pair.social_uri):
        data = base64.b64decode(uri.removeprefix("data:image/jpeg;base64,"))
        assert Image.open(io.BytesIO(data)).size == (32, 32)
    (same,) = year_pairs(renders, most_px=200)  # never enlarged
    data = base64.b64decode(same.closeup_uri.removeprefix("data:image/jpeg;base64,"))
    assert Image.open(io.BytesIO(data)).size == (80, 80)
    with pytest.raises(ValueError, match="most_px"):
        year_pairs(renders, most_px=0)


def _pdf_colours(pdf: bytes) -> set[tuple[float, float, float]]:
    """The fill and stroke colours a PDF's content streams set (RGB in [0, 1])."""
    import zlib

    found: set[tuple[float, float, float]] = set()
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue  # a font or a picture
        for r, g, b in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)\b", content):
            found.add((round(float(r) * 255), round(float(g) * 255), round(float(b) * 255)))
    return found


def test_the_pdf_keeps_the_colours_that_carry_meaning() -> None:
    """Printed by WeasyPrint (the web's PDF download), the chart keeps its band, window,
    median and due date, and the legend its keys."""
    import importlib

    weasyprint = importlib.import_module("weasyprint")  # untyped; as the web imports it
    page, _ = _page("temperate-office-worker")
    pdf = bytes(weasyprint.HTML(string=page).write_pdf())
    assert pdf.startswith(b"%PDF-")
    colours = _pdf_colours(pdf)
    for hex_ in ("#9ec3e6", "#f4b183", "#1f4e79", "#c55a11"):  # band, window, median, due
        rgb = tuple(int(hex_[i : i + 2], 16) for i in (1, 3, 5))
        assert rgb in colours, hex_


def test_report_command_refuses_a_bad_horizon(tmp_path: Path) -> None:
    out = tmp_path / "report"
    example = str(EXAMPLES / "temperate-office-worker.toml")
    done = _cli("report", example, "--out", str(out), "--until-age", "20")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "--until-age" in done.stderr
    assert not (out / "index.html").exists()


def test_report_shows_the_personal_window_beside_the_prior_one() -> None:
    path = EXAMPLES / "temperate-office-worker.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data["measurements"] = [
        {"date": "2025-09-01", "social_delta_e00": 6.4},
        {"date": "2026-09-01", "social_delta_e00": 4.9},
    ]
    result = forecast(parse_profile(data, today=TODAY), samples=300, seed=0, today=TODAY)
    assert result.personal is not None
    page = html.unescape(report_html(result, profile_text=""))
    assert "From your own 2 photo measurements: a touch-up around" in page
    plain = html.unescape(_page("temperate-office-worker")[0])
    assert "photo measurement" not in plain
