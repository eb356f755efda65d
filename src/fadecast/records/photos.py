"""Photos of the record: stripped of their metadata, kept in a content-addressed store
beside the database, tied to the consent that allows them, measured on import.

**What is accepted.** JPEG and PNG only, told by the file's first bytes (never its
name), at most :data:`MAX_PHOTO_BYTES` and
:data:`~fadecast.measure.photo.MAX_PHOTO_PIXELS`; the photo must decode in full
(Pillow). Anything else (HEIC, WebP, TIFF, a text file, a truncated download) is refused
with a line naming the allowed types: a phone's HEIC photo is saved as JPEG first
(Pillow cannot read HEIC without plugins, and re-encoding it here would change its
pixels).

**What is removed, without re-encoding a pixel** (:func:`strip_metadata`):

- JPEG: the marker segments are walked and the compressed image data copied byte for
  byte. Dropped: APP1 (Exif, with its GPS position, and XMP), APP13 (IPTC, Photoshop),
  comments, every other APPn and anything after the end of the image (a phone's
  trailer, a second picture). Kept: APP0 when it is JFIF (its thumbnail emptied: a
  thumbnail can show what was cropped away), the APP2 ICC profile (the colours) and
  APP14 Adobe (how the colours are coded).
- PNG: the chunks are walked; ``eXIf``, ``tEXt``, ``zTXt``, ``iTXt`` (XMP among them) and
  ``tIME`` are dropped, and data after ``IEND``; every other chunk is copied as it was,
  its checksum with it.

In both, a camera's orientation other than upright is kept, alone, in a new minimal
Exif block (so that the photo still shows, and is measured, the right way up); nothing
else of the Exif survives.

**The store.** A file is named by the sha256 of the bytes stored, in a folder of its
first two hex digits (``ab/cdef...``), under :func:`photo_store_root`: beside a SQLite
file ``<name>-photos/``, for PostgreSQL ``$FADECAST_PHOTOS_DIR`` or the user's data
folder. A write goes to a temporary file in the same folder, is synced to disk and
renamed into place, so a file of the store is always whole; the same photo given twice
is kept once. Files are written before their row (a row never names a file that is
not there): if the transaction then fails, the file stays, named by no row; nothing
reads such a file, and importing the photo again reuses it. One store serves every
clinic of a database, so a file may be named by rows of several clinics. Files are
readable by their owner only.
:func:`open_photo` checks a file's hash as it reads it.

**The record.** :func:`add_photo` needs the client's ``photos_record`` consent in
force, and records it with the photo (:attr:`Photo.consent_id
<fadecast.records.models.Photo.consent_id>`); a clinic records a photo once. The photo
is measured as ``fadecast measure`` does, with the scale given, else from the printed
card's marker (``fadecast card``) when it is in view, and ``Photo.measurement`` holds
:func:`fadecast.report.json.measurement_dict` of it (the ``fadecast measure --json``
data), which the client's personal forecast reads. A photo that cannot be measured (no
dots, too dark, ...) is kept with ``measurement`` None, and the result says why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import os
import re
import tempfile
import warnings
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fadecast.errors import InputError
from fadecast.measure.photo import MAX_PHOTO_PIXELS, whole_files_only
from fadecast.records.audit import audit
from fadecast.records.consents import consent_in_force
from fadecast.records.database import database_url, default_database_path
from fadecast.records.models import Client, Consent, Photo

if TYPE_CHECKING:
    from fadecast.measure.measurement import Measurement

__all__ = [
    "MAX_PHOTO_BYTES",
    "MEDIA_TYPES",
    "PHOTOS_CONSENT",
    "PHOTOS_ENV",
    "ImportedPhoto",
    "PreparedPhoto",
    "StoredFile",
    "StrippedPhoto",
    "add_photo",
    "check_photo_size",
    "open_photo",
    "photo_path",
    "photo_store_root",
    "photos_of",
    "prepare_photo",
    "store_photo",
    "strip_metadata",
]

#: Largest photo file accepted (a 50-megapixel JPEG is 10-25 MB). [byte]
MAX_PHOTO_BYTES = 40_000_000
#: The environment variable naming the photo store of a PostgreSQL database.
PHOTOS_ENV = "FADECAST_PHOTOS_DIR"
#: The consent scope a photo of the record needs.
PHOTOS_CONSENT = "photos_record"
#: The types of photo accepted, by their media type, and what each is called.
MEDIA_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG"}

_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
#: Other formats told by their first bytes, to say what a refused file is.
_OTHER_MAGICS = (
    (b"GIF87a", "a GIF"),
    (b"GIF89a", "a GIF"),
    (b"II*\x00", "a TIFF"),
    (b"MM\x00*", "a TIFF"),
    (b"BM", "a BMP"),
    (b"%PDF", "a PDF"),
    (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000"),
)
_HEX64 = re.compile(r"[0-9a-f]{64}")
#: Exif tags: the orientation, and the pointer to the GPS position.
_ORIENTATION = 0x0112
_GPS_IFD = 0x8825
#: PNG chunks dropped (metadata), by type.
_PNG_DROPPED = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


def check_photo_size(size: int, *, name: str = "the file") -> None:
    """Refuse a photo file of more than :data:`MAX_PHOTO_BYTES` (or of none).

    Raises
    ------
    InputError
        Naming ``photo``, with the size and the limit.

    Examples
    --------
    >>> check_photo_size(2_500_000)
    >>> try:
    ...     check_photo_size(52_400_000, name="scalp.jpg")
    ... except InputError as error:
    ...     print(error)
    photo: scalp.jpg is 52.4 MB, more than the 40 MB a photo may be; export it smaller
    """
    if size == 0:
        raise InputError("photo", f"{name} is empty")
    if size > MAX_PHOTO_BYTES:
        raise InputError(
            "photo",
            f"{name} is {size / 1e6:.1f} MB, more than the {MAX_PHOTO_BYTES // 1_000_000} MB "
            "a photo may be; export it smaller",
        )


def _media_type(data: bytes, name: str) -> str:
    """The media type told by the first bytes, or the refusal naming the allowed ones."""
    if data.startswith(_JPEG_MAGIC):
        return "image/jpeg"
    if data.startswith(_PNG_MAGIC):
        return "image/png"
    kind = next((what for magic, what in _OTHER_MAGICS if data.startswith(magic)), None)
    if kind is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind = "a WebP"
    if kind is None and data[4:8] == b"ftyp":
        brand = data[8:12]
        kind = "a HEIC" if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heim") else None
        kind = kind or ("an AVIF" if brand in (b"avif", b"avis") else "a video or HEIF")
    what = f"it is {kind} file" if kind else "it is not an image file"
    raise InputError(
        "photo",
        f"{name} is not a JPEG or PNG image ({what}); only JPEG and PNG photos are "
        "kept: save it as JPEG first",
    )


@dataclass(frozen=True)
class StrippedPhoto:
    """A photo's bytes without their metadata (:func:`strip_metadata`).

    Attributes
    ----------
    data
        The photo as stored: the same pixels, as they were coded.
    media_type
        ``image/jpeg`` or ``image/png``.
    removed
        What was taken out, in plain words, in file order without repeats (``Exif``,
        ``GPS location``, ``XMP``, ``IPTC``, ``comment``, ``thumbnail``, ``text``,
        ``time stamp``, ``data after the image``, or the segment's own name).
    orientation
        The camera's orientation kept (an Exif orientation, 2-8), or None (upright).
    """

    data: bytes
    media_type: str
    removed: tuple[str, ...]
    orientation: int | None

    @property
    def had_location(self) -> bool:
        """Whether a GPS position was among what was removed."""
        return "GPS location" in self.removed


def _exif_facts(block: bytes) -> tuple[int | None, bool]:
    """The orientation (None for upright or unreadable) and whether a GPS position is
    held, of an Exif block (``Exif\\0\\0`` and TIFF data, or the TIFF data alone)."""
    from PIL import Image

    exif = Image.Exif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exif.load(block)
            orientation = exif.get(_ORIENTATION)
            has_gps = _GPS_IFD in exif
    except (OSError, SyntaxError, ValueError, TypeError, KeyError, IndexError):
        return None, b"GPS" in block
    keep = orientation if isinstance(orientation, int) and 2 <= orientation <= 8 else None
    return keep, has_gps


def _orientation_exif(orientation: int) -> bytes:
    """A minimal Exif block, ``Exif\\0\\0`` then TIFF data, holding the orientation only."""
    from PIL import Image

    exif = Image.Exif()
    exif[_ORIENTATION] = orientation
    block = exif.tobytes()
    assert block.startswith(b"Exif\x00\x00")
    return block


class _Removed:
    """What is removed, in order, each once."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, *what: str) -> None:
        for item in what:
            if item not in self.items:
                self.items.append(item)


def _damaged(name: str, kind: str, why: str) -> InputError:
    return InputError("photo", f"{name} is a damaged {kind} ({why}); export it again")


def _entropy_end(data: bytes, start: int, name: str) -> int:
    """Where the compressed data after a JPEG scan header ends: at the next marker that
    is neither a stuffed byte (``FF 00``) nor a restart (``FF D0``-``FF D7``)."""
    n = len(data)
    i = start
    while True:
        j = data.find(b"\xff", i)
        if j < 0 or j + 1 >= n:
            raise _damaged(name, "JPEG", "it ends inside the image data: truncated?")
        following = data[j + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            i = j + 2
        elif following == 0xFF:
            i = j + 1  # a fill byte: the marker may start at the next one
        else:
            return j


def _app_name(payload: bytes) -> str:
    ident = payload[: payload.find(b"\x00")] if b"\x00" in payload[:32] else payload[:8]
    text = ident.decode("ascii", "replace").strip()
    return text if text.isprintable() and text else "application data"


def _strip_jpeg(data: bytes, name: str) -> StrippedPhoto:
    out = bytearray(b"\xff\xd8")
    removed = _Removed()
    orientation: int | None = None
    n = len(data)
    pos = 2
    while True:
        if pos >= n:
            raise _damaged(name, "JPEG", "it has no end-of-image marker: truncated?")
        if data[pos] != 0xFF:
            raise _damaged(name, "JPEG", f"no segment marker at byte {pos}")
        while pos < n and data[pos] == 0xFF:
            pos += 1
        if pos >= n:
            raise _damaged(name, "JPEG", "it has no end-of-image marker: truncated?")
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # end of image: anything after it is not the image
            out += b"\xff\xd9"
            if data[pos:].strip(b"\x00"):
                removed.add("data after the image")
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out += bytes((0xFF, marker))
            continue
        if marker in (0x00, 0xD8) or pos + 2 > n:
            raise _damaged(name, "JPEG", f"a stray marker at byte {pos - 2}")
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > n:
            raise _damaged(
                name, "JPEG", f"a segment at byte {pos - 2} runs past the end of the file"
            )
        payload = data[pos + 2 : pos + length]
        segment = bytes((0xFF, marker)) + data[pos : pos + length]
        pos += length
        if marker == 0xE0:  # APP0: JFIF kept, without its thumbnail
            if payload.startswith(b"JFIF\x00") and len(payload) >= 14:
                if payload[12] and payload[13]:
                    removed.add("thumbnail")
                head = payload[:12] + b"\x00\x00"
                out += b"\xff\xe0" + (len(head) + 2).to_bytes(2, "big") + head
            else:
                removed.add("thumbnail" if payload.startswith(b"JFXX\x00") else "APP0")
        elif marker == 0xE1:  # APP1: Exif, XMP
            if payload.startswith(b"Exif\x00"):
                turn, has_gps = _exif_facts(payload)
                removed.add("Exif", *(("GPS location",) if has_gps else ()))
                if turn is not None and orientation is None:
                    orientation = turn
                    block = _orientation_exif(turn)
                    out += b"\xff\xe1" + (len(block) + 2).to_bytes(2, "big") + block
            elif payload.startswith(b"http://ns.adobe.com/"):
                removed.add("XMP", *(("GPS location",) if b"GPS" in payload else ()))
            else:
                removed.add(_app_name(payload))
        elif marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00"):
            out += segment  # the colour profile
        elif marker == 0xEE and payload.startswith(b"Adobe"):
            out += segment  # how the colour channels are coded
        elif marker == 0xED:
            removed.add("IPTC")
        elif 0xE2 <= marker <= 0xEF:
            removed.add(_app_name(payload))
        elif marker == 0xFE:
            removed.add("comment")
        else:
            out += segment  # tables, frame and scan headers: the image itself
            if marker == 0xDA:  # a scan: its compressed data, byte for byte
                end = _entropy_end(data, pos, name)
                out += data[pos:end]
                pos = end
    return StrippedPhoto(bytes(out), "image/jpeg", tuple(removed.items), orientation)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return len(body).to_bytes(4, "big") + kind + body + crc.to_bytes(4, "big")


def _strip_png(data: bytes, name: str) -> StrippedPhoto:
    out = bytearray(_PNG_MAGIC)
    removed = _Removed()
    orientation: int | None = None
    n = len(data)
    pos = len(_PNG_MAGIC)
    first = True
    while True:
        if pos + 12 > n:
            raise _damaged(name, "PNG", "it has no end chunk: truncated?")
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > n or not kind.isalpha():
            raise _damaged(
                name, "PNG", f"a chunk at byte {pos} runs past the end of the file: truncated?"
            )
        body = data[pos + 8 : pos + 8 + length]
        crc = int.from_bytes(data[end - 4 : end], "big")
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise _damaged(name, "PNG", f"the {kind.decode('ascii')} chunk's checksum is wrong")
        if first and kind != b"IHDR":
            raise _damaged(name, "PNG", "it does not start with its header chunk")
        first = False
        if kind == b"eXIf":
            turn, has_gps = _exif_facts(body)
            removed.add("Exif", *(("GPS location",) if has_gps else ()))
            if turn is not None and orientation is None:
                orientation = turn
                out += _png_chunk(b"eXIf", _orientation_exif(turn)[6:])
        elif kind == b"iTXt" and body.startswith(b"XML:com.adobe.xmp\x00"):
            removed.add("XMP", *(("GPS location",) if b"GPS" in body else ()))
        elif kind in (b"tEXt", b"zTXt", b"iTXt"):
            removed.add("text")
        elif kind == b"tIME":
            removed.add("time stamp")
        else:
            out += data[pos:end]
        pos = end
        if kind == b"IEND":
            if data[pos:]:
                removed.add("data after the image")
            break
    return StrippedPhoto(bytes(out), "image/png", tuple(removed.items), orientation)


def strip_metadata(data: bytes, *, name: str = "the file") -> StrippedPhoto:
    """A JPEG's or PNG's bytes without their metadata, the pixels coded as they were.

    See the module's notes for what is dropped and kept. The result is not decoded
    here (:func:`prepare_photo` does that).

    Parameters
    ----------
    data
        The photo file's bytes.
    name
        What to call the file in an error.

    Raises
    ------
    InputError
        Naming ``photo``: not a JPEG or PNG (saying what it is, when it can tell), or
        one whose structure is damaged or truncated.

    Examples
    --------
    A PNG with a comment in a text chunk loses it, and keeps its pixels:

    >>> from PIL import Image, PngImagePlugin
    >>> info = PngImagePlugin.PngInfo()
    >>> info.add_text("Comment", "taken at 12 Home Street")
    >>> buffer = io.BytesIO()
    >>> Image.new("RGB", (4, 4), (200, 160, 140)).save(buffer, "PNG", pnginfo=info)
    >>> stripped = strip_metadata(buffer.getvalue())
    >>> stripped.media_type, stripped.removed, b"Home Street" in stripped.data
    ('image/png', ('text',), False)
    >>> Image.open(io.BytesIO(stripped.data)).getpixel((0, 0))
    (200, 160, 140)
    >>> strip_metadata(b"hello")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fadecast.errors.InputError: photo: the file is not a JPEG or PNG image (it is not an ...
    """
    media_type = _media_type(data, name)
    if media_type == "image/jpeg":
        return _strip_jpeg(data, name)
    return _strip_png(data, name)


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo checked and stripped, ready to store: :class:`StrippedPhoto` and more.

    Attributes
    ----------
    stripped
        Its bytes as stored, and what was removed.
    sha256
        The sha256 of the stored bytes (hex), its name in the store.
    width_px, height_px
        Its size the right way up. [px]
    given_bytes
        Size of the file as given. [byte]
    """

    stripped: StrippedPhoto
    sha256: str
    width_px: int
    height_px: int
    given_bytes: int


def prepare_photo(data: bytes, *, name: str = "the file") -> PreparedPhoto:
    """Check a photo file's bytes and strip their metadata (nothing is written).

    The type is told from the first bytes, the size checked before decoding
    (:data:`MAX_PHOTO_BYTES`, :data:`~fadecast.measure.photo.MAX_PHOTO_PIXELS`), and the
    stripped photo verified and decoded in full by Pillow.

    Raises
    ------
    InputError
        Naming ``photo``: empty, too large, not a JPEG or PNG, damaged or truncated.

    Examples
    --------
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("RGB", (64, 48), (200, 160, 140)).save(buffer, "JPEG")
    >>> prepared = prepare_photo(buffer.getvalue())
    >>> prepared.width_px, prepared.height_px, prepared.stripped.removed
    (64, 48, ())
    """
    from PIL import Image, UnidentifiedImageError

    check_photo_size(len(data), name=name)
    stripped = strip_metadata(data, name=name)
    kind = MEDIA_TYPES[stripped.media_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(stripped.data)) as image:
                width, height = image.size
                if width * height > MAX_PHOTO_PIXELS:
                    raise InputError(
                        "photo",
                        f"{name} is {width} x {height} pixels, more than the "
                        f"{MAX_PHOTO_PIXELS // 1_000_000} megapixels allowed; scale it down",
                    )
                if width == 0 or height == 0:
                    raise InputError("photo", f"{name} has no pixels")
                with whole_files_only():
                    image.verify()
            with Image.open(io.BytesIO(stripped.data)) as image, whole_files_only():
                image.load()
    except InputError:
        raise
    except Image.DecompressionBombError:
        raise InputError(
            "photo",
            f"{name} declares far more than the {MAX_PHOTO_PIXELS // 1_000_000} megapixels "
            "allowed (a decompression bomb?); refused",
        ) from None
    except UnidentifiedImageError:
        raise _damaged(name, kind, "Pillow cannot read it") from None
    except MemoryError:
        raise InputError("photo", f"{name} is too large to decode here") from None
    except (OSError, SyntaxError, ValueError, TypeError, IndexError, KeyError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise _damaged(name, kind, f"it cannot be decoded: {reason}") from None
    if stripped.orientation is not None and stripped.orientation >= 5:
        width, height = height, width  # turned a quarter: shown the other way round
    return PreparedPhoto(
        stripped=stripped,
        sha256=hashlib.sha256(stripped.data).hexdigest(),
        width_px=width,
        height_px=height,
        given_bytes=len(data),
    )


def photo_store_root(url: str | URL | None, environ: Mapping[str, str] | None = None) -> Path:
    """The folder of a database's photo store.

    Beside a SQLite file, ``<its folder>/<its name without suffix>-photos``; for
    PostgreSQL (or a SQLite database in memory), :data:`PHOTOS_ENV` if set, else
    ``photos`` in the user's data folder (beside the default database,
    :func:`~fadecast.records.database.default_database_path`).

    Parameters
    ----------
    url
        The database, as :func:`~fadecast.records.database.database_url` reads it
        (None: the default).
    environ
        The environment (default: the process's).

    Examples
    --------
    >>> photo_store_root("/srv/clinic/records.sqlite").as_posix()
    '/srv/clinic/records-photos'
    >>> photo_store_root("postgresql://me@db/group", {"XDG_DATA_HOME": "/data"}).as_posix()
    '/data/fadecast/photos'
    >>> env = {"FADECAST_PHOTOS_DIR": "/srv/photos"}
    >>> photo_store_root("postgresql://me@db/group", env).as_posix()
    '/srv/photos'
    """
    env = os.environ if environ is None else environ
    parsed = url if isinstance(url, URL) else database_url(url, env)
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database not in (None, "", ":memory:"):
        path = Path(str(database))
        return path.parent / f"{path.stem}-photos"
    given = env.get(PHOTOS_ENV)
    if given:
        return Path(given).expanduser()
    return default_database_path(env).parent / "photos"


def photo_path(root: Path, sha256: str) -> Path:
    """Where the store keeps the photo of this sha256 (``ab/cdef...`` under ``root``).

    Raises
    ------
    InputError
        For a value that is not a sha256 in lower-case hex.

    Examples
    --------
    >>> photo_path(Path("/store"), hashlib.sha256(b"").hexdigest()).as_posix()
    '/store/e3/b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    if not _HEX64.fullmatch(sha256):
        raise InputError("sha256", f"must be 64 lower-case hex digits, got {sha256!r}")
    return root / sha256[:2] / sha256[2:]


def _sha256_of_file(path: Path) -> str | None:
    """The sha256 of a file's bytes, or None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def open_photo(root: Path, sha256: str) -> bytes:
    """The bytes of a stored photo, checked against their sha256.

    Raises
    ------
    InputError
        Naming ``photo``: the store has no such file, or its content is not what was
        stored (damaged, or changed by hand).
    """
    path = photo_path(root, sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            "photo", f"the photo store at {root} has no photo {sha256[:12]}: moved or deleted?"
        ) from None
    except OSError as error:
        raise InputError(
            "photo", f"photo {sha256[:12]} cannot be read ({error.strerror})"
        ) from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise InputError(
            "photo",
            f"the stored photo {sha256[:12]} is damaged (its bytes no longer match their "
            "sha256); restore it from a backup or an export",
        )
    return data


def _sync_folder(folder: Path) -> None:
    with suppress(OSError):  # not every file system syncs a folder
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


@dataclass(frozen=True)
class StoredFile:
    """A photo in the store.

    Attributes
    ----------
    sha256
        Its name (hex).
    path
        Its file.
    new
        Whether this call put it there (False: the store held it already).
    """

    sha256: str
    path: Path
    new: bool


class _Staged:
    """A photo written to a temporary file beside its place in the store, synced, and
    not yet in place (:meth:`publish`)."""

    def __init__(self, root: Path, sha256: str, data: bytes) -> None:
        self.target = photo_path(root, sha256)
        self.sha256 = sha256
        folder = self.target.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=folder, prefix=".incoming-", suffix=".part")
        except OSError as error:
            raise InputError("photo", f"cannot be stored in {folder} ({error.strerror})") from None
        self.path = Path(name)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
        except OSError as error:
            self.discard()
            raise InputError("photo", f"cannot be stored in {folder} ({error.strerror})") from None

    def publish(self) -> StoredFile:
        """Put the photo in its place (kept as it is if the store holds it already)."""
        if _sha256_of_file(self.target) == self.sha256:
            self.discard()
            return StoredFile(self.sha256, self.target, new=False)
        try:
            os.replace(self.path, self.target)
        except OSError as error:
            self.discard()
            raise InputError(
                "photo", f"cannot be stored in {self.target.parent} ({error.strerror})"
            ) from None
        _sync_folder(self.target.parent)
        return StoredFile(self.sha256, self.target, new=True)

    def discard(self) -> None:
        """Remove the temporary file (nothing is left of the write)."""
        with suppress(FileNotFoundError):
            self.path.unlink()


@contextmanager
def _staged(root: Path, sha256: str, data: bytes) -> Iterator[_Staged]:
    staged = _Staged(root, sha256, data)
    try:
        yield staged
    finally:
        staged.discard()


def store_photo(root: Path, data: bytes) -> StoredFile:
    """Put bytes in the store under their sha256, atomically (a temporary file in the
    same folder, synced to disk, renamed into place); bytes the store holds already are
    not written again.

    Raises
    ------
    InputError
        Naming ``photo``: the store's folder cannot be made or written.

    Examples
    --------
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     first = store_photo(Path(folder), b"photo bytes")
    ...     again = store_photo(Path(folder), b"photo bytes")
    ...     print(first.new, again.new, open_photo(Path(folder), first.sha256))
    True False b'photo bytes'
    """
    sha256 = hashlib.sha256(data).hexdigest()
    with _staged(root, sha256, data) as staged:
        return staged.publish()


@dataclass(frozen=True)
class ImportedPhoto:
    """What :func:`add_photo` did.

    Attributes
    ----------
    photo
        The row added.
    consent
        The client's ``photos_record`` signature that allows it.
    prepared
        The photo as checked and stripped (what was removed, its size as given).
    stored
        Its file in the store.
    measurement
        Its measurement, or None (``unmeasured`` says why).
    unmeasured
        Why it was not measured (None when it was).
    """

    photo: Photo
    consent: Consent
    prepared: PreparedPhoto
    stored: StoredFile
    measurement: Measurement | None
    unmeasured: str | None


def _checked_scale(mm_per_px: float | None) -> float | None:
    from fadecast.measure.measurement import MM_PER_PX_RANGE

    if mm_per_px is None:
        return None
    low, high = MM_PER_PX_RANGE
    allowed = f"must be a number from {low:g} to {high:g} mm per pixel"
    if isinstance(mm_per_px, bool) or not isinstance(mm_per_px, int | float):
        raise InputError("mm_per_px", f"{allowed}, got {mm_per_px!r}")
    value = float(mm_per_px)
    if not math.isfinite(value) or not low <= value <= high:
        raise InputError("mm_per_px", f"{allowed}, got {value:g}")
    return value


def _card_marker_mm(srgb: Any) -> float | None:
    """The side of the printed card's marker if the card is in view (None: not). [mm]"""
    from fadecast.measure.printed_card import card_layout
    from fadecast.measure.scale import find_marker

    layout = card_layout()
    try:
        marker = find_marker(srgb, layout.marker_mm)
    except InputError:
        return None
    return layout.marker_mm if marker.marker_id == layout.marker_id else None


def _measure_file(path: Path, mm_per_px: float | None) -> tuple[Measurement | None, str | None]:
    """The measurement of a stored photo as ``fadecast measure`` makes it (white card
    found by itself), or None and why it cannot be measured. An error of the given scale
    is raised (it is the user's to correct)."""
    from fadecast.measure.measurement import measure_photo
    from fadecast.measure.photo import read_photo

    try:
        srgb = read_photo(path)
        if mm_per_px is not None:
            result = measure_photo(srgb, mm_per_px=mm_per_px)
        else:
            marker_mm = _card_marker_mm(srgb)
            try:
                result = measure_photo(srgb, marker_mm=marker_mm)
            except InputError as error:
                if error.field != "marker_mm":
                    raise
                result = measure_photo(srgb)  # the card is in view but unusable: no scale
    except InputError as error:
        if error.field != "photo":
            raise
        return None, error.message
    if result.figures.dot_count == 0:
        return None, "no SMP dots found in the photo"
    return result, None


def photos_of(session: Session, *, client: Client) -> list[Photo]:
    """The client's photos, oldest first (by the day taken, then as imported)."""
    query = (
        select(Photo)
        .where(Photo.clinic_id == client.clinic_id, Photo.client_id == client.id)
        .order_by(Photo.taken_on, Photo.id)
    )
    return list(session.scalars(query))


def _already_recorded(session: Session, clinic_id: int, sha256: str) -> Photo | None:
    return session.scalar(select(Photo).where(Photo.clinic_id == clinic_id, Photo.sha256 == sha256))


def _duplicate(session: Session, photo: Photo, name: str) -> InputError:
    owner = session.get(Client, photo.client_id)
    whose = "" if owner is None else f" as a photo of client {owner.ref}"
    return InputError(
        "photo",
        f"{name} is in the record already{whose}, taken on {photo.taken_on} (photo "
        f"{photo.id}); nothing added",
    )


def add_photo(
    session: Session,
    *,
    client: Client,
    data: bytes,
    taken_on: dt.date,
    store_root: Path,
    mm_per_px: float | None = None,
    measure: bool = True,
    name: str = "the file",
    actor: str,
    now: dt.datetime,
) -> ImportedPhoto:
    """Add a photo to a client's record: checked, stripped of its metadata, stored,
    measured, and recorded with the consent that allows it and an audit entry.

    Everything that can be refused is checked before anything is written. The file is
    put in the store before the row is added (see the module's notes); a photo the
    clinic has recorded already is refused.

    Parameters
    ----------
    client
        Whose photo (of the clinic acted for).
    data
        The photo file's bytes (JPEG or PNG).
    taken_on
        The day it was taken, from the client's birth to today.
    store_root
        The photo store (:func:`photo_store_root` of the database).
    mm_per_px
        Its scale, if known; else it is read from the printed card's marker when in
        view, and without either the sizes and densities are per pixel. [mm/px]
    measure
        Whether to measure it (False: ``measurement`` stays None).
    name
        What to call the file in an error.
    actor, now
        Who adds it, and when (naive UTC), for the audit log.

    Raises
    ------
    InputError
        The client has no ``photos_record`` consent in force (field ``photo``), was
        anonymised (``client``); ``taken_on`` outside the client's life; ``mm_per_px``
        out of range or not fitting the photo; the file refused by
        :func:`prepare_photo`, or recorded by the clinic already (``photo``).
    """
    today = now.date()
    if client.anonymised_at is not None:
        raise InputError(
            "client", f"client {client.ref} was anonymised: no photos can be added to the record"
        )
    consent = consent_in_force(session, client=client, scope=PHOTOS_CONSENT)
    if consent is None:
        raise InputError(
            "photo",
            f"client {client.ref} has no {PHOTOS_CONSENT} consent in force: sign one first",
        )
    if not client.birth_date <= taken_on <= today:
        raise InputError(
            "taken_on",
            f"must be from the client's birth ({client.birth_date}) to today ({today}), "
            f"got {taken_on}",
        )
    scale = _checked_scale(mm_per_px)
    prepared = prepare_photo(data, name=name)
    earlier = _already_recorded(session, client.clinic_id, prepared.sha256)
    if earlier is not None:
        raise _duplicate(session, earlier, name)
    measurement: Measurement | None = None
    unmeasured: str | None = "measuring was turned off"
    with _staged(store_root, prepared.sha256, prepared.stripped.data) as staged:
        if measure:
            measurement, unmeasured = _measure_file(staged.path, scale)
        stored = staged.publish()
    measured_dict: dict[str, Any] | None = None
    if measurement is not None:
        from fadecast.report.json import measurement_dict

        measured_dict = measurement_dict(measurement)
        scale = measurement.figures.mm_per_px
    photo = Photo(
        clinic_id=client.clinic_id,
        client_id=client.id,
        consent_id=consent.id,
        sha256=prepared.sha256,
        media_type=prepared.stripped.media_type,
        taken_on=taken_on,
        width_px=prepared.width_px,
        height_px=prepared.height_px,
        mm_per_px=scale,
        measurement=measured_dict,
        imported_at=now.replace(microsecond=0),
    )
    session.add(photo)
    try:
        session.flush()
    except IntegrityError:  # recorded at the same moment by another process
        raise InputError("photo", f"{name} is in the record already; nothing added") from None
    audit(
        session,
        clinic_id=client.clinic_id,
        actor=actor,
        action="create",
        entity="photo",
        entity_id=photo.id,
        detail={
            "client": client.ref,
            "sha256": prepared.sha256,
            "media_type": prepared.stripped.media_type,
            "bytes": len(prepared.stripped.data),
            "taken_on": taken_on.isoformat(),
            "consent_id": consent.id,
            "removed": list(prepared.stripped.removed),
            "measured": measured_dict is not None,
        },
        at=now,
    )
    return ImportedPhoto(
        photo=photo,
        consent=consent,
        prepared=prepared,
        stored=stored,
        measurement=measurement,
        unmeasured=None if measurement is not None else unmeasured,
    )
