"""A photo's pixels as linear light: decoding sRGB and reading files safely.

:func:`read_photo` is the one place that touches a file; everything after it works on
arrays.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from fadecast.errors import InputError

__all__ = ["MAX_PHOTO_PIXELS", "linear_from_srgb8", "luminance", "read_photo"]

#: Largest photo accepted (a 50-megapixel camera); larger files are refused before they
#: are decoded, which also stops decompression bombs.
MAX_PHOTO_PIXELS = 50_000_000

#: Rec. 709 / sRGB primaries, D65: luminance Y from linear R, G, B (IEC 61966-2-1).
Y_WEIGHTS = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


def _decode_table() -> NDArray[np.float32]:
    v = np.arange(256, dtype=np.float64) / 255.0
    linear = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return linear.astype(np.float32)


_DECODE = _decode_table()


def linear_from_srgb8(srgb: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Linear-light RGB in [0, 1] from 8-bit sRGB (IEC 61966-2-1 decoding). [1]"""
    return np.asarray(_DECODE[srgb], dtype=np.float32)


def luminance(linear_rgb: NDArray[np.float32]) -> NDArray[np.float32]:
    """Relative luminance Y of linear sRGB, shape ``(H, W)``. [1]"""
    return np.asarray(linear_rgb @ Y_WEIGHTS, dtype=np.float32)


def read_photo(path: Path | str, *, field: str = "photo") -> NDArray[np.uint8]:
    """Read a JPEG, PNG or other common photo as 8-bit sRGB, shape ``(H, W, 3)``.

    The camera's orientation tag is applied. An embedded colour profile other than
    sRGB is not converted (phone cameras write sRGB or Display P3, which differ little
    for skin tones).

    Raises
    ------
    InputError
        Naming ``field``: not a file, not an image, truncated, or larger than
        :data:`MAX_PHOTO_PIXELS`.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    p = Path(path)
    if not p.is_file():
        raise InputError(field, f"no such file: {p}")
    data = p.read_bytes()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PHOTO_PIXELS:
                    raise InputError(
                        field,
                        f"{width} x {height} pixels is more than the "
                        f"{MAX_PHOTO_PIXELS // 1_000_000} megapixels allowed; scale it down",
                    )
                image.load()
                upright = ImageOps.exif_transpose(image)
                rgb = upright.convert("RGB")
                return np.asarray(rgb, dtype=np.uint8).copy()
    except InputError:
        raise
    except UnidentifiedImageError:
        raise InputError(
            field, f"{p.name} is not an image Pillow can read (JPEG, PNG, ...)"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(
            field, f"{p.name} declares too many pixels (a decompression bomb?); refused"
        ) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise InputError(
            field, f"{p.name} cannot be decoded ({error}); truncated or damaged?"
        ) from None
