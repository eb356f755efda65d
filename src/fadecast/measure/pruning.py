"""Which measured detections are dots: not noise, not a hair, not a compression block.

Once each candidate is measured (:mod:`~fadecast.measure.dot_measures`), its depth and
edge tell the rest apart: a dot is at least :data:`RELATIVE_DEPTH` of the typical dot's
depth and :data:`MIN_DEPTH` dark (fainter is noise or a compression block), at most
:data:`MAX_RELATIVE_DEPTH` of it (darker is a hair); a faint one (under
:data:`FAINT_SHARE` of the typical depth) is noise on bare skin when it has no neighbour
within :data:`ALONE_SPACINGS` spacings (dots come in a pattern), and a JPEG block when
its edge is under :data:`BLOCK_EDGE_SHARE` of the typical edge (no dot has so hard an
edge). :func:`real_dots` applies these rules.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fadecast.measure.imaging import nearest_distance
from fadecast.measure.tunables import TUNABLES

__all__ = [
    "ALONE_SPACINGS",
    "BLOCK_EDGE_SHARE",
    "FAINT_SHARE",
    "MAX_RELATIVE_DEPTH",
    "MIN_DEPTH",
    "RELATIVE_DEPTH",
    "real_dots",
]

Array = NDArray[np.float64]

#: A dot is at least this share of the median dot's depth (darkness at its centre). [1]
RELATIVE_DEPTH = TUNABLES.relative_depth
#: At most this many times the median dot's depth: darker is a hair. [1]
MAX_RELATIVE_DEPTH = TUNABLES.max_relative_depth
#: ... and at least this dark against the skin. [1]
MIN_DEPTH = TUNABLES.min_depth
#: A faint detection (under this share of the median depth) with no neighbour within
#: :data:`ALONE_SPACINGS` dot spacings is noise on bare skin: dots come in a pattern. [1]
FAINT_SHARE = TUNABLES.faint_share
ALONE_SPACINGS = TUNABLES.alone_spacings
#: A faint detection whose edge is under this share of the median edge is a JPEG block.
BLOCK_EDGE_SHARE = TUNABLES.block_edge_share


def real_dots(rows: Array, cols: Array, depth: Array, edge: Array) -> NDArray[np.bool_]:
    """Which detections are dots, from their measurements.

    First by depth, against the median of the finite depths: at least
    :data:`RELATIVE_DEPTH` of it and :data:`MIN_DEPTH`, at most
    :data:`MAX_RELATIVE_DEPTH` of it. Then, among those left and against their own
    medians, the faint ones (under :data:`FAINT_SHARE` of the median depth) are
    dropped when they are alone (no other detection within :data:`ALONE_SPACINGS`
    median nearest-neighbour distances; only with three detections or more) or when
    their edge is under :data:`BLOCK_EDGE_SHARE` of the median of the edges read.

    Parameters
    ----------
    rows, cols
        The detections' centres. [px]
    depth
        Their depth, ``1 - Y / Y_skin`` at the centre (NaN where unread). [1]
    edge
        Their edge width (NaN where unread: such a detection is never taken for a
        block). [px]

    Returns
    -------
    NDArray[np.bool_]
        One flag per detection: set for the dots.

    Examples
    --------
    A row of dots 10 px apart, one of them far darker (a hair) and one far shallower
    (noise), and a faint detection far from the rest:

    >>> rows = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 50.0])
    >>> cols = np.array([0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 100.0])
    >>> depth = np.array([0.3, 0.3, 0.3, 0.9, 0.05, 0.3, 0.15])
    >>> edge = np.full(7, 2.0)
    >>> real_dots(rows, cols, depth, edge).tolist()
    [True, True, True, False, False, True, False]
    """
    finite = np.isfinite(depth)
    if finite.any():
        typical = float(np.median(depth[finite]))
        keep = finite & (depth >= max(MIN_DEPTH, RELATIVE_DEPTH * typical))
        # A hair (or one lying across a dot): far darker than the typical dot and drawn
        # out along a line.
        keep &= depth <= MAX_RELATIVE_DEPTH * typical
    else:
        keep = np.zeros(len(depth), dtype=bool)
    index = np.flatnonzero(keep)
    if len(index):
        kept_depth, kept_edge = depth[index], edge[index]
        faint = kept_depth < FAINT_SHARE * float(np.median(kept_depth))
        # Compression blocks: faint, with a hard edge no dot has.
        read_edge = kept_edge[np.isfinite(kept_edge)]
        typical_edge = float(np.median(read_edge)) if len(read_edge) else np.nan
        blocky = faint & (kept_edge < BLOCK_EDGE_SHARE * typical_edge)
        alone = _faint_and_alone(rows[index], cols[index], kept_depth)
        keep[index[alone | blocky]] = False
    return np.asarray(keep, dtype=bool)


def _faint_and_alone(rows: Array, cols: Array, depth: Array) -> NDArray[np.bool_]:
    """Detections that are both faint and far from every other detection."""
    if len(rows) < 3:
        return np.zeros(len(rows), dtype=bool)
    nearest = nearest_distance(np.c_[rows, cols])
    spacing = float(np.median(nearest))
    faint = depth < FAINT_SHARE * float(np.median(depth))
    return np.asarray(faint & (nearest > ALONE_SPACINGS * spacing), dtype=bool)
