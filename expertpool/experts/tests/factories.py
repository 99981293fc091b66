"""Valid expert records for tests; every call gives a new person."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from expertpool.core.identifiers import make_id_number
from expertpool.experts.records import CredentialRow, EducationRow, ExpertRecord, WorkRow

_sequence = itertools.count(1)


def make_expert_record(**overrides: Any) -> ExpertRecord:
    n = next(_sequence)
    birth_date: datetime.date = overrides.pop("birth_date", datetime.date(1970, 5, 17))
    gender: str = overrides.pop("gender", "male" if n % 2 else "female")
    values: dict[str, Any] = {
        "name": f"测试专家{n}",
        "gender": gender,
        "birth_date": birth_date,
        "id_number": make_id_number(area_code="440106", birth_date=birth_date, sequence=n, gender=gender),
        "mobile": f"138{n:08d}",
        "email": f"expert{n}@example.cn",
        "employer_name": "广州市环境技术中心",
        "position": "总工程师",
        "current_specialty": "清洁生产审核",
        "field_years": 12,
        "education": (EducationRow(institution="华南理工大学", major="环境工程", degree="master"),),
        "work_history": (WorkRow(employer_name="广州市环境技术中心", position="工程师"),),
        "credentials": (CredentialRow(kind="title", name="高级工程师", level="associate_senior"),),
        "categories": ("cleaner_production",),
    }
    values.update(overrides)
    return ExpertRecord(**values)
