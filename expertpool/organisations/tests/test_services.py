"""Organisations are found by USCC or by name, created once, and every creation is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from expertpool.accounts.models import User
from expertpool.audit.models import AuditRecord
from expertpool.core.identifiers import make_uscc
from expertpool.organisations.models import Nature, Organisation
from expertpool.organisations.services import organisation_get_or_create

pytestmark = pytest.mark.django_db

USCC = make_uscc(area_code="440106", sequence=1)


def test_unknown_unit_is_created_and_audited(gz_admin: User) -> None:
    unit = organisation_get_or_create(
        name=" 广州市环境技术中心 ", uscc=USCC.lower(), nature=Nature.RESEARCH_INSTITUTE, actor=gz_admin
    )
    assert (unit.name, unit.uscc, unit.nature) == ("广州市环境技术中心", USCC, "research_institute")
    record = AuditRecord.objects.get(action="organisation.created")
    assert (record.actor, record.object_id) == (gz_admin, str(unit.pk))
    assert record.data == {"name": "广州市环境技术中心", "uscc": USCC, "nature": "research_institute"}


def test_unit_is_found_by_its_code_whatever_the_name() -> None:
    first = organisation_get_or_create(name="广州某环保科技有限公司", uscc=USCC, actor=None)
    again = organisation_get_or_create(name="某环保科技（广州）", uscc=USCC, actor=None)
    assert again == first
    assert Organisation.objects.count() == 1


def test_unit_is_found_by_name_regardless_of_bracket_width_and_spaces() -> None:
    first = organisation_get_or_create(name="广州（某）环保公司", actor=None)
    again = organisation_get_or_create(name="广州(某) 环保公司", actor=None)
    assert again == first
    assert AuditRecord.objects.filter(action="organisation.created").count() == 1


def test_unit_with_a_known_code_is_found_by_name_when_no_code_is_given() -> None:
    first = organisation_get_or_create(name="乌鲁木齐市环境监测中心站", uscc=USCC, actor=None)
    assert organisation_get_or_create(name="乌鲁木齐市环境监测中心站", actor=None) == first


def test_code_given_later_is_recorded_on_the_unit_seen_without_it(gz_admin: User) -> None:
    first = organisation_get_or_create(name="广州市环境技术中心", actor=None)
    again = organisation_get_or_create(name="广州市环境技术中心", uscc=USCC, actor=gz_admin)
    assert again == first
    first.refresh_from_db()
    assert first.uscc == USCC
    record = AuditRecord.objects.get(action="organisation.uscc_recorded")
    assert (record.actor, record.data) == (gz_admin, {"uscc": USCC})


def test_another_code_under_a_known_name_is_another_unit() -> None:
    first = organisation_get_or_create(name="中国环境科学研究院", uscc=USCC, actor=None)
    other = organisation_get_or_create(
        name="中国环境科学研究院", uscc=make_uscc(area_code="110105", sequence=2), actor=None
    )
    assert other != first


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "  "}, "employer"),
        ({"name": "单" * 201}, "employer"),
        ({"name": "某公司", "uscc": "91110000600037341M"}, "employer_uscc"),
        ({"name": "某公司", "nature": "cooperative"}, "employer_nature"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_written(kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        organisation_get_or_create(actor=None, **kwargs)
    assert list(excinfo.value.message_dict) == [field]
    assert not Organisation.objects.exists()
    assert not AuditRecord.objects.exists()
