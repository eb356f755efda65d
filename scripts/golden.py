"""Golden outputs: what every example gives at a fixed date and seed, and a check against it.

Every command a user runs is run on every packaged example, as a user would run it (a fresh
``python -m fadecast`` process each time): ``forecast`` (JSON and text), ``plan`` (JSON, text
and the ``.ics`` calendar), ``render`` (manifest and pictures), ``report`` (the page and its
plots), ``measure`` on the year-1 close-up render (JSON, the overlay and the dots CSV, with the
scale found automatically and with it given), and ``schema``. Small text outputs are kept
whole, so a change shows as a diff; pictures, pages and manifests are kept as SHA-256 digests.

The outputs are made with the same arithmetic on every x86-64 machine: numpy's AVX2 loops and
OpenBLAS's Haswell kernels (:func:`same_arithmetic`). Left to choose, both take AVX-512 code
where the processor has it, whose last bits of rounding differ: enough to move one pixel of a
close-up by a code value, or a digit of a plot's coordinates, and so a digest.

A change that alters an output regenerates the file on purpose, and its commit says why::

    python scripts/golden.py             # write scripts/golden.json
    python scripts/golden.py --check     # compare; exit 1 and show what changed
    python scripts/golden.py --check --keep /tmp/outputs   # also keep the outputs
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import difflib
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "src" / "fadecast" / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden.json"
TODAY = "2026-06-01"
SEED = "0"
RENDER_YEARS = "0,1,5,10"
#: Text outputs up to this size are kept whole; larger ones, and every binary file, by digest.
WHOLE_TEXT_BYTES = 16_384

Outputs = dict[str, bytes]


def same_arithmetic(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` with numpy held to its AVX2 loops (``NPY_ENABLE_CPU_FEATURES``) and
    OpenBLAS to its Haswell kernels (``OPENBLAS_CORETYPE``), on an x86-64 processor with
    AVX2; elsewhere ``environ`` as it is (the outputs may then differ in their last bits).

    Examples
    --------
    >>> pinned = same_arithmetic({"PATH": "/usr/bin"})
    >>> pinned["PATH"], set(pinned) - {"PATH"} <= {"NPY_ENABLE_CPU_FEATURES", "OPENBLAS_CORETYPE"}
    ('/usr/bin', True)
    """
    pinned = dict(environ)
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return pinned
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace").split()
    except OSError:
        return pinned
    if "avx2" in flags and "fma" in flags:
        pinned |= {"NPY_ENABLE_CPU_FEATURES": "X86_V3", "OPENBLAS_CORETYPE": "Haswell"}
    return pinned


ENVIRONMENT = same_arithmetic(os.environ)


def fadecast(*args: str | Path) -> bytes:
    """Run ``python -m fadecast`` with ``args`` (with :data:`ENVIRONMENT`) and return its
    standard output."""
    command = [sys.executable, "-m", "fadecast", *map(str, args)]
    done = subprocess.run(command, capture_output=True, check=False, env=ENVIRONMENT)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"{' '.join(command[2:])} exited {done.returncode}: {message}")
    return done.stdout


def files_in(folder: Path, prefix: str) -> Outputs:
    """Every file in ``folder``, by ``prefix/name``."""
    return {f"{prefix}/{path.name}": path.read_bytes() for path in sorted(folder.iterdir())}


def forecast_outputs(profile: Path, work: Path) -> Outputs:
    """The forecast as JSON and as the text summary."""
    fixed = ("--today", TODAY, "--seed", SEED)
    return {
        "forecast.json": fadecast("forecast", profile, "--json", *fixed),
        "forecast.txt": fadecast("forecast", profile, *fixed),
    }


def plan_outputs(profile: Path, work: Path) -> Outputs:
    """The lifetime plan as JSON, as text, and as a calendar."""
    fixed = ("--today", TODAY, "--seed", SEED)
    calendar = work / "plan.ics"
    as_json = fadecast("plan", profile, "--json", "--ics", calendar, *fixed)
    return {
        "plan.json": as_json,
        "plan.ics": calendar.read_bytes(),
        "plan.txt": fadecast("plan", profile, *fixed),
    }


def render_and_measure_outputs(profile: Path, work: Path) -> Outputs:
    """The renders, and the year-1 close-up measured as a photo."""
    fixed = ("--today", TODAY, "--seed", SEED)
    fadecast("render", profile, "--out", work / "render", "--years", RENDER_YEARS, *fixed)
    outputs = files_in(work / "render", "render")
    photo = work / "render" / "closeup_y1.png"
    outputs["measure.json"] = fadecast(
        "measure",
        photo,
        "--json",
        "--overlay",
        work / "overlay.png",
        "--dots",
        work / "dots.csv",
    )
    outputs["measure/overlay.png"] = (work / "overlay.png").read_bytes()
    outputs["measure/dots.csv"] = (work / "dots.csv").read_bytes()
    manifest = json.loads(outputs["render/manifest.json"])
    outputs["measure-known-scale.json"] = fadecast(
        "measure", photo, "--json", "--mm-per-px", str(manifest["mm_per_px"]), "--white", "none"
    )
    return outputs


def report_outputs(profile: Path, work: Path) -> Outputs:
    """The HTML report and its plots."""
    fadecast("report", profile, "--out", work / "report", "--today", TODAY, "--seed", SEED)
    return files_in(work / "report", "report")


def schema_outputs(profile: Path, work: Path) -> Outputs:
    """The profile's JSON schema (the same for every example, so made once)."""
    return {"schema.json": fadecast("schema")}


Job = Callable[[Path, Path], Outputs]
JOBS: tuple[Job, ...] = (
    forecast_outputs,
    plan_outputs,
    render_and_measure_outputs,
    report_outputs,
)


def all_outputs(keep: Path | None) -> dict[str, Outputs]:
    """Run every job on every example, one per core at a time; outputs by example."""
    profiles = sorted(EXAMPLES.glob("*.toml"))
    with tempfile.TemporaryDirectory(prefix="fadecast-golden-") as scratch:
        base = keep if keep is not None else Path(scratch)
        tasks: list[tuple[str, Job, Path, Path]] = [
            (profile.stem, job, profile, base / profile.stem / job.__name__)
            for profile in profiles
            for job in JOBS
        ]
        tasks.append(("all", schema_outputs, profiles[0], base / "all" / "schema"))
        for *_, work in tasks:
            work.mkdir(parents=True, exist_ok=True)
        results: dict[str, Outputs] = {}
        workers = max(1, os.cpu_count() or 1)
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(job, profile, work): name for name, job, profile, work in tasks}
            for future in concurrent.futures.as_completed(futures):
                results.setdefault(futures[future], {}).update(future.result())
        if keep is not None:
            for name, outputs in results.items():
                for key, content in outputs.items():
                    target = keep / name / "outputs" / key
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(content)
    return {name: dict(sorted(results[name].items())) for name in sorted(results)}


def record(content: bytes) -> dict[str, object]:
    """How an output is kept: its digest and size, and its text when small."""
    entry: dict[str, object] = {
        "sha256": hashlib.sha256(content).hexdigest(),
        "bytes": len(content),
    }
    if len(content) <= WHOLE_TEXT_BYTES:
        with contextlib.suppress(UnicodeDecodeError):
            entry["text"] = content.decode("utf-8")
    return entry


Kept = Mapping[str, Mapping[str, Mapping[str, Any]]]


def differences(golden: Kept, current: Kept) -> Iterator[str]:
    """One paragraph for each output that changed, appeared or went missing."""
    for example in sorted(set(golden) | set(current)):
        old = golden.get(example, {})
        new = current.get(example, {})
        for name in sorted(set(old) | set(new)):
            label = f"{example}: {name}"
            if name not in new:
                yield f"{label}: no longer written"
            elif name not in old:
                yield f"{label}: new output"
            elif old[name]["sha256"] != new[name]["sha256"]:
                before, after = old[name].get("text"), new[name].get("text")
                if isinstance(before, str) and isinstance(after, str):
                    diff = difflib.unified_diff(
                        before.splitlines(), after.splitlines(), "golden", "now", lineterm=""
                    )
                    shown = list(diff)[:60]
                    yield f"{label}: changed\n" + "\n".join(shown)
                else:
                    size = f"{old[name]['bytes']} -> {new[name]['bytes']} bytes"
                    yield f"{label}: changed ({size})"


def main(argv: list[str] | None = None) -> int:
    """Write the golden outputs, or check the current ones against them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--keep", type=Path, help="also keep every output in this folder")
    args = parser.parse_args(argv)
    current = {
        example: {name: record(content) for name, content in outputs.items()}
        for example, outputs in all_outputs(args.keep).items()
    }
    count = sum(len(outputs) for outputs in current.values())
    if not args.check:
        text = json.dumps(
            {"today": TODAY, "seed": int(SEED), "outputs": current}, indent=1, ensure_ascii=False
        )
        GOLDEN.write_text(text + "\n", encoding="utf-8")
        print(f"golden: wrote {count} outputs of {len(current)} groups to {GOLDEN.name}")
        return 0
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))["outputs"]
    changed = list(differences(golden, current))
    if changed:
        print("\n\n".join(changed))
        print(f"\ngolden: {len(changed)} of {count} outputs differ from {GOLDEN.name}")
        return 1
    print(f"golden: all {count} outputs of {len(current)} groups are unchanged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
