"""The plan's sessions as a client reads them: the k-th session of each kind over draws.

Draws have their own session times; the plan reports the k-th session of a kind by the
P10/P50/P90 of the k-th time over draws (beyond the horizon when fewer than that share of
draws has one) and the share of draws that have it.
"""

from __future__ import annotations

import numpy as np

from fadecast.forecasting.statistics import touchup_quantiles
from fadecast.planning.result import PlannedSession
from fadecast.planning.sessions import DesignSession, SessionTimes

__all__ = ["EXTENSION_REASON", "FADE_REASONS", "planned_sessions"]

#: Reasons of the fade-driven touch-ups: the first one, and every later one.
FADE_REASONS: tuple[str, str] = ("fading (the forecast's first touch-up)", "fading")
#: Reason of an area-extension session.
EXTENSION_REASON = "hair loss past the treated area"


def planned_sessions(
    times: SessionTimes, design: tuple[DesignSession, ...], horizon_years: float
) -> tuple[PlannedSession, ...]:
    """Every kind's k-th session over draws, in order of their P50.

    Parameters
    ----------
    times
        The sessions per draw, by kind.
    design
        The design sessions (the same for every draw), in time order.
    horizon_years
        The plan's horizon. [yr]

    Returns
    -------
    tuple of PlannedSession
        Sorted by P50, then kind and number. A fade-driven touch-up no draw has is left
        out; extensions are listed for every stage some draw reaches.

    Examples
    --------
    >>> inf = np.inf
    >>> times = SessionTimes(
    ...     fade=np.array([[3.0, 9.0], [5.0, inf]]),
    ...     extension=np.full((2, 0), inf),
    ...     design=np.array([[6.0], [6.0]]),
    ... )
    >>> [(s.kind, s.number) for s in planned_sessions(times, (DesignSession("x", 6.0),), 20.0)]
    [('fade', 1), ('design', 1), ('fade', 2)]
    """
    sessions: list[PlannedSession] = []
    fade, extensions = times.fade, times.extension
    for k in range(fade.shape[1]):
        p10, p50, p90 = touchup_quantiles(fade[:, k], horizon_years)
        share = float(np.isfinite(fade[:, k]).mean())
        if share > 0.0:
            reason = FADE_REASONS[1] if k else FADE_REASONS[0]
            sessions.append(PlannedSession("fade", k + 1, reason, p10, p50, p90, share))
    for k in range(extensions.shape[1]):
        p10, p50, p90 = touchup_quantiles(extensions[:, k], horizon_years)
        share = float(np.isfinite(extensions[:, k]).mean())
        sessions.append(PlannedSession("extension", k + 1, EXTENSION_REASON, p10, p50, p90, share))
    for k, session in enumerate(design):
        years = session.years
        sessions.append(PlannedSession("design", k + 1, session.reason, years, years, years, 1.0))
    sessions.sort(key=lambda s: (s.p50_years, s.kind, s.number))
    return tuple(sessions)
