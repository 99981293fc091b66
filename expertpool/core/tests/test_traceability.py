"""docs/traceability.md names files that exist: a moved or renamed module must update it."""

from __future__ import annotations

import re

from django.conf import settings

DOC = settings.BASE_DIR / "docs" / "traceability.md"
# `app/module.py` or `app/tests/test_x.py`, relative to expertpool/; `docs/…`, `e2e/…` and
# `benchmarks/…` relative to the repository.
PATH_RE = re.compile(r"`((?:[a-z_]+/)+[a-z_0-9]+\.(?:py|md|json))`")
ROOTS = ("docs/", "e2e/", "benchmarks/")


def test_every_file_named_in_the_traceability_table_exists() -> None:
    named = set(PATH_RE.findall(DOC.read_text(encoding="utf-8")))
    missing = [
        path
        for path in sorted(named)
        if not (
            settings.BASE_DIR / path if path.startswith(ROOTS) else settings.BASE_DIR / "expertpool" / path
        ).exists()
    ]

    assert len(named) > 50
    assert missing == []
