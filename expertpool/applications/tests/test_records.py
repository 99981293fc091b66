"""Reading an application's form as the registry's record, and naming what cannot be read."""

from __future__ import annotations

import datetime
from typing import Any

from expertpool.accounts.models import User
from expertpool.applications.models import Application
from expertpool.applications.records import record_from_application
from expertpool.experts.records import AchievementRow, CredentialRow, EducationRow, WorkRow
from expertpool.pools.models import Pool


def _application(pool: Pool, form_data: dict[str, Any], **fields: str) -> Application:
    """Unsaved: reading the form touches no table."""
    application = Application(pool=pool, applicant=User(username="reader"), form_data=form_data)
    application.id_number = fields.get("id_number", "440106197505170013")
    application.mobile = fields.get("mobile", "13900000001")
    return application


BASE = {"name": "张三", "gender": "male", "birth_date": "1975-05-17"}


def test_a_complete_form_reads_as_a_record(gz_pool: Pool) -> None:
    form_data = {
        **BASE,
        "email": "zhang@example.cn",
        "employer_name": "广州市环境技术中心",
        "field_years": "12",
        "education": [{"institution": "华南理工大学", "degree": "master", "is_postdoc": "", "start_month": "1996-09"}],
        "work_history": [{"employer_name": "广州市环境技术中心", "position": "工程师", "end_month": ""}],
        "credentials": [
            {"kind": "title", "name": "高级工程师", "level": "associate_senior", "obtained_on": "2010-12-01"}
        ],
        "achievements": [{"kind": "project", "title": "审核", "year": "2020"}],
        "categories": ["cleaner_production"],
        "distinctions": [],
        "declarations": ["integrity"],
    }
    record, errors = record_from_application(_application(gz_pool, form_data))
    assert errors == {}
    assert record is not None
    assert (record.name, record.birth_date, record.id_number, record.mobile, record.field_years) == (
        "张三",
        datetime.date(1975, 5, 17),
        "440106197505170013",
        "13900000001",
        12,
    )
    assert record.education == (
        EducationRow(institution="华南理工大学", degree="master", start_month=datetime.date(1996, 9, 1)),
    )
    assert record.work_history == (WorkRow(employer_name="广州市环境技术中心", position="工程师"),)
    assert record.credentials == (
        CredentialRow(
            kind="title", name="高级工程师", level="associate_senior", obtained_on=datetime.date(2010, 12, 1)
        ),
    )
    assert record.achievements == (AchievementRow(kind="project", title="审核", year=2020),)
    assert record.categories == ("cleaner_production",)


def test_fields_left_out_take_the_registrys_defaults(gz_pool: Pool) -> None:
    record, errors = record_from_application(_application(gz_pool, dict(BASE)))
    assert errors == {}
    assert record is not None
    assert (record.employment_status, record.field_years, record.education, record.email) == ("in_service", 0, (), "")


def test_empty_rows_and_unknown_keys_are_ignored(gz_pool: Pool) -> None:
    form_data = {
        **BASE,
        "education": [{"institution": "", "major": "  "}, "not a row", {"institution": "中山大学", "colour": "red"}],
    }
    record, errors = record_from_application(_application(gz_pool, form_data))
    assert errors == {}
    assert record is not None
    assert record.education == (EducationRow(institution="中山大学"),)


def test_a_missing_birth_date_is_required(gz_pool: Pool) -> None:
    record, errors = record_from_application(_application(gz_pool, {**BASE, "birth_date": ""}))
    assert record is None
    assert errors == {"birth_date": ["This field is required."]}


def test_each_unreadable_value_is_named_by_its_row_and_field(gz_pool: Pool) -> None:
    form_data = {
        **BASE,
        "birth_date": "17/05/1975",
        "field_years": "twelve",
        "education": [{"institution": "华南理工大学"}, {"institution": "中山大学", "end_month": "2001-13"}],
        "achievements": [{"kind": "award", "title": "奖", "year": "去年"}],
    }
    record, errors = record_from_application(_application(gz_pool, form_data))
    assert record is None
    assert errors == {
        "birth_date": ["Enter a date as YYYY-MM-DD."],
        "field_years": ["Enter a whole number."],
        "education.2.end_month": ["Enter a date as YYYY-MM-DD."],
        "achievements.1.year": ["Enter a whole number."],
    }


def test_negative_years_are_refused(gz_pool: Pool) -> None:
    record, errors = record_from_application(_application(gz_pool, {**BASE, "field_years": -3}))
    assert record is None
    assert errors == {"field_years": ["Enter a whole number."]}


def test_the_id_number_and_mobile_come_from_their_own_fields(gz_pool: Pool) -> None:
    form_data = {**BASE, "id_number": "typed into the form", "mobile": "also typed"}
    record, _errors = record_from_application(
        _application(gz_pool, form_data, id_number="650102197505170010", mobile="020-12345678")
    )
    assert record is not None
    assert (record.id_number, record.mobile) == ("650102197505170010", "020-12345678")
