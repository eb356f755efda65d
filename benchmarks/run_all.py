"""Run every benchmark and write the results into ``docs/benchmarks.md``.

Each script runs in its own fresh process, one after the other. Their Markdown replaces
the text between ``<!-- BEGIN results -->`` and ``<!-- END results -->`` in
``docs/benchmarks.md``; the prose around the markers is left as it is. It takes
minutes (the many-profiles benchmark dominates).

Run ``python benchmarks/run_all.py``; ``--no-write`` prints the results instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from harness import REPO, machine_facts, progress

DOC = REPO / "docs" / "benchmarks.md"
HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "forecast_speed",
    "forecast_many_speed",
    "cli_speed",
    "render_speed",
    "report_speed",
    "plan_speed",
    "measure_speed",
    "records_scale",
    "web_speed",
)
_SECTION = re.compile(r"(<!-- BEGIN results -->\n).*?(<!-- END results -->)", flags=re.DOTALL)


def _head() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


def _load() -> str:
    if not hasattr(os, "getloadavg"):
        return "n/a"
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def run_script(name: str, extra: Sequence[str]) -> str:
    """Run one benchmark script in a fresh process; return its Markdown."""
    command = [sys.executable, str(HERE / f"{name}.py"), "--no-machine", *extra]
    load_before = _load()
    progress(f"run_all: {name} ...")
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, stdout=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{name} failed with exit code {done.returncode}")
    shown = " ".join(["python", f"benchmarks/{name}.py", *extra])
    return (
        done.stdout.strip()
        + f"\n\n*Command: `{shown}` ({elapsed:.0f} s in all). Load average (1, 5, 15 min) "
        f"before: {load_before}; after: {_load()}.*"
    )


def render(doc: str, results: str) -> str:
    """``doc`` with the results section replaced."""
    if not _SECTION.search(doc):
        raise SystemExit(f"{DOC} has no <!-- BEGIN results --> / <!-- END results --> markers")
    return _SECTION.sub(lambda m: m.group(1) + results + "\n" + m.group(2), doc)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--profiles", type=int, help="profiles of forecast_many_speed.py (default 10000)"
    )
    parser.add_argument(
        "--loop-profiles", type=int, help="loop profiles of forecast_many_speed.py (default 200)"
    )
    parser.add_argument(
        "--no-write", action="store_true", help=f"print the results, leave {DOC.name} alone"
    )
    args = parser.parse_args(argv)
    many: list[str] = []
    if args.profiles is not None:
        many += ["--profiles", str(args.profiles)]
    if args.loop_profiles is not None:
        many += ["--loop-profiles", str(args.loop_profiles)]

    started = dt.datetime.now().astimezone()
    machine = machine_facts()
    sections = [run_script(name, many if name == "forecast_many_speed" else ()) for name in SCRIPTS]
    results = "\n\n".join(
        [
            f"Measured on {started:%Y-%m-%d %H:%M %Z} by `python benchmarks/run_all.py`, "
            f"at commit `{_head()}` (plus any uncommitted changes of the working tree), on:",
            machine,
            *sections,
        ]
    )
    if args.no_write:
        print(results)
        return 0
    DOC.write_text(render(DOC.read_text(encoding="utf-8"), results), encoding="utf-8")
    progress(f"run_all: wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
