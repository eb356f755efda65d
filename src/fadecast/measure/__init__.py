"""Measuring SMP from a scalp photo: dots, their size and contrast against the skin.

- :mod:`fadecast.measure.photo` reads a photo safely and decodes sRGB to linear light;
- :mod:`fadecast.measure.dots` finds the dots and measures each.
"""
