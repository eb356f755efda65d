"""The printable photo card: its marker gives the scale, its patches lie where the layout says."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fadecast.measure.scale import find_marker
from fadecast.report import card


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(card.card_png())).convert("RGB"))


def test_the_png_gives_the_scale_it_was_printed_at(page: np.ndarray) -> None:
    layout = card.card_layout()
    marker = find_marker(page, layout.marker_mm)
    assert marker.marker_id == layout.marker_id
    assert marker.mm_per_px == pytest.approx(25.4 / layout.png_dpi, rel=0.01)


def test_the_patches_lie_where_the_layout_puts_them_beside_the_marker(page: np.ndarray) -> None:
    layout = card.card_layout()
    marker = find_marker(page, layout.marker_mm)
    corner = marker.corners.min(axis=0)  # top-left (x, y) [px]
    px_per_mm = 1.0 / marker.mm_per_px

    def patch(box: tuple[float, float, float, float]) -> np.ndarray:
        x, y, w, h = box
        x0, y0 = corner + (np.array([x, y]) + 0.2 * np.array([w, h])) * px_per_mm
        x1, y1 = corner + (np.array([x, y]) + 0.8 * np.array([w, h])) * px_per_mm
        return page[int(y0) : int(y1), int(x0) : int(x1)].reshape(-1, 3)

    assert patch(layout.white_patch_mm).min() == 255
    grey = patch(layout.grey_patch_mm)
    assert np.all(np.abs(grey.astype(int) - layout.grey_srgb) <= 1)


def test_the_ruler_is_80_mm_long_at_the_printed_scale(page: np.ndarray) -> None:
    layout = card.card_layout()
    marker = find_marker(page, layout.marker_mm)
    corner = marker.corners.min(axis=0)
    rx, ry, length = layout.ruler_mm
    px_per_mm = layout.png_dpi / 25.4
    row = round(corner[1] + (ry + 0.2) * px_per_mm)  # just below the line, across the ticks
    left = round(corner[0] + (rx - 2.0) * px_per_mm)
    right = round(corner[0] + (rx + length + 2.0) * px_per_mm)
    dark = np.flatnonzero(page[row, left:right, 0] < 128)
    span_mm = (dark.max() - dark.min()) / px_per_mm
    assert span_mm == pytest.approx(length, abs=0.3)


def test_the_pdf_is_one_a4_page_at_actual_size() -> None:
    pdf = card.card_pdf()
    assert pdf.startswith(b"%PDF-")
    (box,) = re.findall(rb"/MediaBox \[ ([^\]]*) \]", pdf)
    width_pt, height_pt = (float(v) for v in box.split()[2:])
    assert (width_pt, height_pt) == pytest.approx((210 * 72 / 25.4, 297 * 72 / 25.4))
    assert card.card_pdf() == pdf  # the same bytes every time


def test_the_instructions_say_how_to_print_hold_and_measure() -> None:
    text = " ".join(card.INSTRUCTIONS)
    for words in ("100 %", "ruler", "flat beside the treated area", "untreated skin", "HDR"):
        assert words in text
    assert "--marker-mm {marker_mm:g}" in card.INSTRUCTIONS[-1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fadecast", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("name", ["card.pdf", "card.PNG"])
def test_the_command_writes_the_card(tmp_path: Path, name: str) -> None:
    out = tmp_path / "print" / name
    proc = run("card", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:4] in (b"%PDF", b"\x89PNG")
    assert str(out) in proc.stdout and "100 %" in proc.stdout


def test_a_card_of_another_kind_is_refused_in_one_line(tmp_path: Path) -> None:
    proc = run("card", "--out", str(tmp_path / "card.svg"))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "--out" in proc.stderr and ".pdf" in proc.stderr and ".png" in proc.stderr
    assert not any(tmp_path.iterdir())
