"""The computations behind the pages and the API, cached by the canonical profile.

The pages and the API call the same core (:func:`fadecast.forecasting.forecast`,
:func:`fadecast.planning.plan`, :func:`fadecast.render.scene.render_profile`) and the
same report functions as the command line. A result is kept in a bounded in-process
LRU cache, keyed by the validated profile in canonical JSON (so answers spelled
differently share it), the draws, the seed and the day: a repeated result page is
served from memory. At most ``max_concurrent`` computations run at once; a cache hit
never waits for one.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from fadecast.errors import InputError
from fadecast.web.settings import WebSettings

if TYPE_CHECKING:
    from fadecast.forecasting import ForecastResult
    from fadecast.inputs.profile import Profile
    from fadecast.planning import PlanResult
    from fadecast.render.scene import Renders

__all__ = ["RENDER_YEARS", "Calculator", "LruCache", "PageResult", "YearPictures", "profile_key"]

T = TypeVar("T")

#: Years after healing the result page draws.
RENDER_YEARS = (0.0, 1.0, 3.0, 5.0, 7.0, 10.0)
#: The patch drawn for the page: small, for speed. [mm], [px/mm]
RENDER_SIZE_MM = 10.0
RENDER_PX_PER_MM = 14.0


class LruCache:
    """A thread-safe mapping that keeps the ``size`` most recently used entries.

    Examples
    --------
    >>> cache = LruCache(2)
    >>> cache.put("a", 1); cache.put("b", 2); cache.get("a")
    1
    >>> cache.put("c", 3)  # "b" was used least recently
    >>> cache.get("b") is None, len(cache)
    (True, 2)
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        """The entry, now the most recently used, or None."""
        with self._lock:
            if key not in self._items:
                self.misses += 1
                return None
            self.hits += 1
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        """Keep an entry, dropping the least recently used beyond the size."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


def profile_key(profile: Profile) -> str:
    """The profile in canonical JSON: equal profiles, equal keys.

    Examples
    --------
    >>> import datetime as dt
    >>> from fadecast.inputs.profile import parse_profile
    >>> tables = {"person": {"birth_year": 1988, "skin": {"fitzpatrick": 2}},
    ...           "place": {"city": "Manchester"},
    ...           "lifestyle": {"outdoor_hours_weekday": 1, "outdoor_hours_weekend": 4.0}}
    >>> a = parse_profile(tables, today=dt.date(2026, 6, 1))
    >>> tables["lifestyle"]["hat_share"] = 0
    >>> profile_key(a) == profile_key(parse_profile(tables, today=dt.date(2026, 6, 1)))
    True
    """
    return json.dumps(profile.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class YearPictures:
    """The pictures of one year, as PNG data URIs for an ``<img>``."""

    year: float
    label: str
    closeup_uri: str
    social_uri: str


@dataclass(frozen=True)
class PageResult:
    """Everything a result page shows, made once per profile and day."""

    profile: Profile
    forecast: ForecastResult
    plan: PlanResult | None
    renders: Renders
    pictures: tuple[YearPictures, ...]
    curve_svg: str


class Calculator:
    """The cached computations of one app.

    Parameters
    ----------
    settings
        Draws, seed, cache size and how many computations may run at once.
    """

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.cache = LruCache(settings.cache_size)
        self._slots = threading.BoundedSemaphore(settings.max_concurrent)
        self._held = threading.local()

    def _cached(self, key: Hashable, make: Callable[[], T]) -> T:
        """The cached value of ``key``, or ``make()`` in a computation slot, kept."""
        found = self.cache.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        depth = getattr(self._held, "depth", 0)
        if depth == 0:
            self._slots.acquire()
        self._held.depth = depth + 1
        try:
            found = self.cache.get(key)
            if found is None:
                found = make()
                self.cache.put(key, found)
            return found  # type: ignore[no-any-return]
        finally:
            self._held.depth = depth
            if depth == 0:
                self._slots.release()

    def run(self, work: Callable[[], T]) -> T:
        """Run uncached work (a measurement) in a computation slot."""
        depth = getattr(self._held, "depth", 0)
        if depth == 0:
            self._slots.acquire()
        self._held.depth = depth + 1
        try:
            return work()
        finally:
            self._held.depth = depth
            if depth == 0:
                self._slots.release()

    def forecast(
        self,
        profile: Profile,
        *,
        today: dt.date,
        samples: int | None = None,
        seed: int | None = None,
    ) -> ForecastResult:
        """:func:`fadecast.forecasting.forecast` of a profile, cached."""
        from fadecast.forecasting import forecast

        n = self.settings.samples if samples is None else samples
        s = self.settings.seed if seed is None else seed
        key = ("forecast", profile_key(profile), n, s, today)
        return self._cached(key, lambda: forecast(profile, samples=n, seed=s, today=today))

    def plan(
        self,
        profile: Profile,
        *,
        today: dt.date,
        until_age: float | None = None,
        samples: int | None = None,
        seed: int | None = None,
    ) -> PlanResult:
        """:func:`fadecast.planning.plan` of a profile (until the default age), cached.

        Raises
        ------
        InputError
            Naming ``until_age`` when no plan can reach it.
        """
        from fadecast.planning import default_until_age, plan

        n = self.settings.samples if samples is None else samples
        s = self.settings.seed if seed is None else seed
        age = default_until_age(profile, today) if until_age is None else until_age
        key = ("plan", profile_key(profile), n, s, today, age)
        return self._cached(
            key, lambda: plan(profile, until_age=age, samples=n, seed=s, today=today)
        )

    def page(self, profile: Profile, *, today: dt.date) -> PageResult:
        """The result page's forecast, plan, pictures and curve, cached."""
        key = ("page", profile_key(profile), today)
        return self._cached(key, lambda: self._make_page(profile, today))

    def _make_page(self, profile: Profile, today: dt.date) -> PageResult:
        from fadecast.forecasting import scenario_from_profile
        from fadecast.render.scene import RenderSettings, render_profile
        from fadecast.render.strip import year_label
        from fadecast.report.files import jpeg_data_uri
        from fadecast.web.charts import fade_curve_svg

        result = self.forecast(profile, today=today)
        lifetime: PlanResult | None
        try:
            lifetime = self.plan(profile, today=today)
        except InputError:
            lifetime = None  # within a year of the oldest age a plan reaches: no plan
        sc = scenario_from_profile(profile, today=today)
        settings = RenderSettings(
            size_mm=RENDER_SIZE_MM,
            px_per_mm=RENDER_PX_PER_MM,
            seed=self.settings.seed,
            stubble=True,
        )
        renders = render_profile(sc, RENDER_YEARS, settings)
        pictures = tuple(
            YearPictures(
                year=p.year,
                label=year_label(p.year),
                closeup_uri=jpeg_data_uri(p.closeup_srgb),
                social_uri=jpeg_data_uri(p.social_srgb),
            )
            for p in renders.pictures
        )
        return PageResult(
            profile=profile,
            forecast=result,
            plan=lifetime,
            renders=renders,
            pictures=pictures,
            curve_svg=fade_curve_svg(result),
        )

    def report_html(self, page: PageResult, *, profile_text: str, today: dt.date) -> str:
        """The report ``fadecast report`` writes, of a result page, cached."""
        key = ("report", profile_key(page.profile), today, profile_text)

        def make() -> str:
            from fadecast.report.html import report_html

            return report_html(
                page.forecast,
                profile_text=profile_text,
                renders=page.renders,
                title=f"SMP forecast: {page.profile.name}" if page.profile.name else None,
                plan=page.plan,
            )

        return self._cached(key, make)

    def report_pdf(self, page: PageResult, *, profile_text: str, today: dt.date) -> bytes:
        """The report as PDF (WeasyPrint), cached.

        Raises
        ------
        OSError
            When WeasyPrint's system libraries (Pango) are missing.
        """
        key = ("pdf", profile_key(page.profile), today, profile_text)

        def make() -> bytes:
            weasyprint = importlib.import_module("weasyprint")  # loads Pango: only here
            text = self.report_html(page, profile_text=profile_text, today=today)
            return bytes(weasyprint.HTML(string=text).write_pdf())

        return self._cached(key, make)
