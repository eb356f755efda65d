"""Sharing the Monte Carlo between like profiles in :func:`fadecast.forecasting.forecast_many`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.forecasting.cache import ModelCache
from fadecast.forecasting.chain import (
    ClearanceRates,
    ambient_doses,
    clearance_rates,
    clearance_rates_at,
    contrast_curves,
    scalp_exposure,
    uv_at_pigment,
)
from fadecast.forecasting.detection import (
    detection,
    detection_window,
    first_crossing,
    touchup_criteria,
)
from fadecast.forecasting.params import Params
from fadecast.forecasting.run import Run
from fadecast.forecasting.scenario import Scenario

Array = NDArray[np.float64]


#: Clearance rates at which a group of like lightfast profiles is tabulated. [1/yr]
EMULATOR_K0 = np.geomspace(0.01, 3.0, 16)


#: A lightfast group is tabulated only when at least this many runs (profiles or
#: attribution variants) use it; fewer are cheaper to simulate one by one.
EMULATOR_MIN_RUNS = 6


#: UVA doses at the pigment at which a group of like photolabile profiles in the sun is
#: tabulated: none, then geometrically spaced. [kJ/m²/yr]
EMULATOR_UV = np.concatenate([[0.0], np.geomspace(500.0, 500_000.0, 31)])


#: Widest spacing of the ages at which a photolabile group is tabulated (age changes
#: the clearance rate by a few per cent a decade). [yr]
EMULATOR_AGE_STEP_YEARS = 60.0


#: A photolabile group is tabulated only when it has at least this many runs per node
#: of its table (a node costs about as much as one run).
EMULATOR_RUNS_PER_NODE = 1.5


GroupKey = tuple[Any, ...]


Float32 = NDArray[np.float32]


#: Per draw, the table nodes around a run, with weights for touch-up rates and curves.
Corners = list[tuple[NDArray[np.intp], Array, Array]]


def bracket(nodes: Array, x: Array) -> tuple[NDArray[np.intp], NDArray[np.intp], Array]:
    """Indices of the nodes either side of each ``x`` and the weight of the upper one."""
    if len(nodes) == 1:
        zero = np.zeros(np.shape(x), dtype=np.intp)
        return zero, zero, np.zeros(np.shape(x))
    j = np.clip(np.searchsorted(nodes, x) - 1, 0, len(nodes) - 2)
    return j, j + 1, (x - nodes[j]) / (nodes[j + 1] - nodes[j])


class ClearanceEmulator:
    """Shares the Monte Carlo between like profiles in :func:`forecast_many`.

    Profiles with the same skin, pigment, placement, session pattern, immune status,
    smoking, horizon and threshold form a group; within a group they differ, draw by
    draw, only in a few rates. For a group with enough runs (profiles and attribution
    variants) each draw's contrast curves and touch-up time are computed once on a grid
    of those rates and a profile interpolates at its own, draw by draw: curves
    linearly, touch-up times linearly in the rate 1/T (for a single clearing pool 1/T
    is exactly proportional to the clearance rate).

    - Lightfast pigments, and photolabile ones with no UV at all (the attribution's
      no-sun variant), differ only in the clearance rate k0 (through sun exposure and
      age): the grid is :data:`EMULATOR_K0`, curves interpolated in log k0.
    - Photolabile pigments in the sun also differ in the dose at the pigment, which
      drives photolysis, and the touch-up criteria switch along it: the grid is the
      age at the first session (spanning the group's ages) by the dose at the pigment
      (:data:`EMULATOR_UV`), from which each node's k0 follows.

    Profiles with a draw outside the grid take the exact path, as do the runs of
    groups too small to pay for their table.
    """

    def __init__(self, params: Params, cache: ModelCache) -> None:
        self.params = params
        self.cache = cache
        self.uses: dict[GroupKey, int] = {}
        self.age_range: dict[GroupKey, tuple[float, float]] = {}
        self.ages: dict[GroupKey, Array] = {}
        self.enabled: set[GroupKey] = set()
        self.touch: dict[GroupKey, Array] = {}
        self.curves: dict[GroupKey, tuple[Float32, Float32, Float32]] = {}
        #: Discolouration (times, curves) of photolabile groups in the sun, where
        #: touch-ups are detected.
        self.drift: dict[GroupKey, tuple[Array, Float32]] = {}

    def key(self, sc: Scenario) -> GroupKey:
        """The group of like profiles ``sc`` belongs to (what its table is shared by)."""
        in_sun = not self.cache.pigment(sc.pigment).is_lightfast and not self._without_uv(sc)
        offsets = tuple((d - sc.first_session).days for d in sc.session_dates)
        return (
            tuple(np.round(sc.skin.lab, 6)),
            sc.pigment,
            sc.placement,
            offsets,
            sc.immune,
            sc.smoker,
            sc.horizon_years,
            sc.touchup_threshold,
            "age-uv" if in_sun else "k0",
        )

    def _without_uv(self, sc: Scenario) -> bool:
        """No UV reaches the scalp (no time outdoors, no sunbeds): nothing photolyses."""
        return not ambient_doses(sc, self.cache).any_sun and sc.sunbed_sessions_per_year == 0.0

    def count(self, sc: Scenario) -> None:
        """Count one run (a profile or an attribution variant) of the group of ``sc``."""
        key = self.key(sc)
        self.uses[key] = self.uses.get(key, 0) + 1
        if key[-1] == "age-uv":
            age = sc.age_at_first_session()
            low, high = self.age_range.get(key, (age, age))
            self.age_range[key] = (min(low, age), max(high, age))

    def enable(self) -> None:
        """Tabulate the groups with enough runs to pay for their table."""
        for key, runs in self.uses.items():
            if key[-1] == "k0":
                if runs >= EMULATOR_MIN_RUNS:
                    self.enabled.add(key)
                continue
            low, high = self.age_range[key]
            n_ages = (
                1 if high - low < 1e-6 else 1 + math.ceil((high - low) / EMULATOR_AGE_STEP_YEARS)
            )
            if runs >= EMULATOR_RUNS_PER_NODE * n_ages * len(EMULATOR_UV):
                self.enabled.add(key)
                self.ages[key] = np.linspace(low, high, n_ages)

    def _node_rates(self, sc: Scenario, key: GroupKey) -> list[ClearanceRates]:
        n = len(self.params.drawn["clearance_rate_per_year"])
        if key[-1] == "k0":
            k1 = clearance_rates(
                sc, self.params, np.zeros(n), self.cache, placement=sc.placement
            ).k1
            return [
                ClearanceRates(k0=np.full(n, k0), k1=k1, uv_at_pigment=np.zeros(n))
                for k0 in EMULATOR_K0
            ]
        return [
            clearance_rates_at(
                sc, self.params, np.full(n, uv), age, self.cache, placement=sc.placement
            )
            for age in self.ages[key]
            for uv in EMULATOR_UV
        ]

    def _tabulate(self, sc: Scenario, key: GroupKey, with_curves: bool) -> None:
        det = detection(sc, self.cache)
        if not with_curves:
            det = detection_window(det)
        window = det.within & (det.times >= det.healed_years)
        nodes = self._node_rates(sc, key)
        n = len(self.params.drawn["clearance_rate_per_year"])
        touch = np.empty((len(nodes), n))
        social = np.empty((len(nodes), n, len(det.times)), dtype=np.float32)
        closeup = np.empty_like(social) if with_curves else social[:0]
        look = np.empty_like(social) if with_curves else social[:0]
        in_sun = key[-1] == "age-uv"
        drift = np.empty((len(nodes) if in_sun else 0, n, int(window.sum())), dtype=np.float32)
        for j, rates in enumerate(nodes):
            c = contrast_curves(
                sc,
                self.params,
                rates,
                det.times,
                self.cache,
                placement=sc.placement,
                closeup=with_curves,
            )
            touch[j] = touchup_criteria(c, det)[0]
            if in_sun:
                assert c.drift is not None
                drift[j] = c.drift[:, window]
            if with_curves:
                assert c.closeup is not None
                social[j], closeup[j], look[j] = c.social, c.closeup, c.look
        self.touch[key] = touch
        if in_sun:
            self.drift[key] = (det.times[window], drift)
        if with_curves:
            self.curves[key] = (social, closeup, look)

    def _corners(self, sc: Scenario, key: GroupKey, dermal: Array) -> Corners | None:
        """The table nodes around each draw of ``sc``, or None if one lies off the grid."""
        if key[-1] == "k0":
            k0 = clearance_rates(sc, self.params, dermal, self.cache, placement=sc.placement).k0
            grid = EMULATOR_K0
            if k0.min() < grid[0] or k0.max() > grid[-1]:
                return None
            lower, upper, w_rate = bracket(grid, k0)
            w_log = (np.log(k0) - np.log(grid[lower])) / (np.log(grid[upper]) - np.log(grid[lower]))
            return [(lower, 1.0 - w_rate, 1.0 - w_log), (upper, w_rate, w_log)]
        ages = self.ages[key]
        age = np.array(sc.age_at_first_session())
        uv = uv_at_pigment(self.params, dermal, placement=sc.placement)
        if not ages[0] - 1e-9 <= age <= ages[-1] + 1e-9 or uv.max() > EMULATOR_UV[-1]:
            return None
        a_low, a_high, w_age = bracket(ages, age)
        u_low, u_high, w_uv = bracket(EMULATOR_UV, uv)
        # Curves in log dose above the first positive node (photolysis progresses with
        # dose × time, and discolouration saturates with progress), linearly below it.
        low, high = EMULATOR_UV[u_low], EMULATOR_UV[u_high]
        positive = low > 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            w_log = np.log(uv / np.where(positive, low, 1.0)) / np.log(
                high / np.where(positive, low, 1.0)
            )
        w_curve = np.where(positive, w_log, w_uv)
        n_uv = len(EMULATOR_UV)
        corners: Corners = []
        for a, wa in ((a_low, 1.0 - w_age), (a_high, w_age)):
            for u, w_rate, w_shape in ((u_low, 1.0 - w_uv, 1.0 - w_curve), (u_high, w_uv, w_curve)):
                corners.append((a * n_uv + u, wa * w_rate, wa * w_shape))
        return corners

    def run(self, sc: Scenario, *, curves: bool) -> Run | None:
        """The run of one scenario from its group's table, or None to simulate it."""
        key = self.key(sc)
        if key not in self.enabled:
            return None
        expo = scalp_exposure(sc, self.params, self.cache)
        corners = self._corners(sc, key, expo.dermal)
        if corners is None:
            return None
        if key not in self.touch or (curves and key not in self.curves):
            self._tabulate(sc, key, with_curves=curves)
        rows = np.arange(len(expo.dermal))
        touch = self.touch[key]
        with np.errstate(divide="ignore"):
            rate = sum(w / touch[node, rows] for node, w, _ in corners)
            touchup = np.where(rate > 0.0, 1.0 / rate, np.inf)
        det = detection(sc, self.cache)
        if key in self.drift:
            # Discolouration can peak near acceptability, so that its crossing time
            # jumps between nodes: its curves are interpolated instead, then crossed.
            times, table_drift = self.drift[key]
            curve = interpolated_curves(table_drift, rows, corners)
            shifted = first_crossing(times, -curve, -det.acceptable, det.healed_years)
            touchup = np.minimum(touchup, shifted)
        social: NDArray[np.floating[Any]] = np.zeros((len(rows), 0), dtype=np.float32)
        closeup: NDArray[np.floating[Any]] | None = None
        look: NDArray[np.floating[Any]] | None = None
        if curves:
            # Interpolated in single precision, as tabulated.
            table_social, table_closeup, table_look = self.curves[key]
            social, closeup, look = (
                interpolated_curves(table_social, rows, corners),
                interpolated_curves(table_closeup, rows, corners),
                interpolated_curves(table_look, rows, corners),
            )
        return Run(
            det.times, social, closeup, touchup, det.target, det.healed_years, expo, look=look
        )

    def release_curves(self) -> None:
        """Free the curve tables (they are large); touch-up tables stay."""
        self.curves.clear()


def interpolated_curves(table: Float32, rows: NDArray[np.intp], corners: Corners) -> Float32:
    """Curves ``(n, T)`` weighted over the corner nodes of each draw, in single precision."""
    nodes, n, n_times = table.shape
    index = np.concatenate([node * n + rows for node, _, _ in corners])
    gathered = np.take(table.reshape(nodes * n, n_times), index, axis=0)
    weights = np.stack([weight for _, _, weight in corners]).astype(np.float32)
    parts = gathered.reshape(len(corners), len(rows), n_times)
    return np.asarray(np.einsum("cn,cnt->nt", weights, parts), dtype=np.float32)
