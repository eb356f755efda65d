"""What every fuzzed outcome must satisfy: a clean input error, or a sane result.

Shared by the fuzz tests in this folder. A clean input error is a
:class:`~fadecast.errors.InputError` whose text is one line, starts with a field name
and says something; a sane result is finite where the contract promises numbers, has
ordered quantiles and dates in range, and dumps as strict JSON (no NaN or Infinity).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from fadecast.errors import InputError

#: A field as the errors name it: a dotted path with list indices, an option, or a word.
FIELD = re.compile(
    r"^(--[a-z][a-z-]*|[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?(\.[A-Za-z0-9_]+(\[\d+\])?)*)$"
)


def check_input_error(error: InputError) -> None:
    """One line, a field name, a message that says what is wrong."""
    text = str(error)
    assert "\n" not in text and "\r" not in text, repr(text)
    assert FIELD.match(error.field), repr(error.field)
    assert text.startswith(f"{error.field}: "), repr(text)
    assert len(error.message.strip()) >= 8, repr(text)
    assert "Traceback" not in text and "object at 0x" not in text, repr(text)
    assert len(text) < 2000, f"{len(text)} characters"


def strict_json(data: Any) -> str:
    """The JSON of ``data``, refusing NaN and Infinity as a strict parser would."""
    text = json.dumps(data, allow_nan=False, ensure_ascii=False)
    json.loads(text)
    return text


def leaves(data: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every value in a JSON-like structure that is not a mapping or a list, with its path."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from leaves(value, f"{path}.{key}")
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            yield from leaves(value, f"{path}[{i}]")
    else:
        yield path, data


def numbers(data: Any) -> Iterator[tuple[str, float]]:
    """Every number in a JSON-like structure (booleans are not numbers), with its path."""
    for path, value in leaves(data):
        if isinstance(value, int | float) and not isinstance(value, bool):
            yield path, float(value)


def dates(data: Any) -> Iterator[tuple[str, dt.date]]:
    """Every ISO date string in a JSON-like structure, with its path."""
    for path, value in leaves(data):
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            yield path, dt.date.fromisoformat(value)


def check_ordered(values: Sequence[float | None], what: str) -> None:
    """Quantiles in order; ``None`` (never) only after the finite ones."""
    finite = [v for v in values if v is not None]
    assert finite == sorted(finite), f"{what}: {values}"
    seen_none = False
    for v in values:
        if v is None:
            seen_none = True
        else:
            assert not seen_none, f"{what}: a finite quantile after 'never': {values}"


def check_sane(data: Mapping[str, Any], *, earliest: dt.date, latest: dt.date) -> None:
    """Finite numbers, dates in range, strict JSON."""
    strict_json(data)
    for path, value in numbers(data):
        assert math.isfinite(value), f"{path} = {value}"
        assert abs(value) < 1e12, f"{path} = {value}"
    for path, day in dates(data):
        assert earliest <= day <= latest, f"{path} = {day} outside {earliest}..{latest}"


def check_forecast(data: Mapping[str, Any], today: dt.date) -> None:
    """A forecast's JSON contract: sane, ordered, and the curve's band holds its median."""
    first = dt.date.fromisoformat(data["first_session"])
    check_sane(data, earliest=min(first, today) - dt.timedelta(days=1), latest=dt.date(2300, 1, 1))
    touchup = data["touchup"]
    check_ordered([touchup[f"p{q}_years"] for q in (10, 50, 90)], "touchup years")
    check_ordered(
        [
            None
            if touchup[f"p{q}_date"] is None
            else dt.date.fromisoformat(touchup[f"p{q}_date"]).toordinal()
            for q in (10, 50, 90)
        ],
        "touchup dates",
    )
    curve = data["curve"]
    n = len(curve["years"])
    assert n >= 2 and curve["years"] == sorted(curve["years"])
    for key in ("contrast_p10", "contrast_p50", "contrast_p90"):
        assert len(curve[key]) == n
        assert all(v >= 0 for v in curve[key]), key
    for lo, mid, hi in zip(
        curve["contrast_p10"], curve["contrast_p50"], curve["contrast_p90"], strict=True
    ):
        assert lo <= mid + 1e-9 and mid <= hi + 1e-9
    for key, value in data["exposure"].items():
        assert value >= 0, key
    for warning in data["warnings"]:
        assert isinstance(warning, str) and warning.strip() and "\n" not in warning
