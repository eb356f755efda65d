"""Errors raised for bad input.

Every user-facing error names the offending field and what is allowed, so that the
command line can print it as one line and exit with code 2. Only these types are user
errors: any other exception escaping fadecast is a bug, and the command line lets it
fail loudly.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["FadecastError", "InputError", "OutputError", "UnknownPlaceError"]


class FadecastError(Exception):
    """Base class of every error fadecast raises on purpose."""


class InputError(FadecastError, ValueError):
    """A value given by the user is not allowed.

    Parameters
    ----------
    field
        Dotted path of the offending input, e.g. ``"lifestyle.hat_share"``.
    message
        What is wrong and what is allowed, e.g. ``"must be between 0 and 1, got 1.4"``.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class OutputError(InputError):
    """An output the user named cannot be written (a full disk, a read-only folder).

    Raised after the work is done and nothing was left behind; ``field`` is the option
    that named the output, e.g. ``"--ics"``.
    """


class UnknownPlaceError(InputError):
    """A place name that the offline gazetteer does not know.

    Parameters
    ----------
    field
        Dotted path of the offending input, e.g. ``"place.city"``.
    name
        The name that was not found.
    suggestions
        The closest known names, best first.
    """

    def __init__(self, field: str, name: str, suggestions: Sequence[str]) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = (
            "; closest known names: " + ", ".join(self.suggestions)
            if self.suggestions
            else "; give lat and lon instead"
        )
        super().__init__(field, f"unknown place {name!r}{hint}")
