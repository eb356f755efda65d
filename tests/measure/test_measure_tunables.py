"""Tests of the measure stage's tunables (``data/measure.toml``, read by
:mod:`fadecast.measure.tunables`): documented, typed, and the values the detection was
tuned with (docs/measure.md)."""

from __future__ import annotations

import dataclasses
import types
from typing import Any

import pytest

from fadecast import data
from fadecast.measure import (
    candidates,
    dot_measures,
    dots,
    hairs,
    imaging,
    pruning,
    scale_selection,
    significance,
    skin_level,
    tunables,
)

#: The values the render accuracy tests were run with (docs/measure.md): a change here
#: changes what ``fadecast measure`` finds.
TUNED = {
    "working_sigma_px": 3.0,
    "measure_sigma_px": 3.0,
    "min_copy_side": 16,
    "max_sample": 1_000_000,
    "dots_per_chunk": 1024,
    "ray_count": 24,
    "ray_step_px": 1.0,
    "min_free_rays": 3,
    "centre_min_px": 1.2,
    "scale_step": 24.0**0.1,
    "scale_range": 24.0,
    "scale_budget_px": 700_000,
    "scale_tiles": 4,
    "skin_reach": 8.0,
    "skin_smoothing": 4.5,
    "hair_share": 0.5,
    "hair_length": 1.4,
    "hair_dilation": 1,
    "hairy_share": 0.01,
    "detection_scale": 0.6,
    "suppression_radius": 0.75,
    "noise_threshold": 2.0,
    "relative_threshold": 0.25,
    "min_roundness": 0.2,
    "merge_distance": 0.75,
    "saddle_reach": 2.5,
    "saddle_share": 0.9,
    "significance": 4.0,
    "false_dots": 0.5,
    "untreated_spacings": 2.0,
    "min_untreated_share": 0.02,
    "max_noise_share": 0.25,
    "relative_depth": 0.35,
    "max_relative_depth": 1.6,
    "min_depth": 0.015,
    "faint_share": 0.6,
    "alone_spacings": 1.4,
    "block_edge_share": 0.35,
    "scale_maximum_share": 0.35,
    "scale_count_sds": 2.0,
}

#: Where each stage names its tunables: module, its constant, the table's entry.
NAMED: list[tuple[types.ModuleType, str, str]] = [
    (dots, "WORKING_SIGMA_PX", "working_sigma_px"),
    (dots, "HAIRY_SHARE", "hairy_share"),
    (dot_measures, "MEASURE_SIGMA_PX", "measure_sigma_px"),
    (dot_measures, "DOTS_PER_CHUNK", "dots_per_chunk"),
    (dot_measures, "RAY_COUNT", "ray_count"),
    (dot_measures, "RAY_STEP_PX", "ray_step_px"),
    (dot_measures, "MIN_FREE_RAYS", "min_free_rays"),
    (dot_measures, "CENTRE_MIN_PX", "centre_min_px"),
    (imaging, "MIN_COPY_SIDE", "min_copy_side"),
    (imaging, "MAX_SAMPLE", "max_sample"),
    (scale_selection, "SCALE_STEP", "scale_step"),
    (scale_selection, "SCALE_RANGE", "scale_range"),
    (scale_selection, "SCALE_BUDGET_PX", "scale_budget_px"),
    (scale_selection, "SCALE_TILES", "scale_tiles"),
    (skin_level, "SKIN_REACH", "skin_reach"),
    (skin_level, "SKIN_SMOOTHING", "skin_smoothing"),
    (hairs, "HAIR_SHARE", "hair_share"),
    (hairs, "HAIR_LENGTH", "hair_length"),
    (hairs, "HAIR_DILATION", "hair_dilation"),
    (candidates, "DETECTION_SCALE", "detection_scale"),
    (candidates, "SUPPRESSION_RADIUS", "suppression_radius"),
    (candidates, "NOISE_THRESHOLD", "noise_threshold"),
    (candidates, "RELATIVE_THRESHOLD", "relative_threshold"),
    (candidates, "MIN_ROUNDNESS", "min_roundness"),
    (candidates, "MERGE_DISTANCE", "merge_distance"),
    (candidates, "SADDLE_REACH", "saddle_reach"),
    (candidates, "SADDLE_SHARE", "saddle_share"),
    (significance, "SIGNIFICANCE", "significance"),
    (significance, "FALSE_DOTS", "false_dots"),
    (significance, "UNTREATED_SPACINGS", "untreated_spacings"),
    (significance, "MIN_UNTREATED_SHARE", "min_untreated_share"),
    (significance, "MAX_NOISE_SHARE", "max_noise_share"),
    (pruning, "RELATIVE_DEPTH", "relative_depth"),
    (pruning, "MAX_RELATIVE_DEPTH", "max_relative_depth"),
    (pruning, "MIN_DEPTH", "min_depth"),
    (pruning, "FAINT_SHARE", "faint_share"),
    (pruning, "ALONE_SPACINGS", "alone_spacings"),
    (pruning, "BLOCK_EDGE_SHARE", "block_edge_share"),
    (scale_selection, "SCALE_MAXIMUM_SHARE", "scale_maximum_share"),
    (scale_selection, "SCALE_COUNT_SDS", "scale_count_sds"),
]


def _table() -> dict[str, Any]:
    return data.toml_table(tunables.TABLE)


def test_every_entry_is_documented_with_its_unit_source_and_confidence() -> None:
    for name, entry in _table().items():
        assert set(entry) == tunables.ENTRY_FIELDS, name
        assert entry["confidence"] in {"H", "M", "L"}, name
        for field in ("unit", "description", "source"):
            assert isinstance(entry[field], str) and entry[field].strip(), (name, field)


def test_the_tunables_are_the_values_the_detection_was_tuned_with() -> None:
    read = dataclasses.asdict(tunables.TUNABLES)
    assert read.keys() == TUNED.keys() == _table().keys()
    for name, value in TUNED.items():
        assert read[name] == value, name  # exactly, not approximately
        assert type(read[name]) is type(value), name


def test_each_stage_names_every_tunable_once_with_its_value() -> None:
    assert sorted(entry for _, _, entry in NAMED) == sorted(TUNED)
    for module, constant, entry in NAMED:
        value = getattr(module, constant)
        assert value == TUNED[entry] and type(value) is type(TUNED[entry]), constant


def _changed(name: str, **fields: object) -> dict[str, Any]:
    table = {key: dict(entry) for key, entry in _table().items()}
    table[name].update(fields)
    return table


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({k: v for k, v in _table().items() if k != "min_depth"}, "entries missing: min_depth"),
        ({**_table(), "extra": {"value": 1.0}}, "entries unknown: extra"),
        (_changed("scale_tiles", value=4.0), "scale_tiles must be a TOML int, got 4.0"),
        (_changed("significance", value=4), "significance must be a TOML float, got 4"),
        (_changed("hair_dilation", value=True), "hair_dilation must be a TOML int"),
    ],
)
def test_a_table_that_is_not_the_tunables_is_refused(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tunables.tunables_from(table)


def test_an_entry_without_its_source_is_refused() -> None:
    table = _changed("min_depth")
    del table["min_depth"]["source"]
    with pytest.raises(ValueError, match="min_depth lacks source"):
        tunables.tunables_from(table)
