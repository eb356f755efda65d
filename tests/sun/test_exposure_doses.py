"""The yearly open-sky doses of a way of life (fadecast.sun.exposure)."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from fadecast.sun import exposure


@functools.cache
def london() -> NDArray[np.float64]:
    return exposure.clear_sky_uv_index_year(51.5, -0.13, year=2025)


def everyday(
    weekday: float,
    weekend: float,
    *,
    outdoor_job: bool = False,
    holiday_weeks: float = 2.0,
) -> float:
    return exposure.everyday_dose_sed(
        london(),
        51.5,
        weekday_hours=weekday,
        weekend_hours=weekend,
        outdoor_job=outdoor_job,
        holiday_weeks=holiday_weeks,
        seasonal_amplitude=0.5,
        cloud_factor=0.7,
    )


def test_no_time_outdoors_is_no_dose() -> None:
    assert everyday(0.0, 0.0) == 0.0
    assert (
        exposure.holiday_dose_sed(
            london(), 51.5, holiday_weeks=0.0, hours_per_day=5.0, cloud_factor=0.7
        )
        == 0.0
    )


@settings(max_examples=40, deadline=None)
@given(weekday=st.floats(0.0, 8.0), weekend=st.floats(0.0, 8.0), more=st.floats(0.1, 4.0))
def test_more_time_outdoors_more_dose(weekday: float, weekend: float, more: float) -> None:
    base = everyday(weekday, weekend)
    assert everyday(weekday + more, weekend) > base
    assert everyday(weekday, weekend + more) > base


def test_weeks_away_are_not_spent_at_home() -> None:
    assert everyday(1.0, 3.0, holiday_weeks=6.0) < everyday(1.0, 3.0, holiday_weeks=0.0)


@settings(max_examples=40, deadline=None)
@given(cloud=st.floats(0.1, 1.0), altitude=st.floats(1.0, 1.5))
def test_the_ambient_dose_scales_with_clouds_and_altitude(cloud: float, altitude: float) -> None:
    clear = exposure.ambient_dose_sed(london(), cloud_factor=1.0, altitude_factor=1.0)
    dose = exposure.ambient_dose_sed(london(), cloud_factor=cloud, altitude_factor=altitude)
    assert dose == pytest.approx(clear * cloud * altitude, rel=1e-12)


def test_an_outdoor_worker_gets_more_than_an_office_worker() -> None:
    assert everyday(6.0, 3.0, outdoor_job=True) > everyday(6.0, 3.0)
