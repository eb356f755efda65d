"""Work shared between runs of the model: UV years per place, pigments, contrast tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from fadecast.forecasting.scenario import reference_skin
from fadecast.inputs import places
from fadecast.inputs.parameters import central_values
from fadecast.skin import appearance, optics, tone
from fadecast.skin.pigments import Pigment, load_pigment
from fadecast.sun import exposure

if TYPE_CHECKING:
    from fadecast.forecasting.chain import OpenSkyDoses
    from fadecast.forecasting.detection import Detection


Array = NDArray[np.float64]


@dataclass
class ModelCache:
    """Work shared between forecasts: per-place UV years, pigments, contrast tables.

    One forecast builds its own; :func:`forecast_many` shares one across all profiles.
    The tables are built with the ``central`` parameter values of the runs that share it.

    Examples
    --------
    >>> from fadecast.forecasting.params import Params
    >>> cache = ModelCache(Params.central_only().central)
    >>> cache.pigment("carbon-black").is_lightfast
    True
    """

    #: Central values of the parameters the tables are built with (default the table's).
    central: Mapping[str, float] = field(default_factory=central_values)
    uv_years: dict[tuple[float, float], Array] = field(default_factory=dict)
    uva_years: dict[tuple[float, float], Array] = field(default_factory=dict)
    sun_heights: dict[tuple[float, float], Array] = field(default_factory=dict)
    pigments: dict[str, Pigment] = field(default_factory=dict)
    tables: dict[tuple[Any, ...], appearance.ContrastTable] = field(default_factory=dict)
    targets: dict[tuple[Any, ...], float] = field(default_factory=dict)
    #: Open-sky doses of a place and way of life (erythemal and UVA).
    doses: dict[tuple[Any, ...], OpenSkyDoses] = field(default_factory=dict)
    #: Sunscreen transmission per draw, keyed by the product, its use and the draws.
    screens: dict[tuple[Any, ...], Array] = field(default_factory=dict)
    #: UVA reaching the dermis through a skin's melanin, relative to the reference skin.
    skin_factors: dict[float, float] = field(default_factory=dict)
    #: Detection grids and levels of a course pattern, keyed by what they depend on.
    detections: dict[tuple[Any, ...], Detection] = field(default_factory=dict)

    def skin_factor(self, melanin_fraction: float) -> float:
        """UVA reaching the dermis through this melanin, relative to the reference skin. [1]"""
        if melanin_fraction not in self.skin_factors:
            reference = reference_skin().melanin_fraction
            self.skin_factors[melanin_fraction] = float(
                optics.uva_transmission_relative(melanin_fraction, reference)
            )
        return self.skin_factors[melanin_fraction]

    def cos_zenith_year(self, place: places.Place) -> Array:
        """Hourly cosine of the sun's zenith angle at a place over the reference year,
        ``(365, 24)``. [1]"""
        key = (round(place.latitude_deg, 4), round(place.longitude_deg, 4))
        if key not in self.sun_heights:
            year = int(self.central["reference_year"])
            self.sun_heights[key] = exposure.cos_zenith_year(*key, year=year)
        return self.sun_heights[key]

    def uv_year(self, place: places.Place) -> Array:
        """Hourly clear-sky UV index of a place over the reference year, with aerosol,
        ``(365, 24)``. [1]"""
        key = (round(place.latitude_deg, 4), round(place.longitude_deg, 4))
        if key not in self.uv_years:
            year = int(self.central["reference_year"])
            self.uv_years[key] = exposure.clear_sky_uv_index_year(
                *key,
                year=year,
                aerosol_factor=self.central["aerosol_uv_factor"],
                cos_zenith=self.cos_zenith_year(place),
            )
        return self.uv_years[key]

    def uva_year(self, place: places.Place) -> Array:
        """Hourly clear-sky UVA of a place over the reference year, ``(365, 24)``. [W/m²]"""
        key = (round(place.latitude_deg, 4), round(place.longitude_deg, 4))
        if key not in self.uva_years:
            year = int(self.central["reference_year"])
            self.uva_years[key] = exposure.clear_sky_uva_year(
                *key, year=year, cos_zenith=self.cos_zenith_year(place)
            )
        return self.uva_years[key]

    def pigment(self, name: str) -> Pigment:
        """A pigment class of the catalogue on the model's wavelength grid."""
        if name not in self.pigments:
            self.pigments[name] = load_pigment(name, optics.WAVELENGTHS_NM)
        return self.pigments[name]

    def table(self, skin: tone.SkinTone, pigment: str, placement: str) -> appearance.ContrastTable:
        """The appearance table of a skin, pigment and placement (built once)."""
        key = (tuple(np.round(skin.lab, 6)), pigment, placement)
        if key not in self.tables:
            central = self.central
            self.tables[key] = appearance.contrast_table(
                self.pigment(pigment),
                skin_lab=skin.lab,
                depth_mm=central[f"depth_{placement}_mm"],
                epidermis_mm=central["epidermis_mm"],
            )
        return self.tables[key]
