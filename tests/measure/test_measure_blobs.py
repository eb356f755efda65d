"""Tests of the scale-normalised LoG and its peaks (:mod:`fadecast.measure.blobs`),
against their closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from fadecast.measure import blobs


def _blob(width: float, size: int = 121, rows: float = 0.0, cols: float = 0.0) -> np.ndarray:
    """A Gaussian blob of unit height and width ``width`` centred at pixel ``size // 2``
    (plus a sub-pixel shift)."""
    r, c = np.mgrid[0:size, 0:size] - size // 2
    blob = np.exp(-((r - rows) ** 2 + (c - cols) ** 2) / (2.0 * width**2))
    return np.asarray(blob, dtype=np.float32)


@pytest.mark.parametrize("width", [3.0, 5.0])
@pytest.mark.parametrize("ratio", [0.5, 0.8, 1.0, 1.25, 2.0])
def test_the_normalised_log_of_a_gaussian_blob_is_its_closed_form(
    width: float, ratio: float
) -> None:
    """At the centre of a blob of width s the response at scale σ is
    ``2 σ² s² / (σ² + s²)²`` (Lindeberg 1998): largest, 1/2, at σ = s."""
    sigma = ratio * width
    response = blobs.normalised_log(_blob(width), sigma)
    expected = 2.0 * sigma**2 * width**2 / (sigma**2 + width**2) ** 2
    assert float(response[60, 60]) == pytest.approx(expected, rel=0.01)
    assert response.dtype == np.float32


@pytest.mark.parametrize("sigma", [1.0, 2.0, 3.5, 6.0])
def test_the_log_gain_is_the_sd_of_filtered_white_noise(sigma: float) -> None:
    """The closed form ``1 / (σ √(2π))`` and a filtered sample of white noise agree."""
    gain = blobs.log_gain(sigma)
    if sigma >= 2.0:  # finer kernels are sampled too coarsely for the continuum
        assert gain == pytest.approx(1.0 / (sigma * math.sqrt(2.0 * math.pi)), rel=0.01)
    noise = np.random.default_rng(0).standard_normal((600, 600)).astype(np.float32)
    filtered = blobs.normalised_log(noise, sigma)[40:-40, 40:-40]
    assert float(filtered.std()) == pytest.approx(gain, rel=0.03)


@pytest.mark.parametrize("sd", [0.003, 0.02, 0.1])
def test_the_noise_sd_of_white_noise_is_its_sd_whatever_a_few_dots(sd: float) -> None:
    rng = np.random.default_rng(1)
    noise = rng.normal(0.0, sd, (400, 400)).astype(np.float32)
    assert blobs.noise_sd([noise]) == pytest.approx(sd, rel=0.03)
    with_dots = noise.copy()
    with_dots[::40, ::40] += 0.5  # sparse outliers: the median ignores them
    assert blobs.noise_sd([with_dots]) == pytest.approx(sd, rel=0.05)
    # Pieces of one picture pool to the same figure.
    pieces = [noise[:200], noise[200:]]
    assert blobs.noise_sd(pieces) == pytest.approx(sd, rel=0.03)


@settings(max_examples=40, deadline=None)
@given(radius=st.integers(1, 4), threshold=st.floats(0.0, 0.9), seed=st.integers(0, 1000))
def test_local_maxima_are_the_pixels_equal_to_their_neighbourhood_maximum(
    radius: int, threshold: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    response = rng.random((30, 40)).astype(np.float32)
    allowed = rng.random((30, 40)) < 0.7
    rows, cols = blobs.local_maxima(response, radius, threshold, allowed)
    size = 2 * radius + 1
    expected = (
        (response == ndimage.maximum_filter(response, size, mode="mirror"))
        & (response > threshold)
        & allowed
    )
    expected_rows, expected_cols = np.nonzero(expected)
    np.testing.assert_array_equal(rows, expected_rows)
    np.testing.assert_array_equal(cols, expected_cols)


@pytest.mark.parametrize("aspect", [1.0, 1.5, 2.0, 4.0])
def test_the_roundness_of_an_elongated_blob_is_its_squared_axis_ratio(aspect: float) -> None:
    """At the centre of ``exp(-x²/2a² - y²/2b²)`` the Hessian's eigenvalues are ``-1/a²``
    and ``-1/b²``: their ratio is ``(a/b)²``."""
    r, c = np.mgrid[0:81, 0:81] - 40.0
    a = 4.0
    blob = np.exp(-(r**2) / (2 * a**2) - c**2 / (2 * (aspect * a) ** 2)).astype(np.float32)
    centre = np.array([40])
    roundness = blobs.hessian_roundness(blob, centre, centre)
    assert float(roundness[0]) == pytest.approx(1.0 / aspect**2, rel=0.05)


def test_a_point_that_is_not_a_maximum_has_no_roundness() -> None:
    r, c = np.mgrid[0:21, 0:21] - 10.0
    pit = np.asarray(r**2 + c**2, dtype=np.float32)  # a minimum: both eigenvalues > 0
    saddle = np.asarray(r**2 - c**2, dtype=np.float32)
    centre = np.array([10])
    assert blobs.hessian_roundness(pit, centre, centre)[0] == 0.0
    assert blobs.hessian_roundness(saddle, centre, centre)[0] == 0.0


@settings(max_examples=60, deadline=None)
@given(dr=st.floats(-0.49, 0.49), dc=st.floats(-0.49, 0.49), curvature=st.floats(0.1, 3.0))
def test_the_subpixel_peak_of_a_paraboloid_is_exact(dr: float, dc: float, curvature: float) -> None:
    r, c = np.mgrid[0:9, 0:9].astype(np.float64)
    paraboloid = 10.0 - curvature * ((r - 4 - dr) ** 2 + 2.0 * (c - 4 - dc) ** 2)
    rows, cols = blobs.subpixel_peaks(paraboloid.astype(np.float32), np.array([4]), np.array([4]))
    assert float(rows[0]) == pytest.approx(4 + dr, abs=1e-4)
    assert float(cols[0]) == pytest.approx(4 + dc, abs=1e-4)


def test_a_flat_peak_and_an_edge_peak_stay_where_they_are() -> None:
    flat = np.ones((5, 5), dtype=np.float32)
    rows, cols = blobs.subpixel_peaks(flat, np.array([2, 0]), np.array([2, 4]))
    np.testing.assert_array_equal(rows, [2.0, 0.0])
    np.testing.assert_array_equal(cols, [2.0, 4.0])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 1000))
def test_max_around_is_the_brute_force_3_by_3_maximum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    image = rng.random((7, 9)).astype(np.float32)
    rows, cols = rng.integers(0, 7, 10), rng.integers(0, 9, 10)
    got = blobs.max_around(image, rows, cols)
    for k in range(10):
        window = image[max(rows[k] - 1, 0) : rows[k] + 2, max(cols[k] - 1, 0) : cols[k] + 2]
        assert got[k] == window.max()


def test_a_large_picture_s_noise_is_its_even_sample_s_band_by_band_or_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A picture larger than the sample is high-passed a band of rows at a time: the
    same values as the whole picture's 3 × 3 means at the even sample's pixels."""
    from fadecast.measure import imaging

    rng = np.random.default_rng(3)
    picture = rng.normal(0.0, 0.02, (301, 257)).astype(np.float32)
    picture[100:140, 60:90] += 0.3  # structure the high-pass mostly removes
    monkeypatch.setattr(blobs, "MAX_SAMPLE", 9_000)
    monkeypatch.setattr(imaging, "MAX_SAMPLE", 9_000)
    monkeypatch.setattr(imaging, "BAND_PX", 5_000)  # bands of 19 rows
    fine = imaging.even_sample(picture) - imaging.even_sample(imaging.box_mean(picture, 3))
    centre = np.median(fine)
    expected = 1.4826 * float(np.median(np.abs(fine - centre))) / math.sqrt(8.0 / 9.0)
    assert blobs.noise_sd([picture]) == expected
