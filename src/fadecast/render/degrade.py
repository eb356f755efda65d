"""A render made to look like a photo: a card, uneven coloured light, blur, noise, JPEG.

For testing measurement against known truth: each step is one thing a real photo does
to the scene, applied in linear light in the order a camera meets them (the scene with
its card, the light, the lens, the sensor, the encoder). Pure: arrays in, arrays out;
randomness only through ``rng``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from fadecast.render.raster import encode_srgb8

__all__ = ["PhotoConditions", "photograph"]


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
