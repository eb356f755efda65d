"""What an observer sees: dot and mean-tone contrast against bare skin.

The spectral optics (:mod:`fadecast.skin.optics`) are too costly to run for every Monte
Carlo draw and time step, but the appearance of an SMP pattern depends on only three
numbers: the dot's peak pigment density, how far photolysis has changed the pigment's
mix, and the dot width relative to the spacing. :func:`contrast_table` tabulates, for one
skin, pigment and depth:

- close up: CIEDE2000 between the centre of the median dot and bare skin;
- at social distance (1-3 m), where the eye blends dots into a mean tone: CIEDE2000
  between the area-mean colour of the pattern and bare skin. The mean is taken over
  reflectance (XYZ is linear in the spectrum), over the density distribution of a
  hand-placed pattern of Gaussian dots (:mod:`fadecast.skin.pattern`): crowded dots and
  open gaps make it lighter than a regular lattice would be.

:func:`lookup` interpolates the table multilinearly for arrays of any shape; to read
several quantities at the same points, locate them once with :func:`stencil` and read each
with :func:`interpolate`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fadecast.skin import colour, inked_column, pattern
from fadecast.skin.pigments import Pigment

__all__ = [
    "ContrastTable",
    "Stencil",
    "contrast_table",
    "discolouration",
    "interpolate",
    "lookup",
    "photolysis_progress",
    "stencil",
    "tone_xyz",
]

Array = NDArray[np.float64]

_LOG10_DENSITY = np.linspace(-3.0, 1.2, 43)  # peak density grid, log10 [mg/cm²]
_PROGRESS_STEPS = 13


@dataclass(frozen=True)
class ContrastTable:
    """Contrast of an SMP pattern against bare skin, tabulated.

    Attributes
    ----------
    log10_density
        Grid of log10 peak density of a single dot. [log10 mg/cm²]
    progress
        Grid of photolysis progress (dose-weighted exposure of the pigment, see
        :func:`photolysis_progress`); a single 0 for lightfast pigments. [SED-equivalent]
    width_ratio
        Grid of dot width σ over dot spacing. [1]
    social_delta_e00
        Mean-tone contrast, shape ``(n_density, n_progress, n_width)``. [ΔE00]
    closeup_delta_e00
        Dot-centre contrast, same shape. [ΔE00]
    social_lab
        CIELAB of the mean tone, shape ``(n_density, n_progress, n_width, 3)``.
        [L*, a*, b*]
    discolouration_delta_e00
        CIEDE2000 between the mean tone and that of the original pigment mix at the same
        density and width (see :func:`discolouration`), shape as the contrasts. [ΔE00]
    skin_lab
        The bare skin's CIELAB. [L*, a*, b*]
    """

    log10_density: Array
    progress: Array
    width_ratio: Array
    social_delta_e00: Array
    closeup_delta_e00: Array
    social_lab: Array
    discolouration_delta_e00: Array
    skin_lab: Array


def _composition(pigment: Pigment, progress: Array) -> Array:
    """Mass shares of the components after photolysis progress x: share_c e^{-r_c x}."""
    remaining = pigment.shares[None, :] * np.exp(
        -pigment.photolysis_per_dermal_sed[None, :] * progress[:, None]
    )
    return np.asarray(remaining / remaining.sum(axis=1, keepdims=True), dtype=np.float64)


def _progress_grid(pigment: Pigment) -> Array:
    if pigment.is_lightfast:
        return np.zeros(1)
    fastest = float(pigment.photolysis_per_dermal_sed.max())
    return np.linspace(0.0, 6.0 / fastest, _PROGRESS_STEPS)


def photolysis_progress(load: ArrayLike, pigment: Pigment) -> Array:
    """Photolysis progress implied by the current mix of components.

    The progress x is the dermal dose that turns the fresh mix into the present one
    (component c keeps ``e^{-r_c x}`` of its share). It is read from the ratio of the most
    photolabile to the most stable component's load.

    Parameters
    ----------
    load
        Load per component, components on axis -2 (shape ``(..., C, T)``). [mg/cm²]
    pigment
        The pigment.

    Returns
    -------
    ndarray
        x, shape ``(..., T)``; zeros for lightfast pigments. [SED-equivalent]

    Examples
    --------
    The organic blend's loads after 0, 500 and 2000 SED of dermal dose give that dose
    back; a lightfast pigment has none:

    >>> from fadecast.skin import optics, pigments
    >>> blend = pigments.load_pigment("organic-blend", optics.WAVELENGTHS_NM)
    >>> dose = np.array([0.0, 500.0, 2000.0])
    >>> load = 0.004 * blend.shares[:, None] * np.exp(
    ...     -blend.photolysis_per_dermal_sed[:, None] * dose
    ... )
    >>> photolysis_progress(load, blend).round(6).tolist()
    [0.0, 500.0, 2000.0]
    >>> ink = pigments.load_pigment("carbon-black", optics.WAVELENGTHS_NM)
    >>> photolysis_progress(np.ones((1, 3)), ink).tolist()
    [0.0, 0.0, 0.0]
    """
    arr = np.asarray(load, dtype=np.float64)
    if pigment.is_lightfast:
        return np.zeros(arr.shape[:-2] + arr.shape[-1:])
    rates = pigment.photolysis_per_dermal_sed
    fast, slow = int(np.argmax(rates)), int(np.argmin(rates))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (arr[..., fast, :] / pigment.shares[fast]) / (
            arr[..., slow, :] / pigment.shares[slow]
        )
        x = -np.log(ratio) / (rates[fast] - rates[slow])
    return np.asarray(np.where(np.isfinite(x), np.maximum(x, 0.0), 0.0), dtype=np.float64)


def tone_xyz(
    pigment: Pigment,
    progress: ArrayLike,
    *,
    skin_lab: ArrayLike,
    depth_mm: float,
    epidermis_mm: float,
) -> tuple[Array, Array]:
    """Colour of pigmented skin against the local pigment density, on a fine grid.

    The ink packed in cells, read from the adding-doubling table
    (:func:`fadecast.skin.inked_column.inked_skin_reflectance`, at the melanin fraction
    that gives the client's L*) → CIE XYZ, scaled channel-wise so the model's bare skin
    matches ``skin_lab`` exactly. Each point of the skin is taken as a laterally
    independent column (docs/model.md §4b gives the Monte Carlo check of the light's
    sideways spread). XYZ is linear in reflectance, so it may be averaged over an area
    (the eye does) and interpolated in log density.

    Parameters
    ----------
    pigment
        The pigment.
    progress
        Photolysis progress values, shape ``(P,)``. [SED-equivalent]
    skin_lab
        The client's bare-skin CIELAB. [L*, a*, b*]
    depth_mm, epidermis_mm
        Depth of the top of the ink layer, epidermal thickness. [mm]

    Returns
    -------
    log10_density : ndarray
        Grid of log10 local pigment density, shape ``(F,)``. [log10 mg/cm²]
    xyz : ndarray
        Tristimulus values, shape ``(P, F, 3)``. [1]

    Examples
    --------
    At the faintest density the colour is the client's skin; at the densest, the darkest grey
    ink under 0.15 mm of dermis can show (the dermis above scatters light back first):

    >>> from fadecast.skin import colour, optics, pigments, tone
    >>> skin = tone.skin_tone(fitzpatrick=2)
    >>> ink = pigments.load_pigment("carbon-black", optics.WAVELENGTHS_NM)
    >>> log10_density, xyz = tone_xyz(
    ...     ink,
    ...     [0.0],
    ...     skin_lab=skin.lab,
    ...     depth_mm=0.25,
    ...     epidermis_mm=optics.EPIDERMIS_MM,
    ... )
    >>> log10_density.shape, xyz.shape
    ((160,), (1, 160, 3))
    >>> colour.xyz_to_lab(xyz[0, 0]).round(1).tolist(), skin.lab
    ([65.0, 8.0, 13.5], (65.0, 8.0, 13.5))
    >>> colour.xyz_to_lab(xyz[0, -1]).round(1).tolist()
    [46.8, -1.7, -6.0]
    """
    shares = _composition(pigment, np.atleast_1d(np.asarray(progress, dtype=np.float64)))
    fine_log10 = np.linspace(_LOG10_DENSITY[0] - 1.0, _LOG10_DENSITY[-1] + 0.9, 160)
    density_c = 10.0 ** fine_log10[None, :, None] * shares[:, None, :]  # (P, F, C)
    melanin = inked_column.melanin_fraction_for_lightness(float(np.asarray(skin_lab)[0]))
    common = {"melanin_fraction": melanin, "depth_mm": depth_mm, "epidermis_mm": epidermis_mm}
    reflectance = inked_column.inked_skin_reflectance(pigment, density_c, **common)
    bare = inked_column.inked_skin_reflectance(pigment, np.zeros((1, len(shares[0]))), **common)
    skin_xyz_model = colour.reflectance_to_xyz(bare[0])
    scale = colour.lab_to_xyz(np.asarray(skin_lab, dtype=np.float64)) / skin_xyz_model
    return fine_log10, colour.reflectance_to_xyz(reflectance) * scale


def contrast_table(
    pigment: Pigment,
    *,
    skin_lab: ArrayLike,
    depth_mm: float,
    epidermis_mm: float,
) -> ContrastTable:
    """Tabulate close-up and social-distance contrast for one skin, pigment and depth.

    Parameters
    ----------
    pigment
        The pigment (spectra on :data:`fadecast.skin.optics.WAVELENGTHS_NM`).
    skin_lab
        The client's bare-skin CIELAB; model colours are scaled channel-wise in XYZ so the
        model's bare skin matches it exactly. [L*, a*, b*]
    depth_mm
        Depth of the top of the ink layer. [mm]
    epidermis_mm
        Epidermal thickness. [mm]

    Returns
    -------
    ContrastTable

    Examples
    --------
    Carbon black at 0.25 mm in Fitzpatrick II skin: a lightfast pigment has a single
    progress node:

    >>> from fadecast.skin import optics, pigments, tone
    >>> skin = tone.skin_tone(fitzpatrick=2)
    >>> ink = pigments.load_pigment("carbon-black", optics.WAVELENGTHS_NM)
    >>> table = contrast_table(
    ...     ink,
    ...     skin_lab=skin.lab,
    ...     depth_mm=0.25,
    ...     epidermis_mm=optics.EPIDERMIS_MM,
    ... )
    >>> table.social_delta_e00.shape, table.progress.tolist(), table.skin_lab.tolist()
    ((43, 1, 23), [0.0], [65.0, 8.0, 13.5])
    """
    progress = _progress_grid(pigment)
    fine_log10, xyz_fine = tone_xyz(
        pigment,
        progress,
        skin_lab=skin_lab,
        depth_mm=depth_mm,
        epidermis_mm=epidermis_mm,
    )
    target_lab = np.asarray(skin_lab, dtype=np.float64)
    target_xyz = colour.lab_to_xyz(target_lab)

    def xyz_at(relative_density: Array) -> Array:
        """XYZ at densities given on any grid, shape (P, ..., 3), by log interpolation."""
        logd = np.log10(np.maximum(relative_density, 1e-30))
        out = np.empty((len(progress), *relative_density.shape, 3))
        for p in range(len(progress)):
            for ch in range(3):
                out[p, ..., ch] = np.interp(logd, fine_log10, xyz_fine[p, :, ch])
        # Below the fine grid, pigment is negligible: bare skin.
        below = logd < fine_log10[0]
        out[:, below, :] = target_xyz
        return out

    peak = 10.0**_LOG10_DENSITY  # (D,)
    spread = pattern.pattern_table()
    # The density over the hand-placed pattern, at equal-probability nodes (W, Q).
    over_skin = peak[:, None, None] * spread.density_nodes[None, :, :]  # (D, W, Q)

    mean_xyz = xyz_at(over_skin).mean(axis=-2)  # (P, D, W, 3)
    centre = peak[:, None] * spread.centre_density[None, :]  # (D, W)
    centre_xyz = xyz_at(centre)  # (P, D, W, 3)

    mean_lab = colour.xyz_to_lab(mean_xyz)
    social = colour.delta_e_ciede2000(mean_lab, target_lab)
    closeup = colour.delta_e_ciede2000(colour.xyz_to_lab(centre_xyz), target_lab)
    return ContrastTable(
        log10_density=_LOG10_DENSITY.copy(),
        progress=progress,
        width_ratio=spread.width_ratio.copy(),
        social_delta_e00=np.ascontiguousarray(np.moveaxis(social, 0, 1)),
        closeup_delta_e00=np.ascontiguousarray(np.moveaxis(closeup, 0, 1)),
        social_lab=np.ascontiguousarray(np.moveaxis(mean_lab, 0, 1)),
        discolouration_delta_e00=np.ascontiguousarray(
            np.moveaxis(colour.delta_e_ciede2000(mean_lab, mean_lab[:1]), 0, 1)
        ),
        skin_lab=target_lab,
    )


def _grid_coordinate(grid: Array, values: Array) -> Array:
    """Fractional index of values on a regular grid (clamped to the grid)."""
    if len(grid) == 1:
        return np.zeros(np.shape(values))
    step = (grid[-1] - grid[0]) / (len(grid) - 1)
    return np.asarray(np.clip((values - grid[0]) / step, 0.0, len(grid) - 1.0), dtype=np.float64)


@dataclass(frozen=True)
class Stencil:
    """Where a batch of points falls in a contrast table's grid, for :func:`interpolate`.

    Computing it once lets several tabulated quantities be read at the same points.

    Attributes
    ----------
    base
        Flat index of each point's lower grid corner, shape ``(m,)``.
    axes
        For each axis with more than one node: its flat stride and the points' weights
        of the upper node, shape ``(m,)``.
    peak_density_mg_cm2
        The points' peak densities, broadcast to ``shape``. [mg/cm²]
    floor_mg_cm2
        The lowest tabulated peak density. [mg/cm²]
    shape
        Broadcast shape of the points.
    """

    base: NDArray[np.intp]
    axes: tuple[tuple[int, Array], ...]
    peak_density_mg_cm2: Array
    floor_mg_cm2: float
    shape: tuple[int, ...]


def stencil(
    table: ContrastTable,
    peak_density_mg_cm2: ArrayLike,
    progress: ArrayLike,
    width_ratio: ArrayLike,
) -> Stencil:
    """Locate points (peak density, photolysis progress, width ratio) in a table's grid.

    Parameters
    ----------
    table
        The table (for its grids).
    peak_density_mg_cm2
        Peak density of a single dot. [mg/cm²]
    progress
        Photolysis progress. [SED-equivalent]
    width_ratio
        Dot width over spacing. [1]

    Returns
    -------
    Stencil

    Examples
    --------
    Locate two dots once, then read their mean-tone and dot-centre contrasts together
    (see :func:`interpolate`):

    >>> from fadecast.skin import optics, pigments, tone
    >>> skin = tone.skin_tone(fitzpatrick=2)
    >>> ink = pigments.load_pigment("carbon-black", optics.WAVELENGTHS_NM)
    >>> table = contrast_table(
    ...     ink,
    ...     skin_lab=skin.lab,
    ...     depth_mm=0.25,
    ...     epidermis_mm=optics.EPIDERMIS_MM,
    ... )
    >>> where = stencil(table, [1.7, 0.85], 0.0, 0.18)
    >>> where.shape
    (2,)
    >>> both = np.stack([table.social_delta_e00, table.closeup_delta_e00])
    >>> interpolate(both, where).round(2).tolist()
    [[11.7, 8.96], [24.98, 24.13]]
    """
    rho = np.asarray(peak_density_mg_cm2, dtype=np.float64)
    s = np.asarray(width_ratio, dtype=np.float64)
    prog = np.asarray(progress, dtype=np.float64)
    shape = np.broadcast_shapes(rho.shape, prog.shape, s.shape)
    log_rho = np.log10(np.maximum(np.broadcast_to(rho, shape).ravel(), 1e-30))
    grids = (table.log10_density, table.progress, table.width_ratio)
    # An axis given one value for every point is located once.
    points = tuple(v if v.ndim == 0 else np.broadcast_to(v, shape).ravel() for v in (prog, s))
    points = (log_rho, *points)
    strides = (len(grids[1]) * len(grids[2]), len(grids[2]), 1)
    base = np.zeros(log_rho.shape, dtype=np.intp)
    axes: list[tuple[int, Array]] = []
    for grid, values, stride in zip(grids, points, strides, strict=True):
        if len(grid) == 1:
            continue
        coordinate = _grid_coordinate(grid, values)
        lower = np.minimum(coordinate.astype(np.intp), len(grid) - 2)
        base += lower * stride
        axes.append((stride, coordinate - lower))
    return Stencil(
        base=base,
        axes=tuple(axes),
        peak_density_mg_cm2=np.broadcast_to(rho, shape),
        floor_mg_cm2=float(10.0 ** table.log10_density[0]),
        shape=shape,
    )


def _multilinear(flat: Array, base: NDArray[np.intp], axes: tuple[tuple[int, Array], ...]) -> Array:
    """Multilinear interpolation of ``flat`` (K, nodes) at the stencil's points: (K, m)."""
    if not axes:
        return np.asarray(np.take(flat, base, axis=1), dtype=np.float64)
    stride, weight = axes[-1]
    lower = _multilinear(flat, base, axes[:-1])
    upper = _multilinear(flat, base + stride, axes[:-1])
    upper -= lower
    upper *= weight
    upper += lower
    return upper


def interpolate(values: Array, where: Stencil, *, vanishes_without_pigment: bool = True) -> Array:
    """Interpolate tabulated quantities multilinearly at a stencil's points.

    Below the density grid a contrast is taken as proportional to density (the optics
    are linear for thin pigment; ``vanishes_without_pigment``); other quantities, such as
    a colour, are clamped there. Above and outside the other grids values are clamped.

    Parameters
    ----------
    values
        A quantity of the table the stencil was made for, e.g.
        ``table.social_delta_e00``, shape ``(density, progress, width)``; or several
        stacked on leading axes, shape ``(..., density, progress, width)``, which are
        read together for the cost of little more than one.
    where
        From :func:`stencil`.

    Returns
    -------
    ndarray
        The quantities, shape ``values.shape[:-3] + where.shape``.

    Examples
    --------
    The mean tone's CIELAB, a colour, is clamped rather than scaled below the grid:

    >>> from fadecast.skin import optics, pigments, tone
    >>> skin = tone.skin_tone(fitzpatrick=2)
    >>> ink = pigments.load_pigment("carbon-black", optics.WAVELENGTHS_NM)
    >>> table = contrast_table(
    ...     ink,
    ...     skin_lab=skin.lab,
    ...     depth_mm=0.25,
    ...     epidermis_mm=optics.EPIDERMIS_MM,
    ... )
    >>> where = stencil(table, [1.7, 0.85], 0.0, 0.18)
    >>> lab = np.moveaxis(table.social_lab, -1, 0)  # (3, density, progress, width)
    >>> interpolate(lab, where, vanishes_without_pigment=False).round(1).tolist()
    [[55.8, 57.8], [2.6, 3.7], [3.6, 5.7]]
    """
    arr = np.asarray(values, dtype=np.float64)
    leading = arr.shape[:-3]
    flat = np.ascontiguousarray(arr.reshape(-1, int(np.prod(arr.shape[-3:]))))
    out = _multilinear(flat, where.base, where.axes)  # (K, m)
    if vanishes_without_pigment:
        rho = where.peak_density_mg_cm2.reshape(-1)
        thin = np.flatnonzero(rho < where.floor_mg_cm2)
        if len(thin):
            out[:, thin] *= rho[thin] / where.floor_mg_cm2
    return out.reshape(leading + where.shape)


def lookup(
    table: ContrastTable,
    values: Array,
    peak_density_mg_cm2: ArrayLike,
    progress: ArrayLike,
    width_ratio: ArrayLike,
    *,
    vanishes_without_pigment: bool = True,
) -> Array:
    """Interpolate a tabulated quantity multilinearly (see :func:`interpolate`).

    Parameters
    ----------
    table
        The table (for its grids).
    values
        ``table.social_delta_e00`` or ``table.closeup_delta_e00``.
    peak_density_mg_cm2
        Peak density of a single dot. [mg/cm²]
    progress
        Photolysis progress. [SED-equivalent]
    width_ratio
        Dot width over spacing. [1]

    Returns
    -------
    ndarray
        Contrast, broadcast shape of the inputs. [ΔE00]

    Examples
    --------
    The mean-tone contrast of a healed dot of the mean Engel ink mass (1.7 mg/cm²), of half
    of it and of none; and the contrast growing with the dot's width at the same peak:

    >>> from fadecast.skin import optics, pigments, tone
    >>> skin = tone.skin_tone(fitzpatrick=2)
    >>> ink = pigments.load_pigment("carbon-black", optics.WAVELENGTHS_NM)
    >>> table = contrast_table(
    ...     ink,
    ...     skin_lab=skin.lab,
    ...     depth_mm=0.25,
    ...     epidermis_mm=optics.EPIDERMIS_MM,
    ... )
    >>> lookup(table, table.social_delta_e00, [1.7, 0.85, 0.0], 0.0, 0.18).round(2).tolist()
    [11.7, 8.96, 0.0]
    >>> lookup(table, table.social_delta_e00, 1.7, 0.0, [0.12, 0.18, 0.3]).round(2).tolist()
    [4.72, 11.7, 23.2]
    """
    where = stencil(table, peak_density_mg_cm2, progress, width_ratio)
    return interpolate(values, where, vanishes_without_pigment=vanishes_without_pigment)


def discolouration(
    table: ContrastTable,
    peak_density_mg_cm2: ArrayLike,
    progress: ArrayLike,
    width_ratio: ArrayLike,
) -> Array:
    """How far photolysis has moved the mean tone from that of the original pigment mix.

    CIEDE2000 between the mean tone now and the mean tone the fresh mix would give at the
    same peak density and dot width: fading and blur cancel out, only the change of the
    pigment's mix remains. Tabulated with the contrasts; zero for lightfast pigments.

    Parameters
    ----------
    table
        The contrast table.
    peak_density_mg_cm2
        Peak density of a single dot. [mg/cm²]
    progress
        Photolysis progress (dermal dose since deposit). [SED-equivalent]
    width_ratio
        Dot width over spacing. [1]

    Returns
    -------
    ndarray
        Discolouration. [ΔE00]

    Examples
    --------
    The organic blend shifts in hue as its azo component fades; carbon black never does:

    >>> from fadecast.skin import optics, pigments, tone
    >>> skin = tone.skin_tone(fitzpatrick=2)
    >>> def table_of(name: str) -> ContrastTable:
    ...     ink = pigments.load_pigment(name, optics.WAVELENGTHS_NM)
    ...     return contrast_table(
    ...         ink,
    ...         skin_lab=skin.lab,
    ...         depth_mm=0.25,
    ...         epidermis_mm=optics.EPIDERMIS_MM,
    ...     )
    >>> blend = table_of("organic-blend")
    >>> discolouration(blend, 1.7, [0.0, 500.0, 2000.0], 0.18).round(2).tolist()
    [0.0, 0.01, 0.02]
    >>> float(discolouration(table_of("carbon-black"), 1.7, 2000.0, 0.18))
    0.0
    """
    if len(table.progress) == 1:
        shapes = (np.shape(peak_density_mg_cm2), np.shape(progress), np.shape(width_ratio))
        return np.zeros(np.broadcast_shapes(*shapes))
    return lookup(table, table.discolouration_delta_e00, peak_density_mg_cm2, progress, width_ratio)
