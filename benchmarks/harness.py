"""Shared helpers of the benchmark scripts: timing statistics, machine facts, tables.

Every script in ``benchmarks/`` prints Markdown on standard output (and progress on
standard error): the machine it ran on, then one table with each figure, the baseline
measured in the same run, their ratio and the target with PASS or FAIL.

In-process figures are measured with the memory allocator set as the command line sets it
(:func:`fadecast.runtime.keep_freed_memory`: freed large blocks are kept for reuse), so
they stand for the program people run; the machine facts say whether it took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import fadecast
from fadecast.forecasting import ForecastResult
from fadecast.runtime import keep_freed_memory

#: Whether the allocator setting of the command line took in this process.
ALLOCATOR_KEPT = keep_freed_memory()

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "temperate-office-worker.toml"

#: The date every benchmark takes as today, so inputs and results do not drift.
TODAY = dt.date(2026, 11, 23)


Result = ForecastResult


def forecast_functions() -> tuple[
    Callable[..., ForecastResult], Callable[..., list[ForecastResult]]
]:
    """The public ``fadecast.forecast`` and ``fadecast.forecast_many``."""
    return fadecast.forecast, fadecast.forecast_many


@dataclass(frozen=True)
class Stats:
    """Summary of repeated timings. [s]"""

    median: float
    q1: float
    q3: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Stats:
        """Summarise timings (at least one)."""
        if not seconds:
            raise ValueError("no timings to summarise")
        values = np.asarray(seconds, dtype=np.float64)
        q1, median, q3 = (float(v) for v in np.quantile(values, [0.25, 0.5, 0.75]))
        return cls(median, q1, q3, float(values.min()), float(values.max()), len(values))

    def scaled(self, factor: float) -> Stats:
        """The same statistics multiplied by ``factor`` (e.g. 1/profiles for per-profile)."""
        return Stats(
            self.median * factor,
            self.q1 * factor,
            self.q3 * factor,
            self.low * factor,
            self.high * factor,
            self.runs,
        )


def repeat_interleaved(
    fns: Sequence[tuple[Callable[[], object], int]], *, rounds: int, warmup: int = 1
) -> list[Stats]:
    """Time several functions in alternation, so that a busy spell hits them all alike.

    Each of ``rounds`` rounds calls every ``(fn, calls)`` pair ``calls`` times in turn,
    timing each call; ``warmup`` untimed rounds come first.
    """
    seconds: list[list[float]] = [[] for _ in fns]
    for r in range(warmup + rounds):
        for (fn, calls), out in zip(fns, seconds, strict=True):
            for _ in range(calls):
                start = time.perf_counter()
                fn()
                if r >= warmup:
                    out.append(time.perf_counter() - start)
    return [Stats.of(s) for s in seconds]


def fmt_time(seconds: float) -> str:
    """A duration with a readable unit and three significant figures."""
    if not np.isfinite(seconds):
        return "n/a"
    if seconds >= 1.0:
        return f"{seconds:.3g} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def fmt_range(low: float, high: float) -> str:
    """A range of durations, e.g. ``82.1 – 85.0 ms`` (each with its own unit)."""
    return f"{fmt_time(low)} – {fmt_time(high)}"


def fmt_ratio(ratio: float) -> str:
    """A ratio, e.g. ``1.14×`` or ``163×``."""
    if ratio >= 100:
        return f"{ratio:.0f}×"
    if ratio >= 10:
        return f"{ratio:.1f}×"
    return f"{ratio:.2f}×"


def verdict(met: bool) -> str:
    """PASS or FAIL, in bold."""
    return "**PASS**" if met else "**FAIL**"


@dataclass(frozen=True)
class Row:
    """One line of a results table."""

    measurement: str
    stats: Stats
    ratio: str
    target: str
    result: str


def results_table(rows: Sequence[Row], *, time_label: str = "median") -> str:
    """The Markdown table of a benchmark: figures, baseline, ratios, targets."""
    lines = [
        f"| measurement | {time_label} | IQR | min – max | runs | ratio | target | result |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        s = r.stats
        lines.append(
            f"| {r.measurement} | {fmt_time(s.median)} | {fmt_range(s.q1, s.q3)} | "
            f"{fmt_range(s.low, s.high)} | {s.runs} | {r.ratio} | {r.target} | {r.result} |"
        )
    return "\n".join(lines)


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine_facts() -> str:
    """A Markdown list of the machine and software the figures were measured with."""
    usable: int | None = None
    if sys.platform == "linux":
        usable = len(os.sched_getaffinity(0))
    load = "n/a"
    if hasattr(os, "getloadavg"):
        load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    cpus = f"{os.cpu_count()} logical CPUs" + (f" ({usable} usable)" if usable else "")
    return "\n".join(
        [
            f"- CPU: {cpus}, {_cpu_model()}",
            f"- System: {platform.system()} {platform.release()} ({platform.machine()}); "
            f"load average at start (1, 5, 15 min): {load}",
            f"- Python {platform.python_version()} ({platform.python_implementation()}), "
            f"numpy {np.__version__}, fadecast {fadecast.__version__}",
            "- Allocator: freed large blocks kept for reuse, as the command line sets it"
            if ALLOCATOR_KEPT
            else "- Allocator: the C library's default (the command line's setting did not take)",
        ]
    )


def progress(message: str) -> None:
    """A progress line on standard error (standard output carries only the report)."""
    print(message, file=sys.stderr, flush=True)


def repeats_main(
    report: Callable[[int], str],
    *,
    doc: str | None,
    default_repeats: int,
    argv: Sequence[str] | None = None,
) -> int:
    """The command line of a benchmark whose only knob is its number of timed rounds.

    Parses ``--repeats`` and ``--no-machine``, runs ``report(repeats)`` and prints its
    Markdown, with the machine facts first unless ``--no-machine``.
    """
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0] if doc else None)
    parser.add_argument(
        "--repeats",
        type=int,
        default=default_repeats,
        help=f"timed rounds (default {default_repeats})",
    )
    parser.add_argument(
        "--no-machine", action="store_true", help="leave out the machine facts at the top"
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("repeats must be at least 1")
    out = report(args.repeats)
    if not args.no_machine:
        out = machine_facts() + "\n\n" + out
    print(out)
    return 0
