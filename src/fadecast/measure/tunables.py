"""The tunables of photo measurement, read once from ``data/measure.toml``.

Every threshold, scale and size that decides how dots are found and told from noise,
hairs and compression blocks lives in ``src/fadecast/data/measure.toml`` with its unit,
source and confidence. This module reads that table once, through the package's one
loader (:func:`fadecast.data.toml_table`), into the frozen :data:`TUNABLES`; each stage
names the values it uses as its own module constants, so that no dictionary is looked up
where pixels are processed.

Examples
--------
>>> TUNABLES.working_sigma_px
3.0
>>> TUNABLES.scale_step == 24.0**0.1
True
>>> TUNABLES.scale_tiles
4
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fadecast import data

__all__ = ["ENTRY_FIELDS", "TABLE", "TUNABLES", "MeasureTunables", "tunables_from"]

#: The packaged file the tunables are read from.
TABLE = "measure.toml"
#: The fields of every entry of that table.
ENTRY_FIELDS = frozenset({"value", "unit", "description", "source", "confidence"})


@dataclass(frozen=True)
class MeasureTunables:
    """The values of ``data/measure.toml``, one attribute per entry.

    Each attribute is documented in the table (its description, unit, source and
    confidence); integers are counts or sizes in whole pixels.
    """

    working_sigma_px: float
    measure_sigma_px: float
    min_copy_side: int
    max_sample: int
    dots_per_chunk: int
    ray_count: int
    ray_step_px: float
    min_free_rays: int
    centre_min_px: float
    scale_step: float
    scale_range: float
    scale_budget_px: int
    scale_tiles: int
    skin_reach: float
    skin_smoothing: float
    hair_share: float
    hair_length: float
    hair_dilation: int
    hairy_share: float
    detection_scale: float
    suppression_radius: float
    noise_threshold: float
    relative_threshold: float
    min_roundness: float
    merge_distance: float
    saddle_reach: float
    saddle_share: float
    significance: float
    false_dots: float
    untreated_spacings: float
    min_untreated_share: float
    max_noise_share: float
    relative_depth: float
    max_relative_depth: float
    min_depth: float
    faint_share: float
    alone_spacings: float
    block_edge_share: float
    scale_maximum_share: float
    scale_count_sds: float


def tunables_from(table: Mapping[str, Any]) -> MeasureTunables:
    """The tunables of a parsed ``measure.toml``, checked against :class:`MeasureTunables`.

    Parameters
    ----------
    table
        Entry name to its fields (:data:`ENTRY_FIELDS`).

    Raises
    ------
    ValueError
        An entry is missing, unknown, lacks a field, or holds a value of the wrong
        type (a float where an integer is needed, or the other way round).

    Examples
    --------
    >>> from fadecast import data
    >>> tunables_from(data.toml_table("measure.toml")) == TUNABLES
    True
    >>> tunables_from({"working_sigma_px": {"value": 2.5}})
    Traceback (most recent call last):
    ...
    ValueError: measure.toml: entries missing: alone_spacings, block_edge_share, ...
    """
    names = [f.name for f in dataclasses.fields(MeasureTunables)]
    missing = sorted(set(names) - set(table))
    if missing:
        shown = ", ".join(missing[:2]) + (", ..." if len(missing) > 2 else "")
        raise ValueError(f"{TABLE}: entries missing: {shown}")
    unknown = sorted(set(table) - set(names))
    if unknown:
        raise ValueError(f"{TABLE}: entries unknown: {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for field in dataclasses.fields(MeasureTunables):
        entry = table[field.name]
        lacking = sorted(ENTRY_FIELDS - set(entry))
        if lacking:
            raise ValueError(f"{TABLE}: {field.name} lacks {', '.join(lacking)}")
        value = entry["value"]
        kind = int if field.type == "int" else float
        if type(value) is not kind:
            raise ValueError(f"{TABLE}: {field.name} must be a TOML {kind.__name__}, got {value!r}")
        values[field.name] = value
    return MeasureTunables(**values)


#: The tunables, read once.
TUNABLES = tunables_from(data.toml_table(TABLE))
