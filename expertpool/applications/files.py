"""The applicant's photo, and opening an application's documents for download.

The photo is checked like any upload (by content; JPEG or PNG only), re-encoded
without metadata and stored under a random name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.files.base import ContentFile
from django.db import transaction

from expertpool.applications.models import Application, ApplicationAttachment
from expertpool.applications.services import require_editable
from expertpool.applications.transitions import lock
from expertpool.audit.services import audit_log
from expertpool.core.uploads import inspect_upload, random_storage_name, reencode_image

if TYPE_CHECKING:
    from django.core.files import File
    from django.core.files.uploadedfile import UploadedFile

    from expertpool.accounts.models import User

PHOTO_MAX_MB = 5
PHOTO_KINDS = frozenset({"jpeg", "png"})


@transaction.atomic
def application_photo_set(*, actor: User, application: Application, file: UploadedFile) -> Application:
    """Store the applicant's photo, replacing the previous one (deleted after commit).
    Raises ``UploadRejected`` and changes nothing for a wrong file.
    Audit code: ``application.photo_set``."""
    application = lock(application)
    require_editable(application, actor)
    checked = inspect_upload(file, max_bytes=PHOTO_MAX_MB * 1024 * 1024, allowed=PHOTO_KINDS)
    previous = application.photo.name
    application.photo.save(random_storage_name(checked.kind), ContentFile(reencode_image(checked)), save=False)
    application.save(update_fields=["photo", "updated_at"])
    audit_log(
        actor=actor,
        action="application.photo_set",
        target=application,
        pool=application.pool,
        data={"sha256": checked.sha256, "size": checked.size},
    )
    if previous:
        storage = application.photo.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return application


def attachment_open(*, actor: User, attachment: ApplicationAttachment) -> File[bytes]:
    """Open a document for a reader already checked by the caller; every opening is
    recorded, as the documents carry personal data. Audit code:
    ``application.attachment_downloaded``. Raises ``FileNotFoundError`` if it is gone."""
    handle = cast("File[bytes]", attachment.file.open("rb"))
    audit_log(
        actor=actor,
        action="application.attachment_downloaded",
        target=attachment.application,
        pool=attachment.application.pool,
        data={"attachment": attachment.pk, "kind": attachment.kind},
    )
    return handle
