"""Who may sign in to the web dashboard, and how: users with roles, passwords, signed-in
sessions, the login rate limit, the first run's setup link, the calendar feed's secret.

**Users** (:class:`~fadecast.records.models.WebUser`) belong to one clinic and have one
role of :data:`~fadecast.records.models.USER_ROLES`. An e-mail address signs in one
user across the records. Passwords are kept as **argon2id** hashes (argon2-cffi's
defaults, RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes); a password
is 12 to 128 characters and may not be the e-mail address (OWASP ASVS 2.1: length, not
composition rules). Adding a user, changing a role, a password or whether a user may
sign in is written to the audit log, never the password or its hash.

**Signed-in sessions** (:class:`~fadecast.records.models.WebSession`): signing in makes
a random token (256 bits) for the browser's cookie; the records keep only its sha256,
so a copy of the database signs no one in. A session ends after
:data:`SESSION_IDLE` without a request or :data:`SESSION_LIFETIME` after it began,
when its user signs out, changes their password (their other sessions end) or is
turned off. Each session has its own token for forms (against cross-site request
forgery), kept with it.

**The rate limit**: every try at signing in is kept (:class:`LoginAttempt
<fadecast.records.models.LoginAttempt>`: the e-mail, the address it came from, when,
whether it succeeded). After :data:`LOGIN_FAILURES` failures for one e-mail from one
address within :data:`LOGIN_WINDOW` (since its last success), further tries are refused
without checking the password until the window has passed.

**The first run**: while the records hold no user at all, :func:`issue_setup_token`
makes a one-time token (valid :data:`SETUP_LIFETIME`, the earlier ones voided) that
``fadecast serve`` prints as a link; :func:`claim_setup` makes the clinic's owner with
it (and the clinic, if the records hold none) and uses it up. Once any user exists no
such token is made and none is accepted: nobody else can claim the records.

**A further clinic of a group** (added with ``fadecast clinic add-clinic`` once the first
clinic has its owner) gets its owner the same way, through a token made for that clinic
alone: :func:`issue_clinic_setup_token` (``fadecast clinic setup-link``, run by whoever
runs the server) makes one while the clinic has no user (valid :data:`SETUP_LIFETIME`,
its earlier ones voided); it makes that clinic's owner and no other's, once, and stops
working as soon as the clinic has a user. The owner of one clinic never adds users to
another.

**The calendar feed**: a clinic's booked sessions and forecast touch-ups at a secret
address, for calendar apps (which cannot sign in). :func:`rotate_feed_secret` makes a
new secret (the old address stops working) and returns it once; the records keep its
sha256.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.records.audit import audit
from fadecast.records.clinics import add_clinic
from fadecast.records.fields import checked_choice, required_text
from fadecast.records.models import (
    USER_ROLES,
    CalendarFeed,
    Clinic,
    LoginAttempt,
    SetupToken,
    WebSession,
    WebUser,
)

__all__ = [
    "LOGIN_FAILURES",
    "LOGIN_WINDOW",
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "SESSION_IDLE",
    "SESSION_LIFETIME",
    "SETUP_LIFETIME",
    "LoginOutcome",
    "NewSession",
    "add_user",
    "authenticate",
    "change_password",
    "check_password",
    "claim_setup",
    "clinic_of_feed",
    "end_session",
    "feed_exists",
    "hash_password",
    "issue_clinic_setup_token",
    "issue_setup_token",
    "normal_email",
    "reset_password",
    "rotate_feed_secret",
    "session_for_token",
    "set_active",
    "set_role",
    "setup_token_clinic",
    "setup_token_valid",
    "start_session",
    "token_sha256",
    "user_of",
    "users_exist",
    "users_of",
    "verify_password",
]

#: Shortest and longest password accepted. [characters]
PASSWORD_MIN = 12
PASSWORD_MAX = 128
#: A signed-in session ends after this long without a request...
SESSION_IDLE = dt.timedelta(hours=2)
#: ...and this long after signing in, whatever happens.
SESSION_LIFETIME = dt.timedelta(hours=12)
#: Failures for one e-mail from one address within the window that stop further tries.
LOGIN_FAILURES = 5
LOGIN_WINDOW = dt.timedelta(minutes=15)
#: How long the first run's setup link works.
SETUP_LIFETIME = dt.timedelta(hours=24)
#: Login attempts are kept this long (the rate limit reads the last window only).
ATTEMPTS_KEPT = dt.timedelta(days=30)
#: A session's last request is noted at most this often (one write a minute, not one a
#: request).
_TOUCH_EVERY = dt.timedelta(minutes=1)
#: The shape of the tokens this module makes (``secrets.token_urlsafe(32)``).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")

_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so that the answer takes as long."""
    return _HASHER.hash("not a password of anyone's")


def _second(now: dt.datetime) -> dt.datetime:
    return now.replace(microsecond=0)


def token_sha256(token: str) -> str:
    """The sha256 (hex) under which a token or secret is kept.

    Examples
    --------
    >>> token_sha256("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def normal_email(field: str, value: str) -> str:
    """An e-mail address as the records keep it: stripped, in lower case.

    Raises
    ------
    InputError
        For something that is not an e-mail address (naming ``field``).

    Examples
    --------
    >>> normal_email("email", "  Sam.Lee@Example.ORG ")
    'sam.lee@example.org'
    """
    text = required_text(field, value, limit=320).lower()
    if not _EMAIL.fullmatch(text):
        raise InputError(field, f"must be an e-mail address such as sam@example.org, got {text!r}")
    return text


def check_password(password: str, *, email: str) -> str:
    """A new password, if it may be one: :data:`PASSWORD_MIN` to :data:`PASSWORD_MAX`
    characters, not the e-mail address, not all one character.

    Raises
    ------
    InputError
        Naming ``password``.

    Examples
    --------
    >>> check_password("correct horse battery", email="sam@example.org")
    'correct horse battery'
    >>> check_password("short", email="sam@example.org")
    Traceback (most recent call last):
        ...
    fadecast.errors.InputError: password: must be at least 12 characters, got 5
    """
    if len(password) < PASSWORD_MIN:
        raise InputError(
            "password", f"must be at least {PASSWORD_MIN} characters, got {len(password)}"
        )
    if len(password) > PASSWORD_MAX:
        raise InputError("password", f"must be at most {PASSWORD_MAX} characters")
    if password.strip().lower() == email.strip().lower():
        raise InputError("password", "must not be the e-mail address")
    if len(set(password)) < 3:
        raise InputError("password", "must not be one or two characters repeated")
    return password


def hash_password(password: str) -> str:
    """The argon2id hash of a password (its PHC string: parameters, salt, hash).

    Examples
    --------
    >>> hashed = hash_password("correct horse battery")
    >>> hashed.startswith("$argon2id$"), verify_password(hashed, "correct horse battery")
    (True, True)
    """
    return _HASHER.hash(password)


def verify_password(hashed: str, password: str) -> bool:
    """Whether a password matches its argon2 hash (False for a hash that is not one)."""
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _audit_user(
    session: Session,
    user: WebUser,
    *,
    action: str,
    detail: dict[str, object],
    actor: str,
    now: dt.datetime,
) -> None:
    audit(
        session,
        clinic_id=user.clinic_id,
        actor=actor,
        action=action,
        entity="web_user",
        entity_id=user.id,
        detail={"email": user.email, **detail},
        at=now,
    )


def add_user(
    session: Session,
    *,
    clinic_id: int,
    email: str,
    display_name: str,
    role: str,
    password: str,
    actor: str,
    now: dt.datetime,
) -> WebUser:
    """Add a user of the web dashboard to a clinic.

    Raises
    ------
    InputError
        For an e-mail that is not one or signs in someone already (``email``), an empty
        name (``display_name``), an unknown role (``role``), or a password too short,
        too long or the e-mail (``password``).
    """
    address = normal_email("email", email)
    name = required_text("display_name", display_name)
    checked_choice("role", role, USER_ROLES)
    check_password(password, email=address)
    if session.scalar(select(WebUser.id).where(WebUser.email == address)) is not None:
        raise InputError("email", f"{address} signs in someone already")
    at = _second(now)
    user = WebUser(
        clinic_id=clinic_id,
        email=address,
        display_name=name,
        role=role,
        password_hash=hash_password(password),
        active=True,
        created_at=at,
        password_changed_at=at,
    )
    session.add(user)
    session.flush()
    _audit_user(session, user, action="create", detail={"role": role}, actor=actor, now=now)
    return user


def user_of(session: Session, *, clinic_id: int, user_id: int) -> WebUser:
    """The clinic's user of this id.

    Raises
    ------
    InputError
        For an id the clinic has no user of (another clinic's users included).
    """
    user = session.scalar(
        select(WebUser).where(WebUser.clinic_id == clinic_id, WebUser.id == user_id)
    )
    if user is None:
        raise InputError("user", f"no user {user_id} in this clinic")
    return user


def users_of(session: Session, *, clinic_id: int) -> list[WebUser]:
    """A clinic's users, by name."""
    query = select(WebUser).where(WebUser.clinic_id == clinic_id)
    return list(session.scalars(query.order_by(WebUser.display_name, WebUser.id)))


def users_exist(session: Session, *, clinic_id: int | None = None) -> bool:
    """Whether the records hold any user at all (of any clinic), or of one clinic."""
    query = select(WebUser.id)
    if clinic_id is not None:
        query = query.where(WebUser.clinic_id == clinic_id)
    return session.scalar(query.limit(1)) is not None


def _active_owners(session: Session, clinic_id: int) -> int:
    query = select(func.count()).where(
        WebUser.clinic_id == clinic_id, WebUser.role == "owner", WebUser.active.is_(True)
    )
    return int(session.scalar(query) or 0)


def _end_sessions(session: Session, user_id: int, *, keep: int | None = None) -> None:
    query = delete(WebSession).where(WebSession.user_id == user_id)
    if keep is not None:
        query = query.where(WebSession.id != keep)
    session.execute(query)


def set_role(
    session: Session, *, user: WebUser, role: str, actor: str, now: dt.datetime
) -> WebUser:
    """Give a user another role.

    Raises
    ------
    InputError
        For an unknown role, or taking the owner's role from the clinic's last active
        owner (``role``).
    """
    checked_choice("role", role, USER_ROLES)
    if role == user.role:
        return user
    if user.role == "owner" and user.active and _active_owners(session, user.clinic_id) <= 1:
        raise InputError("role", "the clinic's only owner keeps the owner's role")
    before = user.role
    user.role = role
    session.flush()
    _audit_user(
        session, user, action="change", detail={"role": role, "was": before}, actor=actor, now=now
    )
    return user


def set_active(
    session: Session, *, user: WebUser, active: bool, actor: str, now: dt.datetime
) -> WebUser:
    """Let a user sign in again, or stop them (their sessions end at once).

    Raises
    ------
    InputError
        For turning off the clinic's last active owner (``active``).
    """
    if active == user.active:
        return user
    if not active and user.role == "owner" and _active_owners(session, user.clinic_id) <= 1:
        raise InputError("active", "the clinic's only owner cannot be turned off")
    user.active = active
    if not active:
        _end_sessions(session, user.id)
    session.flush()
    _audit_user(session, user, action="change", detail={"active": active}, actor=actor, now=now)
    return user


def change_password(
    session: Session,
    *,
    user: WebUser,
    current: str,
    new: str,
    keep_session: int | None = None,
    actor: str,
    now: dt.datetime,
) -> WebUser:
    """Change a user's password, given the current one; their other sessions end.

    Parameters
    ----------
    keep_session
        The id of the session the change is made from, which goes on (None: none does).

    Raises
    ------
    InputError
        For a wrong current password (``current``), or a new one that may not be one
        (``password``).
    """
    if not verify_password(user.password_hash, current):
        raise InputError("current", "is not the current password")
    check_password(new, email=user.email)
    user.password_hash = hash_password(new)
    user.password_changed_at = _second(now)
    _end_sessions(session, user.id, keep=keep_session)
    session.flush()
    _audit_user(
        session, user, action="change", detail={"password": "changed"}, actor=actor, now=now
    )
    return user


def reset_password(
    session: Session, *, user: WebUser, new: str, actor: str, now: dt.datetime
) -> WebUser:
    """Give a user a new password (the owner does, for a forgotten one); every session
    of theirs ends.

    Raises
    ------
    InputError
        For a password that may not be one (``password``).
    """
    check_password(new, email=user.email)
    user.password_hash = hash_password(new)
    user.password_changed_at = _second(now)
    _end_sessions(session, user.id)
    session.flush()
    _audit_user(session, user, action="change", detail={"password": "reset"}, actor=actor, now=now)
    return user


@dataclass(frozen=True)
class LoginOutcome:
    """What a try at signing in came to.

    Attributes
    ----------
    user
        The user signed in (None: refused).
    throttled
        Whether it was refused for too many failures, without checking the password.
    retry_after
        When throttled, how long until a try is counted again. [s]
    """

    user: WebUser | None
    throttled: bool = False
    retry_after: int = 0


def _failures(session: Session, *, email: str, ip: str, now: dt.datetime) -> list[dt.datetime]:
    """The failures for this e-mail from this address in the window, since its last
    success, oldest first."""
    since = now - LOGIN_WINDOW
    tries = session.execute(
        select(LoginAttempt.at, LoginAttempt.succeeded)
        .where(LoginAttempt.email == email, LoginAttempt.ip == ip, LoginAttempt.at > since)
        .order_by(LoginAttempt.at, LoginAttempt.id)
    ).all()
    failed: list[dt.datetime] = []
    for at, succeeded in tries:
        failed = [] if succeeded else [*failed, at]
    return failed


def authenticate(
    session: Session, *, email: str, password: str, ip: str, now: dt.datetime
) -> LoginOutcome:
    """Check a try at signing in, and keep it for the rate limit.

    The try is refused without checking the password when the e-mail has failed
    :data:`LOGIN_FAILURES` times from this address in the last :data:`LOGIN_WINDOW`; an
    unknown e-mail, a wrong password and a user who is turned off are refused alike (the
    answer does not tell which). A hash made with older parameters is made again.
    The caller commits the transaction whatever the outcome (the try is kept).
    """
    at = _second(now)
    # Control characters are never part of an address (and PostgreSQL refuses NUL).
    address = "".join(c for c in " ".join(email.split()) if ord(c) >= 32).lower()[:320]
    where = "".join(c for c in ip if ord(c) >= 32)[:64]
    failed = _failures(session, email=address, ip=where, now=at)
    if len(failed) >= LOGIN_FAILURES:
        opens = failed[-LOGIN_FAILURES] + LOGIN_WINDOW
        wait = max(int((opens - at).total_seconds()) + 1, 1)
        return LoginOutcome(None, throttled=True, retry_after=wait)
    user = session.scalar(select(WebUser).where(WebUser.email == address))
    if user is None:
        verify_password(_dummy_hash(), password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.active
    session.add(
        LoginAttempt(
            clinic_id=None if user is None else user.clinic_id,
            email=address,
            ip=where,
            at=at,
            succeeded=ok,
        )
    )
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < at - ATTEMPTS_KEPT))
    if not ok or user is None:
        session.flush()
        return LoginOutcome(None)
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return LoginOutcome(user)


@dataclass(frozen=True)
class NewSession:
    """A session just begun: the token for the browser's cookie (kept nowhere else) and
    its row."""

    token: str
    row: WebSession


def start_session(session: Session, *, user: WebUser, now: dt.datetime) -> NewSession:
    """Begin a signed-in session for a user (ended sessions of anyone are cleared)."""
    at = _second(now)
    session.execute(delete(WebSession).where(WebSession.expires_at <= at))
    token = _new_token()
    row = WebSession(
        clinic_id=user.clinic_id,
        user_id=user.id,
        token_sha256=token_sha256(token),
        csrf_token=secrets.token_urlsafe(32),
        created_at=at,
        last_seen_at=at,
        expires_at=at + SESSION_LIFETIME,
    )
    session.add(row)
    session.flush()
    return NewSession(token, row)


def session_for_token(session: Session, *, token: str, now: dt.datetime) -> WebSession | None:
    """The signed-in session of a cookie's token, its last request noted (None: no
    such session, or it has ended: idle too long, past its lifetime, or its user
    turned off; an ended session is removed)."""
    if not _TOKEN.fullmatch(token):
        return None
    row = session.scalar(select(WebSession).where(WebSession.token_sha256 == token_sha256(token)))
    if row is None:
        return None
    at = _second(now)
    if at >= row.expires_at or at >= row.last_seen_at + SESSION_IDLE or not row.user.active:
        session.delete(row)
        session.flush()
        return None
    if at - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = at
        session.flush()
    return row


def end_session(session: Session, *, token: str) -> None:
    """End the signed-in session of a cookie's token (signing out)."""
    if _TOKEN.fullmatch(token):
        session.execute(delete(WebSession).where(WebSession.token_sha256 == token_sha256(token)))


def _rowcount(result: object) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def issue_setup_token(session: Session, *, now: dt.datetime) -> str | None:
    """A new one-time setup token while the records hold no user (None once they hold
    one); the earlier unused ones stop working (not those made for one clinic)."""
    if users_exist(session):
        return None
    at = _second(now)
    session.execute(
        delete(SetupToken).where(SetupToken.used_at.is_(None), SetupToken.clinic_id.is_(None))
    )
    token = _new_token()
    session.add(
        SetupToken(token_sha256=token_sha256(token), created_at=at, expires_at=at + SETUP_LIFETIME)
    )
    session.flush()
    return token


def issue_clinic_setup_token(
    session: Session, *, clinic_id: int, actor: str, now: dt.datetime
) -> str:
    """A new one-time setup token that makes the owner of one clinic, which has no user
    yet (a further clinic of a group); the clinic's earlier unused ones stop working.

    Raises
    ------
    InputError
        For an unknown clinic, or one that has a user already (``clinic``): its owner
        adds users on the dashboard.
    """
    clinic = session.get(Clinic, clinic_id)
    if clinic is None:
        raise InputError("clinic", f"the records hold no clinic of id {clinic_id}")
    if users_exist(session, clinic_id=clinic.id):
        raise InputError(
            "clinic",
            f"{clinic.name} has users already: its owner adds them on the Users page",
        )
    at = _second(now)
    session.execute(
        delete(SetupToken).where(SetupToken.used_at.is_(None), SetupToken.clinic_id == clinic.id)
    )
    token = _new_token()
    row = SetupToken(
        clinic_id=clinic.id,
        token_sha256=token_sha256(token),
        created_at=at,
        expires_at=at + SETUP_LIFETIME,
    )
    session.add(row)
    session.flush()
    audit(
        session,
        clinic_id=clinic.id,
        actor=actor,
        action="create",
        entity="setup_token",
        entity_id=row.id,
        detail={"for": "the clinic's owner", "expires_at": row.expires_at.isoformat()},
        at=now,
    )
    return token


def _unused_token(session: Session, token: str, at: dt.datetime) -> SetupToken | None:
    """The setup token's row while it may still be used: known, unused, unexpired, and
    its clinic (or, for the first run's, the records) without any user."""
    if not _TOKEN.fullmatch(token):
        return None
    row = session.scalar(select(SetupToken).where(SetupToken.token_sha256 == token_sha256(token)))
    if row is None or row.used_at is not None or not at < row.expires_at:
        return None
    if users_exist(session, clinic_id=row.clinic_id):
        return None
    return row


def setup_token_valid(session: Session, *, token: str, now: dt.datetime) -> bool:
    """Whether a setup token may still be used: known, unused, unexpired, and the
    records (for a token made for one clinic, that clinic) hold no user yet."""
    return _unused_token(session, token, _second(now)) is not None


def setup_token_clinic(session: Session, *, token: str, now: dt.datetime) -> Clinic | None:
    """The clinic a usable setup token was made for (None: a first run's token, which
    may claim any clinic, or a token that cannot be used)."""
    row = _unused_token(session, token, _second(now))
    return None if row is None or row.clinic_id is None else session.get(Clinic, row.clinic_id)


def claim_setup(
    session: Session,
    *,
    token: str,
    email: str,
    display_name: str,
    password: str,
    clinic_id: int | None = None,
    clinic_name: str | None = None,
    now: dt.datetime,
) -> WebUser:
    """Make a clinic's first owner with a setup token, and use the token up.

    Parameters
    ----------
    clinic_id
        The clinic of the records the owner owns (one of those they hold; when they
        hold exactly one it may be left out). A token made for one clinic
        (:func:`issue_clinic_setup_token`) makes that clinic's owner only: no other
        may be named.
    clinic_name
        The clinic to make when the records hold none.

    Raises
    ------
    InputError
        For a token that is unknown, used, expired, or comes after a user exists
        (``token``); no clinic named, an unknown one or one the token is not for
        (``clinic``); and as :func:`add_user`. Nothing is kept then (the caller's
        transaction rolls back).
    """
    at = _second(now)
    refused = InputError("token", "this setup link has been used or has expired")
    row = _unused_token(session, token, at)
    if row is None:
        raise refused
    bound = row.clinic_id
    if bound is not None and clinic_id is not None and clinic_id != bound:
        raise InputError("clinic", "this setup link is for another clinic")
    used = session.execute(
        update(SetupToken)
        .where(
            SetupToken.token_sha256 == token_sha256(token),
            SetupToken.used_at.is_(None),
            SetupToken.expires_at > at,
        )
        .values(used_at=at)
    )
    if _rowcount(used) != 1:  # claimed at the same moment by someone else
        raise refused
    if bound is not None:
        found_clinic = session.get(Clinic, bound)
        assert found_clinic is not None  # a clinic is never deleted
        clinic = found_clinic
    else:
        clinics = list(session.scalars(select(Clinic).order_by(Clinic.name)))
        if clinics:
            if clinic_id is None and len(clinics) == 1:
                clinic = clinics[0]
            else:
                found = [c for c in clinics if c.id == clinic_id]
                if not found:
                    raise InputError("clinic", "choose the clinic of the records you own")
                clinic = found[0]
        else:
            clinic = add_clinic(session, name=clinic_name or "", actor="setup link", now=at)
    user = add_user(
        session,
        clinic_id=clinic.id,
        email=email,
        display_name=display_name,
        role="owner",
        password=password,
        actor="setup link",
        now=at,
    )
    session.execute(
        update(SetupToken)
        .where(SetupToken.token_sha256 == token_sha256(token))
        .values(clinic_id=clinic.id)
    )
    # The first run's other links, and the owned clinic's, stop working.
    session.execute(
        delete(SetupToken).where(
            SetupToken.used_at.is_(None),
            or_(SetupToken.clinic_id.is_(None), SetupToken.clinic_id == clinic.id),
        )
    )
    return user


def feed_exists(session: Session, *, clinic_id: int) -> bool:
    """Whether the clinic has a calendar feed (a secret made)."""
    query = select(CalendarFeed.id).where(CalendarFeed.clinic_id == clinic_id)
    return session.scalar(query) is not None


def rotate_feed_secret(session: Session, *, clinic_id: int, actor: str, now: dt.datetime) -> str:
    """A new secret for the clinic's calendar feed (the old one stops working); it is
    returned this once, the records keep its sha256 only."""
    secret = _new_token()
    row = session.scalar(select(CalendarFeed).where(CalendarFeed.clinic_id == clinic_id))
    action = "change"
    if row is None:
        row = CalendarFeed(clinic_id=clinic_id)
        session.add(row)
        action = "create"
    row.secret_sha256 = token_sha256(secret)
    row.created_at = _second(now)
    session.flush()
    audit(
        session,
        clinic_id=clinic_id,
        actor=actor,
        action=action,
        entity="calendar_feed",
        entity_id=row.id,
        detail={"secret": "new"},
        at=now,
    )
    return secret


def clinic_of_feed(session: Session, *, secret: str) -> int | None:
    """The clinic whose calendar feed has this secret (None: none has)."""
    if not _TOKEN.fullmatch(secret):
        return None
    query = select(CalendarFeed.clinic_id).where(CalendarFeed.secret_sha256 == token_sha256(secret))
    return session.scalar(query)
