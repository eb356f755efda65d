"""The client's copy of their record (:class:`~fadecast.records.passport.Passport`) as one
self-contained, printable HTML page, or as a PDF of the same content.

Both are made from the same sections (:func:`passport_sections`): who the client is,
each course and session with its pigment, needle and dilution, the label of each
pigment lot used (EU REACH Annex XVII entry 75), the consents signed, and aftercare.

- **HTML** (:func:`passport_html`): no external links, fonts or scripts; every value is
  escaped, so text typed into the records shows as text; ``@media print`` lays it out
  for paper (A4, no page break inside a block).
- **PDF** (:func:`passport_pdf`): A4 pages of text laid out with matplotlib (which the
  project draws with already: no system libraries), fonts embedded, text selectable;
  the same bytes for the same passport.
"""

from __future__ import annotations

import html
import io
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

    from fadecast.records.passport import Passport, PassportSession, PigmentLabel

__all__ = [
    "CONSENT_LABELS",
    "Block",
    "Section",
    "dilution_text",
    "passport_html",
    "passport_pdf",
    "passport_sections",
]

#: Each consent scope in plain words.
CONSENT_LABELS = {
    "procedure": "The treatment (what is done and its risks)",
    "aftercare_received": "Aftercare instructions received",
    "data_processing": "Keeping and using your records",
    "photos_record": "Photos for your record",
    "photos_marketing": "Photos for the clinic's marketing",
}
#: The depths a pigment is placed at, in plain words.
PLACEMENT_LABELS = {
    "optimal": "at the usual depth",
    "shallow": "shallow",
    "deep": "deep",
}
#: Characters of a form's sha256 shown (enough to tell versions apart by eye).
SHA_SHOWN = 12


@dataclass(frozen=True)
class Block:
    """A block of a section: an optional heading, label-value rows, paragraphs, a list.

    Attributes
    ----------
    heading
        Its heading (None: none).
    rows
        ``(label, value)`` pairs.
    paragraphs
        Paragraphs after the rows.
    bullets
        List items after the paragraphs.
    """

    heading: str | None = None
    rows: tuple[tuple[str, str], ...] = ()
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A section of the passport: its title and blocks."""

    title: str
    blocks: tuple[Block, ...]


def dilution_text(dilution: float | None) -> str:
    """A dilution (the pigment's share of the mixture [1]) in words.

    Examples
    --------
    >>> dilution_text(1.0), dilution_text(0.75), dilution_text(None)
    ('undiluted', 'pigment 75 % of the mixture', 'not recorded')
    """
    if dilution is None:
        return "not recorded"
    if dilution >= 1.0:
        return "undiluted"
    return f"pigment {dilution * 100:.0f} % of the mixture"


def _or_none(value: str | None) -> str:
    return "not recorded" if value is None else value


def _pigment_text(label: PigmentLabel) -> str:
    return f"{label.brand} {label.name}, lot {label.lot_number} (expires {label.expiry})"


def _session_block(row: PassportSession) -> Block:
    heading = f"{row.date} — {row.kind}"
    if row.state == "booked":
        heading += " (booked)"
    rows: list[tuple[str, str]] = [("Practitioner", _or_none(row.practitioner))]
    if row.pigment is not None:
        rows.append(("Pigment", _pigment_text(row.pigment)))
    elif row.kind == "design":
        rows.append(("Pigment", "none (a design session puts no ink in)"))
    else:
        rows.append(("Pigment", "not recorded"))
    needle = _or_none(row.needle_config)
    if row.needle_lot is not None:
        needle += f", lot {row.needle_lot}"
    rows += [("Needle", needle), ("Dilution", dilution_text(row.dilution))]
    return Block(heading=heading, rows=tuple(rows))


def _label_block(label: PigmentLabel) -> Block:
    rows = [
        ("Lot (batch)", label.lot_number),
        ("Use before", label.expiry.isoformat()),
        ("Bottle opened", "not recorded" if label.opened_on is None else str(label.opened_on)),
        ("Kind of pigment", label.pigment_class),
        ("Supplier", _or_none(label.supplier)),
        ("Ingredients", _or_none(label.ingredients)),
        ("Warnings", _or_none(label.warnings)),
    ]
    return Block(heading=f"{label.brand} {label.name} — lot {label.lot_number}", rows=tuple(rows))


def passport_sections(passport: Passport) -> list[Section]:
    """The passport's content, in order, as sections of blocks (what both renderings
    show).

    Examples
    --------
    >>> import datetime as dt
    >>> from fadecast.records.passport import Passport
    >>> p = Passport("Clinic", dt.date(2026, 12, 1), "C-1", "Ana Ruiz", dt.date(1988, 5, 1),
    ...     (), (), ())
    >>> [s.title for s in passport_sections(p)]
    ['You', 'Your treatment', 'Pigments used on you', 'Consents you signed', 'Aftercare']
    """
    sections = [
        Section(
            "You",
            (
                Block(
                    rows=(
                        ("Name", passport.client_name),
                        ("Date of birth", passport.birth_date.isoformat()),
                        ("Client reference", passport.client_ref),
                    )
                ),
            ),
        )
    ]
    treatment: list[Block] = []
    for n, course in enumerate(passport.courses, 1):
        rows = [
            ("Started", course.started_on.isoformat()),
            ("Area treated", f"{course.area_cm2:g} cm²"),
            ("Pigment placed", PLACEMENT_LABELS.get(course.placement, course.placement)),
        ]
        if course.hairline is not None:
            rows.append(("Hairline", course.hairline))
        sessions = len(course.sessions)
        rows.append(("Sessions", f"{sessions}" if sessions else "none yet"))
        treatment.append(Block(heading=f"Course {n}", rows=tuple(rows)))
        treatment += [_session_block(row) for row in course.sessions]
    if not treatment:
        treatment = [Block(paragraphs=("No treatment is recorded yet.",))]
    sections.append(Section("Your treatment", tuple(treatment)))
    intro = Block(
        paragraphs=(
            "The information on the label of each pigment used on you, with its lot "
            "(batch) number, as EU rules on tattoo and permanent make-up inks ask "
            "(REACH Annex XVII, entry 75). Keep it: if a pigment is ever recalled, the "
            "lot number says whether yours was affected.",
        )
    )
    labels = [_label_block(label) for label in passport.pigments]
    if not labels:
        labels = [Block(paragraphs=("No pigment is recorded yet.",))]
    sections.append(Section("Pigments used on you", (intro, *labels)))
    consents = []
    for c in passport.consents:
        status = "in force" if c.revoked_at is None else f"revoked on {c.revoked_at:%Y-%m-%d}"
        consents.append(
            Block(
                heading=CONSENT_LABELS.get(c.scope, c.scope),
                rows=(
                    ("Form version", c.version),
                    (
                        "Form fingerprint",
                        f"{c.sha256[:SHA_SHOWN]} (the first {SHA_SHOWN} characters of "
                        "the SHA-256 of the form's text: it tells exactly which text you signed)",
                    ),
                    ("Signed", f"{c.signed_at:%Y-%m-%d} by {c.signed_name} ({c.source})"),
                    ("Status", status),
                ),
            )
        )
    if not consents:
        consents = [Block(paragraphs=("No consent is recorded yet.",))]
    sections.append(Section("Consents you signed", tuple(consents)))
    sections.append(
        Section(
            "Aftercare",
            (
                Block(heading="While it heals", bullets=passport.aftercare_healing),
                Block(heading="Once healed", bullets=passport.aftercare_healed),
                Block(paragraphs=(passport.aftercare_note, passport.aftercare_sources)),
            ),
        )
    )
    return sections


def _title(passport: Passport) -> str:
    return f"Treatment passport: {passport.client_name}"


def _subtitle(passport: Passport) -> str:
    return f"{passport.clinic} · scalp micropigmentation · made on {passport.made_on}"


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       max-width: 820px; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ccc;
     padding-bottom: 0.2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.3rem; }
.sub { color: #555; margin-top: 0; }
.block { break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 0.2rem 0.8rem 0.2rem 0; text-align: left; vertical-align: top; }
th { width: 11rem; font-weight: 600; color: #444; }
td { white-space: pre-wrap; }
footer { color: #666; font-size: 0.85rem; margin-top: 2.5rem; }
@media print {
  @page { size: A4; margin: 18mm 16mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; color: #000; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  .sub, footer, th { color: #000; }
}
"""


def passport_html(passport: Passport) -> str:
    """The passport as one self-contained HTML page (every value escaped).

    Examples
    --------
    >>> import datetime as dt
    >>> from fadecast.records.passport import Passport
    >>> p = Passport("Clinic", dt.date(2026, 12, 1), "C-1", "<b>Ana</b>", dt.date(1988, 5, 1),
    ...     (), (), ())
    >>> page = passport_html(p)
    >>> page.startswith("<!DOCTYPE html>"), "&lt;b&gt;Ana&lt;/b&gt;" in page, "<b>" in page
    (True, True, False)
    """
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(_title(passport))}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(_title(passport))}</h1>",
        f'<p class="sub">{e(_subtitle(passport))}</p>',
    ]
    for section in passport_sections(passport):
        parts.append(f"<section>\n<h2>{e(section.title)}</h2>")
        for block in section.blocks:
            parts.append('<div class="block">')
            if block.heading is not None:
                parts.append(f"<h3>{e(block.heading)}</h3>")
            if block.rows:
                parts.append("<table>")
                parts += [
                    f'<tr><th scope="row">{e(label)}</th><td>{e(value)}</td></tr>'
                    for label, value in block.rows
                ]
                parts.append("</table>")
            parts += [f"<p>{e(text)}</p>" for text in block.paragraphs]
            if block.bullets:
                parts.append("<ul>")
                parts += [f"<li>{e(text)}</li>" for text in block.bullets]
                parts.append("</ul>")
            parts.append("</div>")
        parts.append("</section>")
    parts += [
        f"<footer>{e(_footer(passport))}</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _footer(passport: Passport) -> str:
    return (
        f"Your copy of your record at {passport.clinic}, made on {passport.made_on}. "
        "Keep it with your health papers and show it to any practitioner who treats you."
    )


# The PDF's page: A4 in points, its margins, and the width of the label column. [pt]
_PAGE_W, _PAGE_H = 595.28, 841.89
_MARGIN = 50.0
_LABEL_W = 115.0
_BULLET = "•"
# Font size and line height of each kind of line. [pt]
_STYLES = {
    "title": (17.0, 24.0, "bold"),
    "sub": (9.5, 16.0, "normal"),
    "h2": (13.0, 22.0, "bold"),
    "h3": (10.5, 17.0, "bold"),
    "body": (9.5, 13.0, "normal"),
    "label": (9.5, 13.0, "bold"),
    "small": (8.0, 11.0, "normal"),
}


@dataclass(frozen=True)
class _Line:
    """A line of text placed on a page: style, x offset from the margin [pt], text, and
    an optional label at the margin (a row's label, on its first line)."""

    style: str
    x: float
    text: str
    label: str | None = None
    space_before: float = 0.0


class _Wrapper:
    """Greedy word wrap by the text's measured width in the page's font."""

    def __init__(self) -> None:
        from matplotlib.font_manager import FontProperties
        from matplotlib.textpath import TextToPath

        self._measure = TextToPath()
        self._props: dict[str, FontProperties] = {
            name: FontProperties(size=size, weight=weight)
            for name, (size, _, weight) in _STYLES.items()
        }
        self._widths: dict[tuple[str, str], float] = {}

    def props(self, style: str) -> FontProperties:
        return self._props[style]

    def width(self, text: str, style: str) -> float:
        key = (text, style)
        if key not in self._widths:
            w, _, _ = self._measure.get_text_width_height_descent(
                text, self._props[style], ismath=False
            )
            self._widths[key] = float(w)
        return self._widths[key]

    def wrap(self, text: str, style: str, width: float) -> list[str]:
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            words = paragraph.split()
            current = ""
            for word in words:
                while self.width(word, style) > width and len(word) > 1:  # a very long word
                    cut = len(word)
                    while cut > 1 and self.width(word[:cut], style) > width:
                        cut -= 1
                    if current:
                        lines.append(current)
                        current = ""
                    lines.append(word[:cut])
                    word = word[cut:]
                candidate = f"{current} {word}" if current else word
                if current and self.width(candidate, style) > width:
                    lines.append(current)
                    current = word
                else:
                    current = candidate
            lines.append(current)
        return lines


def _pdf_lines(passport: Passport, wrap: _Wrapper) -> list[_Line]:
    # A little short of the margin: words are measured one by one, without kerning.
    text_w = (_PAGE_W - 2 * _MARGIN) * 0.98
    lines = [
        *(_Line("title", 0.0, t) for t in wrap.wrap(_title(passport), "title", text_w)),
        *(_Line("sub", 0.0, t) for t in wrap.wrap(_subtitle(passport), "sub", text_w)),
    ]
    for section in passport_sections(passport):
        lines.append(_Line("h2", 0.0, section.title, space_before=8.0))
        for block in section.blocks:
            if block.heading is not None:
                for t in wrap.wrap(block.heading, "h3", text_w):
                    lines.append(_Line("h3", 0.0, t, space_before=2.0))
            for label, value in block.rows:
                for i, t in enumerate(wrap.wrap(value, "body", text_w - _LABEL_W)):
                    lines.append(_Line("body", _LABEL_W, t, label=label if i == 0 else None))
            for paragraph in block.paragraphs:
                first = True
                for t in wrap.wrap(paragraph, "body", text_w):
                    lines.append(_Line("body", 0.0, t, space_before=4.0 if first else 0.0))
                    first = False
            for bullet in block.bullets:
                for i, t in enumerate(wrap.wrap(bullet, "body", text_w - 12.0)):
                    lines.append(_Line("body", 12.0, t, label=_BULLET if i == 0 else None))
    lines.append(_Line("small", 0.0, "", space_before=10.0))
    lines += [_Line("small", 0.0, t) for t in wrap.wrap(_footer(passport), "small", text_w)]
    return lines


def _paginate(lines: list[_Line]) -> list[list[tuple[float, _Line]]]:
    """The lines on pages, each with its baseline's distance from the page's top. [pt]"""
    pages: list[list[tuple[float, _Line]]] = [[]]
    y = _MARGIN
    bottom = _PAGE_H - _MARGIN - 16.0  # room for the page number
    for i, line in enumerate(lines):
        height = _STYLES[line.style][1]
        step = height + (line.space_before if pages[-1] else 0.0)
        # A heading is not left alone at the foot of a page.
        keep = sum(_STYLES[n.style][1] for n in lines[i + 1 : i + 3])
        needs = step + (keep if line.style in ("h2", "h3") else 0.0)
        if pages[-1] and y + needs > bottom:
            pages.append([])
            y = _MARGIN
            step = height
        y += step
        pages[-1].append((y, line))
    return pages


def passport_pdf(passport: Passport) -> bytes:
    """The passport as an A4 PDF (as many pages as it takes, numbered).

    Examples
    --------
    >>> import datetime as dt
    >>> from fadecast.records.passport import Passport
    >>> p = Passport("Clinic", dt.date(2026, 12, 1), "C-1", "Ana Ruiz", dt.date(1988, 5, 1),
    ...     (), (), ())
    >>> pdf = passport_pdf(p)
    >>> pdf[:5], pdf == passport_pdf(p)
    (b'%PDF-', True)
    """
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    buffer = io.BytesIO()
    metadata = {
        "Title": _title(passport),
        "Creator": "fadecast",
        "Producer": "fadecast",
        "CreationDate": None,
    }
    with warnings.catch_warnings():
        # A character the embedded font lacks is drawn as a box, not refused.
        warnings.filterwarnings("ignore", message="Glyph .* missing", category=UserWarning)
        wrap = _Wrapper()
        pages = _paginate(_pdf_lines(passport, wrap))
        with PdfPages(buffer, metadata=metadata) as pdf:
            for number, placed in enumerate(pages, 1):
                fig = Figure(figsize=(_PAGE_W / 72.0, _PAGE_H / 72.0))

                def put(x: float, y: float, text: str, style: str, fig: Figure = fig) -> None:
                    fig.text(
                        x / _PAGE_W,
                        1.0 - y / _PAGE_H,
                        text,
                        fontproperties=wrap.props(style),
                        parse_math=False,
                        usetex=False,
                        va="baseline",
                        ha="left",
                    )

                for y, line in placed:
                    if line.label == _BULLET:
                        put(_MARGIN + 2.0, y, _BULLET, "body")
                    elif line.label is not None:
                        put(_MARGIN, y, line.label, "label")
                    if line.text:
                        put(_MARGIN + line.x, y, line.text, line.style)
                footer = f"{passport.client_name} · page {number} of {len(pages)}"
                put(_MARGIN, _PAGE_H - _MARGIN + 4.0, footer, "small")
                pdf.savefig(fig)
    return buffer.getvalue()
