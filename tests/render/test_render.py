"""Tests of the renders: ground truth, physics over the years, layout, files, errors."""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from fadecast.forecasting import Scenario, dot_states, scenario_from_profile
from fadecast.inputs.profile import load_profile
from fadecast.render import raster
from fadecast.render.layout import dot_layout
from fadecast.render.scene import Renders, RenderSettings, render_profile
from fadecast.report.pictures import render_files
from fadecast.skin import colour
from fadecast.skin.pattern import poisson_disk_bridson2007

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "fadecast" / "examples"
YEARS = (0.0, 1.0, 3.0, 5.0, 7.0, 10.0)
TODAY = dt.date(2026, 11, 23)


@functools.cache
def _scenario(name: str = "temperate-office-worker") -> Scenario:
    return scenario_from_profile(load_profile(EXAMPLES / f"{name}.toml", today=TODAY), today=TODAY)


@functools.cache
def _renders(name: str = "temperate-office-worker", stubble: bool = True) -> Renders:
    settings = RenderSettings(size_mm=20.0, px_per_mm=20.0, seed=4, stubble=stubble)
    return render_profile(_scenario(name), YEARS, settings)


def _png_lab(image: np.ndarray) -> np.ndarray:
    decoded = np.asarray(Image.open(io.BytesIO(_png(image))).convert("RGB"))
    return colour.xyz_to_lab(colour.srgb_to_xyz(decoded / 255.0))


def _png(image: np.ndarray) -> bytes:
    from fadecast.report.files import png_bytes

    return png_bytes(image)


# ----------------------------------------------------------------------------- truth


@pytest.mark.parametrize(
    "name", ["temperate-office-worker", "deep-placement", "dark-skinned-client"]
)
def test_dot_centres_in_the_png_match_the_manifest(name: str) -> None:
    renders = _renders(name)
    ppm = renders.scene.settings.px_per_mm
    centres = renders.scene.layout.centres_mm * ppm
    rows, cols = np.floor(centres[:, 1]).astype(int), np.floor(centres[:, 0]).astype(int)
    for picture in renders.pictures:
        measured = _png_lab(picture.closeup_srgb)[rows, cols]
        visible = ~picture.centre_hidden
        assert visible.mean() > 0.8
        error = colour.delta_e_ciede2000(measured[visible], picture.centre_lab[visible])
        assert error.max() <= 1.0, (picture.year, float(error.max()))


def test_manifest_describes_every_dot() -> None:
    files = render_files(_scenario(), [0.0, 5.0], RenderSettings(size_mm=10.0, seed=2), today=TODAY)
    truth = json.loads(files["manifest.json"])
    assert truth["mm_per_px"] == pytest.approx(1 / 20)
    assert [y["year"] for y in truth["years"]] == [0.0, 5.0]
    for year in truth["years"]:
        assert len(year["dots"]) == truth["dot_count"]
        dot = year["dots"][0]
        assert set(dot) >= {
            "row",
            "col",
            "sigma_px",
            "sigma_mm",
            "lab",
            "hidden_by_hair",
            "diameter_mm",
            "skin_lab",
        }
        for kind in ("closeup", "social"):
            assert year["files"][kind] in files
    assert truth["skin_lab"] == pytest.approx(list(_scenario().skin.lab), abs=1e-3)


# ----------------------------------------------------------------------------- physics


@pytest.mark.parametrize("name", ["temperate-office-worker", "tropical-outdoor-worker"])
def test_spread_grows_and_contrast_falls_over_the_years(name: str) -> None:
    renders = _renders(name, stubble=False)
    skin = renders.scene.skin_lab
    widths = [float(np.median(p.dot_sigma_mm)) for p in renders.pictures]
    centre_contrast = [
        float(np.median(colour.delta_e_ciede2000(p.centre_lab, skin))) for p in renders.pictures
    ]
    mean_contrast = [float(colour.delta_e_ciede2000(p.mean_lab, skin)) for p in renders.pictures]
    assert all(np.diff(widths) > 0)
    assert all(np.diff(centre_contrast) < 0)
    assert all(np.diff(mean_contrast) < 0)


def test_mean_tone_of_the_render_matches_the_model_contrast() -> None:
    """The area mean of the close-up is the social-distance tone the forecast uses."""
    renders = _renders(stubble=False)
    skin = renders.scene.skin_lab
    for picture in renders.pictures:
        rendered = float(colour.delta_e_ciede2000(picture.mean_lab, skin))
        # Texture and the random layout move the mean a little; the model is a lattice.
        assert rendered == pytest.approx(picture.social_delta_e00, rel=0.15, abs=0.3)


def test_deep_placement_is_bluer_and_more_blurred() -> None:
    optimal = dot_states(_scenario("temperate-office-worker"), [0.0])
    deep = dot_states(_scenario("deep-placement"), [0.0])
    assert deep.sigma_mm[0] > optimal.sigma_mm[0]
    # The blue-grey cast: per unit of darkening, deep pigment moves the skin further
    # towards blue (b* down) than well-placed pigment (Tyndall scattering by the dermis).
    casts = []
    for name in ("temperate-office-worker", "deep-placement"):
        renders = _renders(name, False)
        change = np.median(renders.pictures[0].centre_lab - renders.scene.skin_lab, axis=0)
        casts.append(change[2] / change[0])
    assert casts[1] > 1.15 * casts[0]  # 1.2 by adding-doubling


# ----------------------------------------------------------------------------- layout


def test_layout_density_and_spacing_match_the_model() -> None:
    layout = dot_layout(40.0, 40.0, spacing_mm=1.0, rng=np.random.default_rng(0))
    density = layout.count / 40.0**2
    assert density == pytest.approx(1.0, rel=0.08)  # one dot per spacing²
    from scipy.spatial import cKDTree

    distance, _ = cKDTree(layout.centres_mm).query(layout.centres_mm, k=2)
    assert distance[:, 1].min() >= 0.8 - 1e-9
    assert 0.8 < np.median(distance[:, 1]) < 1.1


@settings(max_examples=20, deadline=None)
@given(
    radius=st.floats(0.3, 2.0),
    width=st.floats(3.0, 15.0),
    height=st.floats(3.0, 15.0),
    seed=st.integers(0, 10_000),
)
def test_poisson_disk_keeps_its_distance(
    radius: float, width: float, height: float, seed: int
) -> None:
    points = poisson_disk_bridson2007(width, height, radius, np.random.default_rng(seed))
    assert np.all((points >= 0) & (points < [width, height]))
    d = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    assert d.min() >= radius - 1e-9


def test_hairline_leaves_the_forehead_bare() -> None:
    layout = dot_layout(
        30.0,
        30.0,
        spacing_mm=1.0,
        rng=np.random.default_rng(1),
        hairline_mm=10.0,
        transition_mm=8.0,
    )
    y = layout.centres_mm[:, 1]
    assert y.min() >= 10.0
    zone = (y >= 10.0) & (y < 18.0)
    full = y >= 18.0
    # Thinner in the feathered zone than behind it.
    assert zone.sum() / 8.0 < full.sum() / 12.0


def test_dot_counts_in_the_manifest_match_the_layout() -> None:
    renders = _renders()
    settings = renders.scene.settings
    assert len(renders.pictures[0].dot_sigma_mm) == renders.scene.layout.count
    assert renders.scene.layout.count / settings.size_mm**2 == pytest.approx(1.0, rel=0.12)


def test_gaussian_sum_matches_direct_evaluation() -> None:
    rng = np.random.default_rng(5)
    centres = rng.uniform(0, 50, (30, 2))
    sigma = rng.uniform(1.5, 4.0, 30)
    amp = rng.uniform(0.5, 2.0, 30)
    field = raster.gaussian_sum((50, 50), centres, sigma, amp)
    pixels = np.stack(np.meshgrid(np.arange(50) + 0.5, np.arange(50) + 0.5), -1).reshape(-1, 2)
    direct = raster.density_at(pixels, centres, sigma, amp).reshape(50, 50)
    assert np.allclose(field, direct, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- files


def test_renders_are_deterministic_per_seed() -> None:
    settings = RenderSettings(size_mm=10.0, seed=7, stubble=True)
    a = render_files(_scenario(), [0.0, 3.0], settings, today=TODAY)
    b = render_files(_scenario(), [0.0, 3.0], settings, today=TODAY)
    assert a == b
    other = RenderSettings(size_mm=10.0, seed=8, stubble=True)
    c = render_files(_scenario(), [0.0, 3.0], other, today=TODAY)
    assert c["closeup_y0.png"] != a["closeup_y0.png"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fadecast", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_cli_writes_every_file(tmp_path: Path) -> None:
    out = tmp_path / "renders"
    example = str(EXAMPLES / "temperate-office-worker.toml")
    done = _cli("render", example, "--years", "0,5", "--size-mm", "10", "--out", str(out))
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "closeup_y0.png",
            "closeup_y5.png",
            "social_y0.png",
            "social_y5.png",
            "strip.png",
            "manifest.json",
        ]
    )
    assert done.stderr == ""  # no progress bar when not on a terminal


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--years", "0,5,3"], "--years"),
        (["--years", "0,x"], "--years"),
        (["--years", "0,60"], "--years"),
        (["--px-per-mm", "1"], "--px-per-mm"),
        (["--size-mm", "200", "--px-per-mm", "100"], "--px-per-mm"),
        (["--hairline-mm", "50"], "--hairline-mm"),
    ],
)
def test_cli_rejects_bad_options_in_one_line(tmp_path: Path, args: list[str], option: str) -> None:
    out = tmp_path / "renders"
    example = str(EXAMPLES / "temperate-office-worker.toml")
    done = _cli("render", example, "--out", str(out), *args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0], done.stderr
    assert not out.exists() or not any(out.iterdir())


def test_cli_rejects_an_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    example = str(EXAMPLES / "temperate-office-worker.toml")
    done = _cli("render", example, "--out", str(blocker / "renders"), "--size-mm", "10")
    assert done.returncode == 2
    assert "--out" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    from fadecast.report.files import write_files

    files = {"a.png": b"1", "b.png": b"2", "c/d.png": b"3"}  # the last name is invalid
    with pytest.raises(ValueError, match="folders"):
        write_files(tmp_path, files)
    assert list(tmp_path.iterdir()) == []


def test_visible_diameter_of_an_unsaturated_dot_is_its_fwhm() -> None:
    """Where colour is linear in density, half depth is half the peak: 2σ√(2 ln 2)."""
    from fadecast.render.scene import visible_diameter

    log10_grid = np.linspace(-6.0, 0.0, 601)
    y = 0.4 * (1.0 - 0.05 * 10**log10_grid)  # linear, far from saturation
    xyz = np.stack([y, y, y], axis=1)
    sigma = np.array([0.1, 0.3])
    width = visible_diameter(sigma, np.array([0.2, 0.5]), log10_grid, xyz)
    np.testing.assert_allclose(width, 2 * sigma * np.sqrt(2 * np.log(2)), rtol=2e-3)


def test_visible_diameter_widens_as_colour_saturates() -> None:
    from fadecast.render.scene import visible_diameter

    log10_grid = np.linspace(-6.0, 1.0, 701)
    y = 0.4 * np.exp(-5.0 * 10**log10_grid)  # saturating darkness
    xyz = np.stack([y, y, y], axis=1)
    light, heavy = visible_diameter(np.ones(2), np.array([0.01, 1.0]), log10_grid, xyz)
    assert heavy > light
    assert visible_diameter(np.ones(1), np.zeros(1), log10_grid, xyz)[0] == 0.0
