"""Tests of ``fadecast plan``, run as real processes on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

EXAMPLES = Path(__file__).parents[1] / "src" / "fadecast" / "examples"
TODAY = "2026-11-23"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fadecast", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def client(tmp_path: Path) -> Path:
    text = (EXAMPLES / "temperate-office-worker.toml").read_text("utf-8")
    path = tmp_path / "client.toml"
    path.write_text(text + "\n[hair]\nstage = 3\nfamily_history = true\n", "utf-8")
    return path


def plan(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run("plan", str(profile), "--samples", "300", "--today", TODAY, *args)


def test_plan_prints_sessions_costs_habits_and_removal(client: Path) -> None:
    proc = plan(client, "--price-per-session", "400", "--currency", "EUR")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for part in (
        "Lifetime plan until age 75",
        "touch-up 1",
        "area extension 1",
        "Cost until the horizon: EUR",
        "What aftercare habits would buy",
        "If all touch-ups stopped now",
        "Laser removal (Kirby-Desai",
    ):
        assert part in out, part


def test_plan_json_is_reproducible_and_complete(client: Path) -> None:
    first = plan(client, "--json", "--seed", "3", "--until-age", "60")
    second = plan(client, "--json", "--seed", "3", "--until-age", "60")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert {"sessions", "counts", "cost", "what_ifs", "permanence", "removal"} <= set(data)
    assert data["until_age"] == 60
    assert data["removal"]["now"]["points"]["location"] == 1
    kinds = {s["kind"] for s in data["sessions"]}
    assert {"fade", "extension"} <= kinds


def test_plan_writes_a_calendar_that_parses_back(client: Path, tmp_path: Path) -> None:
    target = tmp_path / "cal" / "plan.ics"
    proc = plan(client, "--ics", str(target), "--json")
    assert proc.returncode == 0, proc.stderr
    sessions = json.loads(proc.stdout)["sessions"]
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    events = list(calendar.walk("VEVENT"))
    dated = [s for s in sessions if s["p50_date"] is not None]
    assert len(events) == len(dated) > 0
    starts = sorted(e.decoded("DTSTART").isoformat() for e in events)
    assert starts == sorted(s["p50_date"] for s in dated)
    # A re-export keeps the UIDs (a calendar app updates rather than duplicates).
    again = plan(client, "--ics", str(target), "--seed", "1")
    assert again.returncode == 0, again.stderr
    later = icalendar.Calendar.from_ical(target.read_bytes())
    uids = {str(e["UID"]) for e in events}
    assert uids & {str(e["UID"]) for e in later.walk("VEVENT")}


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--until-age", "30"), "--until-age"),  # before today: the client is 38
        (("--until-age", "111"), "--until-age"),
        (("--price-per-session", "-5"), "--price-per-session"),
        (("--currency", "euro"), "--currency"),
    ],
)
def test_bad_plan_options_give_one_line_and_write_nothing(
    client: Path, tmp_path: Path, args: tuple[str, ...], field: str
) -> None:
    target = tmp_path / "plan.ics"
    proc = plan(client, *args, "--ics", str(target))
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0], proc.stderr
    assert not target.exists()


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ("[hair]\nstage = 8\n", "hair.stage"),
        ('[hair]\nscale = "ludwig"\nstage = 4\n', "hair.stage"),
        ("[costs]\nprice_per_session = -1\n", "costs.price_per_session"),
        ("[costs]\nprice_by_stage = { 3 = -10 }\n", "costs.price_by_stage"),
    ],
)
def test_bad_plan_sections_give_one_line(tmp_path: Path, section: str, field: str) -> None:
    text = (EXAMPLES / "temperate-office-worker.toml").read_text("utf-8")
    path = tmp_path / "bad.toml"
    path.write_text(text + "\n" + section, "utf-8")
    proc = plan(path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0], proc.stderr


def test_a_folder_is_not_a_calendar_file(client: Path, tmp_path: Path) -> None:
    proc = plan(client, "--ics", str(tmp_path))
    assert proc.returncode == 2
    assert "--ics" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
