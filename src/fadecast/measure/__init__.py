"""Measuring SMP from a scalp photo: dots, their size and contrast against the skin.

- :mod:`~fadecast.measure.photo` reads a photo safely and decodes sRGB to linear light;
- :mod:`~fadecast.measure.scale` reads the scale from a printed ArUco marker;
- :mod:`~fadecast.measure.reference` finds a white card: white balance and blur;
- :mod:`~fadecast.measure.dots` finds the dots and measures each (the detection's
  orchestrator), through its stages:

  - :mod:`~fadecast.measure.scale_selection`: the dots' width (Lindeberg 1998);
  - :mod:`~fadecast.measure.skin_level`: the bare-skin level and each pixel's darkness;
  - :mod:`~fadecast.measure.hairs`: the stubble's mask and inpainting (DullRazor);
  - :mod:`~fadecast.measure.candidates`: LoG peaks, round, one per dot;
  - :mod:`~fadecast.measure.significance`: standing out of the skin's noise;
  - :mod:`~fadecast.measure.dot_measures`: each dot's depth, diameter, edge, colours;
  - :mod:`~fadecast.measure.pruning`: which detections are dots;

  built on :mod:`~fadecast.measure.imaging` (reductions, grey filters, resampling,
  distances) and :mod:`~fadecast.measure.blobs` (the scale-normalised LoG, its noise and
  its peaks), with every tunable from ``data/measure.toml``
  (:mod:`~fadecast.measure.tunables`);
- :mod:`~fadecast.measure.figures` turns them into figures and quality flags;
- :mod:`~fadecast.measure.measurement` runs it all on one photo (the orchestrator);
- :mod:`~fadecast.measure.overlay` draws what was found;
- :mod:`~fadecast.measure.table` writes every dot as CSV;
- :mod:`~fadecast.measure.accuracy` scores a measurement against a render's truth.
"""
