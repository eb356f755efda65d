"""``fadecast clinic ...``: the command line of a clinic's records (a thin shell over
:mod:`fadecast.records`). Each module registers its commands on
:data:`~fadecast.clinic_cli.app.clinic_app`:

- :mod:`~fadecast.clinic_cli.setup`: init, upgrade, and adding clinics, practitioners,
  clients, profiles, products, lots, courses, sessions, consent forms, signatures and
  health screens;
- :mod:`~fadecast.clinic_cli.lookups`: recall by lot, what is missing, the client's
  passport;
- :mod:`~fadecast.clinic_cli.forecasts`: the touch-ups likely due in a span (from each
  client's cached, photo-calibrated forecast) and the calendar of bookings and touch-ups;
- :mod:`~fadecast.clinic_cli.photos`: photos into the record, stripped of EXIF and GPS,
  measured on import;
- :mod:`~fadecast.clinic_cli.transfer`: bulk CSV import, the full archive out and back
  in, the retention purge.
"""

from __future__ import annotations

from fadecast.clinic_cli import forecasts as forecasts
from fadecast.clinic_cli import lookups as lookups
from fadecast.clinic_cli import photos as photos
from fadecast.clinic_cli import setup
from fadecast.clinic_cli import transfer as transfer
from fadecast.clinic_cli.app import clinic_app

__all__ = ["clinic_app", "setup"]
