"""The pattern an SMP artist lays down, and the pigment density it leaves over the skin.

Artists place dots by hand at a roughly even spacing, never on a grid: a Poisson-disk
pattern (no two dots closer than a minimum distance, otherwise random; Bridson 2007)
reproduces that, and each dot has its own width and load (needle angle, pressure, the
skin under it), spread lognormally. The render draws such patterns
(:mod:`fadecast.render.layout`); the forecast needs only the *distribution* of pigment
density over one, which sets the mean tone seen at social distance
(:mod:`fadecast.skin.appearance`).

Where a regular lattice tiles the skin evenly, a hand-placed pattern leaves dots that
crowd and gaps that open: with packed ink, which darkens no further once its packets
cover the skin, crowded dots waste pigment and open gaps show skin, so the pattern's mean
tone is lighter than the lattice's for the same pigment. That is why the forecast reads
the pattern, not a lattice.

The distribution is tabulated once, by ``scripts/make_pattern_table.py``, in
``data/dot_pattern.csv``: for each dot width relative to the spacing, the relative
density at :data:`DENSITY_NODES` equal-probability quantiles over the skin, and at the
centre of the median dot. Lengths are in units of the nominal spacing; densities relative
to the peak of a nominal dot (width and load factors 1).

References
----------
Bridson R. Fast Poisson disk sampling in arbitrary dimensions. SIGGRAPH 2007 sketches,
article 22.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from fadecast import data

__all__ = [
    "DENSITY_NODES",
    "PATTERN_PARAMETERS",
    "TABLE_FILE",
    "DotPattern",
    "PatternTable",
    "dot_pattern",
    "pattern_table",
    "pattern_table_from_pattern",
    "poisson_disk_bridson2007",
    "relative_density",
    "table_parameters",
]

Array = NDArray[np.float64]

#: Packaged table of the pattern's density distribution.
TABLE_FILE = "dot_pattern.csv"
#: Equal-probability quantiles of density per width ratio in the table. [1]
DENSITY_NODES = 64
#: The parameters (``data/parameters.toml``) a pattern is drawn with, in the order the
#: table's header states them.
PATTERN_PARAMETERS = ("poisson_disk_fraction", "dot_size_variation", "dot_load_variation")


def poisson_disk_bridson2007(
    width_mm: float,
    height_mm: float,
    radius_mm: float,
    rng: np.random.Generator,
    *,
    attempts: int = 30,
) -> Array:
    """Poisson-disk sample of a rectangle: random points no closer than ``radius_mm``.

    Bridson's algorithm: grow from a random seed point; each active point proposes up to
    ``attempts`` candidates in the annulus ``[r, 2r]`` around it and keeps those far
    enough from every accepted point (checked on a background grid of cell ``r/√2``,
    which holds at most one point). It fills the rectangle to maximal density in time
    proportional to the number of points.

    Parameters
    ----------
    width_mm, height_mm
        The rectangle. [mm]
    radius_mm
        Minimum distance between points. [mm]
    rng
        Random generator.
    attempts
        Candidates per active point before it is retired.

    Returns
    -------
    ndarray
        Points ``(x, y)``, shape ``(N, 2)``, in the order they were accepted. [mm]

    Examples
    --------
    >>> points = poisson_disk_bridson2007(10.0, 10.0, 0.8, np.random.default_rng(0))
    >>> gaps = np.hypot(*(points[:, None] - points[None, :]).transpose(2, 0, 1))
    >>> np.fill_diagonal(gaps, np.inf)
    >>> bool(gaps.min() >= 0.8 and np.all((points >= 0.0) & (points < 10.0)))
    True
    """
    if width_mm <= 0 or height_mm <= 0 or radius_mm <= 0:
        raise ValueError("width_mm, height_mm and radius_mm must be positive")
    cell = radius_mm / math.sqrt(2.0)
    cols, rows = math.ceil(width_mm / cell), math.ceil(height_mm / cell)
    grid: list[int] = [-1] * (cols * rows)
    xs: list[float] = []
    ys: list[float] = []
    r2 = radius_mm * radius_mm

    def accept(x: float, y: float) -> None:
        grid[int(y / cell) * cols + int(x / cell)] = len(xs)
        xs.append(x)
        ys.append(y)
        active.append(len(xs) - 1)

    active: list[int] = []
    accept(float(rng.uniform(0, width_mm)), float(rng.uniform(0, height_mm)))
    # Candidates are drawn in blocks, which is much faster than one draw at a time.
    block = 4096
    u_angle, u_dist, used = rng.random(block), rng.random(block), 0
    while active:
        pick = int(rng.integers(len(active)))
        i = active[pick]
        found = False
        for _ in range(attempts):
            if used == block:
                u_angle, u_dist, used = rng.random(block), rng.random(block), 0
            angle = 2.0 * math.pi * u_angle[used]
            # Uniform over the annulus's area.
            dist = radius_mm * math.sqrt(1.0 + 3.0 * u_dist[used])
            used += 1
            x = xs[i] + dist * math.cos(angle)
            y = ys[i] + dist * math.sin(angle)
            if not (0.0 <= x < width_mm and 0.0 <= y < height_mm):
                continue
            gx, gy = int(x / cell), int(y / cell)
            ok = True
            for ny in range(max(gy - 2, 0), min(gy + 3, rows)):
                base = ny * cols
                for nx in range(max(gx - 2, 0), min(gx + 3, cols)):
                    j = grid[base + nx]
                    if j >= 0 and (xs[j] - x) ** 2 + (ys[j] - y) ** 2 < r2:
                        ok = False
                        break
                if not ok:
                    break
            if ok:
                accept(x, y)
                found = True
                break
        if not found:
            active[pick] = active[-1]
            active.pop()
    return np.column_stack([xs, ys]).astype(np.float64)


@dataclass(frozen=True)
class DotPattern:
    """One hand-placed pattern, in units of the nominal spacing.

    Attributes
    ----------
    side
        Side of the square patch. [spacings]
    centres
        Dot centres ``(x, y)``, shape ``(N, 2)``. [spacings]
    size_factor
        Each dot's width relative to the nominal dot, shape ``(N,)``. [1]
    load_factor
        Each dot's peak density relative to the nominal dot's, shape ``(N,)``. [1]
    """

    side: float
    centres: Array
    size_factor: Array
    load_factor: Array


def dot_pattern(
    side: float,
    *,
    disk_fraction: float,
    size_gsd: float,
    load_gsd: float,
    rng: np.random.Generator,
) -> DotPattern:
    """Draw a hand-placed pattern over a square patch.

    Parameters
    ----------
    side
        Side of the patch. [spacings]
    disk_fraction
        Poisson-disk radius as a fraction of the spacing (``poisson_disk_fraction``). [1]
    size_gsd, load_gsd
        Geometric standard deviations of each dot's width and of its peak density
        (``dot_size_variation``, ``dot_load_variation``). [1]
    rng
        Random generator.

    Returns
    -------
    DotPattern

    Examples
    --------
    At a disk radius of 0.8 spacings, Bridson sampling leaves about one dot per
    spacing², the density of a lattice:

    >>> pattern = dot_pattern(
    ...     30.0, disk_fraction=0.8, size_gsd=1.08, load_gsd=1.15, rng=np.random.default_rng(1)
    ... )
    >>> round(len(pattern.centres) / 30.0**2, 2)
    1.0
    """
    centres = poisson_disk_bridson2007(side, side, disk_fraction, rng)
    n = len(centres)
    size = np.exp(np.log(size_gsd) * rng.standard_normal(n))
    load = np.exp(np.log(load_gsd) * rng.standard_normal(n))
    return DotPattern(float(side), centres, size, load)


def relative_density(pattern: DotPattern, points: ArrayLike, width_ratio: float) -> Array:
    """Pigment density of a pattern of Gaussian dots at points.

    ``ρ(x) = Σ_i l_i exp(-|x - c_i|² / (2 (s_i w)²))`` for dots of width ``s_i w`` and
    peak ``l_i``, dots further than 5 widths left out (their share is below 4e-6).

    Parameters
    ----------
    pattern
        The dots.
    points
        Where to evaluate, shape ``(M, 2)``. [spacings]
    width_ratio
        The nominal dot's Gaussian width over the spacing, ``w``. [1]

    Returns
    -------
    ndarray
        Density relative to the nominal dot's peak, shape ``(M,)``. [1]

    Examples
    --------
    A lone nominal dot: its peak is 1, and e^-1/2 one width away.

    >>> one = DotPattern(4.0, np.array([[2.0, 2.0]]), np.ones(1), np.ones(1))
    >>> relative_density(one, [[2.0, 2.0], [2.3, 2.0]], 0.3).round(4).tolist()
    [1.0, 0.6065]
    """
    at = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    widths = pattern.size_factor * width_ratio
    reach = 5.0 * float(widths.max())
    pairs = cKDTree(at).sparse_distance_matrix(
        cKDTree(pattern.centres), reach, output_type="coo_matrix"
    )
    dot = pairs.col
    weight = pattern.load_factor[dot] * np.exp(-(pairs.data**2) / (2.0 * widths[dot] ** 2))
    return np.bincount(pairs.row, weights=weight, minlength=len(at)).astype(np.float64)


@dataclass(frozen=True)
class PatternTable:
    """The density distribution of the hand-placed pattern, by dot width.

    Attributes
    ----------
    width_ratio
        Nominal dot width (Gaussian sd) over the spacing, shape ``(W,)``. [1]
    density_nodes
        Relative density at equal-probability quantiles over the skin, ascending, shape
        ``(W, Q)``: the mean of any function of density over the pattern is the mean of
        the function over a row. [1]
    centre_density
        Relative density at the centre of the median dot, shape ``(W,)``. [1]
    """

    width_ratio: Array
    density_nodes: Array
    centre_density: Array


def pattern_table_from_pattern(
    pattern: DotPattern,
    width_ratio: ArrayLike,
    *,
    margin: float,
    points: int,
    rng: np.random.Generator,
    nodes: int = DENSITY_NODES,
) -> PatternTable:
    """Tabulate a pattern's density distribution, away from its edges.

    Parameters
    ----------
    pattern
        The dots.
    width_ratio
        Dot widths over the spacing to tabulate, shape ``(W,)``. [1]
    margin
        Band along the patch's edges left out (where dots are missing beyond the edge).
        [spacings]
    points
        Random points in the interior the distribution is sampled at.
    rng
        Random generator of the points.
    nodes
        Equal-probability quantiles kept per width: each is the mean density of its
        ``points / nodes`` points.

    Returns
    -------
    PatternTable

    Examples
    --------
    Over the skin, the mean density is the pigment the dots hold: ``2π w²`` per dot of
    unit factors, times the dots per spacing² and the mean of ``l s²``:

    >>> rng = np.random.default_rng(2)
    >>> pattern = dot_pattern(20.0, disk_fraction=0.8, size_gsd=1.0, load_gsd=1.0, rng=rng)
    >>> table = pattern_table_from_pattern(pattern, [0.3], margin=3.0, points=4096, rng=rng)
    >>> inside = np.all((pattern.centres > 3.0) & (pattern.centres < 17.0), axis=1)
    >>> expected = 2 * np.pi * 0.3**2 * inside.sum() / 14.0**2
    >>> bool(abs(table.density_nodes.mean() / expected - 1.0) < 0.03)
    True
    """
    widths = np.asarray(width_ratio, dtype=np.float64).reshape(-1)
    low, high = margin, pattern.side - margin
    where = rng.uniform(low, high, size=(points, 2))
    inner = np.all((pattern.centres > low) & (pattern.centres < high), axis=1)
    rows = []
    centres = []
    for w in widths:
        rho = np.sort(relative_density(pattern, where, float(w)))
        rows.append(rho[: points - points % nodes].reshape(nodes, -1).mean(axis=1))
        at_centres = relative_density(pattern, pattern.centres[inner], float(w))
        # The median dot of unit load: its neighbours' share plus its own peak of 1.
        centres.append(float(np.median(at_centres - pattern.load_factor[inner])) + 1.0)
    return PatternTable(widths, np.array(rows), np.array(centres))


@functools.cache
def pattern_table() -> PatternTable:
    """The packaged density distribution of the hand-placed pattern.

    Returns
    -------
    PatternTable
        From ``data/dot_pattern.csv`` (made by ``scripts/make_pattern_table.py``).

    Examples
    --------
    Narrow dots leave most of the skin bare; wide ones blend into a tone that varies by
    less than a quarter either side over four fifths of the skin:

    >>> table = pattern_table()
    >>> table.density_nodes.shape == (len(table.width_ratio), DENSITY_NODES)
    True
    >>> narrow, wide = table.density_nodes[0], table.density_nodes[-1]
    >>> float(narrow[DENSITY_NODES // 2]) < 0.01
    True
    >>> tenth, ninetieth = wide[DENSITY_NODES // 10], wide[-DENSITY_NODES // 10]
    >>> bool(0.75 < tenth / wide.mean() and ninetieth / wide.mean() < 1.25)
    True
    """
    raw = data.csv_array(TABLE_FILE)
    return PatternTable(
        width_ratio=np.ascontiguousarray(raw[:, 0]),
        centre_density=np.ascontiguousarray(raw[:, 1]),
        density_nodes=np.ascontiguousarray(raw[:, 2:]),
    )


def table_parameters() -> dict[str, float]:
    """The pattern parameters the packaged table was made with (its header line).

    Examples
    --------
    >>> sorted(table_parameters()) == sorted(PATTERN_PARAMETERS)
    True
    """
    for line in data.text(TABLE_FILE).splitlines():
        if line.startswith("# drawn with:"):
            pairs = line.removeprefix("# drawn with:").split(";")
            return {k.strip(): float(v) for k, v in (p.split("=") for p in pairs)}
    raise ValueError(f"{TABLE_FILE} has no '# drawn with:' line")
