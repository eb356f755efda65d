"""Photos uploaded to the dashboard, added to the record in the background.

A photo is checked while its upload is answered (type, size, pixels, the consent:
a refusal comes back at once beside the field); measuring it takes seconds, so it is
then added to the record (:func:`fadecast.records.photos.add_photo`: stripped, stored,
measured, recorded with its audit entry, in one transaction) by a worker thread, and
the page asks for its progress (:class:`UploadJob`) until it is done. Jobs are kept in
memory, the latest :data:`KEPT_JOBS`, each for its clinic only: another clinic's job
is not found.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from fadecast.errors import InputError

__all__ = ["JOB_STATES", "KEPT_JOBS", "UploadJob", "UploadJobs"]

#: What a job can be doing: waiting for a worker, adding the photo, done, or failed.
JOB_STATES = ("waiting", "measuring", "done", "failed")
#: Jobs kept for their pages to read, the oldest dropped first.
KEPT_JOBS = 500

_log = logging.getLogger(__name__)


@dataclass
class UploadJob:
    """One photo being added to a client's record.

    Attributes
    ----------
    id
        The job's number (what the progress page is addressed by).
    state
        One of :data:`JOB_STATES`.
    message
        Why it failed (``failed``), in plain words.
    photo_id
        The photo added (``done``).
    result
        What the work returned (``done``).
    """

    id: int
    clinic_id: int
    user_id: int
    client_id: int
    name: str
    state: str = "waiting"
    message: str | None = None
    photo_id: int | None = None
    result: Any = None
    submitted: float = field(default_factory=time.monotonic)
    started: float | None = None
    finished: float | None = None

    @property
    def seconds(self) -> int:
        """Seconds since the job was submitted (until it finished). [s]"""
        end = self.finished if self.finished is not None else time.monotonic()
        return int(end - self.submitted)

    @property
    def over(self) -> bool:
        """Whether it is done or failed."""
        return self.state in ("done", "failed")


class UploadJobs:
    """The photo jobs of one app, run by ``workers`` threads.

    Examples
    --------
    >>> jobs = UploadJobs(workers=1)
    >>> job = jobs.submit(clinic_id=1, user_id=1, client_id=7, name="scalp.jpg",
    ...                   work=lambda job: (3, "measured"))
    >>> jobs.wait(job, timeout=10).state, job.photo_id
    ('done', 3)
    >>> jobs.get(job.id, clinic_id=2) is None  # another clinic's job is not found
    True
    >>> jobs.close()
    """

    def __init__(self, *, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fadecast-photo")
        self._jobs: OrderedDict[int, UploadJob] = OrderedDict()
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._ids = itertools.count(secrets.randbelow(1_000_000) + 1)

    def submit(
        self,
        *,
        clinic_id: int,
        user_id: int,
        client_id: int,
        name: str,
        work: Callable[[UploadJob], tuple[int, Any]],
    ) -> UploadJob:
        """Queue ``work(job)``, which adds the photo and returns its id and a result; an
        :class:`~fadecast.errors.InputError` it raises fails the job with its message."""
        with self._lock:
            job = UploadJob(
                id=next(self._ids),
                clinic_id=clinic_id,
                user_id=user_id,
                client_id=client_id,
                name=name,
            )
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT_JOBS:
                self._jobs.popitem(last=False)
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: UploadJob, work: Callable[[UploadJob], tuple[int, Any]]) -> None:
        with self._lock:
            job.state, job.started = "measuring", time.monotonic()
        state, message, photo_id, result = "failed", None, None, None
        try:
            photo_id, result = work(job)
            state = "done"
        except InputError as error:
            message = error.message
        except Exception:  # a bug: said plainly on the page, kept in the server's log
            _log.exception("adding photo %s failed", job.name)
            message = "the photo could not be added because of an error on the server"
        with self._lock:
            job.state, job.message, job.photo_id, job.result = state, message, photo_id, result
            job.finished = time.monotonic()
            self._done.notify_all()

    def get(self, job_id: int, *, clinic_id: int) -> UploadJob | None:
        """The clinic's job of this number (None: unknown, or another clinic's)."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.clinic_id == clinic_id else None

    def wait(self, job: UploadJob, *, timeout: float) -> UploadJob:
        """Wait until the job is over, at most ``timeout`` seconds. [s]"""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not job.over:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._done.wait(left)
        return job

    def close(self) -> None:
        """Finish the jobs running and stop the workers."""
        self._pool.shutdown(wait=True, cancel_futures=False)
