"""The JSON contracts: every result as plain data (dicts, lists, strings, numbers, None).

The command line prints these with ``json.dumps(..., allow_nan=False)``; the keys are a
public contract (docs/json.md). A number that cannot be given (a touch-up beyond the
horizon) is ``None``, never NaN.

Examples
--------
>>> json_number(2.34567), json_number(float("inf")), json_number(-0.0001, 2)
(2.346, None, 0.0)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from fadecast.forecasting.detection import RESIDUAL_YEARS
from fadecast.forecasting.result import MODEL_VERSION, date_after
from fadecast.version import __version__

if TYPE_CHECKING:  # only the types: printing a forecast does not load the plan or measure
    from fadecast.forecasting import ForecastResult
    from fadecast.measure.figures import Spread
    from fadecast.measure.measurement import Measurement
    from fadecast.planning import Permanence, PlanResult, WhatIf
    from fadecast.planning.accumulation import Accumulation
    from fadecast.planning.costs import CostSummary
    from fadecast.planning.removal import KirbyDesaiEstimate

__all__ = [
    "accumulation_dict",
    "cost_dict",
    "forecast_dict",
    "json_number",
    "measurement_dict",
    "permanence_dict",
    "personal_dict",
    "plan_dict",
    "removal_dict",
    "spread_dict",
    "what_if_dict",
]


def json_number(value: float, digits: int = 3) -> float | None:
    """``value`` rounded to ``digits`` decimals (never -0.0), or None if not finite."""
    v = float(value)
    if not math.isfinite(v):
        return None
    return round(v, digits) + 0.0


def forecast_dict(result: ForecastResult) -> dict[str, Any]:
    """The forecast as plain JSON-ready data: the contract of ``fadecast forecast --json``
    (every key and unit in docs/json.md)."""
    p10, p50, p90 = result.touchup_years
    d10, d50, d90 = result.touchup_dates
    return {
        "fadecast_version": __version__,
        "model_version": MODEL_VERSION,
        "samples": result.samples,
        "seed": result.seed,
        "first_session": result.scenario.first_session.isoformat(),
        "sessions": [d.isoformat() for d in result.scenario.session_dates],
        "touchup": {
            "p10_years": json_number(p10),
            "p50_years": json_number(p50),
            "p90_years": json_number(p90),
            "p10_date": None if d10 is None else d10.isoformat(),
            "p50_date": None if d50 is None else d50.isoformat(),
            "p90_date": None if d90 is None else d90.isoformat(),
            "years_counted_from": result.scenario.first_session.isoformat(),
            "may_be_due_now": result.may_be_due_now,
            "threshold_share": round(result.scenario.touchup_threshold, 4),
        },
        "exposure": {k: json_number(v, 1) for k, v in result.exposure.items()},
        "curve": {
            "years": [json_number(v, 4) for v in result.curve_years],
            "contrast_p10": [json_number(v) for v in result.curve_social[0]],
            "contrast_p50": [json_number(v) for v in result.curve_social[1]],
            "contrast_p90": [json_number(v) for v in result.curve_social[2]],
            "closeup_p50": [json_number(v) for v in result.curve_closeup_p50],
            "look_p50": [json_number(v) for v in result.curve_look_p50],
            "unit": "CIEDE2000 against bare skin",
            "target_delta_e00": json_number(result.target_delta_e00),
            "touchup_level_delta_e00": json_number(result.threshold_delta_e00),
        },
        "residual": {
            "years": RESIDUAL_YEARS,
            "delta_e00_p50": json_number(result.residual_social_p50),
            "closeup_delta_e00_p50": json_number(result.residual_closeup_p50),
        },
        "attribution": [
            {"factor": a.factor, "years": json_number(a.years, 2), "reference": a.reference}
            for a in result.attribution
        ],
        "warnings": list(result.warnings),
        "personal": None if result.personal is None else personal_dict(result),
        "narrowing": None if result.narrowing is None else narrowing_dict(result),
    }


def narrowing_dict(result: ForecastResult) -> dict[str, Any]:
    """What one photo at the next visit would do to the window (``narrowing`` of the JSON)."""
    found = result.narrowing
    assert found is not None
    photo = date_after(result.scenario.first_session, found.measured_at_years)
    return {
        "photo_at_years": json_number(found.measured_at_years, 2),
        "photo_date": None if photo is None else photo.isoformat(),
        "window_width_years_now": json_number(found.prior_p10_p90_years, 2),
        "window_width_years_after_photo": json_number(found.expected_p10_p90_years, 2),
        "window_width_years_after_photo_p10_p90": [
            json_number(v, 2) for v in found.expected_range_years
        ],
        "stand_in_clients": found.truths,
    }


def personal_dict(result: ForecastResult) -> dict[str, Any]:
    """The personal window of a forecast with photo measurements (``personal`` of its JSON)."""
    personal, dates = result.personal, result.personal_dates
    assert personal is not None and dates is not None
    return {
        "measurements": personal.measurements,
        "effective_sample_size": json_number(personal.effective_sample_size, 1),
        "residual_sd": json_number(personal.residual_sd),
        "touchup": {
            "p10_years": json_number(personal.touchup_years[0]),
            "p50_years": json_number(personal.touchup_years[1]),
            "p90_years": json_number(personal.touchup_years[2]),
            "p10_date": None if dates[0] is None else dates[0].isoformat(),
            "p50_date": None if dates[1] is None else dates[1].isoformat(),
            "p90_date": None if dates[2] is None else dates[2].isoformat(),
        },
    }


def plan_dict(plan: PlanResult) -> dict[str, Any]:
    """The plan as plain JSON-ready data: the contract of ``fadecast plan --json``."""

    def num(x: float) -> float | None:
        return round(float(x), 3) if math.isfinite(x) else None

    def day(years: float) -> str | None:
        d = plan.date_of(years)
        return d.isoformat() if d else None

    return {
        "until_age": plan.until_age,
        "horizon_date": day(plan.horizon_years),
        "samples": plan.samples,
        "seed": plan.seed,
        "sessions": [
            {
                "kind": s.kind,
                "number": s.number,
                "reason": s.reason,
                "share_of_draws": round(s.share, 3),
                "p10_date": day(s.p10_years),
                "p50_date": day(s.p50_years),
                "p90_date": day(s.p90_years),
                "p50_age": num(plan.scenario.age_at_first_session() + s.p50_years),
            }
            for s in plan.sessions
        ],
        "counts": {
            kind: {"p10": q[0], "p50": q[1], "p90": q[2]} for kind, q in plan.counts.items()
        },
        "cost": cost_dict(plan.cost_summary),
        "hair": (
            None
            if plan.hair_scale is None
            else {"scale": plan.hair_scale, "stage_p50_at_horizon": plan.stage_p50_at_horizon}
        ),
        "what_ifs": [what_if_dict(w) for w in plan.what_ifs],
        "permanence": permanence_dict(plan.permanence),
        "accumulation": None
        if plan.accumulation is None
        else accumulation_dict(plan, plan.accumulation),
        "removal": {
            "now": removal_dict(plan.removal_now),
            "at_horizon": removal_dict(plan.removal_at_horizon),
        },
        "personal": None
        if plan.personal_effective_sample_size is None
        else {
            "measurements": len(plan.scenario.observations),
            "effective_sample_size": round(plan.personal_effective_sample_size, 1),
        },
    }


def cost_dict(cost: CostSummary) -> dict[str, Any]:
    """A plan's costs: only the currency and ``priced`` when the sessions are not priced."""
    out: dict[str, Any] = {"currency": cost.currency, "priced": cost.priced}
    if cost.priced:
        out.update(
            {
                "price_per_session": cost.price_per_session,
                "price_by_stage": (
                    {str(k): v for k, v in cost.price_by_stage.items()}
                    if cost.price_by_stage
                    else None
                ),
                "total_p10": cost.total_p10,
                "total_p50": cost.total_p50,
                "total_p90": cost.total_p90,
                "mean_by_kind": None if cost.mean_by_kind is None else dict(cost.mean_by_kind),
            }
        )
    return out


def what_if_dict(what_if: WhatIf) -> dict[str, Any]:
    """What one aftercare habit buys, as plain data."""
    money = round(what_if.money_saved, 2) if math.isfinite(what_if.money_saved) else None
    return {
        "habit": what_if.key,
        "label": what_if.label,
        "applicable": what_if.applicable,
        "years_added_to_next_touchup": round(what_if.years_added, 3),
        "years_added_is_a_floor": what_if.at_least,
        "touchups_avoided": round(what_if.touchups_avoided, 3),
        "money_saved": money,
    }


def accumulation_dict(plan: PlanResult, found: Accumulation) -> dict[str, Any]:
    """Whether the sessions pile up into a tone darker than the healed look
    (``accumulation`` of the plan's JSON)."""
    first = plan.date_of(found.first_years_p50)
    return {
        "share_of_futures_darker": round(found.share, 3),
        "darker_from_years_p50": json_number(found.first_years_p50, 2),
        "darker_from_date_p50": None if first is None else first.isoformat(),
        "excess_delta_e00_p90": json_number(found.excess_p90_delta_e00),
        "acceptable_delta_e00": found.acceptable_delta_e00,
        "haze_share_at_horizon_p50": round(found.haze_share_p50, 3),
    }


def permanence_dict(permanence: Permanence) -> dict[str, Any]:
    """What remains without touch-ups, as plain data."""
    return {
        "slow_share_p50": round(permanence.slow_share_p50, 3),
        "perceptible_delta_e00": permanence.perceptible_delta_e00,
        "after_last_session": [
            {
                "years": y,
                "delta_e00_p10": round(a, 2),
                "delta_e00_p50": round(b, 2),
                "delta_e00_p90": round(c, 2),
                "visible_p50": b >= permanence.perceptible_delta_e00,
                "remaining_share_p50": round(r, 3),
            }
            for y, a, b, c, r in zip(
                permanence.years,
                permanence.delta_e00_p10,
                permanence.delta_e00_p50,
                permanence.delta_e00_p90,
                permanence.remaining_share_p50,
                strict=True,
            )
        ],
    }


def removal_dict(estimate: KirbyDesaiEstimate) -> dict[str, Any]:
    """A Kirby–Desai removal estimate, as plain data."""
    return {
        "points": dict(estimate.points),
        "categories": dict(estimate.categories),
        "total": estimate.total,
        "sessions_low": estimate.sessions_low,
        "sessions_high": estimate.sessions_high,
        "interval_weeks": list(estimate.interval_weeks),
        "months_low": estimate.months_low,
        "months_high": estimate.months_high,
        "warnings": list(estimate.warnings),
    }


def measurement_dict(measurement: Measurement) -> dict[str, Any]:
    """A measured photo as plain JSON-ready data: the contract of ``fadecast measure --json``.

    ``white_reference.grey_ratio`` is the printed card's grey patch over its white in
    linear luminance (None unless read) [1]; ``flags`` are the quality flags
    (:data:`fadecast.measure.flags.FLAGS`) and ``advice`` the line of
    :data:`fadecast.measure.flags.ADVICE` for each, in the same order.
    """
    from fadecast.measure.flags import ADVICE  # here: printing a forecast loads no measure

    fig = measurement.figures

    def spread(value: Spread | None) -> dict[str, float] | None:
        return None if value is None else spread_dict(value)

    def lab(value: tuple[float, float, float] | None) -> list[float] | None:
        return None if value is None else [round(v, 3) for v in value]

    return {
        "fadecast_version": __version__,
        "photo": {"width_px": measurement.width_px, "height_px": measurement.height_px},
        "scale": {
            "mm_per_px": None if fig.mm_per_px is None else round(fig.mm_per_px, 6),
            "source": measurement.scale_source,
        },
        "white_reference": None
        if measurement.white is None
        else {
            "source": measurement.white.source,
            "rect": list(measurement.white.rect),
            "rgb": [round(v, 5) for v in measurement.white.rgb],
            "reflectance": measurement.white.reflectance,
            "grey_ratio": None
            if measurement.white.grey_ratio is None
            else round(measurement.white.grey_ratio, 4),
        },
        "dots": {
            "count": fig.dot_count,
            "analysed_px": fig.analysed_px,
            "density_per_cm2": None
            if fig.density_per_cm2 is None
            else round(fig.density_per_cm2, 2),
            "density_per_megapixel": round(fig.density_per_megapixel, 2),
            "diameter_mm": spread(fig.diameter_mm),
            "diameter_px": spread(fig.diameter_px),
            "edge_mm": spread(fig.edge_mm),
            "edge_px": spread(fig.edge_px),
            "coverage": round(fig.coverage, 4),
        },
        "contrast": {
            "delta_e00": spread(fig.delta_e00),
            "social_delta_e00": None
            if fig.social_delta_e00 is None
            else round(fig.social_delta_e00, 3),
            "skin_lab": lab(fig.skin_lab),
            "mean_lab": lab(fig.mean_lab),
        },
        "blur_px": None if fig.blur_px is None else round(fig.blur_px, 3),
        "flags": list(fig.flags),
        "advice": [ADVICE[flag] for flag in fig.flags],
    }


def spread_dict(spread: Spread) -> dict[str, float]:
    """A median and quartiles, with the interquartile range, as plain data."""
    return {
        "median": round(spread.median, 4),
        "p25": round(spread.p25, 4),
        "p75": round(spread.p75, 4),
        "iqr": round(spread.p75 - spread.p25, 4),
    }
