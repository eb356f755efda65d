"""Take the README's screenshot of the web calculator on a phone-sized screen.

Serves the app on a free loopback port, opens it in Debian's Chromium (package
``chromium``) through Playwright at 390 x 844 CSS pixels, fills the form as a client
would (Manchester, skin type II, an office job), submits it and saves the top of the
result page as ``docs/web-calculator.png``.

Run ``python scripts/web_screenshots.py [--chromium PATH] [--out FILE] [--height PX]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from fadecast.web import WebSettings, create_app
from fadecast.web.server import running_server

DOC_IMAGE = Path(__file__).resolve().parents[1] / "docs" / "web-calculator.png"
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
    parser.add_argument("--height", type=int, default=2400, help="CSS pixels of the page kept")
    args = parser.parse_args()
    app = create_app(WebSettings(today=TODAY))
    with running_server(app) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
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
            height = min(args.height, int(page.evaluate("document.documentElement.scrollHeight")))
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(args.out),
                full_page=True,
                clip={"x": 0, "y": 0, "width": 390, "height": height},
            )
        finally:
            browser.close()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
