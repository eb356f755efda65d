"""UVA, the light that reaches the pigment: the clear-sky table, the model's sky, sunscreen."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.params import Params
from fadecast.inputs.places import resolve_city
from fadecast.sun import exposure
from fadecast.sun.uv import (
    UVA_ALTITUDE_GAIN_PER_KM_BLUMTHALER1997,
    altitude_factor,
    uva_irradiance_bird1986,
)

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_uva_table.py"


def test_the_packaged_table_is_what_spectrl2_gives() -> None:
    pytest.importorskip("pvlib")
    spec = importlib.util.spec_from_file_location("make_uva_table", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.table_text(script.uva_table()) == script.TABLE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("zenith_deg", "expected_w_m2"),
    # SPECTRL2 clear-sky UVA (science notes §11.2): 58 W/m² overhead, 48 at 30°, 32 at 50°,
    # 22 at 60°, 13 at 70° (with a slightly different atmosphere than the table's).
    [(0.0, 58.0), (30.0, 48.0), (50.0, 32.0), (60.0, 22.0), (70.0, 13.0)],
)
def test_clear_sky_uva_against_spectrl2_figures(zenith_deg: float, expected_w_m2: float) -> None:
    uva = float(uva_irradiance_bird1986(np.cos(np.radians(zenith_deg))))
    assert uva == pytest.approx(expected_w_m2, rel=0.06)


@settings(deadline=None)
@given(st.floats(-1.0, 1.0), st.floats(-1.0, 1.0))
def test_uva_grows_with_the_sun_and_vanishes_below_the_horizon(a: float, b: float) -> None:
    low, high = sorted((a, b))
    uva_low, uva_high = uva_irradiance_bird1986([low, high])
    assert 0.0 <= uva_low <= uva_high <= 61.0
    if low <= 0.0:
        assert uva_low == 0.0


def test_uva_varies_less_with_latitude_than_erythemal_uv() -> None:
    """London to Singapore: about 4x on the erythemal scale, far less in UVA (science §11.2)."""
    ratios = []
    for lat, lon in ((51.5, -0.13), (1.29, 103.85)):
        uvi = exposure.clear_sky_uv_index_year(lat, lon).sum()
        uva = exposure.clear_sky_uva_year(lat, lon).sum()
        ratios.append((uvi, uva))
    erythemal = ratios[1][0] / ratios[0][0]
    uva = ratios[1][1] / ratios[0][1]
    assert erythemal > 2.5 and 1.2 < uva < 2.2 and uva < erythemal / 1.5


def test_the_models_singapore_sky_stays_below_its_record() -> None:
    """With the model's aerosol, Singapore's clear-sky noon UV index stays at or below
    the 15 measured there as the record; clouds bring it to the common 11-13."""
    cache = ModelCache(Params.central_only().central)
    singapore = resolve_city("Singapore")
    noon_max = float(cache.uv_year(singapore).max())
    assert 12.0 <= noon_max <= 15.0


def test_uva_rises_with_altitude_about_half_as_fast_as_erythemal_uv() -> None:
    uva = float(altitude_factor(1000.0, UVA_ALTITUDE_GAIN_PER_KM_BLUMTHALER1997))
    erythemal = float(altitude_factor(1000.0))
    assert uva == pytest.approx(1.09) and erythemal == pytest.approx(1.16)


def test_the_uva_protection_is_a_third_of_the_spf_unless_the_label_says() -> None:
    assert exposure.uva_protection_factor([30.0, 50.0]).tolist() == pytest.approx([10.0, 50 / 3])
    assert float(exposure.uva_protection_factor(50.0, 20.0)) == 20.0
    with pytest.raises(ValueError, match="spf"):
        exposure.uva_protection_factor(0.5)


@settings(deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(1.0, 100.0))
def test_missed_skin_only_ever_lets_more_through(m1: float, m2: float, spf: float) -> None:
    low, high = sorted((m1, m2))
    through = [
        float(
            exposure.sunscreen_transmission(
                spf, 0.5, reapply_hours=2.0, half_life_h=2.5, missed_share=m
            )
        )
        for m in (low, high)
    ]
    assert 0.0 < through[0] <= through[1] + 1e-12 <= 1.0 + 1e-12
    if high == 1.0:
        assert through[1] == pytest.approx(1.0)
