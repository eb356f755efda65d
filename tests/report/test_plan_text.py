"""Tests of the plain-text lifetime plan: what it says for real plans."""

from __future__ import annotations

import datetime as dt
import functools
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest

from fadecast.inputs.profile import Profile, parse_profile
from fadecast.planning import PlannedSession, PlanResult, plan
from fadecast.report.json import cost_dict
from fadecast.report.plan_text import date_text, format_plan, money_text, session_title

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
TODAY = dt.date(2026, 6, 1)
SAMPLES = 100
#: All three kinds of session (fading, hair loss past the treated area, a design goal),
#: with prices.
EVERY_KIND: dict[str, Any] = {
    "hair": {"stage": 3, "family_history": True},
    "goals": {"mature_hairline_age": 50},
    "costs": {"currency": "GBP", "price_per_session": 300},
}


def profile(name: str = "temperate-office-worker", **tables: Any) -> Profile:
    """An example with some of its tables replaced or added."""
    data = tomllib.loads((EXAMPLES / f"{name}.toml").read_text("utf-8"))
    data.update(tables)
    return parse_profile(data, today=TODAY)


def run(p: Profile, **kw: Any) -> PlanResult:
    return plan(p, samples=kw.pop("samples", SAMPLES), seed=0, today=TODAY, **kw)


@functools.cache
def every_kind() -> PlanResult:
    return run(profile(**EVERY_KIND))


@functools.cache
def office() -> PlanResult:
    return run(profile())


def lines_of(result: PlanResult) -> list[str]:
    return format_plan(result).splitlines()


def block(lines: list[str], heading: str) -> list[str]:
    """The lines after ``heading`` up to the next empty line."""
    start = lines.index(heading) + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


def test_the_first_line_names_the_horizon_the_futures_and_the_day() -> None:
    result = run(profile(), samples=1200, until_age=70)
    horizon = result.date_of(result.horizon_years)
    assert horizon is not None
    assert lines_of(result)[0] == (
        f"Lifetime plan until age 70 ({horizon.isoformat()}), 1,200 simulated futures; "
        f"made on {TODAY.isoformat()}"
    )


def test_each_likely_session_has_its_line_in_order_with_date_window_and_share() -> None:
    result = every_kind()
    sessions = block(
        lines_of(result), "Planned sessions (median date; 80 % of futures in the window):"
    )
    likely = [s for s in result.sessions if math.isfinite(s.p50_years)]
    assert {s.kind for s in likely} == {"fade", "extension", "design"}
    rows = [row for row in sessions if not row.startswith("  in fewer than half")]
    assert len(rows) == len(likely)
    for row, s in zip(rows, likely, strict=True):
        assert row.startswith(f"  {date_text(result, s.p50_years)}  {session_title(s)}: {s.reason}")
        assert row.endswith(f", in {s.share:.0%} of futures")
        if s.kind == "design":  # on the day the client chose: no window
            assert ", window " not in row
        else:
            window = (
                f", window {date_text(result, s.p10_years)} to {date_text(result, s.p90_years)}"
            )
            assert window in row
    assert [date_text(result, s.p50_years) for s in likely] == sorted(
        date_text(result, s.p50_years) for s in likely
    )


def test_sessions_in_fewer_than_half_of_the_futures_are_named_together() -> None:
    result = every_kind()
    rare = [s for s in result.sessions if not math.isfinite(s.p50_years)]
    assert 0 < len(rare) <= 12

    def share(s: PlannedSession) -> str:  # a share that is not nothing never reads 0 %
        return "<1%" if 0.0 < s.share < 0.005 else f"{s.share:.0%}"

    named = ", ".join(f"{session_title(s)} ({share(s)})" for s in rare[:6])
    more = f" and {len(rare) - 6} more" if len(rare) > 6 else ""  # the first six by name
    assert f"  in fewer than half of the futures: {named}{more}" in lines_of(result)


def test_the_counts_hair_loss_and_costs_say_what_the_plan_has() -> None:
    result = every_kind()
    lines = lines_of(result)
    c = result.counts

    def count(kind: str) -> str:
        p10, p50, p90 = c[kind]
        return f"{p50:g}" if p10 == p90 else f"{p50:g} ({p10:g}-{p90:g})"

    assert (
        f"Sessions until the horizon: {count('total')} in all - {count('fade')} for fading, "
        f"{count('extension')} for hair loss, {count('design')} for design"
    ) in lines
    assert result.stage_p50_at_horizon is not None
    assert (
        f"Hair loss (Norwood scale): median stage {result.stage_p50_at_horizon:g} at the horizon"
        in lines
    )
    cost = cost_dict(result.cost_summary)
    assert (
        f"Cost until the horizon: {money_text(cost['total_p50'], 'GBP')} (80 % of futures "
        f"between {money_text(cost['total_p10'], 'GBP')} and "
        f"{money_text(cost['total_p90'], 'GBP')})"
    ) in lines
    by_reason = next(r for r in lines if r.startswith("  on average by reason: "))
    assert (
        "fading GBP " in by_reason
        and "hair loss GBP " in by_reason
        and "design GBP 300" in by_reason
    )


def test_without_hair_or_prices_the_plan_says_so() -> None:
    lines = lines_of(office())
    assert not any(line.startswith("Hair loss") for line in lines)
    assert "Cost: no prices given (set [costs] in the profile or --price-per-session)." in lines
    assert any(line.endswith("0 for hair loss, 0 for design") for line in lines)


def test_the_habits_are_ranked_and_the_rest_named() -> None:
    result = every_kind()
    lines = block(lines_of(result), "What aftercare habits would buy (best first):")
    applicable = [w for w in result.what_ifs if w.applicable]
    kept = [w.label for w in result.what_ifs if not w.applicable]
    assert applicable and kept
    for rank, (row, w) in enumerate(zip(lines, applicable, strict=False), start=1):
        assert row.startswith(f"  {rank}. {w.label}: next touch-up ")
        assert f"+{max(w.years_added, 0.0):.1f} years" in row
        assert f"{w.touchups_avoided:.2f} fewer touch-ups" in row
        assert row.endswith(f"{money_text(w.money_saved, 'GBP')} saved")  # priced
    assert lines[len(applicable)] == "  already kept or not relevant: " + "; ".join(kept)
    # Unpriced, no money is claimed.
    assert not any(" saved" in row for row in lines_of(office()))


def test_stopping_now_gives_the_contrast_left_and_the_permanent_share() -> None:
    result = office()
    perm = result.permanence
    lines = block(lines_of(result), "If all touch-ups stopped now:")
    readings = ", ".join(
        f"{de:.1f} after {y:g} years" for y, de in zip(perm.years, perm.delta_e00_p50, strict=True)
    )
    assert lines[0] == (
        f"  contrast against bare skin (ΔE00, median) {readings}: still visible "
        f"({perm.perceptible_delta_e00:g} is perceptible)"
    )
    assert lines[1].startswith(f"  about {perm.slow_share_p50:.0%} of the healed pigment ")
    assert "does not go away by itself" in lines[1]


def test_an_smp_that_hardly_shows_is_barely_perceptible_when_stopped() -> None:
    data = tomllib.loads((EXAMPLES / "temperate-office-worker.toml").read_text("utf-8"))
    data["person"]["skin"] = {"lab": [20.0, 8.0, 8.0]}
    result = run(parse_profile(data, today=TODAY), what_ifs=False)
    assert result.permanence.delta_e00_p50[-1] < result.permanence.perceptible_delta_e00
    row = block(lines_of(result), "If all touch-ups stopped now:")[0]
    assert row.endswith(": barely perceptible (0.8 is perceptible)")


def test_removal_is_scored_now_and_after_the_sessions_in_sessions_and_months() -> None:
    result = every_kind()
    lines = lines_of(result)
    at = lines.index("Laser removal (Kirby-Desai scale; carbon-black pigment on the scalp):")
    for offset, (label, est) in enumerate(
        [("now", result.removal_now), ("after the planned sessions", result.removal_at_horizon)]
    ):
        score, sessions = lines[at + 1 + 2 * offset], lines[at + 2 + 2 * offset]
        assert score.startswith(f"  {label}: {est.total} points (")
        assert "location 1 (head and neck)" in score
        assert sessions == (
            f"    about {est.sessions_low:g}-{est.sessions_high:g} laser sessions, "
            f"{est.interval_weeks[0]:g}-{est.interval_weeks[1]:g} weeks apart: "
            f"{est.months_low:.0f}-{est.months_high:.0f} months"
        )
    # More ink after more sessions never scores less.
    assert result.removal_at_horizon.total >= result.removal_now.total


def test_removal_warnings_come_once_each_at_the_end() -> None:
    result = run(profile("dark-skinned-client"), what_ifs=False)
    warnings = list(
        dict.fromkeys([*result.removal_now.warnings, *result.removal_at_horizon.warnings])
    )
    assert warnings and len(warnings) < len(result.removal_now.warnings) * 2
    lines = lines_of(result)
    assert lines[lines.index("Warnings:") :] == ["Warnings:", *(f"  - {w}" for w in warnings)]
    assert "Warnings:" not in lines_of(office())


def test_an_overdue_touch_up_is_due_now_on_the_day_of_the_plan() -> None:
    result = run(profile(treatment={"sessions": ["2008-03-01", "2008-03-15", "2008-04-05"]}))
    first = next(r for r in lines_of(result) if "touch-up 1:" in r)
    assert first.startswith(f"  {TODAY.isoformat()}  touch-up 1: ")
    assert " - due now" in first
    others = [r for r in lines_of(result) if "touch-up 2:" in r]
    assert others and " - due now" not in others[0]


@pytest.mark.parametrize(
    ("measurements", "words"),
    [
        ([{"date": "2025-09-01", "social_delta_e00": 6.4}], "Personalised by 1 photo measurement:"),
        (
            [
                {"date": "2025-09-01", "social_delta_e00": 6.4},
                {"date": "2026-05-01", "social_delta_e00": 4.9},
            ],
            "Personalised by 2 photo measurements:",
        ),
    ],
)
def test_photo_measurements_personalise_the_plan(
    measurements: list[dict[str, Any]], words: str
) -> None:
    result = run(profile(measurements=measurements), what_ifs=False)
    ess = result.personal_effective_sample_size
    assert ess is not None
    second = lines_of(result)[1]
    assert second.startswith(words)
    assert second.endswith(f"(effective sample size {ess:.0f}).")
    assert lines_of(result)[2] == ""
    assert lines_of(office())[1] == ""


def test_a_plan_with_no_likely_session_says_so() -> None:
    fresh = profile(treatment={"pigment": "carbon-black"})  # a course starting today
    result = run(fresh, until_age=TODAY.year - fresh.person.birth_year + 1.5, what_ifs=False)
    assert not any(math.isfinite(s.p50_years) for s in result.sessions)
    lines = lines_of(result)
    assert "No session is planned in most futures before the horizon." in lines
    assert (
        "Sessions until the horizon: 0 in all - 0 for fading, 0 for hair loss, 0 for design"
        in lines
    )


def test_the_same_plan_reads_the_same() -> None:
    assert format_plan(office()) == format_plan(run(profile()))


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (300.0, "GBP", "GBP 300"),
        (1234.4, "EUR", "EUR 1,234"),
        (1234567.8, "USD", "USD 1,234,568"),
        (0.0, "CHF", "CHF 0"),
    ],
)
def test_money_is_whole_units_with_thousands_separators(
    amount: float, currency: str, text: str
) -> None:
    assert money_text(amount, currency) == text


@pytest.mark.parametrize(
    ("kind", "number", "title"),
    [
        ("fade", 1, "touch-up 1"),
        ("fade", 3, "touch-up 3"),
        ("extension", 2, "area extension 2"),
        ("design", 1, "design session"),
    ],
)
def test_sessions_are_named_by_kind_and_number(kind: str, number: int, title: str) -> None:
    session = PlannedSession(kind, number, "a reason", 1.0, 2.0, 3.0, 0.5)
    assert session_title(session) == title


def test_dates_of_the_plan_and_after_its_horizon() -> None:
    result = office()
    first = result.scenario.first_session
    assert date_text(result, 0.0) == first.isoformat()
    assert date_text(result, 1.0) == (first + dt.timedelta(days=365)).isoformat()
    assert date_text(result, math.inf) == "after the horizon"
    assert date_text(result, result.horizon_years + 1.0) == "after the horizon"
