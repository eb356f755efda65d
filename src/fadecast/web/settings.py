"""Settings of the web app: where it listens, what it may spend, what it keeps.

A frozen dataclass, filled by ``fadecast serve`` from its options (and by the tests
directly); :func:`fadecast.web.app.create_app` takes one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fadecast.errors import InputError

__all__ = ["WebSettings"]


@dataclass(frozen=True)
class WebSettings:
    """What the web app is set up with.

    Attributes
    ----------
    host
        Address to listen on (loopback by default: put a reverse proxy with HTTPS in front
        of it to serve others).
    port
        TCP port, 1-65535.
    database_url
        The clinic's records (a SQLite file or a ``postgresql://`` URL), or None: the
        clinic dashboard works on them (the calculator and the public API do not use
        them).
    secure_cookies
        Whether the app is served over HTTPS: cookies get the ``Secure`` flag and pages a
        ``Strict-Transport-Security`` header.
    samples
        Monte Carlo draws of a forecast made for a page, as ``fadecast forecast``.
    max_samples
        Most draws an API request may ask for (bounds the work one request causes).
    seed
        Seed of the forecasts made for pages (the same answers give the same page).
    cache_size
        Results kept in memory, least recently used dropped first.
    max_concurrent
        Computations (forecasts, plans, measurements) run at once; further requests wait.
    max_upload_bytes
        Largest photo accepted for measuring. [bytes]
    max_upload_pixels
        Largest photo accepted for measuring, width times height. [px]
    today
        The date taken as today, or None for the real date (fixed in tests).

    Examples
    --------
    >>> settings = WebSettings(port=8080)
    >>> settings.host, settings.port, settings.samples
    ('127.0.0.1', 8080, 2000)
    >>> WebSettings(port=0)
    Traceback (most recent call last):
        ...
    fadecast.errors.InputError: --port: must be a TCP port 1-65535, got 0
    """

    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str | None = None
    secure_cookies: bool = False
    samples: int = 2000
    max_samples: int = 5000
    seed: int = 0
    cache_size: int = 64
    max_concurrent: int = 2
    max_upload_bytes: int = 20 * 1024 * 1024
    max_upload_pixels: int = 24_000_000
    today: dt.date | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.port <= 65535:
            raise InputError("--port", f"must be a TCP port 1-65535, got {self.port}")
        if not self.host or any(ch.isspace() for ch in self.host):
            raise InputError("--host", f"must be a host name or address, got {self.host!r}")
        if not 10 <= self.samples <= self.max_samples:
            raise InputError(
                "samples", f"must be 10-{self.max_samples} (max_samples), got {self.samples}"
            )
        for name in ("cache_size", "max_concurrent", "max_upload_bytes", "max_upload_pixels"):
            if getattr(self, name) < 1:
                raise InputError(name, f"must be at least 1, got {getattr(self, name)}")

    def today_date(self) -> dt.date:
        """The date taken as today: :attr:`today`, else the real date.

        Examples
        --------
        >>> WebSettings(today=dt.date(2026, 6, 1)).today_date()
        datetime.date(2026, 6, 1)
        """
        return self.today if self.today is not None else dt.date.today()
