"""Checks on uploaded files, by their content only.

The client's file name and content type are never trusted: the kind is detected
from the bytes, then checked structurally (PDF) or decoded in full (images).
Images are stored re-encoded without metadata, under a random name.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# kind -> (content type, file extension, label shown to users)
KINDS: dict[str, tuple[str, str, str]] = {
    "pdf": ("application/pdf", "pdf", "PDF"),
    "jpeg": ("image/jpeg", "jpg", "JPEG"),
    "png": ("image/png", "png", "PNG"),
}
DEFAULT_ALLOWED = frozenset(KINDS)
MAX_IMAGE_DIMENSION = 4000
# Decoding allocates width x height x 4 bytes whatever the file size; refuse
# decompression bombs before decoding.
MAX_IMAGE_PIXELS = 50_000_000
JPEG_QUALITY = 90
_MB = 1024 * 1024
_TAIL = 1024

_MAGIC = (("pdf", b"%PDF-"), ("png", b"\x89PNG\r\n\x1a\n"), ("jpeg", b"\xff\xd8\xff"))
# Markup a browser could render as a page or run as script, anywhere near the start.
_ACTIVE_MARKUP = re.compile(rb"<(?:!doctype\s+html|html|head|body|svg|script|iframe)\b", re.IGNORECASE)
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF")


class UploadRejected(ValidationError):  # noqa: N818 -- the name the callers were promised
    """An upload that breaks a rule; ``message`` names the rule in the user's language.

    A ``ValidationError``, so a form field's ``clean`` may let it propagate.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    size: int
    sha256: str  # of the bytes as uploaded, before any re-encoding
    data: bytes


def inspect_upload(
    file: UploadedFile | BinaryIO, *, max_bytes: int, allowed: frozenset[str] = DEFAULT_ALLOWED
) -> CheckedUpload:
    """Read ``file`` (at most ``max_bytes``) and check it; raise ``UploadRejected`` if it breaks a rule."""
    if not allowed <= KINDS.keys():
        raise ValueError(f"unknown kinds: {sorted(allowed - KINDS.keys())}")
    data = _read_capped(file, max_bytes)
    kind = _detect_kind(data, allowed)
    if kind == "pdf":
        _check_pdf(data)
    else:
        _check_image(data, kind)
    return CheckedUpload(
        kind=kind,
        content_type=KINDS[kind][0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


def _read_capped(file: UploadedFile | BinaryIO, max_bytes: int) -> bytes:
    file.seek(0)
    data = file.read(max_bytes + 1)
    if not isinstance(data, bytes):
        raise TypeError("the upload must be opened in binary mode")
    if not data:
        raise UploadRejected("empty", _("The file is empty."))
    if len(data) > max_bytes:
        raise UploadRejected(
            "too_large",
            _("The file is larger than the limit of %(limit)s MB.") % {"limit": f"{max_bytes / _MB:g}"},
        )
    return data


def _detect_kind(data: bytes, allowed: frozenset[str]) -> str:
    head = data[:_TAIL]
    if _ACTIVE_MARKUP.search(head) or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise UploadRejected("active_content", _("Web pages, SVG images and scripts cannot be uploaded."))
    kind = next((kind for kind, magic in _MAGIC if data.startswith(magic)), None)
    if kind is None and "pdf" in allowed and b"%PDF-" in head:
        raise UploadRejected(
            "pdf_header", _("The PDF file does not start with a PDF header (%(marker)s).") % {"marker": "%PDF-"}
        )
    if kind is None or kind not in allowed:
        labels = ", ".join(label for key, (_type, _ext, label) in KINDS.items() if key in allowed)
        raise UploadRejected(
            "type_not_allowed", _("This type of file is not accepted. Accepted types: %(types)s.") % {"types": labels}
        )
    return kind


def _check_pdf(data: bytes) -> None:
    tail = data[-_TAIL:]
    if b"%%EOF" not in tail:
        raise UploadRejected(
            "pdf_truncated",
            _("The PDF file is incomplete: its end-of-file marker (%(marker)s) is missing.") % {"marker": "%%EOF"},
        )
    offsets = _STARTXREF.findall(tail)
    if not offsets or int(offsets[-1]) >= len(data):
        raise UploadRejected(
            "pdf_damaged", _("The PDF file is damaged: its cross-reference position (startxref) is missing or wrong.")
        )


def _check_image(data: bytes, kind: str) -> None:
    damaged = UploadRejected("image_damaged", _("The image is damaged or incomplete and cannot be opened."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != kind.upper():
                raise damaged
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise UploadRejected(
                    "image_too_large",
                    _("The image has more than %(limit)s million pixels.") % {"limit": MAX_IMAGE_PIXELS // 1_000_000},
                )
            image.verify()
        # verify() leaves the image unusable and skips pixel data; decode it all to catch
        # truncation. WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES when imported,
        # so the end markers are checked as well rather than trusting the decoder alone.
        if not _has_end_marker(data, kind):
            raise damaged
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except UploadRejected:
        raise
    except Exception as exc:  # a decoder may fail on hostile input in any way
        raise damaged from exc


def _has_end_marker(data: bytes, kind: str) -> bool:
    """JPEG ends with EOI (FF D9), PNG with its IEND chunk; trailing padding is tolerated."""
    tail = data[-1024:]
    return b"\xff\xd9" in tail if kind == "jpeg" else b"IEND\xaeB`\x82" in tail


def reencode_image(checked: CheckedUpload) -> bytes:
    """Re-encode a checked JPEG or PNG without any metadata, upright and at most MAX_IMAGE_DIMENSION px.

    EXIF (including GPS position and orientation), ICC profiles, comments and PNG
    text chunks are all dropped; orientation is applied to the pixels first.
    """
    if checked.kind not in {"jpeg", "png"}:
        raise ValueError(f"not an image: {checked.kind}")
    with Image.open(io.BytesIO(checked.data)) as original:
        image = ImageOps.exif_transpose(original)
    image.thumbnail((MAX_IMAGE_DIMENSION, MAX_IMAGE_DIMENSION))
    if checked.kind == "jpeg" and image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    if checked.kind == "png" and image.mode not in {"RGB", "RGBA", "L", "LA"}:
        # Palette and other modes carry transparency in ``info``, which is cleared below.
        image = image.convert("RGBA")
    image.info = {}
    out = io.BytesIO()
    if checked.kind == "jpeg":
        image.save(out, "JPEG", quality=JPEG_QUALITY)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def random_storage_name(kind: str) -> str:
    """A random file name whose extension comes from the detected kind, never from the client."""
    return f"{uuid.uuid4().hex}.{KINDS[kind][1]}"
