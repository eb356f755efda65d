"""What a plan returns: its sessions, counts, costs, what-ifs, permanence and removal.

:func:`fadecast.report.json.plan_dict` gives the plan's JSON contract (``fadecast plan --json``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from fadecast.forecasting.scenario import DAYS_PER_YEAR, Scenario
from fadecast.planning.costs import CostSummary, Quantiles
from fadecast.planning.removal import KirbyDesaiEstimate

if TYPE_CHECKING:
    from fadecast.planning.accumulation import Accumulation

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


@dataclass(frozen=True)
class Permanence:
    """What remains of the recorded sessions with no touch-up ever again."""

    years: tuple[float, ...]  # after the last session [yr]
    delta_e00_p10: tuple[float, ...]  # social-distance contrast against bare skin [ΔE00]
    delta_e00_p50: tuple[float, ...]
    delta_e00_p90: tuple[float, ...]
    remaining_share_p50: tuple[float, ...]  # dermal pigment left, share of healed [1]
    slow_share_p50: float  # share of healed pigment in the slow pool [1]
    perceptible_delta_e00: float  # contrast taken as perceptible [ΔE00]


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
    #: Whether the pigment the sessions pile up grows darker than the healed look.
    accumulation: Accumulation | None = None
    #: Effective sample size of the draws re-weighted by photo measurements, if any.
    personal_effective_sample_size: float | None = None

    def date_of(self, years: float) -> dt.date | None:
        """Calendar date of a time since the first session (None if beyond the horizon)."""
        if not math.isfinite(years) or years > self.horizon_years:
            return None
        return self.scenario.first_session + dt.timedelta(days=round(years * DAYS_PER_YEAR))
