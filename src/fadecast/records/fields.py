"""Checks on the values a clinic types in, each naming its field when it refuses."""

from __future__ import annotations

import datetime as dt

from fadecast.errors import InputError

__all__ = ["checked_choice", "checked_text", "required_text", "session_date_bounds"]

#: Years ahead a session may be booked. [yr]
MAX_BOOKING_YEARS = 2


def checked_text(
    field: str, value: str | None, *, required: bool = False, limit: int = 200
) -> str | None:
    """``value`` stripped (None when empty and not required).

    Raises
    ------
    InputError
        When empty but required, longer than ``limit`` characters, or holding control
        characters other than tab and newline.

    Examples
    --------
    >>> checked_text("name", "  Ana Ruiz ")
    'Ana Ruiz'
    >>> checked_text("email", "") is None
    True
    """
    if value is None or not value.strip():
        if required:
            raise InputError(field, "must not be empty")
        return None
    value = value.strip()
    if len(value) > limit:
        raise InputError(field, f"must be at most {limit} characters, got {len(value)}")
    if any(ord(c) < 32 and c not in "\t\n" for c in value):
        raise InputError(field, "must not hold control characters")
    return value


def required_text(field: str, value: str | None, *, limit: int = 200) -> str:
    """``value`` stripped, which must not be empty (as :func:`checked_text`).

    Examples
    --------
    >>> required_text("ref", " C-001")
    'C-001'
    """
    text = checked_text(field, value, required=True, limit=limit)
    assert text is not None
    return text


def checked_choice(field: str, value: str, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices`` (``InputError`` listing them otherwise).

    Examples
    --------
    >>> checked_choice("kind", "initial", ("initial", "touch-up"))
    'initial'
    """
    if value not in choices:
        raise InputError(field, f"must be one of {', '.join(choices)}, got {value!r}")
    return value


def session_date_bounds(birth_date: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day a client's session may be on: from their birth to
    :data:`MAX_BOOKING_YEARS` ahead of today.

    Examples
    --------
    >>> session_date_bounds(dt.date(1980, 1, 1), dt.date(2026, 12, 1))
    (datetime.date(1980, 1, 1), datetime.date(2028, 12, 1))
    """
    try:
        latest = today.replace(year=today.year + MAX_BOOKING_YEARS)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + MAX_BOOKING_YEARS, day=28)
    return birth_date, latest
