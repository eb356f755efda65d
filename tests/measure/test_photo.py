"""Tests of reading photos and decoding sRGB."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from fadecast.errors import InputError
from fadecast.measure.photo import (
    MAX_PHOTO_PIXELS,
    block_mean,
    linear_from_srgb8,
    luminance,
    read_photo,
    whole_files_only,
)


def _png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def test_srgb_decoding_matches_the_standard() -> None:
    """IEC 61966-2-1: 0 -> 0, 255 -> 1, 10/255 on the linear segment, 128 -> 0.2158."""
    values = linear_from_srgb8(np.array([0, 10, 128, 255], dtype=np.uint8))
    np.testing.assert_allclose(values, [0.0, 10 / 255 / 12.92, 0.21586, 1.0], rtol=2e-4)


def test_luminance_of_white_is_one_and_of_primaries_their_weights() -> None:
    rgb = np.eye(3, dtype=np.float32)[None]
    np.testing.assert_allclose(luminance(rgb)[0], [0.2126, 0.7152, 0.0722], rtol=1e-6)
    assert luminance(np.ones((1, 1, 3), np.float32))[0, 0] == pytest.approx(1.0)


def test_a_png_is_read_as_rgb(tmp_path: Path) -> None:
    array = np.random.default_rng(0).integers(0, 256, (12, 20, 3), dtype=np.uint8)
    path = tmp_path / "p.png"
    path.write_bytes(_png(array))
    np.testing.assert_array_equal(read_photo(path), array)


def test_the_camera_orientation_is_applied(tmp_path: Path) -> None:
    array = np.zeros((10, 30, 3), dtype=np.uint8)
    array[:, :5] = 255  # white on the left
    image = Image.fromarray(array)
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    path = tmp_path / "rotated.jpg"
    image.save(path, format="JPEG", exif=exif, quality=95)
    upright = read_photo(path)
    assert upright.shape[:2] == (30, 10)
    assert upright[:5].mean() > 200  # the white band is now at the top


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not an image", "not an image"),
        (b"", "not an image"),
    ],
)
def test_what_is_not_an_image_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as error:
        read_photo(path)
    assert error.value.field == "photo"


def test_a_truncated_photo_is_refused(tmp_path: Path) -> None:
    array = np.random.default_rng(1).integers(0, 256, (200, 200, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", quality=90)
    path = tmp_path / "cut.jpg"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(InputError, match="truncated"):
        read_photo(path)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_a_truncated_photo_is_refused_whatever_another_library_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, image_format: str
) -> None:
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES when imported: a cut-off
    file must still be refused, not read as a photo padded with black."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    array = np.random.default_rng(2).integers(0, 256, (240, 240, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=image_format)
    path = tmp_path / "cut.img"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(InputError, match=r"cut\.img cannot be decoded"):
        read_photo(path)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back as it was


def test_pillows_switch_is_put_back_when_the_last_of_overlapping_decodes_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    first, second = whole_files_only(), whole_files_only()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False  # the second decode is still strict
    second.__exit__(None, None, None)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    """A PNG whose header declares 60,000 x 60,000 pixels, with almost no data."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0"))
    path = tmp_path / "bomb.png"
    path.write_bytes(data + chunk(b"IEND", b""))
    assert MAX_PHOTO_PIXELS < 60_000**2
    with pytest.raises(InputError, match="pixels"):
        read_photo(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_photo(tmp_path / "nothing.jpg")


def test_photo_colours_read_as_colour_science_reads_them() -> None:
    """8-bit sRGB to CIELAB and CIEDE2000 along the measurement's path (decoding, then
    the package's colorimetry) agree with colour-science's sRGB -> XYZ -> Lab, to within
    the small difference of the D65 white (the package's is the spectral weights' sum on
    its 400-700 nm grid, colour-science's the tabulated chromaticity)."""
    import colour as colour_science

    from fadecast.measure.figures import lab_of
    from fadecast.skin import colour

    rng = np.random.default_rng(5)
    codes = rng.integers(0, 256, (200, 3), dtype=np.uint8)
    ours = lab_of(linear_from_srgb8(codes).astype(np.float64))
    xyz = colour_science.sRGB_to_XYZ(codes / 255.0)
    reference = colour_science.XYZ_to_Lab(
        xyz, colour_science.CCS_ILLUMINANTS["CIE 1931 2 Degree Standard Observer"]["D65"]
    )
    np.testing.assert_allclose(ours, reference, atol=0.15)
    delta = colour.delta_e_ciede2000(ours[:100], ours[100:])
    reference_delta = colour_science.delta_E(reference[:100], reference[100:], method="CIE 2000")
    np.testing.assert_allclose(delta, reference_delta, atol=0.1)


@settings(max_examples=25, deadline=None)
@given(
    factor=st.integers(1, 5),
    rows=st.integers(5, 40),
    cols=st.integers(5, 40),
    seed=st.integers(0, 1000),
)
def test_block_mean_keeps_the_mean_of_whole_blocks(
    factor: int, rows: int, cols: int, seed: int
) -> None:
    image = np.random.default_rng(seed).random((rows, cols)).astype(np.float32)
    reduced = block_mean(image, factor)
    h, w = rows // factor, cols // factor
    assert reduced.shape == (h, w)
    if h and w:
        whole = image[: h * factor, : w * factor]
        assert float(reduced.mean()) == pytest.approx(float(whole.mean()), rel=1e-5)


@pytest.mark.parametrize("factor", [2, 3, 4, 8])
def test_block_mean_is_the_mean_of_each_block(factor: int) -> None:
    """Powers of two (halved in turn by OpenCV) and others (numpy) alike, with channels."""
    image = np.random.default_rng(factor).random((35, 43, 3)).astype(np.float32)
    h, w = 35 // factor, 43 // factor
    expected = image[: h * factor, : w * factor].reshape(h, factor, w, factor, 3).mean(axis=(1, 3))
    np.testing.assert_allclose(block_mean(image, factor), expected, rtol=1e-5)
