"""What was agreed: versioned consent forms, signatures, revocations, health screens.

Each scope (:data:`~fadecast.records.models.CONSENT_SCOPES`) is consented to on its own:
the procedure, having received the aftercare, data processing, photos for the record
and photos for marketing (GDPR: marketing is separate and revocable). A form is kept as
its text and the text's sha256, by version, so a signature names exactly what was
signed; a signature keeps the name signed, the moment and where it came from (paper in
the clinic, a tablet, a link), and can be revoked later, which ends it from then on.

The health screen asks the questions of :data:`HEALTH_QUESTIONS` (software.md §6.4);
each answered yes is flagged with what it asks of the practitioner.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.records.audit import audit
from fadecast.records.fields import checked_choice, checked_text, required_text
from fadecast.records.models import CONSENT_SCOPES, Client, Consent, ConsentForm, HealthScreen

__all__ = [
    "HEALTH_NOTES_LIMIT",
    "HEALTH_QUESTIONS",
    "HealthQuestion",
    "add_form",
    "add_health_screen",
    "consent_in_force",
    "flagged_answers",
    "revoke_consent",
    "sign_consent",
]


@dataclass(frozen=True)
class HealthQuestion:
    """One question of the health screen and what a yes means.

    Attributes
    ----------
    key
        Its name in the answers (``HealthScreen.answers``).
    question
        As asked of the client.
    action
        What a yes asks of the practitioner: ``defer`` (do not treat now), ``doctor``
        (treat only with a doctor's approval) or ``note`` (adapt and record).
    """

    key: str
    question: str
    action: str


#: The health screen (software.md §6.4: the superset of the EU, UK and US records).
HEALTH_QUESTIONS = (
    HealthQuestion("allergy_latex", "Are you allergic to latex?", "note"),
    HealthQuestion(
        "allergy_lidocaine", "Are you allergic to lidocaine or local anaesthetics?", "note"
    ),
    HealthQuestion(
        "allergy_pigments", "Have you reacted to a tattoo pigment or hair dye?", "doctor"
    ),
    HealthQuestion(
        "allergy_metals", "Are you allergic to nickel, chromium or other metals?", "doctor"
    ),
    HealthQuestion(
        "anticoagulants", "Do you take blood thinners (anticoagulants, daily aspirin)?", "doctor"
    ),
    HealthQuestion("diabetes", "Do you have diabetes?", "doctor"),
    HealthQuestion("keloid", "Do you form keloids or heal poorly?", "doctor"),
    HealthQuestion(
        "skin_disease_at_site",
        "Is there psoriasis, eczema, infection or a wound on the scalp?",
        "defer",
    ),
    HealthQuestion(
        "isotretinoin_12_months",
        "Have you taken isotretinoin (Roaccutane) in the last 12 months?",
        "defer",
    ),
    HealthQuestion("pregnant_or_breastfeeding", "Are you pregnant or breastfeeding?", "defer"),
    HealthQuestion(
        "bloodborne_infection",
        "Do you have a bloodborne infection (hepatitis B or C, HIV)?",
        "doctor",
    ),
    HealthQuestion("intoxicated", "Have you had alcohol or drugs in the last 24 hours?", "defer"),
)

#: Most characters of a health screen's notes.
HEALTH_NOTES_LIMIT = 4000


def add_form(
    session: Session,
    *,
    clinic_id: int,
    scope: str,
    version: str,
    text: str,
    actor: str,
    now: dt.datetime,
) -> ConsentForm:
    """Add a version of a consent form (its text and sha256); versions are never changed.

    Raises
    ------
    InputError
        For an unknown scope, empty text, or a version the scope has already.
    """
    checked_choice("scope", scope, CONSENT_SCOPES)
    version = required_text("version", version, limit=32)
    if not text.strip():
        raise InputError("text", "the form's text must not be empty")
    exists = select(ConsentForm).where(
        ConsentForm.clinic_id == clinic_id,
        ConsentForm.scope == scope,
        ConsentForm.version == version,
    )
    if session.scalar(exists) is not None:
        raise InputError("version", f"the {scope} form has a version {version!r} already")
    form = ConsentForm(
        clinic_id=clinic_id,
        scope=scope,
        version=version,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        created_at=now.replace(microsecond=0),
    )
    session.add(form)
    session.flush()
    audit(
        session,
        clinic_id=clinic_id,
        actor=actor,
        action="create",
        entity="consent_form",
        entity_id=form.id,
        detail={"scope": scope, "version": version, "sha256": form.sha256},
        at=now,
    )
    return form


def _latest_form(session: Session, *, clinic_id: int, scope: str) -> ConsentForm:
    form = session.scalar(
        select(ConsentForm)
        .where(ConsentForm.clinic_id == clinic_id, ConsentForm.scope == scope)
        .order_by(ConsentForm.created_at.desc(), ConsentForm.id.desc())
        .limit(1)
    )
    if form is None:
        raise InputError("scope", f"the clinic has no {scope} form yet: add one first")
    return form


def sign_consent(
    session: Session,
    *,
    client: Client,
    scope: str,
    signed_name: str,
    source: str,
    version: str | None = None,
    signed_at: dt.datetime,
    actor: str,
    now: dt.datetime,
) -> Consent:
    """Record a client's signature on a form (the scope's newest version by default).

    Raises
    ------
    InputError
        For an unknown scope or version, an empty name or source, or a signature dated
        after now.
    """
    checked_choice("scope", scope, CONSENT_SCOPES)
    if version is None:
        form = _latest_form(session, clinic_id=client.clinic_id, scope=scope)
    else:
        found = session.scalar(
            select(ConsentForm).where(
                ConsentForm.clinic_id == client.clinic_id,
                ConsentForm.scope == scope,
                ConsentForm.version == version,
            )
        )
        if found is None:
            raise InputError("version", f"the {scope} form has no version {version!r}")
        form = found
    if signed_at > now:
        raise InputError(
            "signed_at", f"must not be after now ({now:%Y-%m-%d %H:%M}), got {signed_at}"
        )
    consent = Consent(
        clinic_id=client.clinic_id,
        client_id=client.id,
        form_id=form.id,
        signed_name=required_text("signed_name", signed_name),
        signed_at=signed_at.replace(microsecond=0),
        source=required_text("source", source),
    )
    session.add(consent)
    session.flush()
    audit(
        session,
        clinic_id=client.clinic_id,
        actor=actor,
        action="create",
        entity="consent",
        entity_id=consent.id,
        detail={
            "client": client.ref,
            "scope": scope,
            "version": form.version,
            "sha256": form.sha256,
        },
        at=now,
    )
    return consent


def consent_in_force(session: Session, *, client: Client, scope: str) -> Consent | None:
    """The client's latest signature on a scope that is not revoked (None: none)."""
    return session.scalar(
        select(Consent)
        .join(ConsentForm)
        .where(
            Consent.client_id == client.id,
            ConsentForm.scope == scope,
            Consent.revoked_at.is_(None),
        )
        .order_by(Consent.signed_at.desc(), Consent.id.desc())
        .limit(1)
    )


def revoke_consent(
    session: Session, *, client: Client, scope: str, actor: str, now: dt.datetime
) -> list[Consent]:
    """Revoke every signature of the client's on a scope in force; returns them.

    Raises
    ------
    InputError
        When the client has no signature in force on that scope.
    """
    checked_choice("scope", scope, CONSENT_SCOPES)
    signed = list(
        session.scalars(
            select(Consent)
            .join(ConsentForm)
            .where(
                Consent.client_id == client.id,
                ConsentForm.scope == scope,
                Consent.revoked_at.is_(None),
            )
        )
    )
    if not signed:
        raise InputError("scope", f"client {client.ref} has no {scope} consent in force")
    for consent in signed:
        consent.revoked_at = now.replace(microsecond=0)
        audit(
            session,
            clinic_id=client.clinic_id,
            actor=actor,
            action="change",
            entity="consent",
            entity_id=consent.id,
            detail={"client": client.ref, "scope": scope, "revoked": True},
            at=now,
        )
    session.flush()
    return signed


def flagged_answers(answers: Mapping[str, bool]) -> list[dict[str, str]]:
    """The questions answered yes, with what each asks of the practitioner.

    Raises
    ------
    InputError
        For an answer to a question the screen does not ask, or one not yes or no.

    Examples
    --------
    >>> flagged_answers({"diabetes": True, "keloid": False})
    [{'key': 'diabetes', 'question': 'Do you have diabetes?', 'action': 'doctor'}]
    """
    known = {q.key: q for q in HEALTH_QUESTIONS}
    for key, value in answers.items():
        if key not in known:
            raise InputError(
                f"health.{key}", f"is not a question of the screen; allowed: {', '.join(known)}"
            )
        if not isinstance(value, bool):
            raise InputError(f"health.{key}", f"must be yes or no (true or false), got {value!r}")
    return [
        {"key": q.key, "question": q.question, "action": q.action}
        for q in HEALTH_QUESTIONS
        if answers.get(q.key) is True
    ]


def add_health_screen(
    session: Session,
    *,
    client: Client,
    taken_on: dt.date,
    answers: Mapping[str, bool],
    actor: str,
    now: dt.datetime,
    notes: str | None = None,
) -> HealthScreen:
    """Record the client's health screen of a day, every question answered, with the
    practitioner's notes (how a yes was adapted to, what the client added; at most
    :data:`HEALTH_NOTES_LIMIT` characters, None when empty).

    Raises
    ------
    InputError
        For a question left unanswered or unknown, a day after today, or notes too long
        or holding control characters.
    """
    unanswered = [q.key for q in HEALTH_QUESTIONS if q.key not in answers]
    if unanswered:
        raise InputError(
            f"health.{unanswered[0]}", "is not answered: every question needs yes or no"
        )
    if not client.birth_date <= taken_on <= now.date():
        raise InputError(
            "taken_on", f"must be from {client.birth_date} to today ({now.date()}), got {taken_on}"
        )
    flagged = flagged_answers(answers)
    screen = HealthScreen(
        clinic_id=client.clinic_id,
        client_id=client.id,
        taken_on=taken_on,
        answers=dict(answers),
        flagged=flagged,
        notes=checked_text("notes", notes, limit=HEALTH_NOTES_LIMIT),
    )
    session.add(screen)
    session.flush()
    audit(
        session,
        clinic_id=client.clinic_id,
        actor=actor,
        action="create",
        entity="health_screen",
        entity_id=screen.id,
        detail={"client": client.ref, "flagged": len(flagged)},
        at=now,
    )
    return screen
