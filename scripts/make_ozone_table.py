"""Build ``data/ozone_sbuv_v8.csv``: monthly zonal-mean total ozone from NOAA SBUV v8.

The NOAA SBUV/SBUV-2 Version 8 merged monthly 5° zonal means (US-government data, public
domain) ship as test data in the source archive of the registry package
``lotus_regression`` 0.8.3 (MIT licence), ``test_data/SBUV_NOAA/*_v8_mn{year}_du.dat``: one
file a year; per month a line "year month", then per 5° zone (centres −87.5° to 87.5°) a
line "centre, data days, 99.99, 99.99, total ozone [DU]" and 13 layer values (missing:
999.9). The table is the mean over 2000–2015 of each zone and month, with the number of
years that had a retrieval (none in the polar night).

    python scripts/make_ozone_table.py                 # downloads the archive with pip
    python scripts/make_ozone_table.py --sdist lotus_regression-0.8.3.tar.gz
    python scripts/make_ozone_table.py --check         # exit 1 if the packaged table differs
"""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "src" / "fadecast" / "data" / "ozone_sbuv_v8.csv"
PACKAGE = "lotus_regression==0.8.3"
FIRST_YEAR, LAST_YEAR = 2000, 2015
ZONES_DEG = np.arange(-87.5, 87.6, 5.0)
MISSING_DU = 999.9
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FILE_NAME = re.compile(r"SBUV_NOAA/\w+_v8_mn(\d{4})_du\.dat$")


def download_sdist(folder: Path) -> Path:
    """Fetch the source archive of ``lotus_regression`` 0.8.3 from the package registry."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            PACKAGE,
            "-d",
            str(folder),
        ],
        check=True,
    )
    return next(folder.glob("lotus_regression-*.tar.gz"))


def yearly_files(sdist: Path) -> dict[int, str]:
    """The text of each year's total-ozone file in the archive, by year."""
    out: dict[int, str] = {}
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            match = FILE_NAME.search(member.name)
            if match and FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
                handle = archive.extractfile(member)
                assert handle is not None
                out[int(match.group(1))] = io.TextIOWrapper(handle, encoding="ascii").read()
    missing = sorted(set(range(FIRST_YEAR, LAST_YEAR + 1)) - set(out))
    if missing:
        raise SystemExit(f"the archive lacks the years {missing}")
    return out


def monthly_totals(text: str) -> NDArray[np.float64]:
    """Total ozone ``(12, zones)`` of one year's file [DU]; NaN where missing."""
    values = np.full((12, len(ZONES_DEG)), np.nan)
    lines = iter(text.splitlines())
    for line in lines:
        fields = line.split()
        if len(fields) != 2:
            continue
        month = int(fields[1])
        for zone in range(len(ZONES_DEG)):
            header = next(lines).split()
            centre, total = float(header[0]), float(header[4])
            if abs(centre - ZONES_DEG[zone]) > 1e-6:
                raise SystemExit(f"unexpected zone {centre} (expected {ZONES_DEG[zone]})")
            next(lines)  # the two lines of layer values
            next(lines)
            if total < MISSING_DU - 1e-6:
                values[month - 1, zone] = total
    return values


def climatology(texts: Mapping[int, str]) -> tuple[NDArray[np.float64], NDArray[np.int_]]:
    """Mean total ozone ``(zones, 12)`` over the years [DU] and the years counted."""
    stack = np.stack([monthly_totals(texts[year]) for year in sorted(texts)])
    counted = np.sum(np.isfinite(stack), axis=0)
    total = np.nansum(stack, axis=0)
    mean = np.where(counted > 0, total / np.maximum(counted, 1), np.nan)
    return mean.T, counted.T


def table_text(mean: NDArray[np.float64], counted: NDArray[np.int_]) -> str:
    """The CSV file, with its provenance in ``#`` comment lines."""
    head = [
        "# Monthly zonal-mean total column ozone [DU], 5-degree zones, mean of "
        f"{FIRST_YEAR}-{LAST_YEAR}.",
        "# Source: NOAA SBUV/SBUV-2 Version 8 merged monthly zonal means (NOAA-11, -16, -17,",
        "#   -18, -19; US-government data, public domain), as shipped in the source archive of",
        "#   lotus_regression 0.8.3 (MIT), test_data/SBUV_NOAA/*_v8_mn{year}_du.dat.",
        "# Built by scripts/make_ozone_table.py; do not edit. NaN = no retrieval in any year",
        "#   (polar night); n_<month> = years with a retrieval.",
        "lat_centre_deg," + ",".join(MONTHS) + "," + ",".join(f"n_{m}" for m in MONTHS),
    ]
    rows = []
    for zone, centre in enumerate(ZONES_DEG):
        means = ",".join("NaN" if np.isnan(v) else f"{v:.1f}" for v in mean[zone])
        counts = ",".join(str(int(c)) for c in counted[zone])
        rows.append(f"{centre:.1f},{means},{counts}")
    return "\n".join([*head, *rows]) + "\n"


def build(sdist: Path | None) -> str:
    """The table's text, from the archive given or downloaded."""
    with tempfile.TemporaryDirectory(prefix="fadecast-ozone-") as scratch:
        archive = sdist if sdist is not None else download_sdist(Path(scratch))
        return table_text(*climatology(yearly_files(archive)))


def main(argv: Iterable[str] | None = None) -> int:
    """Write the packaged table, or check it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdist", type=Path, help="the lotus_regression 0.8.3 source archive")
    parser.add_argument("--check", action="store_true", help="compare with the packaged table")
    args = parser.parse_args(None if argv is None else list(argv))
    text = build(args.sdist)
    if args.check:
        same = TABLE.read_text(encoding="utf-8") == text
        print(f"ozone table: {'up to date' if same else 'differs from the source'}")
        return 0 if same else 1
    TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)} ({len(ZONES_DEG)} zones x 12 months)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
