"""Uploads are judged by their content, never by the client's name or content type."""

from __future__ import annotations

import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageFile, PngImagePlugin

from expertpool.core import uploads
from expertpool.core.uploads import UploadRejected, inspect_upload, random_storage_name, reencode_image

# Messages are compared in English, whatever translations locale/ adds.
pytestmark = pytest.mark.usefixtures("english")

MB = 1024 * 1024


def minimal_pdf() -> bytes:
    """A one-page PDF written by hand, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def noise_image(size: tuple[int, int] = (64, 64)) -> Image.Image:
    # Noise does not compress, so the file is long enough to cut through its pixel data.
    return Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))


def png_bytes(image: Image.Image, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **params)
    return out.getvalue()


def jpeg_with_gps_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # display rotated 90° clockwise
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (23.0, 7.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (113.0, 15.0, 0.0)
    out = io.BytesIO()
    noise_image((40, 20)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def rejection(
    data: bytes, name: str = "upload.bin", *, allowed: frozenset[str] = uploads.DEFAULT_ALLOWED
) -> UploadRejected:
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    with pytest.raises(UploadRejected) as excinfo:
        inspect_upload(upload, max_bytes=MB, allowed=allowed)
    return excinfo.value


def test_valid_pdf_is_accepted_with_hash_and_size() -> None:
    data = minimal_pdf()
    checked = inspect_upload(SimpleUploadedFile("申请表.pdf", data), max_bytes=MB)
    assert (checked.kind, checked.content_type, checked.size) == ("pdf", "application/pdf", len(data))
    assert checked.data == data
    assert re.fullmatch(r"[0-9a-f]{64}", checked.sha256)


def test_kind_comes_from_content_not_from_name_or_client_type() -> None:
    upload = SimpleUploadedFile("scan.pdf", png_bytes(noise_image()), content_type="application/pdf")
    checked = inspect_upload(upload, max_bytes=MB)
    assert (checked.kind, checked.content_type) == ("png", "image/png")


def test_plain_binary_stream_is_accepted() -> None:
    stream = io.BytesIO(jpeg_with_gps_and_rotation())
    stream.read(10)  # a half-read stream is rewound
    assert inspect_upload(stream, max_bytes=MB).kind == "jpeg"


def test_renamed_executable_is_refused_naming_the_accepted_types() -> None:
    error = rejection(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, name="certificate.pdf")
    assert error.code == "type_not_allowed"
    assert "PDF, JPEG, PNG" in error.message


def test_kind_outside_the_allowed_set_is_refused() -> None:
    error = rejection(png_bytes(noise_image()), allowed=frozenset({"pdf"}))
    assert error.code == "type_not_allowed"
    assert error.message.endswith("Accepted types: PDF.")


def test_svg_named_png_is_refused_as_active_content() -> None:
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    error = rejection(svg, name="photo.png")
    assert error.code == "active_content"
    assert "SVG" in error.message


def test_html_is_refused_as_active_content() -> None:
    assert rejection(b"\n  <!DOCTYPE html><html><body>hi</body></html>", name="cv.pdf").code == "active_content"


def test_markup_after_a_pdf_header_is_refused() -> None:
    assert rejection(b"%PDF-1.4\n<html><script>alert(1)</script>" + minimal_pdf()).code == "active_content"


def test_oversized_file_is_refused_stating_the_limit_in_mb() -> None:
    error = rejection(minimal_pdf() + b" " * MB)
    assert error.code == "too_large"
    assert "1 MB" in error.message


def test_empty_file_is_refused() -> None:
    assert rejection(b"").code == "empty"


def test_pdf_with_junk_before_the_header_is_refused() -> None:
    assert rejection(b"junk\n" + minimal_pdf()).code == "pdf_header"


def test_truncated_pdf_is_refused() -> None:
    data = minimal_pdf()
    error = rejection(data[: data.index(b"%%EOF")])
    assert error.code == "pdf_truncated"
    assert "%%EOF" in error.message


def test_pdf_without_a_valid_startxref_is_refused() -> None:
    no_startxref = minimal_pdf().replace(b"startxref", b"startfoo")
    assert rejection(no_startxref).code == "pdf_damaged"
    beyond_end = re.sub(rb"startxref\n\d+", b"startxref\n999999", minimal_pdf())
    assert rejection(beyond_end).code == "pdf_damaged"


def test_truncated_png_is_refused() -> None:
    data = png_bytes(noise_image())
    assert rejection(data[: len(data) // 2]).code == "image_damaged"


def test_truncated_jpeg_is_refused() -> None:
    data = jpeg_with_gps_and_rotation()
    assert rejection(data[: len(data) * 2 // 3]).code == "image_damaged"


def test_truncated_images_are_refused_even_when_pillow_tolerates_truncation(monkeypatch: pytest.MonkeyPatch) -> None:
    # WeasyPrint switches this global on when it is imported for printing.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    jpeg, png = jpeg_with_gps_and_rotation(), png_bytes(noise_image())
    assert rejection(jpeg[: len(jpeg) * 2 // 3]).code == "image_damaged"
    assert rejection(png[: len(png) * 2 // 3]).code == "image_damaged"


def test_image_with_too_many_pixels_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 1000)
    assert rejection(png_bytes(noise_image())).code == "image_too_large"


def test_reencoded_jpeg_loses_exif_and_gps_and_is_upright() -> None:
    original = jpeg_with_gps_and_rotation()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    clean = reencode_image(inspect_upload(io.BytesIO(original), max_bytes=MB))
    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == "JPEG"
        assert image.size == (20, 40)  # orientation 6 applied to the pixels
        assert not image.getexif()
        assert "exif" not in image.info
    assert b"Exif" not in clean


def test_reencoded_png_loses_text_chunks_and_is_capped_in_size() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "张三 13800138000")
    original = png_bytes(Image.new("RGBA", (5000, 10), (0, 128, 0, 100)), pnginfo=info)
    clean = reencode_image(inspect_upload(io.BytesIO(original), max_bytes=MB))
    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == "PNG"
        assert image.width == uploads.MAX_IMAGE_DIMENSION
        assert image.mode == "RGBA"
        assert "Author" not in image.info
    assert b"tEXt" not in clean
    assert b"iTXt" not in clean


def test_reencoding_a_pdf_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not an image"):
        reencode_image(inspect_upload(io.BytesIO(minimal_pdf()), max_bytes=MB))


def test_storage_name_is_random_with_extension_from_the_kind() -> None:
    name = random_storage_name("jpeg")
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", name)
    assert random_storage_name("jpeg") != name
    assert random_storage_name("pdf").endswith(".pdf")
