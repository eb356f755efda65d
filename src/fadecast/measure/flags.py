"""The quality flags a measurement raises: what each means, and what to do about it.

A flag says what about a photo biases or limits what it can tell; the figures carry the
flags (:mod:`fadecast.measure.figures`, and the printed card's grey check in
:mod:`fadecast.measure.measurement`), the text and JSON shells show them. :data:`FLAGS`
says what each means, :data:`ADVICE` what the person holding the phone can do to take a
photo without it, in one line each.

Examples
--------
>>> FLAGS["no_scale"]
'no scale: sizes and densities are per pixel'
>>> ADVICE["no_bare_skin"]
'include some untreated skin in the photo, e.g. the forehead or behind an ear'
"""

from __future__ import annotations

__all__ = ["ADVICE", "FLAGS"]

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
    "card_grey_off": (
        "the printed card's grey patch does not read as printed against its white: the "
        "phone's processing is not linear (HDR, a filter, glare) or the print is off, so "
        "colour and contrast are biased"
    ),
}

#: What to do for a photo without each flag: one line a person holding a phone can
#: follow, in the order of :data:`FLAGS`.
ADVICE = {
    "too_dark": "add light: face a window or switch on a room light, without the flash",
    "overexposed": "move out of direct sun or turn off the flash: part of the photo is white",
    "out_of_focus": "tap the screen on the card to focus, and hold the phone still",
    "too_few_dots": "fill the photo with the treated area, close enough that single dots show",
    "no_scale": (
        "hold the printed card (fadecast card) flat beside the treated area; measure with "
        "--marker-mm"
    ),
    "no_white_reference": (
        "hold the printed card (fadecast card) flat beside the treated area, in the same light"
    ),
    "white_reference_clipped": (
        "keep direct sun and the flash off the card, or tap the card to expose for it"
    ),
    "no_bare_skin": "include some untreated skin in the photo, e.g. the forehead or behind an ear",
    "greyscale": "take the photo in colour: turn off black-and-white modes and filters",
    "card_grey_off": (
        "turn off HDR and filters, keep glare off the card; if it persists, reprint the card"
    ),
}
