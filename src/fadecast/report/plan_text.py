"""A readable plain-text summary of a lifetime plan (used by the command line)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from fadecast.planning import PlannedSession, PlanResult
from fadecast.planning.costs import CostSummary
from fadecast.planning.removal import KirbyDesaiEstimate

__all__ = ["date_text", "format_plan", "money_text", "session_title"]

#: How the Kirby–Desai factors are named to people.
_FACTOR_WORDS = {
    "skin_type": "skin type",
    "location": "location",
    "colour": "colour",
    "amount": "amount of ink",
    "scarring": "scarring",
    "layering": "layering",
}


def money_text(amount: float, currency: str) -> str:
    """An amount of money for people: whole units with thousands separators.

    Examples
    --------
    >>> money_text(12345.6, "EUR")
    'EUR 12,346'
    """
    return f"{currency} {amount:,.0f}"


def session_title(session: PlannedSession) -> str:
    """A session as people would name it, such as "touch-up 2" or "design session".

    Examples
    --------
    >>> from fadecast.planning import PlannedSession
    >>> [
    ...     session_title(PlannedSession(kind, 2, "a reason", 4.0, 6.0, 9.0, 0.8))
    ...     for kind in ("fade", "extension", "design")
    ... ]
    ['touch-up 2', 'area extension 2', 'design session']
    """
    if session.kind == "fade":
        return f"touch-up {session.number}"
    if session.kind == "extension":
        return f"area extension {session.number}"
    return "design session"


def _share(share: float) -> str:
    return "<1%" if 0.0 < share < 0.005 else f"{share:.0%}"


def date_text(result: PlanResult, years: float) -> str:
    """A time of the plan as an ISO date, or "after the horizon".

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> profile = load_profile(example, today=today)
    >>> from fadecast.planning import plan
    >>> result = plan(profile, samples=50, seed=0, today=today)
    >>> date_text(result, 0.0), date_text(result, math.inf)  # the first session, never
    ('2025-03-01', 'after the horizon')
    """
    day = result.date_of(years)
    return day.isoformat() if day else "after the horizon"


def _counts(counts: Mapping[str, tuple[float, float, float]], kind: str) -> str:
    p10, p50, p90 = counts[kind]
    return f"{p50:g}" if p10 == p90 else f"{p50:g} ({p10:g}-{p90:g})"


def _removal_line(label: str, est: KirbyDesaiEstimate) -> list[str]:
    factors = ", ".join(
        f"{_FACTOR_WORDS[k]} {est.points[k]} ({est.categories[k].replace('_', ' ')})"
        for k in est.points
        if est.points[k]
    )
    return [
        f"  {label}: {est.total} points ({factors})",
        f"    about {est.sessions_low:g}-{est.sessions_high:g} laser sessions, "
        f"{est.interval_weeks[0]:g}-{est.interval_weeks[1]:g} weeks apart: "
        f"{est.months_low:.0f}-{est.months_high:.0f} months",
    ]


def _cost_lines(cost: CostSummary) -> list[str]:
    if not cost.priced:
        return ["Cost: no prices given (set [costs] in the profile or --price-per-session)."]
    cur = cost.currency
    by_kind = cost.mean_by_kind
    assert by_kind is not None and cost.total_p10 is not None
    assert cost.total_p50 is not None and cost.total_p90 is not None
    parts = [
        f"{name} {money_text(by_kind[kind], cur)}"
        for kind, name in (("fade", "fading"), ("extension", "hair loss"), ("design", "design"))
        if by_kind.get(kind)
    ]
    return [
        f"Cost until the horizon: {money_text(cost.total_p50, cur)} "
        f"(80 % of futures between {money_text(cost.total_p10, cur)} and "
        f"{money_text(cost.total_p90, cur)})",
        "  on average by reason: " + ("; ".join(parts) if parts else "none"),
    ]


def accumulation_lines(result: PlanResult) -> list[str]:
    """What the pigment all the sessions pile up does to the look, in words (none without)."""
    found = result.accumulation
    if found is None:
        return []
    lines = ["", "What the sessions add up to:"]
    if found.share < 0.1:
        lines.append(
            "  the pigment the touch-ups leave does not make the treated area noticeably "
            f"darker than its healed look in {1 - found.share:.0%} of futures"
        )
    else:
        when = result.date_of(found.first_years_p50)
        start = f"from about {when.year}" if when is not None else "late in the plan"
        lines.append(
            f"  in {found.share:.0%} of futures the pigment that stays after each touch-up "
            f"makes the treated area darker than its healed look by more than ΔE00 "
            f"{found.acceptable_delta_e00:g} (a colour difference half of observers find "
            "unacceptable), "
            f"{start} (median): a lightening session or a redesign may then serve better "
            "than another touch-up"
        )
    lines.append(
        f"  at the end of the plan about {found.haze_share_p50:.0%} of the tone is haze "
        "between the dots rather than dots (median)"
    )
    return lines


def format_plan(result: PlanResult) -> str:
    """Format a plan for people: sessions, counts, costs, habits, permanence, removal.

    Parameters
    ----------
    result
        The plan.

    Returns
    -------
    str
        Several lines of plain text.

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> profile = load_profile(example, today=today)
    >>> from fadecast.planning import plan
    >>> result = plan(profile, samples=50, seed=0, today=today)
    >>> text = format_plan(result)
    >>> print(text.splitlines()[0])
    Lifetime plan until age 75 (2063-07-03), 50 simulated futures; made on 2026-06-01
    >>> "  1. a hat whenever outdoors: next touch-up +" in text, "Laser removal" in text
    (True, True)
    """
    sc = result.scenario
    horizon_day = date_text(result, result.horizon_years)
    lines = [
        f"Lifetime plan until age {result.until_age:g} ({horizon_day}), "
        f"{result.samples:,} simulated futures; made on {result.today.isoformat()}",
        "",
    ]
    if result.personal_effective_sample_size is not None:
        n = len(sc.observations)
        lines[-1:-1] = [
            f"Personalised by {n} photo measurement{'s' if n != 1 else ''}: the futures are "
            f"drawn in proportion to how well they explain them (effective sample size "
            f"{result.personal_effective_sample_size:.0f})."
        ]
    likely = [s for s in result.sessions if math.isfinite(s.p50_years)]
    rare = [s for s in result.sessions if not math.isfinite(s.p50_years)]
    if likely:
        lines.append("Planned sessions (median date; 80 % of futures in the window):")
        for s in likely:
            due_now = " - due now" if s.p50_years <= result.today_years else ""
            window = (
                ""
                if s.p10_years == s.p90_years
                else f", window {date_text(result, s.p10_years)} "
                f"to {date_text(result, s.p90_years)}"
            )
            lines.append(
                f"  {date_text(result, s.p50_years)}  {session_title(s)}: {s.reason}{due_now}"
                f"{window}, in {_share(s.share)} of futures"
            )
    else:
        lines.append("No session is planned in most futures before the horizon.")
    if rare:
        named = ", ".join(f"{session_title(s)} ({_share(s.share)})" for s in rare[:6])
        more = f" and {len(rare) - 6} more" if len(rare) > 6 else ""
        lines.append(f"  in fewer than half of the futures: {named}{more}")
    c = result.counts
    lines += [
        "",
        f"Sessions until the horizon: {_counts(c, 'total')} in all - "
        f"{_counts(c, 'fade')} for fading, {_counts(c, 'extension')} for hair loss, "
        f"{_counts(c, 'design')} for design",
    ]
    if result.hair_scale is not None and result.stage_p50_at_horizon is not None:
        lines.append(
            f"Hair loss ({result.hair_scale.capitalize()} scale): median stage "
            f"{result.stage_p50_at_horizon:g} at the horizon"
        )
    lines += ["", *_cost_lines(result.cost_summary)]

    applicable = [w for w in result.what_ifs if w.applicable]
    if applicable:
        cur = result.cost_summary.currency
        lines += ["", "What aftercare habits would buy (best first):"]
        for rank, w in enumerate(applicable, start=1):
            years = f"{'at least ' if w.at_least else ''}+{max(w.years_added, 0.0):.1f} years"
            money = (
                f", {money_text(w.money_saved, cur)} saved" if math.isfinite(w.money_saved) else ""
            )
            lines.append(
                f"  {rank}. {w.label}: next touch-up {years}, "
                f"{w.touchups_avoided:.2f} fewer touch-ups{money}"
            )
        kept = [w.label for w in result.what_ifs if not w.applicable]
        if kept:
            lines.append("  already kept or not relevant: " + "; ".join(kept))

    lines += accumulation_lines(result)

    perm = result.permanence
    readings = ", ".join(
        f"{de:.1f} after {y:g} years" for y, de in zip(perm.years, perm.delta_e00_p50, strict=True)
    )
    last = perm.delta_e00_p50[-1]
    seen = "still visible" if last >= perm.perceptible_delta_e00 else "barely perceptible"
    lines += [
        "",
        "If all touch-ups stopped now:",
        f"  contrast against bare skin (ΔE00, median) {readings}: {seen} "
        f"({perm.perceptible_delta_e00:g} is perceptible)",
        f"  about {perm.slow_share_p50:.0%} of the healed pigment sits in a pool the body "
        "clears over many decades: SMP fades but does not go away by itself",
        "",
        f"Laser removal (Kirby-Desai scale; {sc.pigment} pigment on the scalp):",
        *_removal_line("now", result.removal_now),
        *_removal_line("after the planned sessions", result.removal_at_horizon),
    ]
    warnings = dict.fromkeys([*result.removal_now.warnings, *result.removal_at_horizon.warnings])
    if warnings:
        lines += ["", "Warnings:", *(f"  - {w}" for w in warnings)]
    return "\n".join(lines)
