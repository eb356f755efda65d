"""Take the README's screenshot of the demo report with a headless Chromium.

Writes the demo report to a temporary folder (``fadecast demo --today 2026-11-23``), opens
it in Chromium (Debian package ``chromium``) and saves ``docs/report.png``.

Run ``python scripts/screenshot_report.py [--chromium PATH]``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOC_IMAGE = Path(__file__).resolve().parents[1] / "docs" / "report.png"
TODAY = "2026-11-23"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--height", type=int, default=1500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "report"
        subprocess.run(
            [sys.executable, "-m", "fadecast", "demo", "--today", TODAY, "--out", str(folder)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        subprocess.run(
            [
                args.chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--window-size={args.width},{args.height}",
                f"--screenshot={DOC_IMAGE}",
                (folder / "index.html").as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    print(f"wrote {DOC_IMAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
