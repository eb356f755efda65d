"""Tests of ``fadecast measure``, run as real processes on real files."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fadecast.forecasting import scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.measure.photo import linear_from_srgb8
from fadecast.render.degrade import PhotoConditions, photograph
from fadecast.render.scene import RenderSettings, render_profile

EXAMPLES = Path(__file__).parents[1] / "src" / "fadecast" / "examples"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fadecast", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    today = dt.date(2026, 11, 23)
    profile = load_profile(EXAMPLES / "temperate-office-worker.toml", today=today)
    sc = scenario_from_profile(profile, today=today)
    settings = RenderSettings(size_mm=24.0, px_per_mm=20.0, seed=1, hairline_mm=6.0)
    picture = render_profile(sc, [3.0], settings).pictures[0]
    conditions = PhotoConditions(card_px=(10, 10, 80), light_rgb=(1.05, 1.0, 0.85))
    srgb = photograph(
        linear_from_srgb8(picture.closeup_srgb), conditions, rng=np.random.default_rng(0)
    )
    path = tmp_path_factory.mktemp("photos") / "scalp.jpg"
    Image.fromarray(srgb).save(path, quality=92)
    return path


def test_measure_prints_the_figures(photo: Path) -> None:
    proc = run("measure", str(photo), "--mm-per-px", "0.05")
    assert proc.returncode == 0, proc.stderr
    for text in ("dots", "per cm²", "diameter", "ΔE00", "white card    auto"):
        assert text in proc.stdout


def test_measure_json_and_overlay(photo: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "check.png"
    proc = run("measure", str(photo), "--mm-per-px", "0.05", "--json", "--overlay", str(overlay))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["scale"] == {"mm_per_px": 0.05, "source": "given"}
    assert data["white_reference"]["source"] == "auto"
    assert 60 <= data["dots"]["density_per_cm2"] <= 110
    assert data["contrast"]["delta_e00"]["median"] > 1.0
    assert "no_scale" not in data["flags"]
    with Image.open(overlay) as image, Image.open(photo) as original:
        assert image.size == original.size


def test_measure_is_the_same_twice(photo: Path) -> None:
    first = run("measure", str(photo), "--json")
    second = run("measure", str(photo), "--json")
    assert first.returncode == 0 and first.stdout == second.stdout


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--white", "1,2,3"], "--white"),
        (["--white", "0,0,5000,10"], "--white"),
        (["--mm-per-px", "-1"], "--mm-per-px"),
        (["--mm-per-px", "0.05", "--marker-mm", "10"], "--mm-per-px"),
        (["--marker-mm", "10"], "--marker-mm"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(photo: Path, args: list[str], field: str) -> None:
    proc = run("measure", str(photo), *args)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and field in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a picture at all", "not an image"), (b"\x89PNG\r\n\x1a\n\0\0", "not an image")],
)
def test_what_is_not_a_photo_gives_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(content)
    proc = run("measure", str(path))
    assert proc.returncode == 2 and message in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_a_truncated_photo_gives_one_line(photo: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    data = photo.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    proc = run("measure", str(path))
    assert proc.returncode == 2 and "truncated" in proc.stderr


def test_a_photo_without_dots_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    Image.fromarray(np.full((300, 300, 3), 180, np.uint8)).save(path)
    overlay, table = tmp_path / "check.png", tmp_path / "dots.csv"
    proc = run("measure", str(path), "--overlay", str(overlay), "--dots", str(table))
    assert proc.returncode == 2 and "no SMP dots" in proc.stderr
    assert not overlay.exists() and not table.exists()


def test_overlay_must_be_a_png_file(photo: Path, tmp_path: Path) -> None:
    proc = run("measure", str(photo), "--overlay", str(tmp_path))
    assert proc.returncode == 2 and "folder" in proc.stderr
    proc = run("measure", str(photo), "--overlay", str(tmp_path / "check.jpg"))
    assert proc.returncode == 2 and ".png" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_every_dot_is_written_to_a_table_that_agrees_with_the_figures(
    photo: Path, tmp_path: Path
) -> None:
    import csv

    from fadecast.measure.table import DOT_COLUMNS

    table = tmp_path / "dots.csv"
    proc = run("measure", str(photo), "--mm-per-px", "0.05", "--json", "--dots", str(table))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    with table.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(DOT_COLUMNS)
    assert len(rows) == data["dots"]["count"]
    diameters = np.array([float(r["diameter_mm"]) for r in rows])
    assert float(np.median(diameters)) == pytest.approx(
        data["dots"]["diameter_mm"]["median"], abs=1e-3
    )
    contrasts = np.array([float(r["delta_e00"]) for r in rows])
    assert float(np.median(contrasts)) == pytest.approx(
        data["contrast"]["delta_e00"]["median"], abs=1e-2
    )
    # A dot whose ring is all under hairs or off the photo has no local skin of its own.
    ringed = [r for r in rows if r["skin_L"]]
    assert len(ringed) >= 0.95 * len(rows)
    lightness = np.array([[float(r["centre_L"]), float(r["skin_L"])] for r in ringed])
    assert np.all(lightness[:, 0] < lightness[:, 1])  # every dot darker than its skin
    with Image.open(photo) as image:
        width, height = image.size
    centres = np.array([[float(r["row_px"]), float(r["col_px"])] for r in rows])
    assert np.all((centres >= 0) & (centres < [height, width]))


def test_the_dots_table_must_be_a_csv_file(photo: Path, tmp_path: Path) -> None:
    proc = run("measure", str(photo), "--dots", str(tmp_path / "dots.txt"))
    assert proc.returncode == 2 and "--dots" in proc.stderr and ".csv" in proc.stderr
    assert list(tmp_path.iterdir()) == []
