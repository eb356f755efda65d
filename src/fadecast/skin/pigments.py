"""The pigment catalogue: spectra, photolysis rates and deposits per product class.

The catalogue lives in ``data/pigments.toml``; :func:`load_pigment` turns one class into
a :class:`Pigment` with its component spectra on a wavelength grid.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fadecast import data

__all__ = [
    "Pigment",
    "absorption_spectrum",
    "load_pigment",
    "pigment_names",
]


@dataclass(frozen=True)
class Pigment:
    """One pigment class of the catalogue.

    Attributes
    ----------
    name
        Catalogue key, e.g. ``"carbon-black"``.
    label
        Human-readable description.
    component_names
        Names of the components.
    shares
        Mass share of each component in the ink. [1]
    k_cm2_per_mg
        Specific Kubelka-Munk absorption, shape ``(n_components, n_wavelengths)``. [cm²/mg]
    s_cm2_per_mg
        Specific Kubelka-Munk scattering, same shape. [cm²/mg]
    photolysis_per_dermal_sed
        Photochemical decay rate of each component per unit dermal dose. [1/SED]
    typical_deposit_mg_cm2
        Ink a session injects per area of a dot (Engel et al. 2008). [mg/cm²]
    material_density_g_cm3
        Density of the pigment particles, which sets how much area a packet of them
        covers per mass (:func:`fadecast.skin.dot_optics.packed_ink_absorption`). [g/cm³]
    clearance_factor
        Multiplier on the biological clearance of the mobile pool. [1]
    """

    name: str
    label: str
    component_names: tuple[str, ...]
    shares: NDArray[np.float64]
    k_cm2_per_mg: NDArray[np.float64]
    s_cm2_per_mg: NDArray[np.float64]
    photolysis_per_dermal_sed: NDArray[np.float64]
    typical_deposit_mg_cm2: float
    material_density_g_cm3: float
    clearance_factor: float

    @property
    def mass_absorption_cm2_per_mg(self) -> NDArray[np.float64]:
        """Mass absorption cross-section of each component, ``k / 2`` (Kubelka-Munk
        ``K = 2 μa``), shape ``(n_components, n_wavelengths)``. [cm²/mg]"""
        return np.asarray(self.k_cm2_per_mg / 2.0, dtype=np.float64)

    @property
    def is_lightfast(self) -> bool:
        """True when no component photodegrades."""
        return bool(np.all(self.photolysis_per_dermal_sed == 0.0))


def absorption_spectrum(
    component: Mapping[str, Any], wavelength_nm: ArrayLike
) -> NDArray[np.float64]:
    """Specific absorption spectrum of one catalogue component.

    Parameters
    ----------
    component
        A component entry: either ``k550_cm2_per_mg`` and ``angstrom`` (power law) or
        ``bands`` (Gaussian absorption bands with ``peak``, ``centre_nm``, ``sd_nm``) and
        ``base_cm2_per_mg``.
    wavelength_nm
        Wavelengths. [nm]

    Returns
    -------
    ndarray
        Specific absorption k(λ). [cm²/mg]

    Examples
    --------
    A power law ``k550 (λ / 550 nm)^-angstrom``, and a Gaussian band on a flat base:

    >>> absorption_spectrum({"k550_cm2_per_mg": 100.0, "angstrom": 1.0}, [440.0, 550.0]).tolist()
    [125.0, 100.0]
    >>> band = {"peak": 50.0, "centre_nm": 600.0, "sd_nm": 40.0}
    >>> absorption_spectrum({"bands": [band], "base_cm2_per_mg": 5.0}, [600.0]).tolist()
    [55.0]
    """
    wl = np.asarray(wavelength_nm, dtype=np.float64)
    if "bands" in component:
        k = np.full_like(wl, float(component.get("base_cm2_per_mg", 0.0)))
        for band in component["bands"]:
            k += band["peak"] * np.exp(-0.5 * ((wl - band["centre_nm"]) / band["sd_nm"]) ** 2)
        return k
    return np.asarray(
        float(component["k550_cm2_per_mg"]) * (wl / 550.0) ** (-float(component["angstrom"])),
        dtype=np.float64,
    )


@functools.cache
def _catalogue() -> Mapping[str, Any]:
    return data.toml_table("pigments.toml")


def pigment_names() -> tuple[str, ...]:
    """The pigment classes a profile may name.

    Examples
    --------
    >>> pigment_names()
    ('carbon-black', 'iron-oxide', 'organic-blend')
    """
    return tuple(_catalogue())


def load_pigment(name: str, wavelength_nm: Sequence[float] | NDArray[np.float64]) -> Pigment:
    """Build one pigment class on a wavelength grid.

    Parameters
    ----------
    name
        Catalogue key, one of :func:`pigment_names`.
    wavelength_nm
        Wavelength grid. [nm]

    Returns
    -------
    Pigment

    Raises
    ------
    ValueError
        For a name not in the catalogue, or component shares that do not sum to 1.

    Examples
    --------
    >>> from fadecast.skin.optics import WAVELENGTHS_NM
    >>> ink = load_pigment("carbon-black", WAVELENGTHS_NM)
    >>> ink.component_names, ink.k_cm2_per_mg.shape, ink.is_lightfast
    (('carbon black (PBk 7)',), (1, 31), True)
    >>> blend = load_pigment("organic-blend", WAVELENGTHS_NM)
    >>> blend.shares.tolist(), blend.is_lightfast
    ([0.45, 0.35, 0.2], False)
    """
    catalogue = _catalogue()
    if name not in catalogue:
        raise ValueError(
            f"pigment {name!r} is not in the catalogue; choose one of {pigment_names()}"
        )
    entry = catalogue[name]
    comps = entry["components"]
    k = np.stack([absorption_spectrum(c, wavelength_nm) for c in comps])
    k550 = np.array([absorption_spectrum(c, [550.0])[0] for c in comps])
    s = np.stack(
        [np.full(len(wavelength_nm), c["scattering_ratio"] * k550[i]) for i, c in enumerate(comps)]
    )
    shares = np.array([c["share"] for c in comps], dtype=np.float64)
    if not np.isclose(shares.sum(), 1.0):
        raise ValueError(f"pigment {name!r}: component shares sum to {shares.sum()}, not 1")
    return Pigment(
        name=name,
        label=str(entry["label"]),
        component_names=tuple(str(c["name"]) for c in comps),
        shares=shares,
        k_cm2_per_mg=k,
        s_cm2_per_mg=s,
        photolysis_per_dermal_sed=np.array(
            [c["photolysis_per_dermal_sed"] for c in comps], dtype=np.float64
        ),
        typical_deposit_mg_cm2=float(entry["typical_deposit_mg_cm2"]),
        material_density_g_cm3=float(entry["material_density_g_cm3"]),
        clearance_factor=float(entry["clearance_factor"]),
    )
