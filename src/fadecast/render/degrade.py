"""A render made to look like a photo: a card, uneven coloured light, the camera's angle,
blur, noise, JPEG.

For testing measurement against known truth: each step is one thing a real photo does
to the scene, applied in linear light in the order a camera meets them (the scene with
its card, the light, the camera's pose, the lens, the sensor, the encoder). Pure: arrays
in, arrays out; randomness only through ``rng``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from fadecast.render.raster import encode_srgb8

__all__ = ["PhotoConditions", "photograph", "posed"]


@dataclass(frozen=True)
class PhotoConditions:
    """How a render is photographed.

    Attributes
    ----------
    card_px
        ``(x, y, side)`` of a square white card laid on the scene, or None. [px]
    card_reflectance
        The card's reflectance. [1]
    light_rgb
        Colour of the light, per linear channel (1, 1, 1 is the render's white). [1]
    gradient
        Light falling off linearly across the picture, ``±gradient`` at the left and
        right edges (0.2 for ± 20 %). [1]
    rotation_deg
        The camera turned about its axis: the scene is seen rotated by this angle about
        the picture's centre (positive anticlockwise as seen). [degree]
    tilt
        The camera not quite square to the skin: the perspective of a plane tilted
        about the picture's horizontal midline, lengths across seen ``1 + tilt`` times
        as large at the top edge and ``1 - tilt`` times at the bottom edge as at the
        midline (0.03 is a phone about 10° off square at 10 cm from a 3 cm patch);
        within ``(-1, 1)``. [1]
    blur_px
        Gaussian sd of defocus. [px]
    noise
        Sd of sensor noise at full white, in linear light; it scales with the square
        root of the light (photon shot noise, which dominates in daylight). [1]
    jpeg_quality
        JPEG quality (1-95), or None to keep the pixels as they are.
    """

    card_px: tuple[int, int, int] | None = None
    card_reflectance: float = 0.90
    light_rgb: tuple[float, float, float] = (1.0, 1.0, 1.0)
    gradient: float = 0.0
    rotation_deg: float = 0.0
    tilt: float = 0.0
    blur_px: float = 0.0
    noise: float = 0.0
    jpeg_quality: int | None = None


def photograph(
    linear_rgb: NDArray[np.floating], conditions: PhotoConditions, *, rng: np.random.Generator
) -> NDArray[np.uint8]:
    """The 8-bit sRGB photo of a scene in linear light, shape ``(H, W, 3)``.

    Parameters
    ----------
    linear_rgb
        The scene in linear-light sRGB (white 1), shape ``(H, W, 3)``. [1]
    conditions
        How it is photographed.
    rng
        Random generator of the sensor noise.

    Returns
    -------
    ndarray
        The photo, 8-bit sRGB ``(H, W, 3)``.

    Examples
    --------
    A grey scene with a white card, under warm light (less blue):

    >>> scene = np.full((40, 40, 3), 0.2)
    >>> warm = PhotoConditions(card_px=(5, 5, 10), light_rgb=(1.0, 1.0, 0.8))
    >>> photo = photograph(scene, warm, rng=np.random.default_rng(0))
    >>> photo.shape, photo[10, 10].tolist(), photo[30, 30].tolist()  # card, then scene
    ((40, 40, 3), [243, 243, 221], [124, 124, 111])
    """
    scene = np.array(linear_rgb, dtype=np.float64)
    w = scene.shape[1]
    if conditions.card_px is not None:
        x, y, side = conditions.card_px
        scene[y : y + side, x : x + side] = conditions.card_reflectance
    across = np.linspace(-1.0, 1.0, w)[None, :, None]
    light = (1.0 + conditions.gradient * across) * np.asarray(conditions.light_rgb)[None, None]
    seen = scene * light
    if conditions.rotation_deg != 0.0 or conditions.tilt != 0.0:
        seen = posed(seen, rotation_deg=conditions.rotation_deg, tilt=conditions.tilt)
    if conditions.blur_px > 0.0:
        seen = ndimage.gaussian_filter(seen, (conditions.blur_px, conditions.blur_px, 0.0))
    if conditions.noise > 0.0:
        shot = conditions.noise * np.sqrt(np.clip(seen, 0.0, None))
        seen = seen + shot * rng.standard_normal(seen.shape)
    srgb = encode_srgb8(np.clip(seen, 0.0, 1.0).astype(np.float32))
    if conditions.jpeg_quality is not None:
        from PIL import Image

        buffer = io.BytesIO()
        Image.fromarray(srgb).save(buffer, format="JPEG", quality=conditions.jpeg_quality)
        buffer.seek(0)
        with Image.open(buffer) as decoded:
            srgb = np.asarray(decoded.convert("RGB"), dtype=np.uint8)
    return srgb


def posed(
    linear_rgb: NDArray[np.floating], *, rotation_deg: float = 0.0, tilt: float = 0.0
) -> NDArray[np.float64]:
    """A scene as a camera at an angle sees it: rotated, then in perspective.

    Each pixel of the picture is looked up in the scene (cubic spline interpolation)
    through the inverse of the camera's projection, in coordinates centred on the
    picture and scaled by its half height: the perspective of a tilted plane,
    ``(u, v) = (x, y) / (1 + tilt·y)``, after a rotation by ``rotation_deg``. What falls
    outside the scene is the scene mirrored at its edge; the scale at the picture's
    centre is kept.

    Parameters
    ----------
    linear_rgb
        The scene in linear light, shape ``(H, W, 3)``. [1]
    rotation_deg
        Rotation as seen, anticlockwise. [degree]
    tilt
        Perspective: lengths across are seen ``1 - tilt·v`` times as large as at the
        midline on the picture's row ``v`` (-1 at the top edge, 1 at the bottom);
        within ``(-1, 1)``. [1]

    Returns
    -------
    NDArray[np.float64]
        The picture, the shape of the scene. [1]

    Examples
    --------
    A bright square right of the centre turned a quarter turn anticlockwise is above
    it; no turn and no tilt leave the scene as it is:

    >>> scene = np.zeros((21, 21, 3))
    >>> scene[9:12, 15:18] = 1.0
    >>> turned = posed(scene, rotation_deg=90.0)
    >>> [round(float(i), 2) for i in ndimage.center_of_mass(turned[..., 0])]
    [4.0, 10.0]
    >>> bool(np.allclose(posed(scene), scene))
    True

    Tilted, the top of the picture is seen larger (a bar across it is wider there):

    >>> bars = np.zeros((41, 41, 3))
    >>> bars[:, 15:26] = 1.0
    >>> seen = posed(bars, tilt=0.2)
    >>> [int((seen[row, :, 0] > 0.5).sum()) for row in (0, 20, 40)]  # 11 × 1.2, 1, 0.8
    [13, 11, 9]
    """
    scene = np.asarray(linear_rgb, dtype=np.float64)
    if not -1.0 < tilt < 1.0:
        raise ValueError(f"tilt must lie within (-1, 1), got {tilt}")
    h, w = scene.shape[:2]
    half = max((h - 1) / 2.0, 0.5)
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float64)
    u = (cols - (w - 1) / 2.0) / half
    v = (rows - half) / half
    # The inverse of the perspective: a plane point (x, y) is seen at (x, y) / (1 + k·y).
    depth = 1.0 - tilt * v
    x, y = u / depth, v / depth
    # The inverse of the rotation (anticlockwise as seen: rows point down).
    angle = np.deg2rad(rotation_deg)
    cos, sin = np.cos(angle), np.sin(angle)
    x_scene = cos * x - sin * y
    y_scene = sin * x + cos * y
    coords = [y_scene * half + (h - 1) / 2.0, x_scene * half + (w - 1) / 2.0]
    out = np.empty_like(scene)
    for channel in range(scene.shape[2]):
        out[..., channel] = ndimage.map_coordinates(
            scene[..., channel], coords, order=3, mode="mirror"
        )
    return out
