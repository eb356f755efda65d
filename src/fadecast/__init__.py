"""fadecast: forecast how scalp micropigmentation (SMP) fades.

The package is a functional core of pure numpy stages and thin shells at its edges (the
whole picture is in ``docs/architecture.md``):

- :mod:`fadecast.inputs`: the client's profile, places, the parameter table;
- :mod:`fadecast.sun`, :mod:`fadecast.skin`: the physics, one stage a module;
- :mod:`fadecast.forecasting`: the orchestrator, from a profile to a touch-up window;
- :mod:`fadecast.planning`: every session until old age, costs, habits, removal;
- :mod:`fadecast.render`, :mod:`fadecast.measure`: pictures of the forecast, and photos
  measured the same way;
- :mod:`fadecast.report`, :mod:`fadecast.cli`: text, HTML, plots, calendars, files.

The public API is imported lazily, so that ``import fadecast`` stays cheap.

Examples
--------
>>> import datetime as dt
>>> from importlib import resources
>>> from pathlib import Path
>>> import fadecast
>>> today = dt.date(2026, 6, 1)
>>> path = Path(str(resources.files("fadecast") / "examples" / "temperate-office-worker.toml"))
>>> profile = fadecast.load_profile(path, today=today)
>>> result = fadecast.forecast(profile, samples=200, seed=0, today=today)
>>> round(result.touchup_years[1], 1)  # the median touch-up, years after the first session
6.9
>>> from fadecast.report.json import forecast_dict  # the JSON contract
>>> sorted(forecast_dict(result))[:3]
['attribution', 'curve', 'exposure']
>>> lifetime = fadecast.plan(profile, until_age=60, samples=100, seed=0, today=today)
>>> lifetime.sessions[0].kind
'fade'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fadecast.version import __version__

__all__ = [
    "ForecastResult",
    "Measurement",
    "PlanResult",
    "Profile",
    "__version__",
    "forecast",
    "forecast_many",
    "load_profile",
    "measure_photo",
    "parse_profile",
    "plan",
]

_LAZY = {
    "forecast": "fadecast.forecasting",
    "forecast_many": "fadecast.forecasting",
    "ForecastResult": "fadecast.forecasting",
    "load_profile": "fadecast.inputs.profile",
    "parse_profile": "fadecast.inputs.profile",
    "Profile": "fadecast.inputs.profile",
    "plan": "fadecast.planning",
    "PlanResult": "fadecast.planning",
    "measure_photo": "fadecast.measure.measurement",
    "Measurement": "fadecast.measure.measurement",
}

if TYPE_CHECKING:
    from fadecast.forecasting import ForecastResult, forecast, forecast_many
    from fadecast.inputs.profile import Profile, load_profile, parse_profile
    from fadecast.measure.measurement import Measurement, measure_photo
    from fadecast.planning import PlanResult, plan


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'fadecast' has no attribute {name!r}")
