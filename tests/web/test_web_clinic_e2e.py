"""The clinic dashboard end to end in a real browser: Debian's Chromium driven by
Playwright against the app served by uvicorn on a loopback port. A clinic's owner signs
in, adds a client and their sessions, records the photos consent, uploads a photo
rendered by fadecast, and sees its measurement and the narrowed window, with no script
error and no Content Security Policy violation."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, ConsoleMessage, Page

from fadecast.forecasting import scenario_from_profile
from fadecast.inputs.profile import parse_profile
from fadecast.measure.photo import linear_from_srgb8
from fadecast.records.clinics import add_clinic
from fadecast.records.consents import add_form
from fadecast.records.database import open_database, upgrade
from fadecast.records.users import add_user
from fadecast.render.degrade import PhotoConditions, photograph
from fadecast.render.scene import RenderSettings, render_profile
from fadecast.web import WebSettings, create_app
from fadecast.web.server import running_server

TODAY = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 1, 9, 0, 0)
PASSWORD = "a long pass phrase"
SESSIONS = (("2025-03-01", "initial"), ("2025-03-15", "perfecting"), ("2025-04-05", "perfecting"))
#: The profile the owner types in (as the add-client form makes it).
TABLES = {
    "person": {"birth_year": 1988, "skin": {"fitzpatrick": 2}},
    "place": {"city": "Manchester"},
    "lifestyle": {
        "outdoor_hours_weekday": 1.0,
        "outdoor_hours_weekend": 4.0,
        "holiday_weeks": 2,
        "hat_share": 0.25,
        "sunscreen": {"spf": 30, "share": 0.5},
    },
    "treatment": {"sessions": [dt.date.fromisoformat(d) for d, _ in SESSIONS]},
}


def scalp_photo(folder: Path) -> Path:
    """A JPEG of the client's SMP a year after healing, rendered by fadecast and
    photographed with a white card and bare skin beyond a hairline (20 px/mm)."""
    sc = scenario_from_profile(parse_profile(TABLES, today=TODAY), today=TODAY)
    settings = RenderSettings(size_mm=16.0, px_per_mm=20.0, seed=3, hairline_mm=4.0)
    srgb = render_profile(sc, [1.0], settings).pictures[0].closeup_srgb
    photo = photograph(
        linear_from_srgb8(srgb), PhotoConditions(card_px=(10, 10, 60)), rng=np.random.default_rng(0)
    )
    buffer = io.BytesIO()
    Image.fromarray(photo).save(buffer, "JPEG", quality=95)
    path = folder / "scalp.jpg"
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The app on SQLite records with clinic Northside, its owner and its consent forms."""
    url = str(tmp_path / "records" / "clinic.sqlite")
    upgrade(url)
    records = open_database(url)
    try:
        with records.transaction() as session:
            clinic = add_clinic(session, name="Northside", actor="test", now=NOW)
            add_user(
                session,
                clinic_id=clinic.id,
                email="owner@north.example",
                display_name="Sam Lee",
                role="owner",
                password=PASSWORD,
                actor="test",
                now=NOW,
            )
            for scope in ("procedure", "photos_record"):
                add_form(
                    session,
                    clinic_id=clinic.id,
                    scope=scope,
                    version="1",
                    text=f"The {scope} form.",
                    actor="test",
                    now=NOW,
                )
    finally:
        records.close()
    app = create_app(WebSettings(samples=300, today=TODAY, database_url=url))
    with running_server(app) as address:
        yield address
    app.state.uploads.close()
    app.state.records.close()


def watch(page: Page) -> list[str]:
    """The console's complaints of a page (a 422 is the answer to a wrong answer)."""
    complaints: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning") and "status of 422" not in message.text:
            complaints.append(message.text)

    page.on("console", heard)
    page.on("pageerror", lambda error: complaints.append(str(error)))
    return complaints


def test_an_owner_adds_a_client_a_session_and_a_photo_that_narrows_the_window(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    try:
        page = context.new_page()
        complaints = watch(page)
        page.goto(server + "/clinic/clients")
        assert "/login" in page.url  # asked to sign in first
        page.fill("#f-email", "owner@north.example")
        page.fill("#f-password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/clinic/clients")

        page.click("text=Add a client")
        page.fill("#f-ref", "C-001")
        page.fill("#f-name", "Ana Ruiz")
        page.fill("#f-birth_date", "1988-05-01")
        page.fill("#f-email", "ana@example.org")
        page.select_option("#f-skin", "2")
        page.fill("#f-city", "Manchester")
        page.fill("#f-weekday_hours", "1")
        page.fill("#f-weekend_hours", "4")
        page.fill("#f-holiday_weeks", "2")
        page.select_option("#f-hat", "25")
        page.fill("#f-spf", "30")
        page.select_option("#f-sunscreen", "50")
        page.click("button:has-text('Add the client')")
        page.wait_for_selector("h1:has-text('Ana Ruiz')")
        assert "No forecast yet" in page.inner_text("#forecast")

        for day, kind in SESSIONS:
            page.click("#sessions summary")
            page.fill("#f-date", day)
            page.select_option("#f-kind", kind)
            if page.locator("#f-area_cm2").count():
                page.fill("#f-area_cm2", "180")
            page.click("button:has-text('Add the session')")
            page.wait_for_selector(f"ol.timeline time[datetime='{day}']")
        assert page.locator("ol.timeline li").count() == 3
        window = page.inner_text("#forecast .window")
        assert window.startswith("Likely due between")
        assert page.locator("#narrowed").count() == 0

        page.click("#consents summary")
        page.select_option("#f-scope", "photos_record")
        page.fill("#f-signed_name", "Ana Ruiz")
        page.fill("#f-source", "paper, in the clinic")
        page.click("button:has-text('Record it')")
        page.wait_for_selector("ul.consents li")

        page.set_input_files("#f-photo", str(scalp_photo(tmp_path)))
        page.fill("#f-taken_on", "2026-05-01")
        page.fill("#f-mm_per_px", "0.05")
        page.click("button:has-text('Upload and measure')")
        status = page.wait_for_selector("#upload-status.done", timeout=120_000)
        assert status is not None
        measured = page.inner_text("#upload-status .measured")
        assert measured.endswith("ΔE00") and float(measured.split()[0]) > 5
        # The forecast and the photos refresh in place, with the photo's window.
        narrowed = page.wait_for_selector("#narrowed", timeout=60_000)
        assert narrowed is not None
        text = narrowed.inner_text()
        assert text.startswith("The 1 photo narrowed the window from"), text
        assert page.inner_text("#personal-window") != ""
        assert page.locator("#photos figure").count() == 1
        assert measured in page.inner_text("#photos figcaption")
        assert page.locator("#forecast svg circle.photo").count() == 1
        page.wait_for_function(
            "() => [...document.querySelectorAll('#photos img')].every(i => i.complete)"
        )
        widths = page.eval_on_selector_all("#photos img", "els => els.map(e => e.naturalWidth)")
        assert widths == [320]  # the stored photo loaded under the CSP
        page.screenshot(path=str(tmp_path / "client.png"), full_page=True)
        assert (tmp_path / "client.png").stat().st_size > 10_000
        assert complaints == []
    finally:
        context.close()
