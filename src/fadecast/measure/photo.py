"""A photo's pixels as linear light: decoding sRGB and reading files safely.

:func:`read_photo` is the one place that touches a file; everything after it works on
arrays. :class:`LinearRGB` holds a photo as its 8-bit sRGB codes and decodes them to
linear light only where they are read (a block mean, a crop, a few pixels), so that a
50-megapixel photo never needs its 600 MB of linear RGB at once.

Photos of any mode Pillow reads are turned into 8-bit sRGB (see :func:`read_photo`),
the precision of a phone's JPEG: 16-bit and 32-bit integer samples are scaled from
their format's full range (:data:`FULL_SCALES`), floating-point samples from 0-1 (or
from 0 to their largest value).
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.errors import InputError

__all__ = [
    "MAX_PHOTO_PIXELS",
    "LinearRGB",
    "block_mean",
    "linear_from_srgb8",
    "luminance",
    "read_photo",
    "whole_files_only",
]

Float32 = NDArray[np.float32]

#: Largest photo accepted (a 50-megapixel camera); larger files are refused before they
#: are decoded, which also stops decompression bombs.
MAX_PHOTO_PIXELS = 50_000_000


class _StrictDecodes:
    """The decodes under way in :func:`whole_files_only`, and Pillow's switch as the
    first of them found it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.under_way = 0
        self.found = False


_STRICT = _StrictDecodes()


@contextmanager
def whole_files_only() -> Iterator[None]:
    """Make Pillow refuse a truncated file while a photo is decoded.

    Pillow's ``ImageFile.LOAD_TRUNCATED_IMAGES`` is one process-wide switch, and a
    library may turn it on when imported (WeasyPrint does), after which a cut-off
    download decodes as a photo padded with black. It is held off while any photo is
    being decoded (decodes still run side by side) and put back as it was when the last
    of them ends.

    Examples
    --------
    >>> from PIL import ImageFile
    >>> before = ImageFile.LOAD_TRUNCATED_IMAGES
    >>> ImageFile.LOAD_TRUNCATED_IMAGES = True  # as another library may leave it
    >>> with whole_files_only():
    ...     ImageFile.LOAD_TRUNCATED_IMAGES
    False
    >>> ImageFile.LOAD_TRUNCATED_IMAGES
    True
    >>> ImageFile.LOAD_TRUNCATED_IMAGES = before
    """
    from PIL import ImageFile

    with _STRICT.lock:
        if _STRICT.under_way == 0:
            _STRICT.found = ImageFile.LOAD_TRUNCATED_IMAGES
        _STRICT.under_way += 1
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        with _STRICT.lock:
            _STRICT.under_way -= 1
            if _STRICT.under_way == 0:
                ImageFile.LOAD_TRUNCATED_IMAGES = _STRICT.found


#: Rec. 709 / sRGB primaries, D65: luminance Y from linear R, G, B (IEC 61966-2-1).
Y_WEIGHTS = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)

#: Pixels decoded at once when a whole photo is read as linear light (bounds the memory
#: of the temporaries). [px]
CHUNK_PIXELS = 2_000_000

#: Largest value of a 16-bit sample (PNG, TIFF). [1]
FULL_SCALE_16 = 65535.0
#: Full scales of 8, 16 and 32-bit samples: a 32-bit integer photo (Pillow's mode
#: ``I``) is read on the smallest that holds its values. [1]
FULL_SCALES = (255.0, FULL_SCALE_16, 2.0**32 - 1.0)


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


def block_mean(image: NDArray[np.floating[Any]], factor: int) -> Float32:
    """Mean over ``factor`` × ``factor`` blocks (edges that do not fill a block are cut).

    Powers of two are halved in turn with OpenCV's area resampling, which is exactly
    the mean of each 2 × 2 block and an order of magnitude faster than numpy's.

    Parameters
    ----------
    image
        Shape ``(H, W)`` or ``(H, W, C)`` with C ≤ 4.
    factor
        Block side. [px]
    """
    image = np.asarray(image, dtype=np.float32)
    if factor == 1:
        return image
    h, w = image.shape[0] // factor, image.shape[1] // factor
    if factor & (factor - 1) == 0 and h > 0 and w > 0:
        import cv2

        out = np.ascontiguousarray(image[: h * factor, : w * factor])
        while factor > 1:
            out = cv2.resize(
                out, (out.shape[1] // 2, out.shape[0] // 2), interpolation=cv2.INTER_AREA
            )
            factor //= 2
        return np.asarray(out, dtype=np.float32).reshape(h, w, *image.shape[2:])
    cut = image[: h * factor, : w * factor]
    shape = (h, factor, w, factor, *cut.shape[2:])
    return np.asarray(cut.reshape(shape).mean(axis=(1, 3), dtype=np.float32))


@dataclass(frozen=True, eq=False)
class LinearRGB:
    """A photo's linear-light RGB, decoded from its 8-bit sRGB where it is read.

    Attributes
    ----------
    srgb
        The photo, shape ``(H, W, 3)``.
    gains
        Per-channel factors applied to the decoded linear RGB (a white balance). [1]
    """

    srgb: NDArray[np.uint8]
    gains: tuple[float, float, float] = (1.0, 1.0, 1.0)
    _blocks: dict[int, Float32] = field(default_factory=dict, repr=False)

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(H, W, 3)``. [px]"""
        h, w = self.srgb.shape[:2]
        return int(h), int(w), 3

    def _table(self, weights: NDArray[np.float32] | None = None) -> NDArray[np.float32]:
        """Decoding table of each channel, times its gain (and ``weights``), for
        ``cv2.LUT``: shape ``(1, 256, 3)``. [1]"""
        gains = np.asarray(self.gains, dtype=np.float32)
        if weights is not None:
            gains = gains * weights
        return np.ascontiguousarray((_DECODE[:, None] * gains[None, :])[None], dtype=np.float32)

    def _rows(self, multiple: int = 1) -> int:
        """Rows decoded at once: about :data:`CHUNK_PIXELS`, a multiple of ``multiple``."""
        rows = max(CHUNK_PIXELS // max(self.shape[1], 1), 1)
        return max(rows // multiple, 1) * multiple

    def luminance(self) -> Float32:
        """Relative luminance Y, shape ``(H, W)``, decoded a band of rows at a time. [1]"""
        import cv2

        table = self._table(Y_WEIGHTS)
        ones = np.ones((1, 3), dtype=np.float32)
        h, w = self.shape[:2]
        out = np.empty((h, w), dtype=np.float32)
        step = self._rows()
        for top in range(0, h, step):
            band = np.ascontiguousarray(self.srgb[top : top + step])
            # Weighted linear channels, summed (a 1 x 3 matrix on each pixel).
            out[top : top + len(band)] = cv2.transform(cv2.LUT(band, table), ones)
        return out

    def block_mean(self, factor: int) -> Float32:
        """Linear RGB averaged over ``factor`` × ``factor`` blocks, ``(H//f, W//f, 3)``;
        kept for the next call with the same factor. [1]"""
        if factor in self._blocks:
            return self._blocks[factor]
        h, w = self.shape[0] // factor, self.shape[1] // factor
        out = np.empty((h, w, 3), dtype=np.float32)
        step = self._rows(factor)
        for top in range(0, h * factor, step):
            band = self.crop(top, 0, min(step, h * factor - top), w * factor)
            out[top // factor : (top + len(band)) // factor] = block_mean(band, factor)
        if factor > 1:
            self._blocks[factor] = out
        return out

    def crop(self, top: int, left: int, height: int, width: int) -> Float32:
        """Linear RGB of a rectangle, shape ``(height, width, 3)``. [px] [1]"""
        codes = self.srgb[top : top + height, left : left + width]
        return self.take(codes)

    def take(self, codes: NDArray[np.uint8]) -> Float32:
        """Linear RGB of sRGB codes taken from this photo, shape ``(..., 3)``. [1]"""
        import cv2

        if codes.size == 0:
            return np.zeros(codes.shape, dtype=np.float32)
        flat = np.ascontiguousarray(codes).reshape(-1, 1, 3)
        return np.asarray(cv2.LUT(flat, self._table()), dtype=np.float32).reshape(codes.shape)

    def with_gains(self, gains: NDArray[np.floating[Any]]) -> LinearRGB:
        """The same photo with (further) per-channel gains. [1]"""
        g = tuple(float(a) * float(b) for a, b in zip(self.gains, gains, strict=True))
        return LinearRGB(self.srgb, (g[0], g[1], g[2]))


def _to_srgb8(image: Any) -> NDArray[np.uint8]:
    """An opened Pillow image as 8-bit sRGB, shape ``(H, W, 3)``.

    Samples of more than 8 bits are scaled from their full range: 16-bit integers
    (``I;16``) from 0-65535; 32-bit integers (``I``, which may hold 8 or 16-bit data)
    from the smallest of 0-255, 0-65535 and 0 to 2³² - 1 (unsigned) that holds them;
    floating point (``F``) from 0-1, or from 0 to their largest value when that
    exceeds 1 (an HDR export, or 8 or 16-bit values held as floats), with negative
    values at 0. Such
    samples are taken as sRGB-encoded grey, as in an ordinary photo file. Palette and
    alpha modes lose their transparency (the colour under it is kept); CMYK, YCbCr
    and the others are converted by Pillow.
    """
    mode = str(image.mode)
    if mode.startswith("I;16") or mode in ("I", "F"):
        values = np.asarray(image, dtype=np.float64)
        if values.size and not np.isfinite(values).all():
            raise InputError("photo", "has samples that are not finite numbers (NaN, inf)")
        if mode == "F":
            top = float(values.max()) if values.size else 0.0
            scale = max(top, 1.0)
        elif mode == "I":
            # 32-bit samples: Pillow holds unsigned ones as signed, wrapped below 0.
            values = np.where(values < 0.0, values + 2.0**32, values)
            top = float(values.max()) if values.size else 0.0
            scale = next(full for full in FULL_SCALES if top <= full)
        else:
            scale = FULL_SCALE_16
        grey = np.clip(np.rint(values * (255.0 / scale)), 0.0, 255.0).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2)
    if mode in ("P", "PA"):
        image = image.convert("RGBA")  # a palette's transparency is held as alpha
    if image.mode != "RGB":
        image = image.convert("RGB")
    return np.array(image, dtype=np.uint8)


def read_photo(path: Path | str, *, field: str = "photo") -> NDArray[np.uint8]:
    """Read a JPEG, PNG, TIFF or other common photo as 8-bit sRGB, shape ``(H, W, 3)``.

    The camera's orientation tag is applied; of an animated or multi-page file, the
    first frame is read. An embedded colour profile other than sRGB is not converted
    (phone cameras write sRGB or Display P3, which differ little for skin tones).
    Deeper samples are scaled into 8 bits from their full range (see the module's
    notes); a greyscale photo comes out with three equal channels.

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
    try:
        data = p.read_bytes()
    except OSError as error:
        raise InputError(field, f"{p.name} cannot be read ({error.strerror})") from None
    try:
        with warnings.catch_warnings():
            # Pillow warns about odd but readable files (corrupt EXIF, palette
            # transparency, ...): they are read as well as they can be, silently.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PHOTO_PIXELS:
                    raise InputError(
                        field,
                        f"{width} x {height} pixels is more than the "
                        f"{MAX_PHOTO_PIXELS // 1_000_000} megapixels allowed; scale it down",
                    )
                if width == 0 or height == 0:
                    raise InputError(field, f"{p.name} has no pixels")
                with whole_files_only():
                    image.load()
                upright = ImageOps.exif_transpose(image)
                return _to_srgb8(upright)
    except InputError:
        raise
    except UnidentifiedImageError:
        raise InputError(
            field,
            f"{p.name} is not an image Pillow can read (JPEG, PNG, TIFF, ...; "
            "a colour TIFF of floating-point samples is not)",
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(
            field, f"{p.name} declares too many pixels (a decompression bomb?); refused"
        ) from None
    except MemoryError:
        raise InputError(field, f"{p.name} is too large to decode here") from None
    except (OSError, SyntaxError, ValueError, TypeError, IndexError, KeyError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(
            field, f"{p.name} cannot be decoded ({reason}); truncated or damaged?"
        ) from None
