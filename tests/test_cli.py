"""Tests of the command line, run as real processes on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parents[1] / "src" / "fadecast" / "examples"
OFFICE = EXAMPLES / "temperate-office-worker.toml"
TODAY = "2026-11-23"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fadecast", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_forecast_json_has_the_contract_keys() -> None:
    proc = run("forecast", str(OFFICE), "--json", "--samples", "300", "--today", TODAY)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert {
        "fadecast_version",
        "model_version",
        "touchup",
        "exposure",
        "curve",
        "residual",
        "attribution",
        "warnings",
    } <= set(out)
    assert {"p10_years", "p50_years", "p90_years", "p10_date", "p50_date", "p90_date"} <= set(
        out["touchup"]
    )
    assert {"ambient_sed_per_year", "scalp_sed_per_year", "dermal_uva_kj_m2_per_year"} <= set(
        out["exposure"]
    )
    assert {"years", "contrast_p10", "contrast_p50", "contrast_p90"} <= set(out["curve"])
    assert out["residual"]["years"] == 50
    factors = {a["factor"] for a in out["attribution"]}
    assert factors == {
        "sun_exposure",
        "sun_protection",
        "sunbeds",
        "pigment",
        "procedure",
        "biology",
        "skin_tone",
    }
    sizes = [abs(a["years"]) for a in out["attribution"]]
    assert sizes == sorted(sizes, reverse=True)


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    args = ("forecast", str(OFFICE), "--json", "--samples", "200", "--today", TODAY)
    a = run(*args, "--seed", "3")
    b = run(*args, "--seed", "3")
    c = run(*args, "--seed", "4")
    assert a.returncode == b.returncode == c.returncode == 0
    assert a.stdout == b.stdout
    assert a.stdout != c.stdout


def test_readable_summary() -> None:
    proc = run("forecast", str(OFFICE), "--samples", "300", "--today", TODAY)
    assert proc.returncode == 0, proc.stderr
    assert "Touch-up window:" in proc.stdout
    assert "Permanent" in proc.stdout
    assert "sun exposure" in proc.stdout


def test_demo_runs_the_embedded_example(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    proc = run("demo", "--samples", "200", "--today", TODAY, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "temperate-office-worker" in proc.stdout
    assert "Touch-up window:" in proc.stdout
    assert (out / "index.html").is_file()


def test_schema_is_json_schema() -> None:
    proc = run("schema")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert schema["title"] == "fadecast profile"
    assert "person" in schema["properties"]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("hat_share = 0.2", "hat_share = 1.4"),
            "lifestyle.hat_share: must be less than or equal to 1",
        ),
        (
            ("outdoor_hours_weekday = 1.0", "outdoor_hours_weekday = -2"),
            "lifestyle.outdoor_hours_weekday",
        ),
        (("spf = 30", "spf = 0.5"), "lifestyle.sunscreen.spf"),
        (('city = "Manchester"', 'city = "Manchestr"'), "place.city: unknown place 'Manchestr'"),
        (('holiday_city = "Malaga"', 'holiday_city = "Qwxyzville"'), "lifestyle.holiday_city"),
        (("birth_year = 1988", "birth_year = 2019"), "person.birth_year"),
        (('"2025-03-15"', '"2024-03-15"'), "treatment.sessions: dates must be in increasing order"),
        (("[lifestyle]", "[lifestyle]\nsunbathing = true"), "lifestyle.sunbathing: unknown key"),
        (("[person]", "[person\n"), "profile: not valid TOML"),
        (('pigment = "carbon-black"', 'pigment = "henna"'), "treatment.pigment: must be one of"),
    ],
)
def test_bad_profiles_give_one_line_and_exit_2(
    tmp_path: Path, edit: tuple[str, str], expected: str
) -> None:
    text = OFFICE.read_text(encoding="utf-8")
    assert edit[0] in text
    path = _write(tmp_path, text.replace(edit[0], edit[1], 1))
    proc = run("forecast", str(path), "--json", "--samples", "50", "--today", TODAY)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert expected in lines[0]
    assert "Traceback" not in proc.stderr


def test_unknown_city_suggests_close_names(tmp_path: Path) -> None:
    text = OFFICE.read_text(encoding="utf-8").replace('"Manchester"', '"Manchestr"')
    proc = run("forecast", str(_write(tmp_path, text)), "--samples", "50")
    assert proc.returncode == 2
    assert "Manchester (GB)" in proc.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("forecast", "missing.toml"), "file not found"),
        (("forecast", str(OFFICE), "--samples", "5"), "--samples"),
        (("forecast", str(OFFICE), "--today", "yesterday"), "--today"),
        (("forecast",), "Missing argument"),
        (("frobnicate",), "No such command"),
    ],
)
def test_bad_command_lines_give_one_line_and_exit_2(args: tuple[str, ...], expected: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert expected in proc.stderr


def test_no_command_shows_the_help_laid_out_and_exits_2() -> None:
    done = run()
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0].startswith("Usage: fadecast")
    assert any(line.strip().startswith("forecast ") for line in lines)
    assert len(lines) > 10


def test_version() -> None:
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.startswith("fadecast ")
