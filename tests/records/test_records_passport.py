"""The client's copy of their record: what it gathers, its HTML and its PDF, on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zlib
from html.parser import HTMLParser

import pytest
from conftest import NOW

from fadecast.errors import InputError
from fadecast.records.audit import audit_entries
from fadecast.records.clinics import add_client, add_clinic, add_practitioner
from fadecast.records.consents import add_form, revoke_consent, sign_consent
from fadecast.records.database import Database
from fadecast.records.passport import AFTERCARE_HEALED, Passport, client_passport
from fadecast.records.treatments import add_course, add_lot, add_product, add_session
from fadecast.report.passport_html import passport_html, passport_pdf, passport_sections

NAME = "José <script>alert('x')</script> Núñez"
INGREDIENTS = "Aqua, Carbon black (CI 77266), Glycerin <5%"
WARNINGS = "Keep out of reach of children. Patch test 48 h before use."
FORM = "I agree to the treatment and understand its risks."


def build(records: Database) -> int:
    """A clinic with one client (two courses, a design session, two lots, a booking,
    three consents, one revoked) and another clinic's client of the same reference;
    returns the first clinic's id."""
    with records.transaction() as session:
        clinic = add_clinic(session, name="Fade & Co", actor="t", now=NOW)
        other = add_clinic(session, name="Other", actor="t", now=NOW)
        sam = add_practitioner(session, clinic_id=clinic.id, name="Sam Lee", actor="t", now=NOW)
        black = add_product(
            session,
            clinic_id=clinic.id,
            brand="Acme",
            name="Scalp Black",
            pigment_class="carbon-black",
            supplier="Acme Supply Ltd",
            ingredients=INGREDIENTS,
            warnings=WARNINGS,
            actor="t",
            now=NOW,
        )
        grey = add_product(
            session,
            clinic_id=clinic.id,
            brand="Bolt",
            name="Soft Grey",
            pigment_class="iron-oxide",
            actor="t",
            now=NOW,
        )
        lot_a = add_lot(
            session,
            product=black,
            lot_number="LT-2026-07",
            expiry=dt.date(2028, 1, 31),
            opened_on=dt.date(2026, 5, 1),
            actor="t",
            now=NOW,
        )
        lot_b = add_lot(
            session,
            product=grey,
            lot_number="GR-55",
            expiry=dt.date(2027, 6, 30),
            actor="t",
            now=NOW,
        )
        person = add_client(
            session,
            clinic_id=clinic.id,
            ref="C-001",
            name=NAME,
            birth_date=dt.date(1988, 5, 1),
            actor="t",
            now=NOW,
        )
        first = add_course(
            session,
            client=person,
            started_on=dt.date(2026, 5, 10),
            area_cm2=320.0,
            hairline="soft, slightly receded temples",
            actor="t",
            now=NOW,
        )
        add_session(
            session,
            course=first,
            date=dt.date(2026, 5, 10),
            kind="initial",
            practitioner_id=sam.id,
            lot=lot_a,
            needle_config="1RL 0.18 mm",
            needle_lot="N-5521",
            dilution=0.8,
            actor="t",
            now=NOW,
        )
        add_session(
            session, course=first, date=dt.date(2026, 5, 3), kind="design", actor="t", now=NOW
        )
        add_session(
            session,
            course=first,
            date=dt.date(2026, 6, 20),
            kind="perfecting",
            lot=lot_b,
            actor="t",
            now=NOW,
        )
        second = add_course(
            session,
            client=person,
            started_on=dt.date(2026, 11, 1),
            area_cm2=40.0,
            actor="t",
            now=NOW,
        )
        add_session(
            session, course=second, date=dt.date(2027, 1, 15), kind="extension", actor="t", now=NOW
        )
        for scope, version in (("procedure", "3"), ("photos_marketing", "1")):
            add_form(
                session,
                clinic_id=clinic.id,
                scope=scope,
                version=version,
                text=FORM if scope == "procedure" else "Photos may be used.",
                actor="t",
                now=NOW,
            )
            sign_consent(
                session,
                client=person,
                scope=scope,
                signed_name="J. Núñez",
                source="paper in clinic",
                signed_at=dt.datetime(2026, 5, 3, 9, 30),
                actor="t",
                now=NOW,
            )
        revoke_consent(session, client=person, scope="photos_marketing", actor="t", now=NOW)
        add_client(
            session,
            clinic_id=other.id,
            ref="C-002",
            name="Someone Else",
            birth_date=dt.date(1990, 1, 1),
            actor="t",
            now=NOW,
        )
        return clinic.id


def make(records: Database, clinic_id: int, file_format: str = "html") -> Passport:
    with records.transaction() as session:
        return client_passport(
            session,
            clinic_id=clinic_id,
            client_ref="C-001",
            actor="desk",
            now=NOW,
            file_format=file_format,
        )


def test_the_passport_gathers_the_clients_record(records: Database) -> None:
    clinic_id = build(records)
    copy = make(records, clinic_id)
    assert (copy.clinic, copy.client_ref, copy.client_name) == ("Fade & Co", "C-001", NAME)
    assert copy.made_on == NOW.date() and copy.birth_date == dt.date(1988, 5, 1)
    assert [c.started_on for c in copy.courses] == [dt.date(2026, 5, 10), dt.date(2026, 11, 1)]
    first, second = copy.courses
    assert [(s.date, s.kind) for s in first.sessions] == [
        (dt.date(2026, 5, 3), "design"),
        (dt.date(2026, 5, 10), "initial"),
        (dt.date(2026, 6, 20), "perfecting"),
    ]
    design, initial, perfecting = first.sessions
    assert design.pigment is None
    assert initial.practitioner == "Sam Lee" and perfecting.practitioner is None
    assert (initial.needle_config, initial.needle_lot, initial.dilution) == (
        "1RL 0.18 mm",
        "N-5521",
        0.8,
    )
    assert initial.pigment is not None
    assert (initial.pigment.lot_number, initial.pigment.ingredients) == ("LT-2026-07", INGREDIENTS)
    assert [s.state for s in second.sessions] == ["booked"]
    assert [p.lot_number for p in copy.pigments] == ["LT-2026-07", "GR-55"]
    assert [(c.scope, c.version, c.revoked_at is None) for c in copy.consents] == [
        ("procedure", "3", True),
        ("photos_marketing", "1", False),
    ]
    assert copy.consents[0].sha256 == hashlib.sha256(FORM.encode()).hexdigest()


def test_making_a_passport_is_audited_as_an_export(records: Database) -> None:
    clinic_id = build(records)
    make(records, clinic_id, "pdf")
    with records.transaction() as session:
        entry = audit_entries(session, clinic_id=clinic_id)[-1]
    assert (entry.action, entry.actor, entry.entity) == ("export", "desk", "client")
    assert entry.detail == {"what": "passport", "client": "C-001", "format": "pdf"}


def test_an_unknown_client_or_another_clinics_is_refused(records: Database) -> None:
    clinic_id = build(records)
    with records.transaction() as session:
        before = len(audit_entries(session, clinic_id=clinic_id))
        for ref in ("C-404", "C-002"):
            with pytest.raises(InputError, match=f"no client '{ref}' in this clinic"):
                client_passport(session, clinic_id=clinic_id, client_ref=ref, actor="t", now=NOW)
        with pytest.raises(InputError, match="format: must be one of html, pdf"):
            client_passport(
                session,
                clinic_id=clinic_id,
                client_ref="C-001",
                actor="t",
                now=NOW,
                file_format="docx",
            )
        assert len(audit_entries(session, clinic_id=clinic_id)) == before


class Text(HTMLParser):
    """The page's text and the tags it opens."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_html_shows_lots_labels_consents_and_aftercare(records: Database) -> None:
    page = passport_html(make(records, build(records)))
    parsed = Text()
    parsed.feed(page)
    text = " ".join(" ".join(parsed.text).split())
    for shown in (
        "LT-2026-07",
        "GR-55",
        "2028-01-31",
        INGREDIENTS,
        WARNINGS,
        "Acme Scalp Black",
        "Sam Lee",
        "1RL 0.18 mm, lot N-5521",
        "pigment 80 % of the mixture",
        "320 cm²",
        "none (a design session puts no ink in)",
        "2027-01-15 — extension (booked)",
        "REACH Annex XVII, entry 75",
        "revoked on 2026-12-01",
        "in force",
        "Fade & Co",
        AFTERCARE_HEALED[0],
    ):
        assert shown in text, shown
    assert hashlib.sha256(FORM.encode()).hexdigest()[:12] in text
    # Text typed into the records is shown as text, never run as markup.
    assert NAME in text
    assert "script" not in parsed.tags
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "Glycerin &lt;5%" in page and "Fade &amp; Co" in page
    # One self-contained, printable page.
    assert page.startswith("<!DOCTYPE html>")
    assert "@media print" in page
    assert not re.search(r"(src|href)=", page)
    assert set(parsed.tags) <= {
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "section",
        "div", "table", "tr", "th", "td", "ul", "li", "footer",
    }  # fmt: skip


STRING = re.compile(rb"\((?:\\.|[^\\)])*\)", re.S)


def unescape(literal: bytes) -> bytes:
    """A PDF literal string's bytes (its escapes undone)."""
    out = bytearray()
    i = 0
    while i < len(literal):
        if literal[i] != 0x5C:
            out.append(literal[i])
            i += 1
            continue
        i += 1
        digits = re.match(rb"[0-7]{1,3}", literal[i:])
        if digits:
            out.append(int(digits.group(), 8) & 0xFF)
            i += len(digits.group())
            continue
        out.append({ord("n"): 10, ord("r"): 13, ord("t"): 9}.get(literal[i], literal[i]))
        i += 1
    return bytes(out)


def pdf_lines(pdf: bytes) -> list[str]:
    """The lines of text a PDF draws (each kerned run of its content streams joined)."""
    lines = []
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(stream.group(1))
        except zlib.error:
            continue
        for run in re.finditer(rb"\[(.*?)\]\s*TJ", content, re.S):
            parts = (unescape(s.group()[1:-1]) for s in STRING.finditer(run.group(1)))
            lines.append(b"".join(parts).decode("latin-1"))
    return lines


def test_the_pdf_is_a_real_multi_page_pdf_of_the_same_content(records: Database) -> None:
    copy = make(records, build(records), "pdf")
    pdf = passport_pdf(copy)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    pages = len(re.findall(rb"/Type /Page\b", pdf))
    assert pages >= 2
    assert f"/Count {pages}".encode() in pdf
    lines = pdf_lines(pdf)
    text = " ".join(lines)
    for shown in ("LT-2026-07", "GR-55", "N-5521", "Scalp Black", "Warnings", "Aftercare"):
        assert shown in text, shown
    assert any("Patch test 48 h" in line for line in lines)
    assert f"page {pages} of {pages}" in text
    # Every heading of the sections is there, in the same order as in the HTML.
    titles = [s.title for s in passport_sections(copy)]
    found = [t for line in lines for t in titles if line == t]
    assert found == titles
    # The same passport gives the same bytes (no creation date in the file).
    assert passport_pdf(copy) == pdf


def test_the_pdf_draws_dollar_signs_and_unknown_glyphs_as_text(records: Database) -> None:
    copy = make(records, build(records), "pdf")
    odd = Passport(
        copy.clinic,
        copy.made_on,
        copy.client_ref,
        "Price $5 and $x^2$ 山田",
        copy.birth_date,
        copy.courses,
        copy.pigments,
        copy.consents,
    )
    text = " ".join(pdf_lines(passport_pdf(odd)))
    assert "Price $5 and $x^2$" in text
