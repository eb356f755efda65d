"""Tests of ``fadecast compare``, run as real processes on real files."""

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
MORE = "more than same-day repeat photos differ"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fadecast", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A client's scalp fresh and five years on, and a second photo of the fresh one."""
    today = dt.date(2026, 11, 23)
    profile = load_profile(EXAMPLES / "tropical-outdoor-worker.toml", today=today)
    sc = scenario_from_profile(profile, today=today)
    settings = RenderSettings(size_mm=24.0, px_per_mm=20.0, seed=1, hairline_mm=6.0)
    fresh, faded = render_profile(sc, [0.0, 5.0], settings).pictures
    folder = tmp_path_factory.mktemp("visits")
    shots = {
        "visit1.jpg": (fresh, PhotoConditions(card_px=(10, 10, 80), rotation_deg=1.5)),
        "visit1-again.jpg": (
            fresh,
            PhotoConditions(card_px=(10, 10, 80), rotation_deg=-1.5, tilt=0.01, noise=0.01),
        ),
        "visit2.jpg": (faded, PhotoConditions(card_px=(10, 10, 80), light_rgb=(0.9, 0.9, 0.8))),
    }
    paths = {}
    for seed, (name, (picture, conditions)) in enumerate(shots.items()):
        scene = linear_from_srgb8(picture.closeup_srgb)
        srgb = photograph(scene, conditions, rng=np.random.default_rng(seed))
        paths[name] = folder / name
        Image.fromarray(srgb).save(paths[name], quality=92)
    return paths


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_compare_says_the_contrast_faded_more_than_repeat_photos(
    photos: dict[str, Path], tmp_path: Path
) -> None:
    proc = run(
        "compare",
        str(photos["visit1.jpg"]),
        str(photos["visit2.jpg"]),
        "--mm-per-px",
        "0.05",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("visit1.jpg: ") and "50.0 µm per pixel (given)" in lines[0]
    assert "visit1.jpg → visit2.jpg" in lines
    contrast = next(line for line in lines if line.startswith("  contrast at 2 m (ΔE00"))
    assert "change −" in contrast and contrast.endswith(", " + MORE)
    density = next(line for line in lines if line.startswith("  dot density"))
    assert density.endswith("no " + MORE)
    assert listing(tmp_path) == []  # nothing written


def test_two_photos_of_the_same_day_do_not_differ_more_than_repeat_photos(
    photos: dict[str, Path], tmp_path: Path
) -> None:
    proc = run(
        "compare",
        str(photos["visit1.jpg"]),
        str(photos["visit1-again.jpg"]),
        "--mm-per-px",
        "0.05",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    verdicts = [line for line in proc.stdout.splitlines() if line.endswith(MORE)]
    assert len(verdicts) == 3 and all(line.endswith("no " + MORE) for line in verdicts)


def test_compare_json_against_the_first_photo(photos: dict[str, Path], tmp_path: Path) -> None:
    args = [str(photos[name]) for name in ("visit1.jpg", "visit2.jpg", "visit1-again.jpg")]
    proc = run("compare", *args, "--mm-per-px", "0.05", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["against"] == "first"
    assert [p["file"] for p in data["photos"]] == ["visit1.jpg", "visit2.jpg", "visit1-again.jpg"]
    assert [(c["before"], c["after"]) for c in data["changes"]] == [
        ("visit1.jpg", "visit2.jpg"),
        ("visit1.jpg", "visit1-again.jpg"),
    ]
    faded, again = data["changes"]
    assert faded["social_delta_e00"]["exceeds_repeatability"] is True
    assert faded["social_delta_e00"]["change"] < 0
    assert again["social_delta_e00"]["exceeds_repeatability"] is False
    assert data["photos"][0]["scale"] == {"mm_per_px": 0.05, "source": "given"}
    assert set(data["repeatability"]) == {"density_per_cm2", "diameter_mm", "social_delta_e00"}
    # The same photos give the same output.
    assert run("compare", *args, "--mm-per-px", "0.05", "--json", cwd=tmp_path).stdout == (
        proc.stdout
    )


def test_without_a_scale_density_and_diameter_are_not_compared(
    photos: dict[str, Path], tmp_path: Path
) -> None:
    proc = run("compare", str(photos["visit1.jpg"]), str(photos["visit2.jpg"]), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    unscaled = [line for line in lines if line.startswith("  density and diameter: ")]
    assert len(unscaled) == 1 and "neither photo has a scale" in unscaled[0]
    assert sum(line.startswith("  ! no_scale: ") for line in lines) == 2  # one per photo


def error_of(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("fadecast: error: ")
    return proc.stderr


def test_fewer_than_two_photos_is_one_line(photos: dict[str, Path], tmp_path: Path) -> None:
    assert "NEW" in error_of(run("compare", str(photos["visit1.jpg"]), cwd=tmp_path))
    assert "OLD" in error_of(run("compare", cwd=tmp_path))
    assert listing(tmp_path) == []


def test_an_unreadable_photo_is_named(photos: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture at all")
    message = error_of(run("compare", str(photos["visit1.jpg"]), str(broken), cwd=tmp_path))
    assert "broken.jpg" in message and "not an image" in message
    missing = error_of(
        run("compare", str(photos["visit1.jpg"]), str(tmp_path / "gone.jpg"), cwd=tmp_path)
    )
    assert "gone.jpg" in missing
    assert listing(tmp_path) == ["broken.jpg"]


def test_a_photo_without_dots_is_named(photos: dict[str, Path], tmp_path: Path) -> None:
    plain = tmp_path / "plain.png"
    Image.fromarray(np.full((300, 300, 3), 180, np.uint8)).save(plain)
    message = error_of(run("compare", str(photos["visit1.jpg"]), str(plain), cwd=tmp_path))
    assert "photo: plain.png: no SMP dots found" in message
    assert listing(tmp_path) == ["plain.png"]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--mm-per-px", "-1"], "--mm-per-px"),
        (["--mm-per-px", "0.05", "--marker-mm", "20"], "--mm-per-px"),
        (["--marker-mm", "20"], "--marker-mm"),
        (["--white", "1,2,3"], "--white"),
        (["--card-reflectance", "3"], "--card-reflectance"),
    ],
)
def test_a_bad_option_names_the_option_and_the_photo(
    photos: dict[str, Path], tmp_path: Path, args: list[str], option: str
) -> None:
    message = error_of(
        run("compare", str(photos["visit1.jpg"]), str(photos["visit2.jpg"]), *args, cwd=tmp_path)
    )
    assert f"fadecast: error: {option}: " in message and "visit1.jpg" in message
    assert listing(tmp_path) == []
