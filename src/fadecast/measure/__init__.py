"""Measuring SMP from a scalp photo: dots, their size and contrast against the skin.

- :mod:`~fadecast.measure.photo` reads a photo safely and decodes sRGB to linear light;
- :mod:`~fadecast.measure.scale` reads the scale from a printed ArUco marker;
- :mod:`~fadecast.measure.reference` finds a white card: white balance and blur;
- :mod:`~fadecast.measure.dots` finds the dots and measures each;
- :mod:`~fadecast.measure.figures` turns them into figures and quality flags;
- :mod:`~fadecast.measure.measurement` runs it all on one photo (the orchestrator);
- :mod:`~fadecast.measure.overlay` draws what was found;
- :mod:`~fadecast.measure.accuracy` scores a measurement against a render's truth.
"""
