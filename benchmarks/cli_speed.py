"""Speed of the command line as a whole process: start-up, imports, forecast, JSON.

Target: ``fadecast forecast examples/temperate-office-worker.toml --json``, run as
``python -m fadecast ...`` in a fresh process, takes at most 2 s (median wall time).
The baseline, timed in the same run, is the start-up floor of any numpy program:
``python -c "import numpy"`` as a process. The heaviest imports of the same command
(from ``python -X importtime``) are listed after the table.

Run ``python benchmarks/cli_speed.py``; it prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from harness import (
    EXAMPLE,
    REPO,
    Row,
    fmt_ratio,
    fmt_time,
    machine_facts,
    progress,
    repeat_interleaved,
    results_table,
    verdict,
)

TARGET_SECONDS = 2.0
FORECAST_ARGS = ("forecast", f"examples/{EXAMPLE.name}", "--json")


def _run(args: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, check=False, timeout=120
    )


def _checked(args: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
    done = _run(args)
    if done.returncode != 0:
        raise SystemExit(
            f"`python {' '.join(args)}` failed ({done.returncode}):\n"
            + done.stderr.decode(errors="replace")
        )
    return done


@dataclass(frozen=True)
class Import:
    """One line of ``-X importtime``: a module and its import times. [µs]"""

    module: str
    depth: int
    self_us: int
    cumulative_us: int


def import_times(args: Sequence[str]) -> list[Import]:
    """The imports of ``python -X importtime <args>``, in the order they finished."""
    done = _run(["-X", "importtime", *args])
    out = []
    for line in done.stderr.decode(errors="replace").splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        head, cumulative, name = line.removeprefix("import time:").split("|", 2)
        name = name.removeprefix(" ")
        module = name.lstrip(" ")
        depth = (len(name) - len(module)) // 2
        out.append(Import(module, depth, int(head.strip()), int(cumulative.strip())))
    return out


def import_table(imports: Sequence[Import], top: int) -> str:
    """The heaviest imports by cumulative time (a module's time includes its children's)."""
    shown = sorted(imports, key=lambda i: i.cumulative_us, reverse=True)[:top]
    lines = [
        "| module | level | cumulative | self |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| `{i.module}` | {i.depth} | {fmt_time(i.cumulative_us * 1e-6)} | "
        f"{fmt_time(i.self_us * 1e-6)} |"
        for i in shown
    ]
    return "\n".join(lines)


def report(repeats: int, top_imports: int) -> str:
    """Time the command and the floor; return the Markdown report."""
    forecast_args = ["-m", "fadecast", *FORECAST_ARGS]
    floor_args = ["-c", "import numpy"]
    progress(
        f"cli_speed: {repeats} rounds of `fadecast {' '.join(FORECAST_ARGS)}` and "
        "`python -c 'import numpy'` ..."
    )
    p50 = json.loads(_checked(forecast_args).stdout)["touchup"]["p50_years"]
    _checked(floor_args)
    command, floor = repeat_interleaved(
        [(lambda: _run(forecast_args), 1), (lambda: _run(floor_args), 1)],
        rounds=repeats,
        warmup=1,
    )
    rows = [
        Row(
            f"`python -m fadecast {' '.join(FORECAST_ARGS)}`",
            command,
            fmt_ratio(command.median / floor.median),
            f"≤ {fmt_time(TARGET_SECONDS)}",
            verdict(command.median <= TARGET_SECONDS),
        ),
        Row('`python -c "import numpy"` (baseline)', floor, "1×", "—", "baseline"),
    ]
    parts = [
        "### Command line (`benchmarks/cli_speed.py`)",
        "",
        "Wall time of a fresh process each run (standard output captured, run from the "
        "repository root). The command and the baseline alternate, round by round, after "
        "untimed warm-up runs (which also write the bytecode caches). The command's JSON "
        f"is checked (P50 touch-up {p50} years). "
        "Ratio = median / median of the baseline.",
        "",
        results_table(rows),
    ]
    if top_imports > 0:
        progress("cli_speed: python -X importtime ...")
        imports = import_times(forecast_args)
        total = sum(i.self_us for i in imports) * 1e-6
        parts += [
            "",
            f"Heaviest imports of the same command (`python -X importtime`, one run; all "
            f"imports together {fmt_time(total)}; cumulative includes the imports nested under "
            "a module; level 0 is imported by the command's own code):",
            "",
            import_table(imports, top_imports),
        ]
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=10, help="timed rounds (default 10)")
    parser.add_argument(
        "--top-imports", type=int, default=15, help="imports listed (default 15; 0: none)"
    )
    parser.add_argument(
        "--no-machine", action="store_true", help="leave out the machine facts at the top"
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("repeats must be at least 1")
    out = report(args.repeats, args.top_imports)
    if not args.no_machine:
        out = machine_facts() + "\n\n" + out
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
