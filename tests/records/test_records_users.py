"""Users of the web dashboard in the records: passwords as argon2id, roles, sessions that
end, the login rate limit, the one-time setup link and the calendar feed's secret, on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import NOW
from sqlalchemy import func, select, text

from fadecast.errors import InputError
from fadecast.records.audit import audit_entries
from fadecast.records.clinics import add_clinic
from fadecast.records.database import Database
from fadecast.records.models import Clinic, LoginAttempt, SetupToken, WebSession, WebUser
from fadecast.records.users import (
    LOGIN_FAILURES,
    LOGIN_WINDOW,
    SESSION_IDLE,
    SESSION_LIFETIME,
    SETUP_LIFETIME,
    add_user,
    authenticate,
    change_password,
    claim_setup,
    clinic_of_feed,
    end_session,
    issue_setup_token,
    rotate_feed_secret,
    session_for_token,
    set_active,
    set_role,
    setup_token_valid,
    start_session,
    token_sha256,
    user_of,
)

PASSWORD = "a long pass phrase"


def _clinic_with_owner(records: Database, name: str = "Northside") -> tuple[int, int]:
    with records.transaction() as session:
        clinic = add_clinic(session, name=name, actor="test", now=NOW)
        user = add_user(
            session,
            clinic_id=clinic.id,
            email=f"Owner@{name}.example",
            display_name="Sam Lee",
            role="owner",
            password=PASSWORD,
            actor="test",
            now=NOW,
        )
        return clinic.id, user.id


def test_a_password_is_kept_as_an_argon2id_hash_only(records: Database) -> None:
    clinic_id, user_id = _clinic_with_owner(records)
    with records.transaction() as session:
        user = user_of(session, clinic_id=clinic_id, user_id=user_id)
        assert user.email == "owner@northside.example"
        assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert PASSWORD not in user.password_hash
        entries = audit_entries(session, clinic_id=clinic_id)
        assert [(e.action, e.entity) for e in entries][-1] == ("create", "web_user")
        assert PASSWORD not in str([e.detail for e in entries])
        assert "$argon2" not in str([e.detail for e in entries])


@pytest.mark.parametrize(
    ("email", "password", "role", "field"),
    [
        ("not an address", PASSWORD, "owner", "email"),
        ("sam@example.org", "short", "owner", "password"),
        ("sam@example.org", "x" * 129, "owner", "password"),
        ("sam@example.org", "aaaaaaaaaaaaaaaa", "owner", "password"),
        ("sam@example.org", "sam@example.org", "owner", "password"),
        ("sam@example.org", PASSWORD, "admin", "role"),
    ],
)
def test_a_user_is_refused_naming_the_field(
    records: Database, email: str, password: str, role: str, field: str
) -> None:
    clinic_id, _ = _clinic_with_owner(records)
    with pytest.raises(InputError) as error, records.transaction() as session:
        add_user(
            session,
            clinic_id=clinic_id,
            email=email,
            display_name="Someone",
            role=role,
            password=password,
            actor="test",
            now=NOW,
        )
    assert error.value.field == field
    with records.transaction() as session:
        assert session.scalar(select(func.count()).select_from(WebUser)) == 1


def test_an_email_signs_in_one_user_across_clinics(records: Database) -> None:
    _clinic_with_owner(records, "Northside")
    other, _ = _clinic_with_owner(records, "Southside")
    with pytest.raises(InputError, match="signs in someone already"), records.transaction() as s:
        add_user(
            s,
            clinic_id=other,
            email="OWNER@northside.example",
            display_name="Copy",
            role="practitioner",
            password=PASSWORD,
            actor="test",
            now=NOW,
        )


def test_a_user_of_another_clinic_is_unknown(records: Database) -> None:
    north, north_owner = _clinic_with_owner(records, "Northside")
    south, _ = _clinic_with_owner(records, "Southside")
    with pytest.raises(InputError, match="no user"), records.transaction() as session:
        user_of(session, clinic_id=south, user_id=north_owner)
    with records.transaction() as session:
        assert user_of(session, clinic_id=north, user_id=north_owner).clinic_id == north


def test_sign_in_right_and_wrong_is_kept(records: Database) -> None:
    _clinic_with_owner(records)
    with records.transaction() as session:
        good = authenticate(
            session, email=" owner@NORTHSIDE.example", password=PASSWORD, ip="10.0.0.1", now=NOW
        )
        bad = authenticate(
            session, email="owner@northside.example", password="wrong", ip="10.0.0.1", now=NOW
        )
        nobody = authenticate(
            session, email="who@example.org", password=PASSWORD, ip="10.0.0.1", now=NOW
        )
    assert good.user is not None and good.user.display_name == "Sam Lee"
    assert bad.user is None and not bad.throttled
    assert nobody.user is None and not nobody.throttled
    with records.transaction() as session:
        kept = session.execute(
            select(LoginAttempt.email, LoginAttempt.succeeded).order_by(LoginAttempt.id)
        ).all()
    assert [tuple(k) for k in kept] == [
        ("owner@northside.example", True),
        ("owner@northside.example", False),
        ("who@example.org", False),
    ]


def test_the_rate_limit_stops_tries_for_the_window(records: Database) -> None:
    _clinic_with_owner(records)
    email, ip = "owner@northside.example", "10.0.0.9"
    with records.transaction() as session:
        for i in range(LOGIN_FAILURES):
            at = NOW + dt.timedelta(seconds=i)
            outcome = authenticate(session, email=email, password="wrong", ip=ip, now=at)
            assert outcome.user is None and not outcome.throttled
    later = NOW + dt.timedelta(minutes=1)
    with records.transaction() as session:
        stopped = authenticate(session, email=email, password=PASSWORD, ip=ip, now=later)
        other_ip = authenticate(session, email=email, password=PASSWORD, ip="10.0.0.8", now=later)
    assert stopped.user is None and stopped.throttled
    assert 0 < stopped.retry_after <= LOGIN_WINDOW.total_seconds()
    assert other_ip.user is not None  # another address is not stopped
    after = NOW + LOGIN_WINDOW + dt.timedelta(seconds=LOGIN_FAILURES + 1)
    with records.transaction() as session:
        again = authenticate(session, email=email, password=PASSWORD, ip=ip, now=after)
    assert again.user is not None


def test_a_user_turned_off_cannot_sign_in_and_their_sessions_end(records: Database) -> None:
    clinic_id, owner_id = _clinic_with_owner(records)
    with records.transaction() as session:
        helper = add_user(
            session,
            clinic_id=clinic_id,
            email="desk@northside.example",
            display_name="Desk",
            role="front_desk",
            password=PASSWORD,
            actor="test",
            now=NOW,
        )
        token = start_session(session, user=helper, now=NOW).token
        set_active(session, user=helper, active=False, actor="owner", now=NOW)
    with records.transaction() as session:
        assert session_for_token(session, token=token, now=NOW) is None
        outcome = authenticate(
            session, email="desk@northside.example", password=PASSWORD, ip="1.2.3.4", now=NOW
        )
        assert outcome.user is None
        owner = user_of(session, clinic_id=clinic_id, user_id=owner_id)
        with pytest.raises(InputError, match="only owner"):
            set_active(session, user=owner, active=False, actor="owner", now=NOW)
        with pytest.raises(InputError, match="only owner"):
            set_role(session, user=owner, role="practitioner", actor="owner", now=NOW)


def test_a_session_ends_when_idle_past_its_lifetime_or_signed_out(records: Database) -> None:
    clinic_id, owner_id = _clinic_with_owner(records)
    with records.transaction() as session:
        user = user_of(session, clinic_id=clinic_id, user_id=owner_id)
        first = start_session(session, user=user, now=NOW)
        second = start_session(session, user=user, now=NOW)
        third = start_session(session, user=user, now=NOW)
        # Only the sha256 of the cookie's token is kept.
        tokens = set(session.scalars(select(WebSession.token_sha256)))
        assert first.token not in tokens and token_sha256(first.token) in tokens
    step = SESSION_IDLE - dt.timedelta(minutes=1)
    with records.transaction() as session:
        # Kept alive by requests, the first lasts until its lifetime ends.
        at = NOW
        while at + step < NOW + SESSION_LIFETIME:
            at += step
            assert session_for_token(session, token=first.token, now=at) is not None
        assert session_for_token(session, token=first.token, now=NOW + SESSION_LIFETIME) is None
        # Idle too long, the second has ended.
        assert session_for_token(session, token=second.token, now=NOW + SESSION_IDLE) is None
        end_session(session, token=third.token)
        assert session_for_token(session, token=third.token, now=NOW) is None
        assert session_for_token(session, token="made-up", now=NOW) is None


def test_changing_the_password_ends_the_other_sessions(records: Database) -> None:
    clinic_id, owner_id = _clinic_with_owner(records)
    with records.transaction() as session:
        user = user_of(session, clinic_id=clinic_id, user_id=owner_id)
        here = start_session(session, user=user, now=NOW)
        elsewhere = start_session(session, user=user, now=NOW)
        with pytest.raises(InputError) as wrong:
            change_password(
                session, user=user, current="not it", new="another long phrase", actor="x", now=NOW
            )
        assert wrong.value.field == "current"
        change_password(
            session,
            user=user,
            current=PASSWORD,
            new="another long phrase",
            keep_session=here.row.id,
            actor="Sam Lee",
            now=NOW,
        )
    with records.transaction() as session:
        assert session_for_token(session, token=here.token, now=NOW) is not None
        assert session_for_token(session, token=elsewhere.token, now=NOW) is None
        signed = authenticate(
            session,
            email="owner@northside.example",
            password="another long phrase",
            ip="1.1.1.1",
            now=NOW,
        )
        assert signed.user is not None


def test_the_setup_link_makes_the_first_owner_once(records: Database) -> None:
    with records.transaction() as session:
        token = issue_setup_token(session, now=NOW)
    assert token is not None
    with records.transaction() as session:
        stored = list(session.scalars(select(SetupToken.token_sha256)))
        assert stored == [token_sha256(token)]  # the token itself is kept nowhere
        assert setup_token_valid(session, token=token, now=NOW)
    # A bad answer keeps nothing and leaves the link usable.
    with pytest.raises(InputError) as error, records.transaction() as session:
        claim_setup(
            session,
            token=token,
            email="owner@northside.example",
            display_name="Sam Lee",
            password="short",
            clinic_name="Northside",
            now=NOW,
        )
    assert error.value.field == "password"
    with records.transaction() as session:
        assert setup_token_valid(session, token=token, now=NOW)
        assert session.scalar(select(func.count()).select_from(Clinic)) == 0
        owner = claim_setup(
            session,
            token=token,
            email="owner@northside.example",
            display_name="Sam Lee",
            password=PASSWORD,
            clinic_name="Northside",
            now=NOW,
        )
        assert owner.role == "owner"
    with pytest.raises(InputError, match="used or has expired"), records.transaction() as s:
        claim_setup(
            s,
            token=token,
            email="intruder@example.org",
            display_name="Intruder",
            password=PASSWORD,
            clinic_name="Elsewhere",
            now=NOW,
        )
    with records.transaction() as session:
        assert issue_setup_token(session, now=NOW) is None  # a user exists: no more links
        assert session.scalar(select(func.count()).select_from(WebUser)) == 1


def test_a_setup_link_expires_and_a_new_one_voids_the_old(records: Database) -> None:
    with records.transaction() as session:
        add_clinic(session, name="Northside", actor="cli", now=NOW)
        old = issue_setup_token(session, now=NOW)
        new = issue_setup_token(session, now=NOW)
    assert old is not None and new is not None and old != new
    with records.transaction() as session:
        assert not setup_token_valid(session, token=old, now=NOW)
        assert setup_token_valid(session, token=new, now=NOW)
        assert not setup_token_valid(session, token=new, now=NOW + SETUP_LIFETIME)
        # The records' only clinic is the one owned.
        owner = claim_setup(
            session,
            token=new,
            email="owner@northside.example",
            display_name="Sam Lee",
            password=PASSWORD,
            now=NOW + dt.timedelta(hours=1),
        )
        assert session.get(Clinic, owner.clinic_id) is not None


def test_the_feed_secret_is_kept_hashed_and_rotates(records: Database) -> None:
    north, _ = _clinic_with_owner(records, "Northside")
    south, _ = _clinic_with_owner(records, "Southside")
    with records.transaction() as session:
        first = rotate_feed_secret(session, clinic_id=north, actor="Sam Lee", now=NOW)
        other = rotate_feed_secret(session, clinic_id=south, actor="Sam Lee", now=NOW)
    with records.transaction() as session:
        assert clinic_of_feed(session, secret=first) == north
        assert clinic_of_feed(session, secret=other) == south
        kept = session.execute(text("SELECT secret_sha256 FROM calendar_feed")).scalars().all()
        assert first not in kept and token_sha256(first) in kept
        second = rotate_feed_secret(session, clinic_id=north, actor="Sam Lee", now=NOW)
    with records.transaction() as session:
        assert clinic_of_feed(session, secret=first) is None
        assert clinic_of_feed(session, secret=second) == north
        assert clinic_of_feed(session, secret="../../etc/passwd") is None
        actions = [(e.action, e.entity) for e in audit_entries(session, clinic_id=north)]
    assert actions[-2:] == [("create", "calendar_feed"), ("change", "calendar_feed")]
