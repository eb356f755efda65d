"""The calculator end to end in a real browser: Debian's Chromium driven by Playwright,
against the app served by uvicorn on a loopback port, on a 390-px phone screen."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, ConsoleMessage, Page, ViewportSize

from fadecast.web import WebSettings, create_app
from fadecast.web.server import running_server

PHONE: ViewportSize = {"width": 390, "height": 844}
#: The root conftest's ``drawn_font_sizes``: (tag, drawn size [CSS px], text) of a page.
FontSizes = Callable[[Page], list[tuple[str, float, str]]]
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    app = create_app(WebSettings(samples=300, today=TODAY))
    with running_server(app) as url:
        yield url


@pytest.fixture()
def phone(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page on a phone-sized screen, with the console's complaints collected."""
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    complaints: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        # A 422 is the answer to a wrong answer: the browser logs it, nothing is wrong.
        expected = "status of 422" in message.text
        if message.type in ("error", "warning") and not expected:
            complaints.append(message.text)

    page.on("console", heard)
    page.on("pageerror", lambda error: complaints.append(str(error)))
    yield page, complaints
    context.close()


def fill_the_form(page: Page) -> None:
    page.fill("#f-birth_year", "1988")
    page.click("label[for=f-skin-2]")  # the swatch, by its label
    page.fill("#f-city", "Manchester (GB)")
    page.fill("#f-weekday_hours", "1")
    page.fill("#f-weekend_hours", "3")
    page.select_option("#f-hat", "25")
    page.fill("#f-price", "350")
    page.fill("#f-currency", "GBP")


def no_sideways_scrolling(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"


def readable(sizes: list[tuple[str, float, str]]) -> None:
    assert sizes, "no text found"
    small = [(tag, size, text) for tag, size, text in sizes if size < 14.0]
    assert small == []


def test_the_calculator_on_a_phone(
    server: str, phone: tuple[Page, list[str]], tmp_path: Path, drawn_font_sizes: FontSizes
) -> None:
    page, complaints = phone
    page.goto(server + "/")
    no_sideways_scrolling(page)
    readable(drawn_font_sizes(page))
    fill_the_form(page)
    assert page.is_checked("#f-skin-2")
    page.click("h1")  # closes the city's suggestion list, as a tap elsewhere does
    page.click("button[type=submit]")
    heading = page.wait_for_selector("#answer-title", timeout=120_000)
    assert heading is not None
    text = " ".join(heading.inner_text().split())
    assert re.match(r"A touch-up around .*\d{4}; most people like you between \d{4}", text), text
    # The address bar holds the shareable link; focus moved to the answer.
    assert "/result?" in page.url and "city=Manchester+%28GB%29" in page.url
    assert page.evaluate("document.activeElement.id") == "answer-title"
    page.wait_for_load_state("networkidle")
    no_sideways_scrolling(page)
    readable(drawn_font_sizes(page))
    # The chart's text, drawn at the chart's scale, was among what was measured.
    assert any(tag == "text" for tag, _, _ in drawn_font_sizes(page))
    # The renders are stacked: each year below the one before.
    tops = page.eval_on_selector_all(".year", "els => els.map(e => e.getBoundingClientRect().top)")
    assert len(tops) == 6 and tops == sorted(tops) and len(set(tops)) == 6
    widths = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
    assert widths and all(w > 0 for w in widths)  # the images loaded under the CSP
    page.screenshot(path=str(tmp_path / "calculator.png"), full_page=True)
    assert (tmp_path / "calculator.png").stat().st_size > 10_000
    with page.expect_download() as info:
        page.click("text=The plan for your calendar (.ics)")
    download = info.value
    assert download.suggested_filename == "fadecast-plan.ics"
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert summaries[0] == "SMP touch-up 1 (fading)"
    assert complaints == []  # no Content Security Policy violation, no script error


def test_errors_beside_their_fields_in_the_browser(
    server: str, phone: tuple[Page, list[str]], drawn_font_sizes: FontSizes
) -> None:
    page, complaints = phone
    page.goto(server + "/")
    fill_the_form(page)
    page.fill("#f-weekday_hours", "30")
    page.click("h1")
    page.click("button[type=submit]")
    error = page.wait_for_selector("#err-weekday_hours", timeout=120_000)
    assert error is not None and "16" in error.inner_text()
    assert page.get_attribute("#f-weekday_hours", "aria-invalid") == "true"
    # The keyboard lands on the first error of the summary, which leads to the field.
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#f-weekday_hours"
    assert page.url == server + "/"  # a wrong answer is not a link to share
    no_sideways_scrolling(page)
    readable(drawn_font_sizes(page))
    assert complaints == []


def test_the_calculator_without_javascript(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/")
        fill_the_form(page)
        page.click("h1")
        with page.expect_navigation(timeout=120_000):
            page.click("button[type=submit]")
        assert "/result?" in page.url
        assert page.inner_text("#answer-title").startswith("A touch-up around")
        no_sideways_scrolling(page)
    finally:
        context.close()


def test_the_form_by_keyboard(server: str, phone: tuple[Page, list[str]]) -> None:
    page, _ = phone
    page.goto(server + "/")
    page.focus("#f-birth_year")
    page.keyboard.type("1990")
    page.keyboard.press("Tab")  # to the skin tones
    assert page.evaluate("document.activeElement.name") == "skin"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    checked = page.evaluate("document.querySelector('input[name=skin]:checked').value")
    assert checked in ("2", "3")
    # The focused swatch shows a visible ring.
    outline = page.evaluate(
        "getComputedStyle(document.activeElement.nextElementSibling).outlineStyle"
    )
    assert outline not in ("", "none")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch_when_up(url: str) -> str:
    """The page at ``url`` once the server answers (within 30 s)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200
                text: str = response.read().decode("utf-8")
                return text
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_fadecast_serve_serves_the_calculator(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "fadecast", "serve", "--port", str(port)]
    command += ["--db", str(tmp_path / "clinic.sqlite")]
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=tmp_path,
    ) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line.strip() == (
                f"fadecast: serving on http://127.0.0.1:{port}/ (Ctrl-C stops it)"
            )
            page = fetch_when_up(f"http://127.0.0.1:{port}/")
            assert "How long will my SMP last?" in page
        finally:
            proc.send_signal(signal.SIGINT)  # as Ctrl-C
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
    assert proc.returncode == 0
    assert not (tmp_path / "clinic.sqlite").exists()  # the calculator keeps nothing
