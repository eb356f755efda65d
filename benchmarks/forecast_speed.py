"""Speed of one forecast: 2,000 draws over a 30-year horizon, attribution on.

Target: the median time of ``forecast(profile, samples=2000)`` on
``examples/temperate-office-worker.toml`` is at most 100 ms, in-process (the profile is
parsed once, outside the timing). The baseline, timed in the same run, is the bare
arithmetic floor of such a forecast: one ``numpy.exp`` over an array of draws × model
time steps. The forecast without attribution is reported as extra information.

Run ``python benchmarks/forecast_speed.py``; it prints Markdown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence

import numpy as np

from fadecast.forecasting.detection import time_grid
from fadecast.inputs.profile import Profile, load_profile
from harness import (
    EXAMPLE,
    TODAY,
    Row,
    fmt_ratio,
    fmt_time,
    forecast_functions,
    machine_facts,
    progress,
    repeat_interleaved,
    results_table,
    verdict,
)

SAMPLES = 2000
HORIZON_YEARS = 30.0
TARGET_SECONDS = 0.100
_DAYS_PER_YEAR = 365.25


def time_steps(profile: Profile) -> tuple[int, str]:
    """Number of model time steps of the example's forecast, and where it came from."""
    sessions = profile.treatment.sessions
    assert sessions is not None, "the example gives its session dates"
    last_years = (sessions[-1] - sessions[0]).days / _DAYS_PER_YEAR
    grid = time_grid(last_years, HORIZON_YEARS)
    return len(grid), "`len(fadecast.forecasting.detection.time_grid(...))`"


def report(repeats: int, floor_per_round: int, today: dt.date) -> str:
    """Time the forecasts and the floor; return the Markdown report."""
    profile = load_profile(EXAMPLE, today=today)
    forecast, _ = forecast_functions()
    steps, steps_source = time_steps(profile)

    def with_attribution() -> object:
        return forecast(profile, samples=SAMPLES, seed=0, today=today, attribution=True)

    def without_attribution() -> object:
        return forecast(profile, samples=SAMPLES, seed=0, today=today, attribution=False)

    values = np.random.default_rng(0).uniform(-5.0, 0.0, size=(SAMPLES, steps))

    def floor() -> object:
        return np.exp(values)

    progress(
        f"forecast_speed: {repeats} rounds of a forecast with attribution, one without "
        f"and {floor_per_round} floors ..."
    )
    full, bare, base = repeat_interleaved(
        [(with_attribution, 1), (without_attribution, 1), (floor, floor_per_round)],
        rounds=repeats,
        warmup=3,
    )

    met = full.median <= TARGET_SECONDS
    rows = [
        Row(
            f"`forecast`, {SAMPLES:,} draws, attribution on",
            full,
            fmt_ratio(full.median / base.median),
            f"≤ {fmt_time(TARGET_SECONDS)}",
            verdict(met),
        ),
        Row(
            f"`forecast`, {SAMPLES:,} draws, attribution off (extra)",
            bare,
            fmt_ratio(bare.median / base.median),
            "—",
            "—",
        ),
        Row(
            f"floor: one `np.exp` over ({SAMPLES}, {steps}) (baseline)",
            base,
            "1×",
            "—",
            "baseline",
        ),
    ]
    return "\n".join(
        [
            "### One forecast (`benchmarks/forecast_speed.py`)",
            "",
            f"Example `examples/{EXAMPLE.name}`, samples={SAMPLES}, seed=0, "
            f"horizon {HORIZON_YEARS:g} years, today={today.isoformat()}; the profile is "
            "parsed once outside the timing. The three measurements alternate, round by "
            f"round ({floor_per_round} floors a round), so that load from elsewhere on the "
            "machine hits them alike. "
            f"T = {steps} model time steps ({steps_source}). "
            "Ratio = median / median of the floor.",
            "",
            results_table(rows),
            "",
            f"With attribution one forecast takes {fmt_ratio(full.median / bare.median)} as long "
            "as without (attribution reruns the draws once per factor group that differs "
            "from its reference).",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--repeats", type=int, default=30, help="timed rounds, one forecast each (default 30)"
    )
    parser.add_argument(
        "--floors-per-round", type=int, default=10, help="timed floors a round (default 10)"
    )
    parser.add_argument(
        "--no-machine", action="store_true", help="leave out the machine facts at the top"
    )
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.floors_per_round < 1:
        parser.error("repeats must be at least 1")
    out = report(args.repeats, args.floors_per_round, TODAY)
    if not args.no_machine:
        out = machine_facts() + "\n\n" + out
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
