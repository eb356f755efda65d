"""Speed of the whole report as a process: forecast, renders, plots, HTML.

Target: ``fadecast report examples/temperate-office-worker.toml --out DIR``, run as
``python -m fadecast ...`` in a fresh process, takes at most 5 s (median wall time).
The baseline, timed in the same run, is ``fadecast forecast ... --json`` as a process:
the report adds six renders, two plots and the page to one forecast.

Run ``python benchmarks/report_speed.py``; it prints Markdown.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from harness import (
    EXAMPLE,
    REPO,
    Row,
    fmt_ratio,
    fmt_time,
    progress,
    repeat_interleaved,
    repeats_main,
    results_table,
    verdict,
)

TARGET_SECONDS = 5.0


def _checked(args: Sequence[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fadecast", *args],
        cwd=REPO,
        capture_output=True,
        check=False,
        timeout=300,
    )
    if done.returncode != 0:
        raise SystemExit(f"`fadecast {' '.join(args)}` failed:\n{done.stderr.decode()}")


def report(repeats: int) -> str:
    """Time the report and the forecast processes; return the Markdown report."""
    example = f"examples/{EXAMPLE.name}"
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "report")

        def whole_report() -> object:
            _checked(["report", example, "--out", out])
            return None

        def forecast_json() -> object:
            _checked(["forecast", example, "--json"])
            return None

        progress(f"report_speed: {repeats} rounds of the report and of the forecast process")
        full, base = repeat_interleaved(
            [(whole_report, 1), (forecast_json, 1)], rounds=repeats, warmup=1
        )
        size = (Path(out) / "index.html").stat().st_size
    rows = [
        Row(
            f"`python -m fadecast report {example} --out DIR`",
            full,
            fmt_ratio(full.median / base.median),
            f"≤ {fmt_time(TARGET_SECONDS)}",
            verdict(full.median <= TARGET_SECONDS),
        ),
        Row(
            f"`python -m fadecast forecast {example} --json` (baseline)",
            base,
            "1×",
            "—",
            "baseline",
        ),
    ]
    return "\n".join(
        [
            "### The report as a process (`benchmarks/report_speed.py`)",
            "",
            "Fresh processes, alternating round by round; the report forecasts (2,000 draws, "
            "attribution), renders six years of a 20 mm patch at 20 px/mm with stubble, draws "
            f"the two plots and writes one self-contained page ({size / 1e6:.2f} MB). "
            "Ratio = median / median of the forecast process.",
            "",
            results_table(rows),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    return repeats_main(report, doc=__doc__, default_repeats=8, argv=argv)


if __name__ == "__main__":
    sys.exit(main())
