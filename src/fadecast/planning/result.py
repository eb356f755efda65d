"""What a plan returns: its sessions, counts, costs, what-ifs, permanence and removal.

:meth:`PlanResult.to_dict` is the plan's JSON contract (``fadecast plan --json``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.forecasting.scenario import DAYS_PER_YEAR, Scenario
from fadecast.planning.costs import CostSummary, Quantiles
from fadecast.planning.removal import KirbyDesaiEstimate

__all__ = ["Permanence", "PlanResult", "PlannedSession", "WhatIf"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class PlannedSession:
    """One planned session: its kind, reason and date with its spread over draws."""

    kind: str  # fade | extension | design
    number: int  # 1 for the first of its kind, 2 for the second, ...
    reason: str
    p10_years: float  # since the first session; inf if beyond the horizon
    p50_years: float
    p90_years: float
    share: float  # share of draws that have this session before the horizon [1]


@dataclass(frozen=True)
class WhatIf:
    """What one aftercare habit buys, against the plan as it is (same draws)."""

    key: str
    label: str
    applicable: bool  # False when the client already has the habit
    years_added: float  # to the P50 of the next fade-driven touch-up [yr]
    at_least: bool  # the next touch-up moves past the horizon: years_added is a floor
    touchups_avoided: float  # mean over draws, until the horizon
    money_saved: float  # mean over draws (nan when sessions are not priced)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        money = round(self.money_saved, 2) if math.isfinite(self.money_saved) else None
        return {
            "habit": self.key,
            "label": self.label,
            "applicable": self.applicable,
            "years_added_to_next_touchup": round(self.years_added, 3),
            "years_added_is_a_floor": self.at_least,
            "touchups_avoided": round(self.touchups_avoided, 3),
            "money_saved": money,
        }


@dataclass(frozen=True)
class Permanence:
    """What remains of the recorded sessions with no touch-up ever again."""

    years: tuple[float, ...]  # after the last session [yr]
    delta_e00_p10: tuple[float, ...]  # social-distance contrast against bare skin [ΔE00]
    delta_e00_p50: tuple[float, ...]
    delta_e00_p90: tuple[float, ...]
    remaining_share_p50: tuple[float, ...]  # dermal pigment left, share of healed [1]
    fixed_share_p50: float  # share of healed pigment in the pool never cleared [1]
    perceptible_delta_e00: float  # contrast taken as perceptible [ΔE00]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "fixed_share_p50": round(self.fixed_share_p50, 3),
            "perceptible_delta_e00": self.perceptible_delta_e00,
            "after_last_session": [
                {
                    "years": y,
                    "delta_e00_p10": round(a, 2),
                    "delta_e00_p50": round(b, 2),
                    "delta_e00_p90": round(c, 2),
                    "visible_p50": b >= self.perceptible_delta_e00,
                    "remaining_share_p50": round(r, 3),
                }
                for y, a, b, c, r in zip(
                    self.years,
                    self.delta_e00_p10,
                    self.delta_e00_p50,
                    self.delta_e00_p90,
                    self.remaining_share_p50,
                    strict=True,
                )
            ],
        }


@dataclass(frozen=True)
class PlanResult:
    """A lifetime plan (see :func:`fadecast.planning.plan`)."""

    scenario: Scenario
    samples: int
    seed: int
    today: dt.date
    until_age: float
    horizon_years: float  # since the first session [yr]
    today_years: float  # today, since the first session [yr]
    sessions: tuple[PlannedSession, ...]
    counts: Mapping[str, Quantiles]  # P10/P50/P90 per kind and "total" [sessions]
    cost_summary: CostSummary  # currency, prices, P10/P50/P90 total, mean by kind
    hair_scale: str | None
    stage_p50_at_horizon: float | None
    fade_years: Array  # (n, K) fade-driven touch-up times per draw, inf-padded [yr]
    what_ifs: tuple[WhatIf, ...]  # best first; not applicable ones last
    permanence: Permanence
    removal_now: KirbyDesaiEstimate  # laser removal of what is there today
    removal_at_horizon: KirbyDesaiEstimate  # ... after the plan's P50 sessions
    #: Effective sample size of the draws re-weighted by photo measurements, if any.
    personal_effective_sample_size: float | None = None

    def date_of(self, years: float) -> dt.date | None:
        """Calendar date of a time since the first session (None if beyond the horizon)."""
        if not math.isfinite(years) or years > self.horizon_years:
            return None
        return self.scenario.first_session + dt.timedelta(days=round(years * DAYS_PER_YEAR))

    def to_dict(self) -> dict[str, Any]:
        """The plan as plain data (JSON-ready)."""

        def num(x: float) -> float | None:
            return round(float(x), 3) if math.isfinite(x) else None

        def day(years: float) -> str | None:
            d = self.date_of(years)
            return d.isoformat() if d else None

        return {
            "until_age": self.until_age,
            "horizon_date": day(self.horizon_years),
            "samples": self.samples,
            "seed": self.seed,
            "sessions": [
                {
                    "kind": s.kind,
                    "number": s.number,
                    "reason": s.reason,
                    "share_of_draws": round(s.share, 3),
                    "p10_date": day(s.p10_years),
                    "p50_date": day(s.p50_years),
                    "p90_date": day(s.p90_years),
                    "p50_age": num(self.scenario.age_at_first_session() + s.p50_years),
                }
                for s in self.sessions
            ],
            "counts": {
                kind: {"p10": q[0], "p50": q[1], "p90": q[2]} for kind, q in self.counts.items()
            },
            "cost": self.cost_summary.to_dict(),
            "hair": (
                None
                if self.hair_scale is None
                else {"scale": self.hair_scale, "stage_p50_at_horizon": self.stage_p50_at_horizon}
            ),
            "what_ifs": [w.to_dict() for w in self.what_ifs],
            "permanence": self.permanence.to_dict(),
            "removal": {
                "now": self.removal_now.to_dict(),
                "at_horizon": self.removal_at_horizon.to_dict(),
            },
            "personal": None
            if self.personal_effective_sample_size is None
            else {
                "measurements": len(self.scenario.observations),
                "effective_sample_size": round(self.personal_effective_sample_size, 1),
            },
        }
