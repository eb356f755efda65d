"""A client's scalp patch at chosen years: close-up and social-distance pictures.

Composes the stages: the engine's nominal dot at each year
(:func:`fadecast.forecasting.dot_states`), the artist's layout
(:mod:`fadecast.render.layout`), the skin's optics against pigment density
(:func:`fadecast.skin.appearance.tone_xyz`), skin texture
(:mod:`fadecast.render.texture`) and rasterisation (:mod:`fadecast.render.raster`).
The layout and the texture are drawn once, so the years differ only by what the model
says happened to the pigment. Pure: arrays in, arrays out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.errors import InputError
from fadecast.forecasting import DotStates, ModelCache, Scenario
from fadecast.inputs import parameters
from fadecast.render import layout as layout_mod
from fadecast.render import raster, texture
from fadecast.skin import appearance, colour

__all__ = [
    "MAX_PIXELS",
    "MAX_YEARS",
    "RenderSettings",
    "Renders",
    "Scene",
    "YearPicture",
    "check_settings",
    "check_years",
    "closeup_linear_rgb",
    "dot_widths_and_peaks",
    "make_scene",
    "manifest",
    "render_profile",
    "render_year",
    "visible_diameter",
]

Array = NDArray[np.float64]

#: Largest picture (rows × cols) rendered; a picture needs about 200 bytes per pixel
#: while it is made, so this keeps a render under about 3 GB.
MAX_PIXELS = 16_000_000


@dataclass(frozen=True)
class RenderSettings:
    """What to draw.

    Attributes
    ----------
    size_mm
        Side of the square patch. [mm]
    px_per_mm
        Resolution of the close-up. [px/mm]
    seed
        Seed of the layout and texture.
    stubble
        Whether to draw stubble hairs.
    hairline_mm
        Distance of a hairline from the top edge, or None. [mm]
    """

    size_mm: float = 40.0
    px_per_mm: float = 20.0
    seed: int = 0
    stubble: bool = False
    hairline_mm: float | None = None

    @property
    def pixels(self) -> int:
        """Pixels along each side.

        Examples
        --------
        >>> RenderSettings(size_mm=10.0, px_per_mm=20.0).pixels
        200
        """
        return max(round(self.size_mm * self.px_per_mm), 1)


def check_settings(settings: RenderSettings) -> None:
    """Raise InputError naming the setting when a picture cannot or should not be made.

    Examples
    --------
    >>> check_settings(RenderSettings(size_mm=10.0))
    >>> check_settings(RenderSettings(px_per_mm=1.0))
    Traceback (most recent call last):
      ...
    fadecast.errors.InputError: px_per_mm: must be between 2 and 100, got 1
    """
    if not 5.0 <= settings.size_mm <= 200.0:
        raise InputError("size_mm", f"must be between 5 and 200, got {settings.size_mm:g}")
    if not 2.0 <= settings.px_per_mm <= 100.0:
        raise InputError("px_per_mm", f"must be between 2 and 100, got {settings.px_per_mm:g}")
    if settings.pixels**2 > MAX_PIXELS:
        side = math.isqrt(MAX_PIXELS)
        raise InputError(
            "px_per_mm",
            f"size_mm x px_per_mm gives {settings.pixels} x {settings.pixels} pixels, more "
            f"than the {side} x {side} allowed (several GB of memory); lower either",
        )
    if settings.hairline_mm is not None and not 0.0 <= settings.hairline_mm < settings.size_mm:
        raise InputError(
            "hairline_mm",
            f"must be in [0, size_mm) = [0, {settings.size_mm:g}), got {settings.hairline_mm:g}",
        )


@dataclass(frozen=True)
class Scene:
    """Everything about the patch that does not change with the years."""

    settings: RenderSettings
    layout: layout_mod.DotLayout
    skin_factor: NDArray[np.float32]  # (H, W) tone variation x pores, on reflectance [1]
    hair_coverage: NDArray[np.float32]  # (H, W) share of each pixel under a hair [1]
    hair_rgb: NDArray[np.float32]  # (3,) linear sRGB of a hair [1]
    hair_pixels: NDArray[np.intp]  # flat indices of the pixels a hair covers
    skin_lab: Array  # (3,) the client's bare skin [CIELAB]
    tone: Callable[[float], tuple[Array, Array]]  # progress -> (log10 grid, XYZ (F, 3))
    social_sigma_mm: float  # blur of the social-distance view [mm]


@dataclass(frozen=True)
class YearPicture:
    """The pictures of one year and their ground truth."""

    year: float
    closeup_srgb: NDArray[np.uint8]  # (H, W, 3)
    social_srgb: NDArray[np.uint8]  # (H, W, 3)
    dot_sigma_mm: Array  # (N,) each dot's Gaussian width [mm]
    dot_peak_mg_cm2: Array  # (N,) each dot's own peak density [mg/cm²]
    centre_lab: Array  # (N, 3) model colour at each dot's centre [CIELAB]
    centre_hidden: NDArray[np.bool_]  # (N,) whether a hair covers the centre pixel
    diameter_mm: Array  # (N,) each dot's visible diameter, full width at half depth [mm]
    skin_lab: Array  # (N, 3) the skin around each dot, with its texture [CIELAB]
    mean_lab: Array  # (3,) mean colour of the close-up [CIELAB]
    social_delta_e00: float  # model contrast of the regular lattice [ΔE00]


def make_scene(sc: Scenario, settings: RenderSettings, *, cache: ModelCache | None = None) -> Scene:
    """Draw the layout and the texture of a client's patch (seeded).

    Parameters
    ----------
    sc
        The client's resolved scenario (skin, pigment, placement).
    settings
        What to draw.
    cache
        Shared model tables.

    Returns
    -------
    Scene

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.forecasting import scenario_from_profile
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> sc = scenario_from_profile(load_profile(example, today=today), today=today)
    >>> scene = make_scene(sc, RenderSettings(size_mm=5.0, px_per_mm=10.0, seed=1))
    >>> scene.skin_factor.shape, scene.hair_coverage.max()  # 50 x 50 px, no stubble
    ((50, 50), np.float32(0.0))
    >>> bool(scene.layout.count > 0)
    True
    """
    check_settings(settings)
    cache = cache or ModelCache()
    look = parameters.render_values()
    central = parameters.central_values()
    rng = np.random.default_rng(settings.seed)
    n_px = settings.pixels
    shape = (n_px, n_px)
    ppm = settings.px_per_mm
    dots = layout_mod.dot_layout(
        settings.size_mm,
        settings.size_mm,
        spacing_mm=central["dot_spacing_mm"],
        rng=rng,
        disk_fraction=central["poisson_disk_fraction"],
        size_gsd=central["dot_size_variation"],
        load_gsd=central["dot_load_variation"],
        hairline_mm=settings.hairline_mm,
        transition_mm=look["hairline_transition_mm"],
    )
    tone = texture.tone_field(
        shape,
        ppm,
        rng,
        scale_mm=look["skin_tone_scale_mm"],
        relative_sd=look["skin_tone_variation"],
    )
    pores = texture.pore_field(
        shape,
        ppm,
        rng,
        per_cm2=look["pores_per_cm2"],
        radius_mm=look["pore_radius_mm"],
        darkening=look["pore_darkening"],
        avoid_mm=dots.centres_mm,
        clearance_mm=2.0 * look["pore_radius_mm"] + 2.0 / ppm,
    )
    hair = np.zeros(shape)
    if settings.stubble:
        hair = texture.stubble_coverage(
            shape,
            ppm,
            rng,
            per_cm2=look["stubble_hairs_per_cm2"],
            length_mm=look["stubble_length_mm"],
            width_mm=look["stubble_width_mm"],
        )
        if settings.hairline_mm is not None:
            # No stubble in front of the hairline (the forehead).
            row_mm = (np.arange(n_px) + 0.5) / ppm
            hair[row_mm < settings.hairline_mm, :] = 0.0
    pigment = cache.pigment(sc.pigment)
    depth = central[f"depth_{sc.placement}_mm"]
    skin = sc.skin
    tones: dict[float, tuple[Array, Array]] = {}

    def tone_at(progress: float) -> tuple[Array, Array]:
        key = round(float(progress), 6)
        if key not in tones:
            grid, xyz = appearance.tone_xyz(
                pigment,
                np.array([key]),
                skin_lab=skin.lab,
                depth_mm=depth,
                epidermis_mm=central["epidermis_mm"],
            )
            tones[key] = (grid, xyz[0])
        return tones[key]

    distance_mm = look["observer_distance_m"] * 1000.0
    social_sigma = distance_mm * math.tan(math.radians(look["visual_acuity_arcmin"] / 60.0))
    hair_lab = np.array([look["hair_lab_l"], 2.0, 4.0])
    return Scene(
        settings=settings,
        layout=dots,
        skin_factor=(tone * pores).astype(np.float32),
        hair_coverage=hair.astype(np.float32),
        hair_rgb=colour.xyz_to_linear_srgb(colour.lab_to_xyz(hair_lab)).astype(np.float32),
        hair_pixels=np.flatnonzero(hair.reshape(-1) > 0.0),
        skin_lab=np.asarray(skin.lab, dtype=np.float64),
        tone=tone_at,
        social_sigma_mm=social_sigma,
    )


def render_year(scene: Scene, states: DotStates, index: int) -> YearPicture:
    """The close-up and social-distance pictures of one year.

    Dot ``i`` with size factor ``s_i`` and load factor ``l_i`` starts as a Gaussian of
    width ``s_i σ₀`` and spreads as the model's dot does, ``σ_i² = (s_i σ₀)² + (σ(t)² -
    σ₀²)``; it holds ``l_i s_i²`` times the nominal dot's pigment ``ρ(t) σ(t)²``, so its
    peak is ``ρ(t) σ(t)² l_i s_i² / σ_i²``. The local density is the sum over all dots;
    its colour comes from the optics at the year's photolysis progress; skin texture
    scales the reflectance and hairs cover it. The social view blurs the close-up in
    linear light by the observer's acuity.

    Parameters
    ----------
    scene
        From :func:`make_scene`.
    states
        From :func:`fadecast.forecasting.dot_states`.
    index
        Which of the states' years to draw.

    Returns
    -------
    YearPicture

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.forecasting import dot_states, scenario_from_profile
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> sc = scenario_from_profile(load_profile(example, today=today), today=today)
    >>> scene = make_scene(sc, RenderSettings(size_mm=5.0, px_per_mm=10.0))
    >>> picture = render_year(scene, dot_states(sc, [0.0, 5.0]), 1)
    >>> picture.year, picture.closeup_srgb.shape, picture.closeup_srgb.dtype
    (5.0, (50, 50, 3), dtype('uint8'))
    >>> picture.centre_lab.shape == (scene.layout.count, 3)
    True
    """
    ppm = scene.settings.px_per_mm
    sigma, peak = dot_widths_and_peaks(scene, states, index)
    grid, xyz_grid = scene.tone(float(states.progress[index]))
    rgb = closeup_linear_rgb(scene, sigma, peak, grid, xyz_grid)
    social = raster.blur_linear(rgb, scene.social_sigma_mm * ppm)

    # Ground truth at each dot's centre: exact density there, texture at its pixel.
    centres_px = scene.layout.centres_mm * ppm
    centre_density = raster.density_at(centres_px, centres_px, sigma * ppm, peak)
    n_px = scene.settings.pixels
    rows = np.clip(np.floor(centres_px[:, 1]).astype(np.intp), 0, n_px - 1)
    cols = np.clip(np.floor(centres_px[:, 0]).astype(np.intp), 0, n_px - 1)
    centre_xyz = raster.xyz_from_density(centre_density, grid, xyz_grid)
    centre_xyz = centre_xyz * scene.skin_factor[rows, cols][:, None]
    mean_rgb = rgb.reshape(-1, 3).mean(axis=0, dtype=np.float64)
    return YearPicture(
        year=float(states.years[index]),
        closeup_srgb=raster.encode_srgb8(rgb),
        social_srgb=raster.encode_srgb8(social),
        dot_sigma_mm=sigma,
        dot_peak_mg_cm2=peak,
        centre_lab=colour.xyz_to_lab(centre_xyz),
        centre_hidden=scene.hair_coverage[rows, cols] > 0.0,
        diameter_mm=visible_diameter(sigma, peak, grid, xyz_grid),
        skin_lab=colour.xyz_to_lab(xyz_grid[0][None, :] * scene.skin_factor[rows, cols][:, None]),
        mean_lab=colour.xyz_to_lab(colour.linear_srgb_to_xyz(mean_rgb)),
        social_delta_e00=float(states.social_delta_e00[index]),
    )


def visible_diameter(sigma: Array, peak: Array, log10_grid: Array, xyz_grid: Array) -> Array:
    """Full width at half depth of isolated Gaussian dots, as an observer sees them.

    A dot's darkness is ``D(ρ) = 1 - Y(ρ) / Y(0)`` (luminance against bare skin); the
    half-depth density ``ρ_h`` solves ``D(ρ_h) = D(peak) / 2`` on the colour grid, and
    the width is ``2 σ sqrt(2 ln(peak / ρ_h))``. Skin texture scales ``Y`` at the dot
    and around it alike, so it cancels.

    Parameters
    ----------
    sigma
        Gaussian widths, shape ``(N,)``. [any length unit]
    peak
        Peak densities, shape ``(N,)``. [mg/cm²]
    log10_grid, xyz_grid
        Colour against log density (from :func:`fadecast.skin.appearance.tone_xyz`).

    Returns
    -------
    ndarray
        Diameters, shape ``(N,)``, in the unit of ``sigma``; 0 for a dot with no pigment.

    Examples
    --------
    Where colour is linear in density, half depth is half the peak: the full width at
    half maximum of a Gaussian, ``2 σ sqrt(2 ln 2) ≈ 2.355 σ``.

    >>> log10_grid = np.linspace(-6.0, 0.0, 601)
    >>> y = 0.4 * (1.0 - 0.05 * 10**log10_grid)
    >>> xyz_grid = np.stack([y, y, y], axis=1)
    >>> visible_diameter(np.array([0.1, 0.2]), np.array([0.2, 0.0]), log10_grid, xyz_grid)
    array([0.23547703, 0.        ])
    """
    y = xyz_grid[:, 1]
    darkness = np.maximum.accumulate(1.0 - y / y[0])  # monotone in density
    peak = np.asarray(peak, dtype=np.float64)
    log_peak = np.log10(np.maximum(peak, 1e-30))
    depth = np.interp(log_peak, log10_grid, darkness)
    log_half = np.interp(0.5 * depth, darkness, log10_grid)
    ratio = np.maximum(log_peak - log_half, 0.0) * math.log(10.0)
    width = 2.0 * np.asarray(sigma, dtype=np.float64) * np.sqrt(2.0 * ratio)
    return np.where(depth > 0.0, width, 0.0)


def dot_widths_and_peaks(scene: Scene, states: DotStates, index: int) -> tuple[Array, Array]:
    """Each dot's Gaussian width and peak pigment density at one of the states' years.

    Dot ``i`` with size factor ``s_i`` and load factor ``l_i`` has width ``σ_i² = (s_i
    σ₀)² + (σ(t)² - σ₀²)`` (its own healed width plus the model's spread since) and holds
    ``l_i s_i²`` times the nominal dot's pigment ``ρ(t) σ(t)²``, so its peak is ``ρ(t)
    σ(t)² l_i s_i² / σ_i²``.

    Parameters
    ----------
    scene
        The patch, from :func:`make_scene`.
    states
        The nominal dot over the years, from :func:`fadecast.forecasting.dot_states`.
    index
        Which of the states' years.

    Returns
    -------
    sigma_mm : ndarray
        Each dot's Gaussian standard deviation, shape ``(N,)``. [mm]
    peak_mg_cm2 : ndarray
        Each dot's peak pigment density, shape ``(N,)``. [mg/cm²]

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.forecasting import dot_states, scenario_from_profile
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> sc = scenario_from_profile(load_profile(example, today=today), today=today)
    >>> scene = make_scene(sc, RenderSettings(size_mm=5.0, px_per_mm=10.0))
    >>> states = dot_states(sc, [0.0, 10.0])
    >>> healed, later = (dot_widths_and_peaks(scene, states, i) for i in (0, 1))
    >>> healed[0].shape == (scene.layout.count,)
    True
    >>> bool(np.all(later[0] > healed[0]) and np.all(later[1] < healed[1]))  # wider, paler
    True
    """
    dots = scene.layout
    size = dots.size_factor
    spread_sq = max(float(states.sigma_mm[index] ** 2 - states.sigma0_mm**2), 0.0)
    sigma = np.sqrt((states.sigma0_mm * size) ** 2 + spread_sq)
    nominal_mass = states.peak_density_mg_cm2[index] * states.sigma_mm[index] ** 2
    peak = nominal_mass * dots.load_factor * size**2 / sigma**2
    return sigma, peak


def closeup_linear_rgb(
    scene: Scene, sigma_mm: Array, peak_mg_cm2: Array, log10_grid: Array, xyz_grid: Array
) -> NDArray[np.float32]:
    """The close-up picture in linear-light sRGB, shape ``(H, W, 3)``.

    Parameters
    ----------
    scene
        The patch.
    sigma_mm, peak_mg_cm2
        Each dot's width and peak density, shape ``(N,)``. [mm], [mg/cm²]
    log10_grid, xyz_grid
        Colour against log density at this year's photolysis progress (from
        :func:`fadecast.skin.appearance.tone_xyz`).

    Returns
    -------
    ndarray
        Linear R, G, B (white 1), single precision. [1]

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.forecasting import dot_states, scenario_from_profile
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> sc = scenario_from_profile(load_profile(example, today=today), today=today)
    >>> scene = make_scene(sc, RenderSettings(size_mm=5.0, px_per_mm=10.0))
    >>> states = dot_states(sc, [1.0])
    >>> sigma, peak = dot_widths_and_peaks(scene, states, 0)
    >>> rgb = closeup_linear_rgb(scene, sigma, peak, *scene.tone(float(states.progress[0])))
    >>> rgb.shape, rgb.dtype, bool(0.0 < rgb.min() and rgb.max() < 1.0)
    ((50, 50, 3), dtype('float32'), True)
    """
    ppm = scene.settings.px_per_mm
    n_px = scene.settings.pixels
    centres_px = scene.layout.centres_mm * ppm
    density = raster.gaussian_sum((n_px, n_px), centres_px, sigma_mm * ppm, peak_mg_cm2)
    colours = raster.density_colours(log10_grid, xyz_grid, float(density.max()))
    rgb = raster.linear_rgb_from_density(density, colours)
    rgb *= scene.skin_factor[..., None]
    if scene.settings.stubble:
        # Hairs cover a few percent of the pixels: blend only those.
        flat = rgb.reshape(-1, 3)
        where = scene.hair_pixels
        cover = scene.hair_coverage.reshape(-1)[where][:, None]
        flat[where] += cover * (scene.hair_rgb - flat[where])
    return rgb


def manifest(
    scene: Scene, pictures: Sequence[YearPicture], files: dict[float, Any]
) -> dict[str, Any]:
    """The ground truth of a set of renders, as JSON-ready data.

    Parameters
    ----------
    scene
        The patch.
    pictures
        Its pictures over the years.
    files
        What to record as each year's files, by year (for example the names of its
        close-up and social-distance pictures); a year not listed gets none.

    Returns
    -------
    dict
        The patch (scale, size, seed, skin, dot count, hairline, stubble, blur of the
        social view) and, per year, every dot's position, width, peak density, model
        colour, visible diameter and surrounding skin.

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.forecasting import scenario_from_profile
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> sc = scenario_from_profile(load_profile(example, today=today), today=today)
    >>> renders = render_profile(sc, [0.0, 5.0], RenderSettings(size_mm=5.0, px_per_mm=10.0))
    >>> truth = manifest(renders.scene, renders.pictures, {})
    >>> truth["size_px"], [year["year"] for year in truth["years"]]
    ([50, 50], [0.0, 5.0])
    >>> len(truth["years"][0]["dots"]) == truth["dot_count"] == renders.scene.layout.count
    True
    """
    settings = scene.settings
    ppm = settings.px_per_mm
    centres = scene.layout.centres_mm * ppm
    years = []
    for pic in pictures:
        years.append(
            {
                "year": pic.year,
                "files": files.get(pic.year, {}),
                "social_delta_e00": round(pic.social_delta_e00, 4),
                "mean_lab": [round(float(v), 4) for v in pic.mean_lab],
                "dots": [
                    {
                        "row": round(float(centres[i, 1]), 3),
                        "col": round(float(centres[i, 0]), 3),
                        "sigma_px": round(float(pic.dot_sigma_mm[i] * ppm), 4),
                        "sigma_mm": round(float(pic.dot_sigma_mm[i]), 5),
                        "peak_mg_cm2": float(f"{pic.dot_peak_mg_cm2[i]:.5g}"),
                        "lab": [round(float(v), 3) for v in pic.centre_lab[i]],
                        "hidden_by_hair": bool(pic.centre_hidden[i]),
                        "diameter_mm": round(float(pic.diameter_mm[i]), 5),
                        "skin_lab": [round(float(v), 3) for v in pic.skin_lab[i]],
                    }
                    for i in range(len(centres))
                ],
            }
        )
    return {
        "mm_per_px": 1.0 / ppm,
        "px_per_mm": ppm,
        "size_px": [settings.pixels, settings.pixels],
        "size_mm": settings.size_mm,
        "seed": settings.seed,
        "coordinates": (
            "row, col in pixel units: pixel (i, j) covers [i, i+1) x [j, j+1), "
            "so a dot centre lies in pixel (floor(row), floor(col))"
        ),
        "skin_lab": [round(float(v), 4) for v in scene.skin_lab],
        "dot_count": scene.layout.count,
        "dots_per_mm2": scene.layout.count / settings.size_mm**2,
        "hairline_mm": settings.hairline_mm,
        "stubble": settings.stubble,
        "social_blur_sigma_mm": round(scene.social_sigma_mm, 4),
        "years": years,
    }


@dataclass(frozen=True)
class Renders:
    """The pictures of a profile at several years, with what they were made from."""

    scene: Scene
    states: DotStates
    pictures: tuple[YearPicture, ...]


#: Most years one render or report draws (each is a close-up and a social view).
MAX_YEARS = 20


def check_years(years: Sequence[float]) -> None:
    """Raise InputError unless years are at most :data:`MAX_YEARS` strictly increasing
    values in [0, 50].

    Examples
    --------
    >>> check_years([0.0, 1.0, 5.0])
    >>> check_years([0.0, 5.0, 3.0])
    Traceback (most recent call last):
      ...
    fadecast.errors.InputError: years: must be strictly increasing, e.g. 0,1,3,5,7,10
    """
    if not years:
        raise InputError("years", "must list at least one year, e.g. 0,1,3,5,7,10")
    if len(years) > MAX_YEARS:
        raise InputError("years", f"at most {MAX_YEARS} years, got {len(years)}")
    if any(not (0.0 <= y <= 50.0) or math.isnan(y) for y in years):
        raise InputError("years", "each must be between 0 and 50 (years after healing)")
    if any(b <= a for a, b in itertools.pairwise(years)):
        raise InputError("years", "must be strictly increasing, e.g. 0,1,3,5,7,10")


def render_profile(
    sc: Scenario,
    years: Sequence[float],
    settings: RenderSettings,
    *,
    progress: Callable[[int], None] | None = None,
) -> Renders:
    """Close-up and social-distance pictures of a client's SMP at the given years.

    Parameters
    ----------
    sc
        The client's resolved scenario.
    years
        Years after the healed course, strictly increasing, in [0, 50]. [yr]
    settings
        What to draw.
    progress
        Called with the number of years drawn so far, after each.

    Returns
    -------
    Renders

    Examples
    --------
    >>> import datetime as dt
    >>> from importlib import resources
    >>> from fadecast.forecasting import scenario_from_profile
    >>> from fadecast.inputs.profile import load_profile
    >>> today = dt.date(2026, 6, 1)
    >>> example = resources.files("fadecast") / "examples" / "temperate-office-worker.toml"
    >>> sc = scenario_from_profile(load_profile(example, today=today), today=today)
    >>> renders = render_profile(sc, [0.0, 5.0], RenderSettings(size_mm=5.0, px_per_mm=10.0))
    >>> [(p.year, p.closeup_srgb.shape) for p in renders.pictures]
    [(0.0, (50, 50, 3)), (5.0, (50, 50, 3))]
    >>> healed, later = renders.pictures
    >>> bool(later.social_delta_e00 < healed.social_delta_e00)  # it fades
    True
    """
    check_years(years)
    check_settings(settings)
    from fadecast.forecasting import dot_states

    cache = ModelCache()
    states = dot_states(sc, years, cache=cache)
    scene = make_scene(sc, settings, cache=cache)
    pictures = []
    for i in range(len(years)):
        pictures.append(render_year(scene, states, i))
        if progress is not None:
            progress(i + 1)
    return Renders(scene=scene, states=states, pictures=tuple(pictures))
