"""Attribution: the years each factor group gains or costs against its reference."""

from __future__ import annotations

from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.chain import target_contrast
from fadecast.forecasting.detection import can_show
from fadecast.forecasting.emulator import ClearanceEmulator
from fadecast.forecasting.params import Params
from fadecast.forecasting.result import Attribution
from fadecast.forecasting.run import simulate
from fadecast.forecasting.scenario import FACTORS, Scenario, reference_variant
from fadecast.forecasting.statistics import median_touchup_years


def differs_from_reference(sc: Scenario, factor: str) -> bool:
    """Whether the scenario differs from its reference for ``factor`` (one of ``FACTORS``)."""
    return reference_variant(sc, factor) != sc


def attribute_factors(
    sc: Scenario,
    base_p50: float,
    params: Params,
    cache: ModelCache,
    emulator: ClearanceEmulator | None = None,
) -> tuple[Attribution, ...]:
    """Years each factor group costs or gains against its reference, largest first.

    Empty for SMP that cannot show on the client's skin: with no touch-up ever due there
    is no window to attribute.
    """
    if not can_show(target_contrast(sc, cache), cache.central["perceptibility_delta_e00"]):
        return ()
    attributions: list[Attribution] = []
    for factor, reference in FACTORS.items():
        gained = 0.0
        if differs_from_reference(sc, factor):
            alternative = reference_variant(sc, factor)
            variant = (emulator.run(alternative, curves=False) if emulator else None) or simulate(
                alternative, params, cache, curves=False
            )
            gained = base_p50 - median_touchup_years(variant.touchup_years, sc.horizon_years)
        attributions.append(Attribution(factor, gained, reference))
    attributions.sort(key=lambda a: (-abs(a.years), a.factor))
    return tuple(attributions)
