"""Where the dots go: an SMP artist's layout of a scalp patch.

Artists place dots by hand at a roughly even spacing, never on a grid: a Poisson-disk
pattern (no two dots closer than a minimum distance, otherwise random) reproduces that.
Each dot gets its own size and load (needle angle, pressure, the skin under it), and an
optional hairline thins the dots out over a soft transition zone, as a feathered SMP
hairline does. The pattern and its statistics are the forecast's own
(:mod:`fadecast.skin.pattern`).

Coordinates are millimetres from the patch's top-left corner: ``x`` to the right,
``y`` down (rows of the picture).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fadecast.skin.pattern import poisson_disk_bridson2007

__all__ = ["DotLayout", "dot_layout"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class DotLayout:
    """The dots of a patch.

    Attributes
    ----------
    width_mm, height_mm
        Size of the patch. [mm]
    centres_mm
        Dot centres ``(x, y)``, shape ``(N, 2)``. [mm]
    size_factor
        Each dot's width relative to the model's nominal dot, shape ``(N,)``. [1]
    load_factor
        Each dot's pigment load relative to the nominal dot (hairline feathering
        included), shape ``(N,)``. [1]
    hairline_mm
        Distance of the hairline from the top edge, or None. [mm]
    """

    width_mm: float
    height_mm: float
    centres_mm: Array
    size_factor: Array
    load_factor: Array
    hairline_mm: float | None

    @property
    def count(self) -> int:
        """Number of dots."""
        return len(self.centres_mm)


def _lognormal(rng: np.random.Generator, gsd: float, n: int) -> Array:
    return np.asarray(np.exp(np.log(gsd) * rng.standard_normal(n)), dtype=np.float64)


def dot_layout(
    width_mm: float,
    height_mm: float,
    *,
    spacing_mm: float,
    rng: np.random.Generator,
    disk_fraction: float = 0.8,
    size_gsd: float = 1.08,
    load_gsd: float = 1.15,
    hairline_mm: float | None = None,
    transition_mm: float = 8.0,
) -> DotLayout:
    """Lay out the dots of a patch as an SMP artist would.

    Parameters
    ----------
    width_mm, height_mm
        Size of the patch. [mm]
    spacing_mm
        Nominal distance between neighbouring dots. [mm]
    rng
        Random generator (the layout is reproducible from its seed).
    disk_fraction
        Poisson-disk radius as a fraction of the spacing; at 0.8, Bridson sampling
        fills a patch with about one dot per spacing², the density of the model's
        square lattice. [1]
    size_gsd, load_gsd
        Geometric standard deviations of each dot's width and load. [1]
    hairline_mm
        Distance of a hairline from the top edge: no dots above it, and over
        ``transition_mm`` below it dots thin out (kept with probability rising linearly
        from 0 to 1) and lighten (load from 50 % to 100 %). None for no hairline. [mm]
    transition_mm
        Width of the feathered zone. [mm]

    Returns
    -------
    DotLayout

    Examples
    --------
    About one dot per spacing², none in front of a hairline:

    >>> rng = np.random.default_rng(0)
    >>> dots = dot_layout(20.0, 20.0, spacing_mm=1.0, rng=rng)
    >>> round(dots.count / (20.0 * 20.0), 1)
    1.0
    >>> lined = dot_layout(20.0, 20.0, spacing_mm=1.0, rng=rng, hairline_mm=5.0)
    >>> bool(lined.centres_mm[:, 1].min() >= 5.0 and lined.count < dots.count)
    True
    """
    centres = poisson_disk_bridson2007(width_mm, height_mm, disk_fraction * spacing_mm, rng)
    n = len(centres)
    size = _lognormal(rng, size_gsd, n)
    load = _lognormal(rng, load_gsd, n)
    if hairline_mm is not None:
        ramp = np.clip((centres[:, 1] - hairline_mm) / max(transition_mm, 1e-9), 0.0, 1.0)
        keep = rng.random(n) < ramp
        keep &= centres[:, 1] >= hairline_mm
        load = load * (0.5 + 0.5 * ramp)
        centres, size, load = centres[keep], size[keep], load[keep]
    return DotLayout(
        width_mm=float(width_mm),
        height_mm=float(height_mm),
        centres_mm=centres,
        size_factor=size,
        load_factor=load,
        hairline_mm=hairline_mm,
    )
