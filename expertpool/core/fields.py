"""Model fields shared by several apps."""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression


class JSONTextField(models.TextField):  # type: ignore[type-arg]
    """A JSON document kept as plain text, for large values the database never looks inside.

    Django's ``JSONField`` is ``jsonb`` on PostgreSQL, which parses and rebuilds every
    value written: 123 ms for 4 MB against 24 ms as uncompressed text
    (docs/performance.md). Nothing can be queried inside; the value is read whole.
    """

    # What django-stubs' mypy plugin reads for the attribute's type: any JSON value.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper) -> Any:
        return None if value is None else json.loads(value)

    def to_python(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj)) or ""
