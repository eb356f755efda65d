"""City suggestions while typing, for the calculator's city field and ``/api/v1/places``.

The suggestions are :func:`fadecast.inputs.places.suggest_places`: the cities of the
same offline gazetteer as the profile's city whose name *begins* with what has been
typed ("manch" offers Manchester (GB) and Manchester (US)), the most populous first,
each spelled "Name (CC)", which :func:`fadecast.inputs.places.resolve_city` reads back
as that city. This module names them for the web's pages and adds the list offered
before anything is typed.
"""

from __future__ import annotations

from fadecast.inputs.places import (
    MAX_PLACE_SUGGESTIONS,
    PlaceSuggestion,
    largest_places,
    suggest_places,
)

__all__ = ["MAX_PLACE_SUGGESTIONS", "PlaceSuggestion", "largest_cities", "suggest_places"]


def largest_cities(count: int = 60) -> list[PlaceSuggestion]:
    """The most populous cities, for the list offered before anything is typed
    (:func:`fadecast.inputs.places.largest_places`).

    Examples
    --------
    >>> len(largest_cities(5)), largest_cities(1)[0].population > 10_000_000
    (5, True)
    >>> [s.label for s in suggest_places("manch", limit=2)]
    ['Manchester (GB)', 'Manchester (US)']
    """
    return largest_places(count)
