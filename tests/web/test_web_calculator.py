"""The calculator's pages through FastAPI's test client: the form, the result, errors
beside their fields, the shareable link, the downloads and the security headers."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from fadecast.inputs.profile import parse_profile
from fadecast.web import WebSettings, create_app
from fadecast.web.form import FIELDS, check_form, query_string, read_form
from fadecast.web.service import Calculator, profile_key

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """A test client of one app for the module (its cache shared by the tests), at a
    fixed day and with few draws, for speed."""
    with TestClient(create_app(WebSettings(samples=200, today=TODAY))) as test_client:
        yield test_client


@pytest.fixture()
def answers() -> dict[str, str]:
    """A prospective client's answers, as the calculator's form sends them."""
    return {
        "birth_year": "1988",
        "skin": "2",
        "city": "Manchester",
        "weekday_hours": "1",
        "weekend_hours": "4",
        "hat": "25",
        "price": "400",
        "currency": "GBP",
    }


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class Page(HTMLParser):
    """Every element of a page with its attributes, and the text inside each script,
    style, paragraph, label, heading, option and title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag in ("script", "style", "p", "label", "h1", "option", "title"):
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def by_id(self, ident: str) -> Element:
        found = [e for e in self.elements if e.attrs.get("id") == ident]
        assert len(found) == 1, f"{len(found)} elements with id {ident!r}"
        return found[0]


def parse(html_text: str) -> Page:
    page = Page()
    page.feed(html_text)
    page.close()
    return page


def result_url(answers: dict[str, str]) -> str:
    return "/result?" + urlencode(answers)


def article(html_text: str) -> str:
    """The result itself (without the page around it)."""
    start, end = html_text.index("<article"), html_text.index("</article>")
    return html_text[start:end]


# The form -------------------------------------------------------------------------


def test_the_form_labels_every_input(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = parse(response.text)
    labels = {e.attrs.get("for") for e in page.find("label")}
    controls = [
        e
        for e in page.elements
        if e.tag in ("input", "select", "textarea") and e.attrs.get("type") != "hidden"
    ]
    names = {c.attrs["name"] for c in controls if "name" in c.attrs}
    assert names == set(FIELDS)
    unlabelled = [c.attrs.get("name") for c in controls if c.attrs.get("id") not in labels]
    assert unlabelled == []
    swatches = page.find("input", type="radio", name="skin")
    assert [s.attrs["value"] for s in swatches] == ["1", "2", "3", "4", "5", "6"]
    for swatch in swatches:
        label = next(e for e in page.find("label") if e.attrs.get("for") == swatch.attrs["id"])
        assert "Type " in label.text


def test_the_form_works_without_javascript(client: TestClient) -> None:
    page = parse(client.get("/").text)
    (form,) = page.find("form")
    assert form.attrs["action"] == "/result"
    assert form.attrs["method"] == "get"
    assert page.find("button", type="submit")
    # The city's suggestions: a plain datalist filled by the server, enhanced by htmx.
    city = page.by_id("f-city")
    assert city.attrs["list"] == "city-options"
    options = [e.attrs["value"] for e in page.find("option") if "(" in e.attrs.get("value", "")]
    assert "London (GB)" in options


def test_change_my_answers_fills_the_form_again(
    client: TestClient, answers: dict[str, str]
) -> None:
    page = parse(client.get("/?" + urlencode(answers)).text)
    assert page.by_id("f-birth_year").attrs["value"] == "1988"
    assert page.by_id("f-city").attrs["value"] == "Manchester"
    assert "checked" in page.by_id("f-skin-2").attrs
    assert "checked" not in page.by_id("f-skin-3").attrs
    hat = [e for e in page.find("option") if e.attrs.get("value") == "25" and "selected" in e.attrs]
    assert hat, "the hat's share is selected"


def test_city_suggestions_as_typed(client: TestClient) -> None:
    response = client.get("/partials/places", params={"city": "manch"})
    assert response.status_code == 200
    values = [e.attrs["value"] for e in parse(response.text).find("option")]
    assert values[:2] == ["Manchester (GB)", "Manchester (US)"]


# The result -----------------------------------------------------------------------


def test_the_result_says_the_answer_first(client: TestClient, answers: dict[str, str]) -> None:
    response = client.get(result_url(answers))
    assert response.status_code == 200, response.text[:500]
    text = response.text
    page = parse(text)
    (h1,) = page.find("h1")
    assert re.fullmatch(
        r"A touch-up around (early |mid-|late )\d{4}; most people like you between \d{4} "
        r"and \d{4}\.",
        " ".join(h1.text.split()),
    ), h1.text
    order = [
        text.index(marker)
        for marker in (
            'id="answer-title"',
            "What it will look like",
            "How it fades",
            "What moves it",
            "What each habit buys",
            "The lifetime plan",
            "What removal would take",
            "A photo at your next visit",
            "Keep or share it",
        )
    ]
    assert order == sorted(order)
    pictures = [e for e in page.find("img") if e.attrs["src"].startswith("data:image/jpeg;base64,")]
    assert len(pictures) == 12  # six years, close up and at 2 m
    assert all(e.attrs.get("alt") for e in pictures)
    assert '<svg class="chart"' in text
    assert "GBP" in text  # the plan's cost, in the currency given


def test_the_result_of_a_posted_form_is_the_same(
    client: TestClient, answers: dict[str, str]
) -> None:
    got = client.get(result_url(answers))
    posted = client.post("/result", data=answers)
    assert posted.status_code == 200
    assert article(posted.text) == article(got.text)


def test_a_repeated_result_comes_from_the_cache(
    client: TestClient, answers: dict[str, str]
) -> None:
    calculator = client.app.state.calculator  # type: ignore[attr-defined]
    first = client.get(result_url({**answers, "sunbeds": "3"}))
    hits = calculator.cache.hits
    # The same answers spelled otherwise: the same profile, so the same cached result.
    again = client.get(result_url({**answers, "sunbeds": "3.0", "birth_year": " 1988"}))
    assert again.status_code == first.status_code == 200
    assert calculator.cache.hits == hits + 1
    assert article(again.text) == article(first.text)


def test_htmx_gets_the_result_alone_and_the_link_to_push(
    client: TestClient, answers: dict[str, str]
) -> None:
    response = client.get(result_url(answers), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith("<article")
    assert response.headers["HX-Push-Url"] == "/result?" + query_string(read_form(answers))
    assert response.headers["Vary"] == "HX-Request"
    restore = client.get(
        result_url(answers),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.text  # a history restore needs the whole page


# The shareable link ---------------------------------------------------------------


def test_the_shareable_link_reproduces_the_result(
    client: TestClient, answers: dict[str, str]
) -> None:
    messy = {**answers, "weekday_hours": "1.0", "city": "  Manchester ", "utm_source": "x"}
    first = client.get(result_url(messy))
    link = parse(first.text).by_id("share-link").attrs["value"]
    parts = urlsplit(link)
    assert parts.path == "/result"
    shared = client.get(f"{parts.path}?{parts.query}")
    assert shared.status_code == 200
    assert article(shared.text) == article(first.text)
    # The link is canonical: reading it back gives the same link.
    again = dict(parse_qsl(parts.query))
    assert query_string(read_form(again)) == parts.query
    assert "utm_source" not in again


def test_the_link_holds_every_answer(client: TestClient) -> None:
    full = {
        "birth_year": "1975",
        "skin": "4",
        "lat": "-33.87",
        "lon": "151.21",
        "weekday_hours": "2.5",
        "weekend_hours": "5",
        "holiday_weeks": "2",
        "hat": "50",
        "spf": "30",
        "sunscreen": "75",
        "sunbeds": "4",
        "pigment": "iron-oxide",
        "placement": "shallow",
        "sessions": "2024-03-01,2024-03-15",
        "price": "500",
        "currency": "AUD",
    }
    form = read_form(full)
    assert form.ok, form.errors
    assert dict(parse_qsl(query_string(form))) == full
    checked, profile = check_form(form, today=TODAY)
    assert profile is not None, checked.errors
    assert profile.lifestyle.sunscreen is not None
    assert profile.lifestyle.sunscreen.share == 0.75
    assert profile.treatment.sessions == (dt.date(2024, 3, 1), dt.date(2024, 3, 15))
    response = client.get(result_url(full))
    assert response.status_code == 200
    assert "For your sessions from March 2024" in response.text


# Errors beside their fields -------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "name", "words"),
    [
        ({"weekday_hours": "30"}, "weekday_hours", "less than or equal to 16"),
        ({"weekday_hours": "lots"}, "weekday_hours", "must be a number"),
        ({"birth_year": "1988.5"}, "birth_year", "whole number"),
        ({"birth_year": "2020"}, "birth_year", "16-110 years old"),
        ({"skin": "7"}, "skin", "six skin tones"),
        ({"city": "Manchesterr"}, "city", "closest known names: Manchester (GB)"),
        ({"lat": "53.5"}, "city", "not both"),
        ({"city": "", "lat": "53.5"}, "lon", "both latitude and longitude"),
        ({"city": "", "lat": "95", "lon": "0"}, "lat", "between -90 and 90"),
        ({"hat": "120"}, "hat", "between 0 and 100"),
        ({"spf": "30"}, "sunscreen", "how often"),
        ({"sunscreen": "50"}, "spf", "SPF"),
        ({"spf": "500", "sunscreen": "50"}, "spf", "less than or equal to 100"),
        ({"sessions": "2025-03-15, soon"}, "sessions", "YYYY-MM-DD"),
        ({"sessions": "2025-03-15, 2025-03-01"}, "sessions", "increasing order"),
        ({"pigment": "india-ink"}, "pigment", "carbon-black"),
        ({"placement": "sideways"}, "placement", "optimal"),
        ({"currency": "euros"}, "currency", "ISO 4217"),
        ({"price": "-5"}, "price", "greater than or equal to 0"),
    ],
)
def test_a_bad_answer_shows_the_form_again_with_the_error_beside_it(
    client: TestClient, answers: dict[str, str], change: dict[str, str], name: str, words: str
) -> None:
    given = {**answers, **change}
    response = client.get(result_url(given))
    assert response.status_code == 422
    page = parse(response.text)
    error = page.by_id(f"err-{name}")
    assert words in " ".join(error.text.split())
    summary = [e for e in page.find("a") if e.attrs.get("href", "").startswith("#f-")]
    assert summary, "the summary of errors links to the fields"
    if name != "skin":
        control = page.by_id(f"f-{name}")
        assert control.attrs.get("aria-invalid") == "true"
        assert f"err-{name}" in control.attrs.get("aria-describedby", "").split()
        if control.tag == "input" and name in change and name != "sessions":
            # The answer is shown again as given (a currency in capitals).
            assert control.attrs["value"].lower() == change[name].lower()


def test_missing_answers_are_named(client: TestClient) -> None:
    response = client.get("/result?city=Manchester")
    assert response.status_code == 422
    page = parse(response.text)
    for name in ("birth_year", "skin", "weekday_hours", "weekend_hours"):
        assert page.by_id(f"err-{name}").text.strip()


def test_htmx_gets_the_form_with_its_errors_and_keeps_the_address(
    client: TestClient, answers: dict[str, str]
) -> None:
    response = client.get(
        result_url({**answers, "weekend_hours": "99"}), headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert response.headers["HX-Push-Url"] == "false"
    assert "<html" not in response.text
    assert 'id="err-weekend_hours"' in response.text


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "nan",
        "inf",
        "-inf",
        "1e999",
        "-1",
        "0x10",
        "½",
        "١٢",
        "<script>",
        "9" * 400,
        "a" * 1200,
        "1,5",
        "2025-02-30",
        "\u202e1",
    ],
)
def test_no_answer_makes_a_server_error(
    client: TestClient, answers: dict[str, str], value: str
) -> None:
    for name in FIELDS:
        response = client.get(result_url({**answers, name: value}))
        assert response.status_code in (200, 422), (name, value, response.status_code)
        assert "<script>" not in response.text.replace('<script src="', "")


# Downloads ------------------------------------------------------------------------


def test_the_profile_download_parses_back(client: TestClient, answers: dict[str, str]) -> None:
    given = {**answers, "sessions": "2025-03-01, 2025-03-15", "spf": "30", "sunscreen": "50"}
    response = client.get("/download/profile.toml?" + urlencode(given))
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    tables = tomllib.loads(response.text)
    profile = parse_profile(tables, today=TODAY)
    expected = check_form(read_form(given), today=TODAY)[1]
    assert expected is not None
    assert profile_key(profile) == profile_key(expected)
    assert profile.treatment.sessions == (dt.date(2025, 3, 1), dt.date(2025, 3, 15))


def test_the_report_download_is_the_command_lines_report(
    client: TestClient, answers: dict[str, str]
) -> None:
    response = client.get("/download/report.html?" + urlencode(answers))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-disposition"] == 'attachment; filename="fadecast-report.html"'
    text = response.text
    assert text.startswith("<!DOCTYPE html>")
    assert "To the month: the median is" in text and "The lifetime plan" in text
    assert "[person]" in text  # the profile, as TOML, at the end
    assert "<script" not in text


def sections(html_text: str) -> dict[str, str]:
    """The text of each section of a page, by the id of its heading (styles left out)."""
    found = {}
    pattern = r'<section[^>]*aria-labelledby="([^"]+)"[^>]*>(.*?)</section>'
    for ident, inner in re.findall(pattern, html_text, flags=re.DOTALL):
        inner = re.sub(r"<style>.*?</style>", "", inner, flags=re.DOTALL)
        found[ident] = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inner)).split())
    return found


def test_the_report_gives_the_answer_the_page_gives(
    client: TestClient, answers: dict[str, str]
) -> None:
    """One set of templates for both: every part of the answer reads the same on the page
    and in the report (the pictures apart: the page shows each year's, the report a
    strip of them)."""
    page = sections(client.get(result_url(answers)).text)
    report = sections(client.get("/download/report.html?" + urlencode(answers)).text)
    shared = [
        "answer-title",
        "curve-title-h",
        "factors-title",
        "habits-title",
        "plan-title",
        "removal-title",
        "photo-title",
    ]
    assert set(shared) <= set(page) and set(shared) <= set(report)
    for ident in shared:
        assert report[ident] == page[ident], ident
    assert "share-title" in page and "share-title" not in report  # the page's own
    assert "profile-title" in report and "profile-title" not in page  # the report's own


def test_the_shared_stylesheets_are_served_as_files(client: TestClient) -> None:
    from fadecast.report.templating import stylesheet

    page = parse(client.get("/").text)
    linked = [e.attrs["href"] for e in page.find("link", rel="stylesheet")]
    assert linked[:3] == ["/static/answer.css", "/static/chart.css", "/static/app.css"]
    for name in ("answer.css", "chart.css"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/css")
        assert response.text == stylesheet(name)


def test_the_pdf_download(client: TestClient, answers: dict[str, str]) -> None:
    response = client.get("/download/report.pdf?" + urlencode(answers))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 10_000


def test_the_calendar_download_parses(client: TestClient, answers: dict[str, str]) -> None:
    response = client.get("/download/plan.ics?" + urlencode(answers))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert events
    assert str(events[0]["SUMMARY"]) == "SMP touch-up 1 (fading)"
    assert all(e.decoded("DTSTART") >= TODAY for e in events[3:])


@pytest.mark.parametrize("name", ["profile.toml", "report.html", "report.pdf", "plan.ics"])
def test_a_download_of_bad_answers_shows_the_form(
    client: TestClient, answers: dict[str, str], name: str
) -> None:
    response = client.get(f"/download/{name}?" + urlencode({**answers, "hat": "200"}))
    assert response.status_code == 422
    assert 'id="err-hat"' in response.text


# Security headers and no inline code ----------------------------------------------


def test_every_response_carries_the_security_headers(
    client: TestClient, answers: dict[str, str]
) -> None:
    for url in (
        "/",
        result_url(answers),
        result_url({**answers, "hat": "x"}),
        "/static/app.css",
        "/swatches.css",
        "/no-such-page",
        "/api/v1/places?q=lon",
    ):
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
    assert client.get(result_url(answers)).headers["cache-control"] == "no-store"


def test_no_page_has_inline_script_or_style(client: TestClient, answers: dict[str, str]) -> None:
    pages = [
        client.get("/"),
        client.get(result_url(answers)),
        client.get(result_url({**answers, "city": "Nowhereville"})),
        client.get(result_url(answers), headers={"HX-Request": "true"}),
        client.get("/partials/places?city=par"),
    ]
    for response in pages:
        page = parse(response.text)
        for element in page.elements:
            assert "style" not in element.attrs, element
            assert not [a for a in element.attrs if a.startswith("on")], element
            assert not [a for a in element.attrs if a.startswith("hx-on")], element
            for value in element.attrs.values():
                assert not value.strip().lower().startswith("javascript:"), element
        assert page.find("style") == []
        for script in page.find("script"):
            assert script.attrs["src"].startswith("/static/")
            assert script.text.strip() == ""
        # Everything the page loads comes from this server (or is embedded in it).
        for element in page.elements:
            for name in ("src", "href"):
                loaded = element.attrs.get(name)
                if loaded is not None and element.tag != "a":
                    assert loaded.startswith(("/", "data:")), element


def test_htmx_is_vendored_2x_with_its_licence(client: TestClient) -> None:
    response = client.get("/static/htmx.min.js")
    assert response.status_code == 200
    first = response.text.splitlines()[0]
    assert re.match(r"/\*! htmx 2\.\d+\.\d+ .*Zero-Clause BSD", first), first
    assert client.get("/static/htmx-LICENSE.txt").text.startswith("Zero-Clause BSD")


def test_skin_swatches_come_from_a_stylesheet(client: TestClient) -> None:
    css = client.get("/swatches.css").text
    colours = re.findall(r"\.chip-(\d) \{ background-color: (#[0-9a-f]{6}); \}", css)
    assert [n for n, _ in colours] == ["1", "2", "3", "4", "5", "6"]
    # Lighter to darker, as the skin types go.
    lightness = [sum(int(hex_[i : i + 2], 16) for i in (1, 3, 5)) for _, hex_ in colours]
    assert lightness == sorted(lightness, reverse=True)


# The command ----------------------------------------------------------------------


def test_serve_refuses_a_bad_port_or_database() -> None:
    for args, option in (
        (["--port", "0"], "--port"),
        (["--port", "70000"], "--port"),
        (["--db", "mysql://me@host/db"], "--db"),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "fadecast", "serve", *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith(f"fadecast: error: {option}:"), proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


# The computations -----------------------------------------------------------------


def test_at_most_max_concurrent_computations_run_at_once() -> None:
    calculator = Calculator(WebSettings(samples=200, today=TODAY, max_concurrent=2))
    lock = threading.Lock()
    running = 0
    most = 0

    def work() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    threads = [threading.Thread(target=calculator.run, args=(work,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert most == 2


def test_the_cache_keeps_only_the_most_recent_results(answers: dict[str, str]) -> None:
    calculator = Calculator(WebSettings(samples=50, today=TODAY, cache_size=2))
    profiles = []
    for hours in ("1", "2", "3"):
        checked, profile = check_form(read_form({**answers, "weekday_hours": hours}), today=TODAY)
        assert profile is not None, checked.errors
        profiles.append(profile)
        calculator.forecast(profile, today=TODAY)
    assert len(calculator.cache) == 2
    misses = calculator.cache.misses
    calculator.forecast(profiles[2], today=TODAY)  # kept
    assert calculator.cache.misses == misses
    calculator.forecast(profiles[0], today=TODAY)  # dropped: made again
    assert calculator.cache.misses > misses
