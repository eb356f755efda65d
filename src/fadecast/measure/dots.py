"""Dots found in a scalp photo: where they are, how large, how dark.

The detection's orchestrator (:func:`find_dots`). It works on linear luminance
(relative to the photo's white), so that darkness is a ratio of light and uneven
lighting divides out:

1. **Scale.** The dots' size in pixels is found from the image, by the scale at which
   the scale-normalised Laplacian of Gaussian responds most strongly at the dots
   (Lindeberg 1998), down to the finest width allowed whatever the photo's size
   (:mod:`~fadecast.measure.scale_selection`).
2. **Working copy.** The image is reduced by block means so that a dot's width is about
   :data:`WORKING_SIGMA_PX` pixels, which keeps every later filter cheap on a
   12-megapixel photo.
3. **Skin level and darkness.** A grey closing several dots wide removes the dots (and
   hairs, and the skin their ink's tails darken between close dots); smoothed, it is
   the local bare-skin luminance ``Y_skin``. Darkness is
   ``D = 1 - Y / Y_skin``: 0 on skin, up to about 0.9 at a fresh dot's centre, and
   free of gradients in the lighting (:mod:`~fadecast.measure.skin_level`).
4. **Hairs.** A stubble hair is far narrower than a dot: what a grey opening by a
   square narrower than a dot's core removes from the darkness (its top-hat, after
   DullRazor, Lee et al. 1997), where it holds most of a pixel's optical density (a hair
   over a dark dot as over skin) and is drawn out along a line, is a hair. Hairs are
   painted out of the darkness (:mod:`~fadecast.measure.hairs`); where they cover more
   than :data:`HAIRY_SHARE` of the image, the scale is found again without them.
5. **Candidates.** Local maxima of the darkness's LoG at a scale finer than the dots
   (which keeps touching dots apart), round, each moved up the darkness smoothed at
   that scale to its dot's centre (a flat-topped dot answers that LoG on a ring inside
   its edge), one per dot (no saddle between two at the dots' own scale means one dot)
   (:mod:`~fadecast.measure.candidates`), and
   significant: standing out of the noise of the untreated skin in view at the dots'
   own scale, the further the larger the photo (so that noise alone passes in less
   than one place, :mod:`~fadecast.measure.significance`).
6. **Per dot, at full resolution.** Depth from a small disk at the centre; diameter
   from where the darkness first falls to half the depth along rays from the centre
   (the full width at half depth, as an observer sees a dot's edge, whatever the dot's
   profile; rays that meet a touching neighbour are left out); the edge's width from
   the radii at 10 % and 90 % of the depth; centre and local skin colour (an annulus,
   skin-like pixels only) (:mod:`~fadecast.measure.dot_measures`).
7. **Dots, not noise.** Detections too faint, too dark (hairs), faint and alone, or
   faint with a hard edge are dropped (:mod:`~fadecast.measure.pruning`).

Pure numpy, scipy and OpenCV: arrays in, arrays out; single precision throughout and
temporaries freed as they are used, so that the memory of a 50-megapixel photo stays
bounded (about 30 bytes per pixel of the working copy). The filters are OpenCV's with
scipy's kernels (:mod:`~fadecast.measure.imaging`), and the dots are measured in chunks
side by side on the processors there are, with the values of one chunk after another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from fadecast.measure.blobs import noise_sd
from fadecast.measure.candidates import find_candidates
from fadecast.measure.dot_measures import Colours, measure_dots
from fadecast.measure.hairs import hair_mask, inpaint
from fadecast.measure.imaging import block_all, even_sample, reduction_factor
from fadecast.measure.photo import block_mean
from fadecast.measure.pruning import real_dots
from fadecast.measure.scale_selection import dot_scale_px
from fadecast.measure.skin_level import darkness, skin_luminance
from fadecast.measure.tunables import TUNABLES

__all__ = ["HAIRY_SHARE", "WORKING_SIGMA_PX", "DotFinding", "find_dots"]

Float32 = NDArray[np.float32]
Array = NDArray[np.float64]

#: Working resolution: a dot's Gaussian width is brought to about this many pixels.
WORKING_SIGMA_PX = TUNABLES.working_sigma_px
#: Share of the image under hairs above which the dots' scale is found again with the
#: hairs painted out. [1]
HAIRY_SHARE = TUNABLES.hairy_share


@dataclass(frozen=True)
class DotFinding:
    """Dots found in a photo, at full resolution.

    Attributes
    ----------
    rows, cols
        Centres, with pixel ``(i, j)`` covering ``[i, i+1) x [j, j+1)``. [px]
    depth
        Darkness at the centre, ``1 - Y / Y_skin``. [1]
    diameter_px
        Full width at half depth (twice the median radius where the darkness falls to
        half the depth along rays from the centre). [px]
    edge_px
        Width of the edge, from 90 % to 10 % of the depth. [px]
    centre_rgb, skin_rgb
        Linear RGB at the centre and of the local skin, shape ``(N, 3)``. [1]
    skin_y
        The bare-skin luminance ``Y_skin`` at each centre, the level its depth is read
        against (it follows the light). [1]
    sigma_px
        The dots' typical Gaussian width found from the image. [px]
    working_factor
        Block size of the working copy. [px]
    hair_share
        Share of the image under hairs. [1]
    noise
        Noise standard deviation of the darkness on the working copy. [1]
    hair
        The hair mask of the working copy, shape ``(H // working_factor, W //
        working_factor)``.
    """

    rows: Array
    cols: Array
    depth: Array
    diameter_px: Array
    edge_px: Array
    centre_rgb: Array
    skin_rgb: Array
    skin_y: Array
    sigma_px: float
    working_factor: int
    hair_share: float
    noise: float
    hair: NDArray[np.bool_]

    @property
    def count(self) -> int:
        """Number of dots found."""
        return len(self.rows)


def find_dots(
    luminance: Float32,
    rgb: Colours,
    *,
    sigma_px: float | None = None,
    min_sigma_px: float = 0.0,
    analysed: NDArray[np.bool_] | None = None,
) -> DotFinding:
    """Find the dots of a photo and measure each.

    Parameters
    ----------
    luminance
        Linear luminance Y, shape ``(H, W)``, relative to the photo's white. [1]
    rgb
        Linear RGB, shape ``(H, W, 3)``, white-balanced if a reference was found, as
        an array or decoded where read (:class:`~fadecast.measure.photo.LinearRGB`). [1]
    sigma_px
        The dots' Gaussian width if known; found from the image otherwise. [px]
    min_sigma_px
        The least width to look for (from the photo's scale, when known). [px]
    analysed
        Pixels to look for dots in, shape ``(H, W)`` (e.g. without a white card or a
        marker); all by default.

    Returns
    -------
    DotFinding

    Examples
    --------
    A 10 × 10 grid of Gaussian dots of width 3 px, 40 % deep, 16 px apart:

    >>> rows, cols = np.mgrid[0:160, 0:160] % 16 - 7.5
    >>> y = (0.5 * (1 - 0.4 * np.exp(-(rows**2 + cols**2) / 18.0))).astype(np.float32)
    >>> found = find_dots(y, np.repeat(y[..., None], 3, axis=2))
    >>> found.count, round(found.sigma_px, 1), round(float(np.median(found.depth)), 2)
    (100, 2.8, 0.39)
    >>> round(float(np.median(found.diameter_px)), 1)  # 2 sqrt(2 ln 2) x 3 = 7.1 px at the peak
    7.2
    """
    if analysed is not None and not analysed.all():
        # What is not looked at (a bright card) must not pass for skin nearby.
        fill = np.float32(np.quantile(even_sample(luminance[analysed]), 0.9))  # about the skin
        luminance = np.where(analysed, luminance, fill)
    found_scale = sigma_px is None
    if sigma_px is None:
        sigma_px = dot_scale_px(luminance, min_sigma_px=min_sigma_px)
    factor = reduction_factor(luminance.shape, sigma_px, WORKING_SIGMA_PX)
    small = block_mean(luminance, factor)
    s = sigma_px / factor
    skin = skin_luminance(small, s)
    dark = darkness(small, skin)
    del small
    noise = noise_sd([dark])
    hair = hair_mask(dark, s, min_darkness=max(8.0 * noise, 0.05))
    dark = inpaint(dark, hair, s)
    hair_share = float(np.count_nonzero(hair)) / hair.size if hair.size else 0.0
    if found_scale and hair_share > HAIRY_SHARE:
        # Hairs answer at scales finer than the dots and pull the scale found down:
        # found again with the hairs painted out.
        # (Hairs only pull it down: scales finer than half an octave below it are not
        # tried again.)
        least = max(min_sigma_px, sigma_px / math.sqrt(2.0)) / factor
        rescaled = dot_scale_px(1.0 - dark, min_sigma_px=least) * factor
        if abs(rescaled / sigma_px - 1.0) > 0.05:
            del skin, dark, hair
            return find_dots(
                luminance, rgb, sigma_px=rescaled, min_sigma_px=min_sigma_px, analysed=analysed
            )
    allowed = (
        np.ones(dark.shape, dtype=bool)
        if analysed is None
        else block_all(analysed, factor)[: dark.shape[0], : dark.shape[1]]
    )
    sub_r, sub_c = find_candidates(dark, s, noise, allowed)
    del dark, allowed
    skin_at = ndimage.map_coordinates(skin, [sub_r, sub_c], order=1, mode="nearest")
    del skin
    # Within the photo (a peak on its edge row can be refined half a pixel beyond).
    full_r = np.clip((sub_r + 0.5) * factor, 0.0, luminance.shape[0] - 0.5)
    full_c = np.clip((sub_c + 0.5) * factor, 0.0, luminance.shape[1] - 0.5)
    measured = measure_dots(
        luminance, rgb, full_r, full_c, skin_at, hair, working_factor=factor, sigma_px=sigma_px
    )
    # Faint detections are noise or compression blocks, darker ones hairs, not dots.
    keep = real_dots(full_r, full_c, measured.depth, measured.edge_px)
    measured = measured.subset(keep)
    return DotFinding(
        rows=full_r[keep],
        cols=full_c[keep],
        depth=measured.depth,
        diameter_px=measured.diameter_px,
        edge_px=measured.edge_px,
        centre_rgb=measured.centre_rgb,
        skin_rgb=measured.skin_rgb,
        skin_y=np.asarray(skin_at[keep], dtype=np.float64),
        sigma_px=float(sigma_px),
        working_factor=factor,
        hair_share=hair_share,
        noise=noise,
        hair=hair,
    )
