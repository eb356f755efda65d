"""The photo's scale: given, or read from a printed ArUco marker of known side.

A square ArUco marker (OpenCV's ``DICT_4X4_50`` dictionary, any id) printed at a known
side and laid on the scalp beside the treated area gives millimetres per pixel from its
four corners: the side is the mean of the four edges. The photo is taken square-on; a
marker seen at a slant (edges differing by more than 10 %) is refused, since the scale
would differ across the picture. A marker's border must read black
(:data:`MAX_BORDER_ERRORS`), so that the white quiet zone printed around it is not
taken for its border.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fadecast.errors import InputError

__all__ = ["MAX_BORDER_ERRORS", "MAX_EDGE_MISMATCH", "Marker", "bounding_box", "find_marker"]

#: Largest relative difference between a marker's edges (a slanted view). [1]
MAX_EDGE_MISMATCH = 0.10
#: Largest share of a marker's border cells that may read white. A printed border is
#: solid black; OpenCV's default (0.35) also takes for a marker the outline of the white
#: quiet zone printed around it, where the skin beside it is dark (dense dots). [1]
MAX_BORDER_ERRORS = 0.10


@dataclass(frozen=True)
class Marker:
    """A marker found in the photo.

    Attributes
    ----------
    corners
        Its four corners ``(x, y)``, shape ``(4, 2)``. [px]
    side_px
        Mean edge length. [px]
    mm_per_px
        The scale it gives. [mm/px]
    marker_id
        Its ArUco id.
    """

    corners: NDArray[np.float64]
    side_px: float
    mm_per_px: float
    marker_id: int

    @property
    def rect(self) -> tuple[int, int, int, int]:
        """Bounding box ``(x, y, width, height)``. [px]"""
        return bounding_box(self.corners)


def bounding_box(points_px: NDArray[np.float64]) -> tuple[int, int, int, int]:
    """Whole-pixel box ``(x, y, width, height)`` around points ``(x, y)``, ``(N, 2)``. [px]

    Examples
    --------
    >>> bounding_box(np.array([[1.2, 3.5], [4.0, 0.7]]))
    (1, 0, 3, 4)
    """
    low = np.floor(np.min(points_px, axis=0)).astype(int)
    high = np.ceil(np.max(points_px, axis=0)).astype(int)
    return int(low[0]), int(low[1]), int(high[0] - low[0]), int(high[1] - low[1])


def find_marker(srgb: NDArray[np.uint8], marker_mm: float, *, field: str = "marker_mm") -> Marker:
    """The ArUco marker in a photo and the scale it gives.

    Parameters
    ----------
    srgb
        The photo, shape ``(H, W, 3)``.
    marker_mm
        Printed side of the marker (outer edge of its black border). [mm]

    field
        The option named in an error.

    Raises
    ------
    InputError
        No marker in the photo, or one seen at too much of a slant.

    Examples
    --------
    A 20 mm marker 120 pixels wide:

    >>> import cv2
    >>> dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    >>> photo = np.full((300, 400, 3), 255, dtype=np.uint8)
    >>> photo[50:170, 200:320] = cv2.aruco.generateImageMarker(dictionary, 7, 120)[..., None]
    >>> marker = find_marker(photo, 20.0)
    >>> marker.marker_id, round(marker.side_px), round(marker.mm_per_px, 3), marker.rect
    (7, 120, 0.167, (200, 50, 120, 120))
    >>> find_marker(np.full((300, 400, 3), 255, dtype=np.uint8), 20.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fadecast.errors.InputError: marker_mm: no ArUco marker (DICT_4X4_50) found in the photo; ...
    """
    import cv2

    grey = cv2.cvtColor(np.ascontiguousarray(srgb), cv2.COLOR_RGB2GRAY)
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    parameters = cv2.aruco.DetectorParameters()
    parameters.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    parameters.maxErroneousBitsInBorderRate = MAX_BORDER_ERRORS
    detector = cv2.aruco.ArucoDetector(dictionary, parameters)
    corners, ids, _ = detector.detectMarkers(grey)
    if ids is None or len(ids) == 0:
        raise InputError(
            field,
            "no ArUco marker (DICT_4X4_50) found in the photo; give --mm-per-px instead",
        )
    # The largest marker if there are several.
    quads = [np.asarray(c, dtype=np.float64).reshape(4, 2) for c in corners]
    edges = [np.linalg.norm(q - np.roll(q, -1, axis=0), axis=1) for q in quads]
    best = int(np.argmax([e.mean() for e in edges]))
    quad, edge = quads[best], edges[best]
    # OpenCV puts pixel centres at whole numbers; the border's outer edge lies half a
    # pixel out, which the corner positions already include after sub-pixel refinement.
    mismatch = float((edge.max() - edge.min()) / edge.mean())
    if mismatch > MAX_EDGE_MISMATCH:
        raise InputError(
            field,
            f"the marker is seen at a slant (its edges differ by {mismatch:.0%}); "
            "photograph it square-on",
        )
    side = float(edge.mean())
    return Marker(
        corners=quad + 0.5,  # to the convention of pixel (i, j) covering [i, i+1)
        side_px=side,
        mm_per_px=marker_mm / side,
        marker_id=int(np.asarray(ids).reshape(-1)[best]),
    )
