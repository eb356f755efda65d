"""Take the README's screenshots of the web app: the calculator on a phone-sized screen
and a client's page of the clinic dashboard after a photo.

Serves the app on a free loopback port, opens it in Debian's Chromium (package
``chromium``) through Playwright:

- at 390 x 844 CSS pixels, fills the calculator's form as a client would (Manchester,
  skin type II, an office job), submits it and saves the top of the result page as
  ``docs/web-calculator.png``;
- on records made in a temporary folder (a clinic, its owner, a client with three
  sessions and the photos consent), signs in as the owner at 1024 x 900, uploads a photo
  of the client's SMP rendered by fadecast, waits for its measurement and the narrowed
  window, and saves the client's page as ``docs/web-clinic.png``.

Run ``python scripts/web_screenshots.py [--chromium PATH] [--out FILE] [--clinic-out FILE]
[--height PX]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from fadecast.web import WebSettings, create_app
from fadecast.web.server import running_server

DOC_IMAGE = Path(__file__).resolve().parents[1] / "docs" / "web-calculator.png"
CLINIC_IMAGE = Path(__file__).resolve().parents[1] / "docs" / "web-clinic.png"
PASSWORD = "a long pass phrase"
SESSIONS = (
    (dt.date(2025, 3, 1), "initial"),
    (dt.date(2025, 3, 15), "perfecting"),
    (dt.date(2025, 4, 5), "perfecting"),
)
PROFILE: dict[str, Any] = {
    "person": {"skin": {"fitzpatrick": 2}},
    "place": {"city": "Manchester"},
    "lifestyle": {
        "outdoor_hours_weekday": 1.0,
        "outdoor_hours_weekend": 4.0,
        "holiday_weeks": 2,
        "hat_share": 0.25,
        "sunscreen": {"spf": 30, "share": 0.5},
    },
}
TODAY = dt.date(2026, 11, 23)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=DOC_IMAGE)
    parser.add_argument("--clinic-out", type=Path, default=CLINIC_IMAGE)
    parser.add_argument("--height", type=int, default=2400, help="CSS pixels of the page kept")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            calculator(browser, args.out, args.height)
            with tempfile.TemporaryDirectory(prefix="fadecast-screenshot-") as folder:
                clinic(browser, Path(folder), args.clinic_out)
        finally:
            browser.close()
    print(f"wrote {args.out} and {args.clinic_out}")
    return 0


def calculator(browser: Browser, out: Path, height_px: int) -> None:
    """The calculator's result on a phone."""
    app = create_app(WebSettings(today=TODAY))
    with running_server(app) as url:
        page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        try:
            page.goto(url + "/")
            page.fill("#f-birth_year", "1988")
            page.check("#f-skin-2", force=True)
            page.fill("#f-city", "Manchester (GB)")
            page.fill("#f-weekday_hours", "1")
            page.fill("#f-weekend_hours", "3")
            page.select_option("#f-hat", "25")
            page.fill("#f-price", "350")
            page.fill("#f-currency", "GBP")
            page.click("button[type=submit]")
            page.wait_for_selector("#answer-title", timeout=120_000)
            height = min(height_px, int(page.evaluate("document.documentElement.scrollHeight")))
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(out),
                full_page=True,
                clip={"x": 0, "y": 0, "width": 390, "height": height},
            )
        finally:
            page.close()


def scalp_photo(folder: Path) -> Path:
    """A JPEG of the client's SMP a year after healing, rendered by fadecast and
    photographed with a white card and bare skin beyond a hairline (20 px/mm)."""
    import numpy as np
    from PIL import Image

    from fadecast.forecasting import scenario_from_profile
    from fadecast.inputs.profile import parse_profile
    from fadecast.measure.photo import linear_from_srgb8
    from fadecast.render.degrade import PhotoConditions, photograph
    from fadecast.render.scene import RenderSettings, render_profile

    tables = {
        **PROFILE,
        "person": {**PROFILE["person"], "birth_year": 1988},
        "treatment": {"sessions": [day for day, _ in SESSIONS]},
    }
    sc = scenario_from_profile(parse_profile(tables, today=TODAY), today=TODAY)
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


def clinic_records(url: str) -> None:
    """A clinic, its owner, a client with three sessions and the photos consent."""
    from fadecast.records.clinics import add_client, add_clinic, add_practitioner
    from fadecast.records.consents import add_form, sign_consent
    from fadecast.records.database import open_database, upgrade
    from fadecast.records.treatments import add_course, add_session
    from fadecast.records.users import add_user

    now = dt.datetime.combine(TODAY, dt.time(9, 0))
    upgrade(url)
    records = open_database(url)
    try:
        with records.transaction() as session:
            place = add_clinic(session, name="Northside SMP", actor="screenshot", now=now)
            add_user(
                session,
                clinic_id=place.id,
                email="owner@northside.example",
                display_name="Sam Lee",
                role="owner",
                password=PASSWORD,
                actor="screenshot",
                now=now,
            )
            who = add_practitioner(
                session, clinic_id=place.id, name="Sam Lee", actor="screenshot", now=now
            )
            client = add_client(
                session,
                clinic_id=place.id,
                ref="C-001",
                name="Ana Ruiz",
                birth_date=dt.date(1988, 5, 1),
                email="ana@example.org",
                phone="+44 161 555 0101",
                profile=PROFILE,
                profile_from=dt.date(2025, 2, 1),
                actor="screenshot",
                now=now,
            )
            course = add_course(
                session,
                client=client,
                started_on=SESSIONS[0][0],
                area_cm2=180.0,
                actor="screenshot",
                now=now,
            )
            for day, kind in SESSIONS:
                add_session(
                    session,
                    course=course,
                    date=day,
                    kind=kind,
                    practitioner_id=who.id,
                    actor="screenshot",
                    now=now,
                )
            add_form(
                session,
                clinic_id=place.id,
                scope="photos_record",
                version="1",
                text="Photos of the treated area are kept in my record.",
                actor="screenshot",
                now=now,
            )
            sign_consent(
                session,
                client=client,
                scope="photos_record",
                signed_name="Ana Ruiz",
                source="paper, in the clinic",
                signed_at=now,
                actor="screenshot",
                now=now,
            )
    finally:
        records.close()


def clinic(browser: Browser, folder: Path, out: Path) -> None:
    """The client's page of the dashboard after a photo narrowed the window."""
    url = str(folder / "clinic.sqlite")
    clinic_records(url)
    app = create_app(WebSettings(samples=500, today=TODAY, database_url=url))
    with running_server(app) as address:
        page = browser.new_page(viewport={"width": 1024, "height": 900}, device_scale_factor=1)
        try:
            page.goto(address + "/login")
            page.fill("#f-email", "owner@northside.example")
            page.fill("#f-password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/clinic/clients")
            page.click("text=Ana Ruiz")
            page.wait_for_selector("h1:has-text('Ana Ruiz')")
            page.set_input_files("#f-photo", str(scalp_photo(folder)))
            page.fill("#f-taken_on", "2026-05-01")
            page.fill("#f-mm_per_px", "0.05")
            page.click("button:has-text('Upload and measure')")
            page.wait_for_selector("#upload-status.done", timeout=120_000)
            page.wait_for_selector("#narrowed", timeout=60_000)
            page.wait_for_function(
                "() => [...document.querySelectorAll('#photos img')].every(i => i.complete)"
            )
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=True)
        finally:
            page.close()
    app.state.uploads.close()
    app.state.records.close()


if __name__ == "__main__":
    sys.exit(main())
