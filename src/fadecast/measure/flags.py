"""The quality flags a measurement raises: what each means.

A flag says what about a photo biases or limits what it can tell; the figures carry the
flags (:mod:`fadecast.measure.figures`), the text and JSON shells show them.

Examples
--------
>>> FLAGS["no_scale"]
'no scale: sizes and densities are per pixel'
"""

from __future__ import annotations

__all__ = ["FLAGS"]

#: Quality flags and what each means.
FLAGS = {
    "too_dark": "the skin is too dark in the photo to measure colour (underexposed)",
    "overexposed": "more than 1 % of the area is clipped white",
    "out_of_focus": ("the reference card's edge is blurred enough to widen the dots by over 5 %"),
    "too_few_dots": (
        "fewer than 20 dots found, or too few for the area they are spread over (their "
        "median spacing is more than 6 diameters): not an SMP pattern"
    ),
    "no_scale": "no scale: sizes and densities are per pixel",
    "no_white_reference": "no white reference: colour is uncalibrated",
    "white_reference_clipped": (
        "the white card is overexposed in a channel: colour is uncalibrated"
    ),
    "no_bare_skin": (
        "no untreated skin in view: contrast is against the lightest skin between the "
        "dots, which understates it where their edges overlap"
    ),
    "greyscale": (
        "the photo has no colour (greyscale): ΔE00 counts lightness only and the skin's "
        "and the dots' hue are unknown"
    ),
}
