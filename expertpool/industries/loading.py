"""Loading the GB/T 4754-2017 table shipped in ``data/`` into ``IndustryCode``."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

TABLE_PATH = Path(__file__).resolve().parent / "data" / "gbt4754_2017.csv"


def read_table() -> list[dict[str, str]]:
    with TABLE_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_table(industry_code_model: Any) -> int:
    """Insert or refresh every row; the file lists parents before children."""
    rows = read_table()
    existing = set(industry_code_model.objects.values_list("code", flat=True))
    new = [
        industry_code_model(
            code=row["code"], name=row["name"], level=row["level"], parent_id=row["parent_code"] or None
        )
        for row in rows
        if row["code"] not in existing
    ]
    industry_code_model.objects.bulk_create(new, batch_size=500)
    for row in rows:
        if row["code"] in existing:
            industry_code_model.objects.filter(code=row["code"]).update(name=row["name"], level=row["level"])
    return len(rows)
