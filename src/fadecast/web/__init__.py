"""fadecast on the web: ``fadecast serve`` runs it (FastAPI, Jinja2 templates, htmx).

- :mod:`.app`: :func:`create_app`, the app factory, and the security middleware;
- :mod:`.settings`: :class:`WebSettings`;
- :mod:`.routes`: the calculator's pages (:mod:`.routes.calculator`, no login), the
  public API (:mod:`.routes.api`, ``/api/v1``), and the clinic dashboard: signing in
  and the first run's setup link (:mod:`.routes.auth`), its pages and the calendar feed
  (:mod:`.routes.clinic`) and its JSON API (:mod:`.routes.clinic_api`,
  ``/api/v1/clinic``);
- :mod:`.security`: signed-in sessions, roles, CSRF tokens and the checks every
  dashboard request passes; :mod:`.clinic_views`: what its pages show, read within one
  clinic; :mod:`.uploads`: photos measured in the background;
- :mod:`.form`, :mod:`.views`, :mod:`.charts`, :mod:`.places`, :mod:`.service`: the
  form's answers, the page's words, the fade curve, the city suggestions and the cached
  computations, each over the same core and report functions as the command line (the
  dashboard over the same :mod:`fadecast.records` functions as ``fadecast clinic``).

The package is imported only by ``fadecast serve`` and the tests: the command line starts
without it.
"""

from __future__ import annotations

from fadecast.web.app import create_app
from fadecast.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
