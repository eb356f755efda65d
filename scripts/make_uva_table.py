"""Build ``data/uva_clear_sky.csv``: clear-sky UVA (315-400 nm) on a horizontal plane.

The pigment's UV dose is counted in UVA, the light that reaches a dot 0.25 mm deep (the
erythemal dose, mostly UVB, stops in the epidermis). UVA depends on the sun's height and
barely on ozone, so one curve against the solar zenith angle serves every place. It is
computed with the Bird & Riordan (1986) SPECTRL2 clear-sky spectral model as implemented
in pvlib (``pvlib.spectrum.spectrl2``), which is sound in the UVA though not in the UVB:
sea level, a US standard atmosphere (1.42 cm of water, 0.31 atm-cm of ozone), aerosol
optical depth 0.1 at 500 nm, ground albedo 0.2, Kasten (1966) air mass, near the June
solstice. The global horizontal spectrum is integrated over 315-400 nm (trapezoids on
SPECTRL2's 5 nm grid).

    python scripts/make_uva_table.py           # writes the table (needs pvlib)
    python scripts/make_uva_table.py --check   # exit 1 if the packaged table differs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "src" / "fadecast" / "data" / "uva_clear_sky.csv"
ZENITH_DEG = np.arange(0.0, 90.0, 1.0)
UVA_NM = (315.0, 400.0)

HEADER = """\
# Clear-sky global UVA (315-400 nm) on a horizontal plane against the solar zenith angle.
# Source: Bird R. E., Riordan C. (1986), Simple solar spectral model for direct and diffuse
#   irradiance on horizontal and tilted planes at the Earth's surface for cloudless
#   atmospheres, J Clim Appl Meteorol 25:87-97 (SPECTRL2), as pvlib.spectrum.spectrl2
#   (pvlib 0.11+): sea level, precipitable water 1.42 cm, ozone 0.31 atm-cm, aerosol optical
#   depth 0.1 at 500 nm, albedo 0.2, Kasten 1966 air mass, day 172. Confidence M: SPECTRL2
#   is validated in the UVA; aerosol and water vary by place (an aerosol depth of 0.3
#   lowers UVA by 8 % at the zenith).
# Built by scripts/make_uva_table.py; do not edit.
"""


def uva_table() -> NDArray[np.float64]:
    """Zenith angle [°] and clear-sky UVA [W/m²], one row per degree."""
    import pvlib  # only the script needs it

    airmass = pvlib.atmosphere.get_relative_airmass(ZENITH_DEG, model="kasten1966")
    spectra = pvlib.spectrum.spectrl2(
        apparent_zenith=ZENITH_DEG,
        aoi=ZENITH_DEG,
        surface_tilt=0.0,
        ground_albedo=0.2,
        surface_pressure=101325.0,
        relative_airmass=airmass,
        precipitable_water=1.42,
        ozone=0.31,
        aerosol_turbidity_500nm=0.1,
        dayofyear=172,
    )
    wavelength = np.asarray(spectra["wavelength"], dtype=np.float64)
    band = (wavelength >= UVA_NM[0]) & (wavelength <= UVA_NM[1])
    uva = np.trapezoid(np.asarray(spectra["poa_global"])[band], wavelength[band], axis=0)
    return np.column_stack([ZENITH_DEG, np.maximum(uva, 0.0)])


def table_text(table: NDArray[np.float64]) -> str:
    """The CSV file's text."""
    rows = "".join(f"{z:.0f},{u:.3f}\n" for z, u in table)
    return HEADER + "zenith_deg,uva_w_m2\n" + rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    text = table_text(uva_table())
    if args.check:
        if TABLE.read_text(encoding="utf-8") != text:
            print(f"{TABLE.name}: differs from what the script makes", file=sys.stderr)
            return 1
        print(f"{TABLE.name}: unchanged")
        return 0
    TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)} ({len(ZENITH_DEG)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
