"""Model pieces shared by several apps."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def random_upload_path(_instance: object, filename: str) -> str:
    """Files are stored under random names; the original name is kept in a column."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"private/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{suffix}"


class StoredDocument(models.Model):
    """An uploaded document: checked by content, stored under a random name, served
    only through a view that checks permission."""

    kind = models.CharField(_("kind"), max_length=50)
    file = models.FileField(upload_to=random_upload_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_name}"
