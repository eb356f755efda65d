"""``fadecast clinic add-photo``: a photo into a client's record, its metadata (Exif, GPS)
stripped, kept in the photo store beside the records, measured as ``fadecast measure``
does (:mod:`fadecast.records.photos`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fadecast.clinic_cli.app import (
    ActorOpt,
    ClinicOpt,
    DbOpt,
    clinic_app,
    default_actor,
    now_utc,
    open_records,
    parse_date,
)
from fadecast.errors import InputError

if TYPE_CHECKING:
    from fadecast.records.photos import ImportedPhoto

__all__ = ["DELTA_E_NOTE", "NO_SCALE_ADVICE", "add_photo", "imported_text", "read_photo_file"]

#: The library's fields by the options that give them.
_OPTIONS = {"client": "--client", "taken_on": "--taken-on", "mm_per_px": "--mm-per-px"}

#: What to do about a photo without a scale, with this command's options.
NO_SCALE_ADVICE = (
    "    → hold the printed card (fadecast card) flat beside the treated area, or give --mm-per-px"
)
#: What ΔE00 means, for a reader who has not met it.
DELTA_E_NOTE = (
    "  ΔE00 is the colour difference the eye sees between the dots and the skin (about 1\n"
    "  is just noticeable); the contrast at 2 m is what the client's forecast follows as\n"
    "  the pigment fades."
)


def read_photo_file(path: Path) -> bytes:
    """A photo file's bytes, refused before reading when it is no file or too large.

    Raises
    ------
    InputError
        Naming ``--file`` (no such file, unreadable) or ``photo`` (too large).
    """
    from fadecast.records.photos import check_photo_size

    if not path.is_file():
        raise InputError("--file", f"no such file: {path}")
    try:
        check_photo_size(path.stat().st_size, name=path.name)
        return path.read_bytes()
    except OSError as error:
        raise InputError("--file", f"{path.name} cannot be read ({error.strerror})") from None


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1_000_000 else f"{n / 1e3:.1f} kB"


def imported_text(result: ImportedPhoto, *, name: str, ref: str) -> str:
    """What ``add-photo`` prints: what was stored, what was removed, and the figures (as
    ``fadecast measure`` words them, flags with their advice), or why there are none.

    Parameters
    ----------
    result
        What :func:`fadecast.records.photos.add_photo` did.
    name
        The file's name as given.
    ref
        The client's reference.
    """
    from fadecast.records.photos import MEDIA_TYPES

    photo, prepared = result.photo, result.prepared
    stripped = prepared.stripped
    kept = "new in the photo store" if result.stored.new else "the photo store had it already"
    lines = [
        f"photo added to client {ref}'s record (photo {photo.id}, taken on {photo.taken_on})",
        f"  file          {name}: {MEDIA_TYPES[photo.media_type]}, "
        f"{photo.width_px} x {photo.height_px} px",
        f"  stored        {photo.sha256[:12]}, {_size(len(stripped.data))} of "
        f"{_size(prepared.given_bytes)} given ({kept})",
    ]
    if stripped.removed:
        lines.append(
            f"  EXIF stripped yes: removed {', '.join(stripped.removed)}; "
            "the pixels are as they were"
        )
    else:
        lines.append("  EXIF stripped no: the file held none")
    if stripped.orientation is not None:
        lines.append("  orientation   kept, so that it shows the right way up")
    signed = result.consent.signed_at
    lines.append(
        f"  consent       photos for the record, signed by {result.consent.signed_name} "
        f"on {signed:%Y-%m-%d}"
    )
    if result.measurement is None:
        lines.append(
            f"not measured: {result.unmeasured}; the photo is kept in the record without figures"
        )
        return "\n".join(lines)
    from fadecast.measure.flags import ADVICE
    from fadecast.report.measure_text import format_measurement

    figures = format_measurement(result.measurement, name=name).splitlines()
    lines.append("measured, as fadecast measure does:")
    for line in figures[1:]:  # its first line repeats the file and its size
        # This command reads the printed card's marker by itself: no --marker-mm here.
        lines.append(NO_SCALE_ADVICE if line == f"    → {ADVICE['no_scale']}" else line)
    lines.append(DELTA_E_NOTE)
    return "\n".join(lines)


@clinic_app.command("add-photo")
def add_photo(
    client: Annotated[str, typer.Option("--client", help="The client's reference.")],
    file: Annotated[Path, typer.Option("--file", help="The photo: a JPEG or PNG file.")],
    taken_on: Annotated[str, typer.Option("--taken-on", help="The day it was taken (YYYY-MM-DD).")],
    mm_per_px: Annotated[
        float | None,
        typer.Option(
            "--mm-per-px",
            help="Its scale [mm per pixel] (default: from the printed card's marker when in view).",
        ),
    ] = None,
    no_measure: Annotated[
        bool, typer.Option("--no-measure", help="Keep the photo without measuring it.")
    ] = False,
    db: DbOpt = None,
    clinic: ClinicOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Add a photo to a client's record: Exif and GPS stripped (the pixels untouched),
    kept beside the records, tied to the client's photos_record consent, measured."""
    from fadecast.records import photos
    from fadecast.records.clinics import client_by_ref, clinic_for

    day = parse_date("--taken-on", taken_on)
    data = read_photo_file(file)
    records = open_records(db)
    try:
        with records.transaction() as session:
            chosen = clinic_for(session, clinic)
            whose = client_by_ref(session, clinic_id=chosen.id, ref=client)
            result = photos.add_photo(
                session,
                client=whose,
                data=data,
                taken_on=day,
                store_root=photos.photo_store_root(records.engine.url),
                mm_per_px=mm_per_px,
                measure=not no_measure,
                name=file.name,
                actor=default_actor(actor),
                now=now_utc(),
            )
            text = imported_text(result, name=file.name, ref=whose.ref)
    except InputError as error:
        if error.field in _OPTIONS:
            raise InputError(_OPTIONS[error.field], error.message) from None
        raise
    finally:
        records.close()
    typer.echo(text)
