"""The error a measured contrast carries, widened by the flags that bias it."""

from __future__ import annotations

import pytest

from fadecast.inputs.measurements import FLAG_SD_FACTOR, SD_FLAGS, measurement_sd
from fadecast.measure.flags import FLAGS


def test_every_widening_flag_is_one_a_measurement_raises() -> None:
    assert set(SD_FLAGS) <= set(FLAGS)


@pytest.mark.parametrize("flag", sorted(SD_FLAGS))
def test_each_biasing_flag_widens_the_error_once(flag: str) -> None:
    plain = measurement_sd(5.0)
    assert measurement_sd(5.0, [flag]) == pytest.approx(FLAG_SD_FACTOR * plain)
    assert measurement_sd(5.0, [flag, flag]) == pytest.approx(FLAG_SD_FACTOR * plain)


def test_a_card_grey_that_does_not_read_as_printed_widens_the_error() -> None:
    plain = measurement_sd(5.0, ["no_bare_skin"])
    both = measurement_sd(5.0, ["no_bare_skin", "card_grey_off"])
    assert both == pytest.approx(FLAG_SD_FACTOR * plain)
    assert measurement_sd(5.0, ["no_scale"]) == pytest.approx(measurement_sd(5.0))  # size only
