"""Fuzzing photos: sizes, bit depths, modes, formats, noise and damage.

Every photo either gives a clean :class:`~fadecast.errors.InputError` naming ``photo``
(or the option at fault), or a measurement whose JSON is strict and whose figures are
finite and within their ranges.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import numpy as np
from fuzz_checks import check_input_error, numbers, strict_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from fadecast.errors import InputError
from fadecast.measure.measurement import measure_photo
from fadecast.measure.photo import read_photo
from fadecast.report.json import measurement_dict

SLOW = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

#: Modes Pillow writes, with the formats that take them.
FORMATS: dict[str, tuple[str, ...]] = {
    "1": ("PNG", "TIFF", "BMP"),
    "L": ("PNG", "JPEG", "TIFF", "BMP", "WEBP", "GIF"),
    "LA": ("PNG", "TIFF", "WEBP"),
    "P": ("PNG", "GIF", "TIFF", "BMP"),
    "RGB": ("PNG", "JPEG", "TIFF", "BMP", "WEBP"),
    "RGBA": ("PNG", "TIFF", "WEBP"),
    "CMYK": ("JPEG", "TIFF"),
    "I;16": ("PNG", "TIFF"),
    "I": ("TIFF",),
    "F": ("TIFF",),
}


def _pattern(kind: str, height: int, width: int, rng: np.random.Generator) -> np.ndarray[Any, Any]:
    """Linear-ish values in [0, 1], shape (H, W, 3)."""
    if kind == "constant":
        return np.full((height, width, 3), rng.random())
    if kind == "noise":
        return rng.random((height, width, 3))
    if kind == "gradient":
        ramp = np.linspace(0.0, 1.0, width)[None, :, None]
        return np.broadcast_to(ramp, (height, width, 3)).copy()
    # "dots": skin with dark round dots on a grid, like a scalp photo
    skin = np.array([0.80, 0.62, 0.52])
    image = np.broadcast_to(skin, (height, width, 3)).copy()
    spacing = max(4, int(rng.integers(5, 14)))
    radius = spacing * 0.22
    yy, xx = np.mgrid[0:height, 0:width]
    cy = (yy % spacing) - spacing / 2
    cx = (xx % spacing) - spacing / 2
    dot = (cy**2 + cx**2) <= radius**2
    image[dot] *= 0.3
    return image + rng.normal(0.0, 0.01, image.shape)


@st.composite
def photo_bytes(draw: st.DrawFn) -> bytes:
    mode = draw(st.sampled_from(sorted(FORMATS)))
    fmt = draw(st.sampled_from(FORMATS[mode]))
    side = st.one_of(st.integers(1, 40), st.integers(32, 200), st.integers(32, 200))
    height = draw(side)
    width = draw(side)
    kind = draw(st.sampled_from(["constant", "noise", "gradient", "dots", "dots"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = np.clip(_pattern(kind, height, width, rng), 0.0, 1.0)
    if mode in ("I;16", "I"):
        image = Image.fromarray(
            (values[..., 1] * 65535).astype(np.uint16 if mode == "I;16" else np.int32)
        )
    elif mode == "F":
        image = Image.fromarray(values[..., 1].astype(np.float32))
    else:
        image = Image.fromarray((values * 255).astype(np.uint8), "RGB").convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    data = buffer.getvalue()
    if draw(st.integers(0, 9)) == 0:  # damaged: cut short, or bytes flipped
        cut = draw(st.integers(0, max(0, len(data) - 1)))
        data = (
            data[:cut]
            if draw(st.booleans())
            else data[:cut] + bytes([data[cut] ^ 0xFF]) + data[cut + 1 :]
        )
    return data


def check_measurement(result: Any) -> None:
    data = measurement_dict(result)
    strict_json(data)
    for path, value in numbers(data):
        assert math.isfinite(value), f"{path} = {value}"
    figures = result.figures
    assert figures.dot_count >= 0
    for flag in data.get("flags", []):
        assert isinstance(flag, str) and flag.isidentifier()


@SLOW
@given(photo_bytes(), st.sampled_from([None, 0.05, 0.02]))
def test_fuzz_photos_are_refused_cleanly_or_measured(
    tmp_path_factory: Any, data: bytes, mm_per_px: float | None
) -> None:
    path = Path(tmp_path_factory.mktemp("photo")) / "photo.img"
    path.write_bytes(data)
    try:
        srgb = read_photo(path)
        result = measure_photo(srgb, mm_per_px=mm_per_px, white="auto")
    except InputError as error:
        check_input_error(error)
        return
    check_measurement(result)


options = st.fixed_dictionaries(
    {
        "mm_per_px": st.one_of(
            st.none(),
            st.floats(allow_nan=True, allow_infinity=True),
            st.sampled_from([1e-300, 0.0, -1.0, 1e300]),
        ),
        "marker_mm": st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
        "card_reflectance": st.one_of(
            st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.9, 0.18])
        ),
        "white": st.one_of(
            st.sampled_from(["auto", None]),
            st.tuples(
                st.integers(-50, 250),
                st.integers(-50, 250),
                st.integers(-5, 250),
                st.integers(-5, 250),
            ),
        ),
    }
)


@SLOW
@given(options)
def test_fuzz_measure_options_are_refused_cleanly_or_used(kw: dict[str, Any]) -> None:
    rng = np.random.default_rng(0)
    srgb = (np.clip(_pattern("dots", 120, 140, rng), 0, 1) * 255).astype(np.uint8)
    if kw["mm_per_px"] is not None and kw["marker_mm"] is not None:
        kw["marker_mm"] = None
    try:
        result = measure_photo(srgb, **kw)
    except InputError as error:
        check_input_error(error)
        return
    check_measurement(result)
