"""The parameter values of one model run: every parameter drawn, and its central value.

The chain of stages takes one frozen :class:`Params` as an argument instead of reading the
parameter table itself: a Monte Carlo run draws every uncertain parameter ``n`` times
(:meth:`Params.sampled`); a nominal run (pictures, the target look) uses the central values
as a single draw (:meth:`Params.central_only`). Parameters the model treats as sharp are read
from :attr:`Params.central` in both.

Examples
--------
>>> params = Params.sampled(samples=4, seed=0)
>>> params.samples
4
>>> params.central["epidermis_mm"]
0.1
>>> Params.central_only().drawn["epidermis_mm"].tolist()
[0.1]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from fadecast.inputs import parameters

__all__ = ["Params"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Params:
    """Parameter values for one run of the model.

    Attributes
    ----------
    drawn
        Every parameter of ``data/parameters.toml`` by name, one value per draw, each of
        shape ``(n,)`` (fixed parameters are constant arrays). [units of each parameter]
    central
        The central value of every parameter, by name. [units of each parameter]
    """

    drawn: Mapping[str, Array]
    central: Mapping[str, float]

    @classmethod
    def sampled(cls, samples: int, seed: int) -> Params:
        """``samples`` Monte Carlo draws of every parameter from the seed ``seed``.

        The same seed gives the same draws on every machine (inverse-CDF transforms of
        one uniform matrix; :func:`fadecast.inputs.parameters.sample_parameters`).
        """
        drawn = parameters.sample_parameters(samples, np.random.default_rng(seed))
        return cls(MappingProxyType(drawn), MappingProxyType(parameters.central_values()))

    @classmethod
    def central_only(cls, central: Mapping[str, float] | None = None) -> Params:
        """One draw at the central values (of the table, or the ``central`` given)."""
        values = dict(parameters.central_values() if central is None else central)
        drawn = {name: np.array([value]) for name, value in values.items()}
        return cls(MappingProxyType(drawn), MappingProxyType(values))

    @property
    def samples(self) -> int:
        """The number of draws ``n``."""
        return len(next(iter(self.drawn.values())))

    def rows(self, keep: NDArray[np.bool_] | NDArray[np.intp]) -> Params:
        """The draws selected by ``keep`` (a mask or indices), with the same central values."""
        drawn = {name: values[keep] for name, values in self.drawn.items()}
        return Params(MappingProxyType(drawn), self.central)
