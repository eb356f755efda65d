"""Reflectance of skin holding packed ink, tabulated by adding-doubling.

The forecast reads the colour of a dot at every density its pigment passes through, for
every draw's course, so it cannot call adding-doubling (0.2 s a spectrum). What a column
of inked skin reflects depends on only three things besides the wavelength: the
epidermis's melanin, the plain dermis between the epidermis and the ink, and how strongly
the ink layer absorbs. The packets' scattering is tied to their absorption
(:func:`fadecast.skin.dot_optics.ink_layer_from_absorption`) and their volume share
follows from it for optically thick packets (``v = μa,ink d / 1.5``), so one table of
adding-doubling reflectances,

    ``R(λ, f_mel, dermis above the ink, μa,ink)``,

serves every pigment blend, mass and photolysis stage: a blend's packed absorption
(:func:`fadecast.skin.dot_optics.packed_ink_absorption`) is computed in closed form and
the table is read at it. The table ships as ``data/inked_column.csv``, built by
``scripts/make_column_table.py`` with :func:`column_table_row` (``--check`` re-makes a
sample of its rows). It holds the epidermis of ``epidermis_mm`` (parameters.toml) and the
ink layer of ``ink_layer_thickness`` (dot_optics.toml) and refuses others.

Reading: log-reflectance linear in the melanin fraction and the dermis above the ink
(within 0.25 ΔE00 of adding-doubling itself between the nodes, tested), then per
wavelength linear in ``log10 μa,ink`` between the table's nodes, linear in ``μa,ink``
between bare skin and the lowest node, and constant above the highest (the layer is
then black wherever it has ink).

Examples
--------
>>> grid = column_grid()
>>> len(grid.melanin_fraction), len(grid.dermis_above_mm), len(grid.log10_mu_a_ink_per_mm)
(13, 8, 16)
>>> grid.epidermis_mm, grid.layer_mm
(0.1, 0.2)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fadecast import data
from fadecast.skin import colour, dot_optics, optics
from fadecast.skin.pigments import Pigment

__all__ = [
    "DERMIS_ABOVE_NODES_MM",
    "LOG10_ABSORPTION_NODES",
    "MELANIN_NODES",
    "ColumnTable",
    "column_grid",
    "column_reflectance",
    "column_table_row",
    "inked_skin_reflectance",
    "melanin_fraction_for_lightness",
]

Array = NDArray[np.float64]

TABLE_FILE = "inked_column.csv"
#: Melanin fractions of the table (denser where light skins lie). [1]
MELANIN_NODES = (0.0, 0.01, 0.02, 0.03, 0.045, 0.065, 0.09, 0.12, 0.16, 0.22, 0.3, 0.4, 0.5)
#: Plain dermis between the epidermis and the top of the ink layer. [mm]
DERMIS_ABOVE_NODES_MM = (0.0, 0.03, 0.07, 0.12, 0.18, 0.26, 0.36, 0.5)
#: log10 of the ink layer's packed absorption coefficient; bare skin is a row of its own.
#: [log10 1/mm]
LOG10_ABSORPTION_NODES = tuple(float(x) for x in np.round(np.arange(-2.0, 1.76, 0.25), 2))


@dataclass(frozen=True)
class ColumnTable:
    """The packaged table of inked-skin reflectance.

    Attributes
    ----------
    melanin_fraction
        Epidermal melanosome volume fractions, ``(M,)``. [1]
    dermis_above_mm
        Plain dermis above the ink, ``(H,)``. [mm]
    log10_mu_a_ink_per_mm
        log10 of the ink layer's packed absorption, ``(A,)``. [log10 1/mm]
    bare
        Reflectance of bare skin, ``(M, W)``. [1]
    inked
        Reflectance with ink, ``(M, H, A, W)``. [1]
    epidermis_mm, layer_mm
        The epidermis and ink layer the table holds. [mm]
    surface_reflectance
        The surface's own reflection of diffuse light, included in ``bare`` and ``inked``
        (:func:`fadecast.skin.dot_optics.surface_reflectance_diffuse`). [1]
    """

    melanin_fraction: Array
    dermis_above_mm: Array
    log10_mu_a_ink_per_mm: Array
    bare: Array
    inked: Array
    epidermis_mm: float
    layer_mm: float
    surface_reflectance: float


def column_table_row(
    melanin_fraction: float, dermis_above_mm: float, log10_mu_a_ink: float | None
) -> Array:
    """One row of the table, computed: adding-doubling reflectance of an inked column.

    The column is that of :func:`fadecast.skin.dot_optics.column_reflectance_adding_doubling`
    (epidermis, plain dermis, ink layer, 10 mm of dermis; diffuse light), with the ink layer
    given by its packed absorption instead of a carbon-black mass.

    Parameters
    ----------
    melanin_fraction
        Epidermal melanosome volume fraction. [1]
    dermis_above_mm
        Plain dermis above the ink. [mm]
    log10_mu_a_ink
        log10 of the packed absorption, or None for bare skin. [log10 1/mm]

    Returns
    -------
    ndarray
        Reflectance on :data:`fadecast.skin.optics.WAVELENGTHS_NM`, ``(31,)``. [1]

    Examples
    --------
    >>> row = column_table_row(0.038, 0.15, 1.2)
    >>> row.shape, bool(np.all(row < column_table_row(0.038, 0.15, None)))
    ((31,), True)
    """
    wl = optics.WAVELENGTHS_NM
    epidermis, dermis = dot_optics.skin_layer_optics(melanin_fraction, wl)
    layer_mm = _layer_mm()
    mu_a = np.zeros(wl.shape) if log10_mu_a_ink is None else np.full(wl.shape, 10.0**log10_mu_a_ink)
    packet_mm = float(dot_optics.PARAMETERS["packet_diameter"]["value"]) * 1e-3
    ink = dot_optics.ink_layer_from_absorption(
        mu_a, float(mu_a[0]) * packet_mm / 1.5, wl, length_mm=layer_mm
    )
    bottom = float(dot_optics.PARAMETERS["bottom_dermis_thickness"]["value"])
    thickness = np.array([optics.EPIDERMIS_MM, dermis_above_mm, layer_mm, bottom])
    return dot_optics.stack_reflectance_adding_doubling([epidermis, dermis, ink, dermis], thickness)


def _layer_mm() -> float:
    return float(dot_optics.PARAMETERS["ink_layer_thickness"]["value"])


@functools.cache
def column_grid() -> ColumnTable:
    """The packaged table (read once).

    Returns
    -------
    ColumnTable
    """
    raw = data.csv_array(TABLE_FILE)
    melanin = np.asarray(MELANIN_NODES)
    above = np.asarray(DERMIS_ABOVE_NODES_MM)
    absorption = np.asarray(LOG10_ABSORPTION_NODES)
    n_m, n_h, n_a, n_w = len(melanin), len(above), len(absorption), optics.WAVELENGTHS_NM.size
    if raw.shape != (n_m * n_h * (n_a + 1), 3 + n_w):
        raise ValueError(f"{TABLE_FILE} does not match its grid; re-run make_column_table.py")
    cube = raw[:, 3:].reshape(n_m, n_h, n_a + 1, n_w)
    meta = _table_meta()
    return ColumnTable(
        melanin_fraction=melanin,
        dermis_above_mm=above,
        log10_mu_a_ink_per_mm=absorption,
        bare=np.ascontiguousarray(cube[:, 0, 0, :]),
        inked=np.ascontiguousarray(cube[:, :, 1:, :]),
        epidermis_mm=meta["epidermis_mm"],
        layer_mm=meta["layer_mm"],
        surface_reflectance=meta["surface_reflectance"],
    )


def _table_meta() -> dict[str, float]:
    """The epidermis and layer thickness written in the table's header comment."""
    found: dict[str, float] = {}
    for line in data.text(TABLE_FILE).splitlines():
        if line.startswith("# holds:"):
            for item in line.removeprefix("# holds:").split(";"):
                key, value = item.split("=")
                found[key.strip()] = float(value)
    return found


def _weights(grid: Array, value: float, name: str) -> tuple[int, float]:
    if not grid[0] <= value <= grid[-1]:
        raise ValueError(
            f"{name} {value} is outside the inked-column table [{grid[0]}, {grid[-1]}]"
        )
    j = int(np.clip(np.searchsorted(grid, value, side="right") - 1, 0, len(grid) - 2))
    return j, float((value - grid[j]) / (grid[j + 1] - grid[j]))


def _bilinear(
    table: ColumnTable, melanin_fraction: float, dermis_above_mm: float
) -> tuple[Array, Array]:
    """Bare and inked reflectance at one melanin fraction and depth, ``(W,)``, ``(A, W)``."""
    i, u = _weights(table.melanin_fraction, melanin_fraction, "melanin_fraction")
    j, v = _weights(table.dermis_above_mm, dermis_above_mm, "dermis above the ink [mm]")
    log_bare, log_inked = _log_tables()
    bare = (1 - u) * log_bare[i] + u * log_bare[i + 1]
    inked = (
        (1 - u) * (1 - v) * log_inked[i, j]
        + (1 - u) * v * log_inked[i, j + 1]
        + u * (1 - v) * log_inked[i + 1, j]
        + u * v * log_inked[i + 1, j + 1]
    )
    return np.exp(bare), np.exp(inked)


@functools.cache
def _log_tables() -> tuple[Array, Array]:
    table = column_grid()
    return np.log(table.bare), np.log(table.inked)


def column_reflectance(
    melanin_fraction: float, mu_a_ink_per_mm: ArrayLike, dermis_above_mm: float
) -> Array:
    """Reflectance of skin whose ink layer absorbs ``μa,ink``, read from the table.

    As an observer looking straight at the skin under diffuse light sees it
    (:func:`fadecast.skin.dot_optics.seen_reflectance`: the light from within, and of the
    surface's mirror reflection only that at normal incidence).

    Parameters
    ----------
    melanin_fraction
        Epidermal melanosome volume fraction, within 0-0.5. [1]
    mu_a_ink_per_mm
        Packed absorption of the ink layer per wavelength, ``(..., W)``. [1/mm]
    dermis_above_mm
        Plain dermis above the ink, within 0-0.5. [mm]

    Returns
    -------
    ndarray
        Reflectance, ``(..., W)``. [1]

    Examples
    --------
    No ink is bare skin; more ink is darker, down to the black layer's floor:

    >>> mu = np.array([0.0, 1.0, 10.0, 1000.0])[:, None] * np.ones(31)
    >>> r = column_reflectance(0.038, mu, 0.15)[:, 15]  # 550 nm
    >>> bool(np.all(np.diff(r) < 0)), round(float(r[0]), 3)
    (True, 0.208)
    """
    table = column_grid()
    mu = np.asarray(mu_a_ink_per_mm, dtype=np.float64)
    n_w = optics.WAVELENGTHS_NM.size
    if mu.shape[-1:] != (n_w,) or np.any(~np.isfinite(mu)) or np.any(mu < 0.0):
        raise ValueError("mu_a_ink_per_mm must be finite, non-negative, (..., 31) [1/mm]")
    bare, inked = _bilinear(table, float(melanin_fraction), float(dermis_above_mm))
    nodes = table.log10_mu_a_ink_per_mm
    lowest = 10.0 ** nodes[0]
    flat = mu.reshape(-1, n_w)
    out = np.empty_like(flat)
    with np.errstate(divide="ignore"):
        log_mu = np.log10(flat)
    for w in range(n_w):
        inside = np.interp(log_mu[:, w], nodes, inked[:, w])
        faint = bare[w] + (inked[0, w] - bare[w]) * flat[:, w] / lowest
        out[:, w] = np.where(flat[:, w] < lowest, faint, inside)
    seen = dot_optics.seen_reflectance(out, table.surface_reflectance)
    return np.asarray(seen.reshape(mu.shape), dtype=np.float64)


@functools.cache
def _lightness_nodes() -> Array:
    table = column_grid()
    seen = dot_optics.seen_reflectance(table.bare, table.surface_reflectance)
    return np.asarray(colour.reflectance_to_lab(seen)[:, 0], dtype=np.float64)


def melanin_fraction_for_lightness(lightness: float) -> float:
    """Melanin fraction at which the tabulated bare skin has a given L*.

    The bare skin's colour is as seen (:func:`column_reflectance`): never darker than L* 19,
    the surface's reflection alone. It differs from the Kubelka-Munk skin
    of :mod:`fadecast.skin.optics` at equal melanin (light skin needs less melanin in it),
    so each model has its own melanin fraction for a client's L*; the channel-wise scaling
    to the client's colour absorbs the small residual of this piecewise-linear inverse.

    Parameters
    ----------
    lightness
        The client's L*. [1]

    Returns
    -------
    float
        f_mel, clamped to the table. [1]

    Examples
    --------
    Darker skin holds more melanin:

    >>> [round(melanin_fraction_for_lightness(x), 3) for x in (70.0, 65.0, 40.0)]
    [0.006, 0.014, 0.102]
    """
    nodes = _lightness_nodes()
    return float(np.interp(-float(lightness), -nodes, column_grid().melanin_fraction))


def inked_skin_reflectance(
    pigment: Pigment,
    density_mg_cm2: ArrayLike,
    *,
    melanin_fraction: float,
    depth_mm: float,
    epidermis_mm: float,
) -> Array:
    """Reflectance of skin holding a pigment blend packed in cells at a depth.

    Composes :func:`fadecast.skin.dot_optics.packed_ink_absorption` (the blend's
    absorption per wavelength, closed form) and :func:`column_reflectance` (the table).

    Parameters
    ----------
    pigment
        The pigment (spectra on :data:`fadecast.skin.optics.WAVELENGTHS_NM`).
    density_mg_cm2
        Ink per area of each component, ``(..., C)``. [mg/cm²]
    melanin_fraction
        Epidermal melanosome volume fraction on the table's scale
        (:func:`melanin_fraction_for_lightness`). [1]
    depth_mm
        Depth of the top of the ink layer; ink above the junction counts as at it. [mm]
    epidermis_mm
        Epidermal thickness; must be the table's. [mm]

    Returns
    -------
    ndarray
        Reflectance, ``(..., W)``. [1]

    Raises
    ------
    ValueError
        For an epidermis other than the table's, or a depth beyond it.

    Examples
    --------
    The mean healed Engel mass of carbon black at 0.25 mm in light skin, against bare:

    >>> from fadecast.skin import pigments
    >>> ink = pigments.load_pigment("carbon-black", optics.WAVELENGTHS_NM)
    >>> r = inked_skin_reflectance(
    ...     ink, [[0.0], [1.695]], melanin_fraction=0.038, depth_mm=0.25, epidermis_mm=0.1
    ... )
    >>> r[:, 15].round(3).tolist()  # 550 nm
    [0.208, 0.12]
    """
    table = column_grid()
    if not np.isclose(epidermis_mm, table.epidermis_mm):
        raise ValueError(
            f"the inked-column table holds a {table.epidermis_mm} mm epidermis, not "
            f"{epidermis_mm} mm; re-run scripts/make_column_table.py"
        )
    mu = dot_optics.packed_ink_absorption(
        density_mg_cm2,
        pigment.mass_absorption_cm2_per_mg,
        material_density_g_cm3=pigment.material_density_g_cm3,
        layer_mm=table.layer_mm,
    )
    return column_reflectance(melanin_fraction, mu, max(depth_mm - epidermis_mm, 0.0))
