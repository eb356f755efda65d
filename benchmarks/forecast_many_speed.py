"""Speed of forecasting many clients: ``forecast_many`` against ``forecast`` in a loop.

Target: over 10,000 profiles spread over 50 cities, ``forecast_many`` is at least 5×
faster per profile than calling ``forecast`` once per profile (samples=2000, seed=0,
attribution on, today fixed). The loop baseline is timed in the same run on the first
``--loop-profiles`` profiles (default 200: every city four times); ``forecast_many`` on
all of them. The script also checks that both give the same median touch-up times on
the profiles they share.

The profiles are built from a seeded generator: 50 well-known cities, random but valid
lifestyles, Fitzpatrick types 1-6, mostly carbon-black pigment and optimal placement,
and a standard course of three sessions in 2025.

Run ``python benchmarks/forecast_many_speed.py``; it prints Markdown. It takes minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from fadecast.inputs.places import resolve_city
from fadecast.inputs.profile import Profile, parse_profile
from harness import (
    TODAY,
    Result,
    Row,
    Stats,
    fmt_ratio,
    fmt_time,
    forecast_functions,
    machine_facts,
    progress,
    results_table,
    verdict,
)

SAMPLES = 2000
TARGET_SPEEDUP = 5.0
AGREE_YEARS = 1e-3  # ΔP50 below which two forecasts count as the same [yr]
PROFILE_SEED = 20261123
COURSE_DAYS = (0, 14, 35)

CITIES = (
    "London, GB",
    "Manchester, GB",
    "Dublin, IE",
    "Reykjavik, IS",
    "Oslo, NO",
    "Stockholm, SE",
    "Moscow, RU",
    "Berlin, DE",
    "Paris, FR",
    "Madrid, ES",
    "Lisbon, PT",
    "Rome, IT",
    "Athens, GR",
    "Istanbul, TR",
    "Cairo, EG",
    "Lagos, NG",
    "Addis Ababa, ET",
    "Nairobi, KE",
    "Johannesburg, ZA",
    "Cape Town, ZA",
    "Dubai, AE",
    "Tehran, IR",
    "Karachi, PK",
    "Delhi, IN",
    "Mumbai, IN",
    "Bangkok, TH",
    "Singapore, SG",
    "Jakarta, ID",
    "Manila, PH",
    "Hong Kong, HK",
    "Beijing, CN",
    "Seoul, KR",
    "Tokyo, JP",
    "Sydney, AU",
    "Auckland, NZ",
    "Honolulu, US",
    "Los Angeles, US",
    "Denver, US",
    "Chicago, US",
    "New York City, US",
    "Miami, US",
    "Toronto, CA",
    "Mexico City, MX",
    "Bogota, CO",
    "Quito, EC",
    "Lima, PE",
    "La Paz, BO",
    "Sao Paulo, BR",
    "Santiago, CL",
    "Buenos Aires, AR",
)

HOLIDAY_CITIES = (
    "Malaga, ES",
    "Santa Cruz de Tenerife, ES",
    "Antalya, TR",
    "Cancun, MX",
    "Phuket, TH",
    "Denpasar, ID",
)

PIGMENTS = ("carbon-black", "iron-oxide", "organic-blend")
PIGMENT_SHARES = (0.80, 0.12, 0.08)
PLACEMENTS = ("optimal", "shallow", "deep")
PLACEMENT_SHARES = (0.85, 0.08, 0.07)
IMMUNE = ("normal", "weakened", "suppressed")
IMMUNE_SHARES = (0.95, 0.04, 0.01)


def check_cities() -> None:
    """Every city and holiday city must resolve in the gazetteer (raises otherwise)."""
    if len(set(CITIES)) != 50:
        raise SystemExit(f"expected 50 distinct cities, got {len(set(CITIES))}")
    for name in (*CITIES, *HOLIDAY_CITIES):
        resolve_city(name)


def _half_hours(x: float) -> float:
    return round(x * 2.0) / 2.0


def profile_data(i: int, rng: np.random.Generator) -> dict[str, Any]:
    """The i-th profile as a mapping, as a TOML file would give it."""
    outdoor_job = bool(rng.random() < 0.1)
    weekday = rng.uniform(4.0, 9.0) if outdoor_job else rng.uniform(0.0, 3.0)
    holiday_weeks = int(rng.choice([0, 0, 1, 2, 2, 3, 4]))
    lifestyle: dict[str, Any] = {
        "outdoor_hours_weekday": _half_hours(weekday),
        "outdoor_hours_weekend": _half_hours(rng.uniform(0.0, 8.0)),
        "outdoor_job": outdoor_job,
        "holiday_weeks": holiday_weeks,
        "hat_share": round(float(rng.uniform(0.0, 1.0)), 1) if rng.random() < 0.4 else 0.0,
        "hair_length_mm": float(rng.choice([0.5, 0.5, 1.0, 2.0, 3.0])),
    }
    if holiday_weeks > 0 and rng.random() < 0.7:
        lifestyle["holiday_city"] = HOLIDAY_CITIES[int(rng.integers(len(HOLIDAY_CITIES)))]
    if rng.random() < 0.5:
        lifestyle["sunscreen"] = {
            "spf": int(rng.choice([15, 30, 50])),
            "share": round(float(rng.uniform(0.1, 1.0)), 1),
            "mg_per_cm2": float(rng.choice([0.5, 1.0, 1.5, 2.0])),
        }
    if rng.random() < 0.1:
        lifestyle["sunbed_sessions_per_year"] = int(rng.integers(5, 51))
        lifestyle["sunbed_minutes"] = int(rng.choice([8, 10, 12, 15]))
    first = dt.date(2025, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 - COURSE_DAYS[-1])))
    return {
        "name": f"bench-{i:05d}",
        "person": {
            "birth_year": int(rng.integers(1950, 2006)),
            "skin": {"fitzpatrick": int(rng.integers(1, 7))},
            "smoker": bool(rng.random() < 0.2),
            "immune": str(rng.choice(IMMUNE, p=IMMUNE_SHARES)),
        },
        "place": {"city": CITIES[i % len(CITIES)]},
        "lifestyle": lifestyle,
        "treatment": {
            "pigment": str(rng.choice(PIGMENTS, p=PIGMENT_SHARES)),
            "placement": str(rng.choice(PLACEMENTS, p=PLACEMENT_SHARES)),
            "sessions": [(first + dt.timedelta(days=d)).isoformat() for d in COURSE_DAYS],
        },
    }


def build_profiles(n: int, today: dt.date) -> list[Profile]:
    """``n`` validated profiles; the same ``n`` always gives the same profiles."""
    rng = np.random.default_rng(PROFILE_SEED)
    return [parse_profile(profile_data(i, rng), today=today) for i in range(n)]


def _p50(result: Result) -> float:
    return result.touchup_years[1]


def p50_differences(a: Sequence[Result], b: Sequence[Result]) -> list[float]:
    """|ΔP50| in years per profile (two P50s beyond the horizon agree; one alone is inf)."""
    out = []
    for x, y in zip(a, b, strict=True):
        px, py = _p50(x), _p50(y)
        out.append(0.0 if math.isinf(px) and math.isinf(py) else abs(px - py))
    return out


def report(n_profiles: int, n_loop: int, loop_repeats: int, many_repeats: int, samples: int) -> str:
    """Time the loop and ``forecast_many``; return the Markdown report."""
    today = TODAY
    check_cities()
    forecast, forecast_many = forecast_functions()
    progress(f"forecast_many_speed: building {n_profiles} profiles ...")
    start = time.perf_counter()
    profiles = build_profiles(n_profiles, today)
    build_seconds = time.perf_counter() - start
    subset = profiles[:n_loop]
    n_cities = len({p.place.city for p in profiles})
    n_loop_cities = len({p.place.city for p in subset})
    n_pigments = len({p.treatment.pigment for p in profiles})

    def run_loop() -> list[Result]:
        return [forecast(p, samples=samples, seed=0, today=today, attribution=True) for p in subset]

    def run_many(items: Sequence[Profile]) -> Sequence[Result]:
        return forecast_many(items, samples=samples, seed=0, today=today, attribution=True)

    progress("forecast_many_speed: warming up ...")
    for p in subset[:3]:
        forecast(p, samples=samples, seed=0, today=today, attribution=True)
    run_many(profiles[: min(10, n_profiles)])

    loop_seconds: list[float] = []
    loop_cpu: list[float] = []
    loop_results: list[Result] = []

    def time_loop(k: int) -> None:
        nonlocal loop_results
        progress(f"forecast_many_speed: loop of {n_loop} forecasts, run {k + 1}/{loop_repeats}")
        start, cpu = time.perf_counter(), time.process_time()
        loop_results = run_loop()
        loop_seconds.append(time.perf_counter() - start)
        loop_cpu.append(time.process_time() - cpu)

    # Half the loop runs come before forecast_many and half after, so that the
    # baseline samples the machine over the whole run.
    before = (loop_repeats + 1) // 2
    for k in range(before):
        time_loop(k)

    many_seconds: list[float] = []
    many_cpu: list[float] = []
    many_head: Sequence[Result] = []
    for k in range(many_repeats):
        progress(
            f"forecast_many_speed: forecast_many over {n_profiles} profiles, "
            f"run {k + 1}/{many_repeats} (minutes) ..."
        )
        start, cpu = time.perf_counter(), time.process_time()
        results = run_many(profiles)
        many_seconds.append(time.perf_counter() - start)
        many_cpu.append(time.process_time() - cpu)
        if len(results) != n_profiles:
            raise SystemExit(f"forecast_many returned {len(results)} results for {n_profiles}")
        many_head = results[:n_loop]
        del results

    for k in range(before, loop_repeats):
        time_loop(k)

    loop = Stats.of(loop_seconds).scaled(1.0 / n_loop)
    many = Stats.of(many_seconds).scaled(1.0 / n_profiles)
    speedup = loop.median / many.median
    loop_cpu_per = Stats.of(loop_cpu).median / n_loop
    many_cpu_per = Stats.of(many_cpu).median / n_profiles
    rows = [
        Row(
            f"`forecast` in a loop, first {n_loop:,} profiles (baseline)",
            loop,
            "1×",
            "—",
            "baseline",
        ),
        Row(
            f"`forecast_many`, all {n_profiles:,} profiles",
            many,
            fmt_ratio(speedup) + " faster",
            f"≥ {TARGET_SPEEDUP:g}× faster",
            verdict(speedup >= TARGET_SPEEDUP),
        ),
    ]
    diffs = p50_differences(many_head, loop_results)
    n_differ = sum(d > AGREE_YEARS for d in diffs)
    horizon_p50 = sum(math.isinf(_p50(r)) for r in loop_results)
    return "\n".join(
        [
            "### Many forecasts (`benchmarks/forecast_many_speed.py`)",
            "",
            f"{n_profiles:,} profiles over {n_cities} cities (seeded generator, "
            f"{n_pigments} pigment classes, built and validated in "
            f"{fmt_time(build_seconds)}, outside the timing); samples={samples}, seed=0, "
            f"attribution on, today={today.isoformat()}. Times are per profile: a run's "
            f"total divided by its number of profiles. The loop runs {loop_repeats}× over "
            f"the first {n_loop:,} profiles ({n_loop_cities} cities), {before}× before "
            f"`forecast_many` and {loop_repeats - before}× after; "
            f"`forecast_many` runs {many_repeats}× over all {n_profiles:,}. "
            "Ratio = loop median / `forecast_many` median.",
            "",
            results_table(rows, time_label="median per profile"),
            "",
            f"Total `forecast_many` time (median): {fmt_time(Stats.of(many_seconds).median)}. "
            "CPU time of this process per profile (`time.process_time`, all its threads, "
            f"median; extra information): {fmt_time(loop_cpu_per)} in the loop, "
            f"{fmt_time(many_cpu_per)} in `forecast_many`. "
            f"Agreement with the loop on the {n_loop:,} shared profiles: max |ΔP50 touch-up| "
            f"= {max(diffs):.3g} years; {n_differ} of {n_loop:,} differ by more than "
            f"{AGREE_YEARS:g} years; {horizon_p50} have their P50 beyond the horizon.",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--profiles", type=int, default=10_000, help="profiles (default 10000)")
    parser.add_argument(
        "--loop-profiles", type=int, default=200, help="profiles of the loop (default 200)"
    )
    parser.add_argument(
        "--loop-repeats", type=int, default=4, help="timed runs of the loop (default 4)"
    )
    parser.add_argument(
        "--many-repeats", type=int, default=1, help="timed runs of forecast_many (default 1)"
    )
    parser.add_argument(
        "--samples", type=int, default=SAMPLES, help=f"draws per forecast (default {SAMPLES})"
    )
    parser.add_argument(
        "--no-machine", action="store_true", help="leave out the machine facts at the top"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.loop_profiles <= args.profiles:
        parser.error("need 1 <= --loop-profiles <= --profiles")
    if args.loop_repeats < 1 or args.many_repeats < 1:
        parser.error("repeats must be at least 1")
    out = report(
        args.profiles, args.loop_profiles, args.loop_repeats, args.many_repeats, args.samples
    )
    if not args.no_machine:
        out = machine_facts() + "\n\n" + out
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
