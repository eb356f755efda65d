"""Speed of a lifetime plan: 40 years ahead with 2,000 draws.

Target: the median time of ``plan(profile, until_age=<age today + 40>, samples=2000)``
is at most 1 s, in-process, for ``examples/temperate-office-worker.toml`` with hair loss
(Norwood III, family history), a design goal and a price per session: the whole plan as
``fadecast plan`` prints it, with its six aftercare what-ifs, permanence and removal.
The baseline, timed in the same run, is one ``forecast`` of the same profile with the
same draws (attribution on): the plan repeats that model draw by draw up to the horizon
and once more for each habit. The plan without what-ifs is reported as extra
information.

Run ``python benchmarks/plan_speed.py``; it prints Markdown.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Sequence

from fadecast.inputs.profile import Profile, parse_profile
from fadecast.planning import plan
from harness import (
    EXAMPLE,
    TODAY,
    Row,
    fmt_ratio,
    fmt_time,
    forecast_functions,
    progress,
    repeat_interleaved,
    repeats_main,
    results_table,
    verdict,
)

SAMPLES = 2000
YEARS_AHEAD = 40
TARGET_SECONDS = 1.0


def planning_profile() -> Profile:
    """The example with hair loss, a design goal and a price per session."""
    data = tomllib.loads(EXAMPLE.read_text("utf-8"))
    data["hair"] = {"scale": "norwood", "stage": 3, "family_history": True}
    data["goals"] = {"mature_hairline_age": 50}
    data["costs"] = {"currency": "EUR", "price_per_session": 400.0}
    return parse_profile(data, today=TODAY)


def report(repeats: int) -> str:
    """Time the plans and the forecast; return the Markdown report."""
    profile = planning_profile()
    age_today = TODAY.year - profile.person.birth_year - 0.5
    until_age = round(age_today + YEARS_AHEAD, 1)
    forecast, _ = forecast_functions()

    def whole_plan() -> object:
        return plan(profile, until_age=until_age, samples=SAMPLES, seed=0, today=TODAY)

    def plan_only() -> object:
        return plan(
            profile,
            until_age=until_age,
            samples=SAMPLES,
            seed=0,
            today=TODAY,
            what_ifs=False,
        )

    def one_forecast() -> object:
        return forecast(profile, samples=SAMPLES, seed=0, today=TODAY)

    progress(f"plan_speed: {repeats} rounds of a plan, a plan without what-ifs, a forecast ...")
    full, bare, base = repeat_interleaved(
        [(whole_plan, 1), (plan_only, 1), (one_forecast, 1)], rounds=repeats, warmup=2
    )
    rows = [
        Row(
            f"`plan`, {YEARS_AHEAD} years, {SAMPLES:,} draws, with what-ifs",
            full,
            fmt_ratio(full.median / base.median),
            f"≤ {fmt_time(TARGET_SECONDS)}",
            verdict(full.median <= TARGET_SECONDS),
        ),
        Row(
            "`plan` without what-ifs (extra)",
            bare,
            fmt_ratio(bare.median / base.median),
            "—",
            "—",
        ),
        Row(
            f"`forecast`, {SAMPLES:,} draws, attribution on (baseline)",
            base,
            "1×",
            "—",
            "baseline",
        ),
    ]
    return "\n".join(
        [
            "### A lifetime plan (`benchmarks/plan_speed.py`)",
            "",
            f"Example `examples/{EXAMPLE.name}` with `[hair]` stage 3 and family history, a "
            f"goal at 50 and a price per session; until age {until_age:g} ({YEARS_AHEAD} "
            f"years from today={TODAY.isoformat()}), samples={SAMPLES}, seed=0. The profile "
            "is parsed once outside the timing; the three measurements alternate round by "
            "round. Ratio = median / median of one forecast.",
            "",
            results_table(rows),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    return repeats_main(report, doc=__doc__, default_repeats=10, argv=argv)


if __name__ == "__main__":
    sys.exit(main())
