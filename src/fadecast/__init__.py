"""fadecast: forecast how scalp micropigmentation (SMP) fades.

The package is a functional core of pure numpy functions per physical stage
(:mod:`fadecast.sun`, :mod:`fadecast.skin`), one orchestrator
(:mod:`fadecast.forecasting`) and thin shells at the edges (:mod:`fadecast.cli`).

The public API, imported lazily so that ``import fadecast`` stays cheap::

    profile = fadecast.load_profile("profile.toml")
    result = fadecast.forecast(profile, samples=2000, seed=0)
    result.to_dict()
    fadecast.forecast_many([profile, ...], samples=2000, seed=0)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fadecast.version import __version__

__all__ = [
    "ForecastResult",
    "Profile",
    "__version__",
    "forecast",
    "forecast_many",
    "load_profile",
    "parse_profile",
]

_LAZY = {
    "forecast": "fadecast.forecasting",
    "forecast_many": "fadecast.forecasting",
    "ForecastResult": "fadecast.forecasting",
    "load_profile": "fadecast.inputs.profile",
    "parse_profile": "fadecast.inputs.profile",
    "Profile": "fadecast.inputs.profile",
}

if TYPE_CHECKING:
    from fadecast.forecasting import ForecastResult, forecast, forecast_many
    from fadecast.inputs.profile import Profile, load_profile, parse_profile


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'fadecast' has no attribute {name!r}")
