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
    assert page.count("<svg") == 2  # fade curve and attribution, inline
    assert "data:image/png;base64," in page


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
    assert "What it will look like" in page and page.count("<svg") == 3
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

    path = EXAMPLES / "sunbed-user.toml"
    text = (
        path.read_text(encoding="utf-8") + '\n[costs]\ncurrency = "GBP"\nprice_per_session = 300\n'
    )
    profile = parse_profile(tomllib.loads(text), today=TODAY)
    result = forecast(profile, samples=300, seed=0, today=TODAY)
    lifetime = plan(profile, samples=300, seed=0, today=TODAY)
    page = html.unescape(report_html(result, profile_text=text, plan=lifetime))
    assert page.count("<svg") == 3  # curve, attribution, timeline
    assert "The lifetime plan" in page and "Stepping back" in page
    assert "Cost until the horizon: <strong>GBP" in page
    for what_if in lifetime.what_ifs:
        assert (what_if.label in page) == what_if.applicable
    assert f"{lifetime.removal_now.total} points today" in page
    # Without a plan there is no plan section.
    assert "The lifetime plan" not in report_html(result, profile_text=text)


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
    assert "From the client's own 2 photo measurements" in page
    plain = html.unescape(_page("temperate-office-worker")[0])
    assert "photo measurement" not in plain
