"""A client's measurements of their own SMP and the error each one carries.

A measurement is a dated social-distance contrast read from a photo (``fadecast measure``)
or stated in a profile's ``[[measurements]]``. Its error follows from how the photo was
taken: :func:`measurement_sd` gives the default, widened for each quality flag that biases
the reading. Personal calibration (:mod:`fadecast.forecasting.personal`) weighs the
forecast's draws by these errors.

Examples
--------
>>> round(measurement_sd(5.0), 3)
0.707
>>> round(measurement_sd(5.0, ["no_bare_skin"]), 3)
1.414
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ABSOLUTE_SD_DELTA_E00",
    "FLAG_SD_FACTOR",
    "LOWER_BOUND_FLAGS",
    "MIN_SD_DELTA_E00",
    "RELATIVE_SD",
    "SD_FLAGS",
    "Observation",
    "measurement_sd",
]

#: Error of a social-distance contrast measured from a calibrated photo (white card,
#: untreated skin in view), absolute part. Assumed from the render accuracy tests
#: (docs/measure.md), where per-dot median contrasts land within about ± 0.7 ΔE00 of
#: the truth; no clinical photo series exists to set it. [ΔE00]
ABSOLUTE_SD_DELTA_E00 = 0.5
#: ... and the part proportional to the contrast (lighting, exposure). [1]
RELATIVE_SD = 0.10
#: Quality flags that bias a measured contrast, each multiplying its error by
#: :data:`FLAG_SD_FACTOR`: no white card, no untreated skin in view (the contrast is
#: understated), an overexposed card, blur, a greyscale photo (no chroma in the
#: contrast), too few dots to be a pattern, a printed card whose grey does not read as
#: printed against its white (the photo's tone curve is bent, so lightness differences
#: are scaled wrong).
SD_FLAGS = frozenset(
    {
        "no_white_reference",
        "white_reference_clipped",
        "no_bare_skin",
        "out_of_focus",
        "greyscale",
        "too_few_dots",
        "card_grey_off",
    }
)
FLAG_SD_FACTOR = 2.0
#: Flags that make a measured contrast a lower bound: without untreated skin in view the
#: contrast is taken against the lightest skin between the dots, which is never lighter
#: than bare skin, so the truth is at least the measured value (within its error) and may
#: be well above it where dots have spread or sit deep (docs/measure.md). Personal
#: calibration then counts only the draws that fall below it against the forecast.
LOWER_BOUND_FLAGS = frozenset({"no_bare_skin"})
#: Smallest error a measurement may state. A bench spectrophotometer on a flat colour
#: tile repeats to a few hundredths of a ΔE unit; a photo of a dotted scalp, read through
#: a camera, a white card and a dot mask, cannot be ten times better than the ± 0.7 ΔE00
#: of the render accuracy tests (docs/measure.md). A stated error below this is a typo,
#: and would let one photo overrule every other figure. [ΔE00]
MIN_SD_DELTA_E00 = 0.1


@dataclass(frozen=True)
class Observation:
    """One measured contrast.

    Attributes
    ----------
    years
        Time after the first session. [yr]
    social_delta_e00
        The measured social-distance contrast. [ΔE00]
    sd_delta_e00
        Its error (standard deviation). [ΔE00]
    lower_bound
        Whether the measured value is only a lower bound of the contrast (a photo with
        a flag of :data:`LOWER_BOUND_FLAGS`).
    """

    years: float
    social_delta_e00: float
    sd_delta_e00: float
    lower_bound: bool = False


def measurement_sd(social_delta_e00: float, flags: Sequence[str] = ()) -> float:
    """Default error of a measured contrast, widened for each biasing flag. [ΔE00]"""
    sd = math.hypot(ABSOLUTE_SD_DELTA_E00, RELATIVE_SD * social_delta_e00)
    return sd * FLAG_SD_FACTOR ** sum(1 for f in set(flags) if f in SD_FLAGS)
