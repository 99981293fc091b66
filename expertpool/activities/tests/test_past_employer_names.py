"""Past employers match the activity's parties by normalised name, whatever the spelling."""

from __future__ import annotations

import datetime

from django.utils import timezone

from expertpool.accounts.models import User
from expertpool.activities.candidates import candidate_report
from expertpool.activities.models import Activity, ActivityParty
from expertpool.core.identifiers import make_uscc
from expertpool.experts.records import WorkRow
from expertpool.experts.services import expert_register
from expertpool.experts.tests.factories import make_expert_record
from expertpool.organisations.models import Organisation, normalise_name
from expertpool.pools.models import Pool

START = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=timezone.get_default_timezone())


def org(name: str, *, uscc: str | None = None) -> Organisation:
    return Organisation.objects.create(name=name, normalised_name=normalise_name(name), uscc=uscc)


def member(pool: Pool, past_employer: str) -> int:
    row = WorkRow(employer_name=past_employer, end_month=datetime.date(2025, 1, 1))
    record = make_expert_record(work_history=(row,))
    return expert_register(actor=None, pool=pool, record=record).expert_id


def review_of(pool: Pool, subject: Organisation, requested_by: User) -> Activity:
    activity = Activity.objects.create(
        pool=pool,
        client_unit=org("某使用单位"),
        requested_by=requested_by,
        kind=pool.policy.rules.activity_kinds[0].code,
        title="评审",
        starts_at=START,
        ends_at=START + datetime.timedelta(hours=4),
        place="会议室",
        panel_size=3,
    )
    ActivityParty.objects.create(activity=activity, role=ActivityParty.Role.SUBJECT, organisation=subject)
    return activity


def test_past_employer_in_full_width_brackets_and_spaces_matches_the_subject(gz_pool: Pool, gz_client: User) -> None:
    subject = org("广州(某某)化工有限公司", uscc=make_uscc(area_code="440106", sequence=901))
    former = member(gz_pool, "广州（某某）化工 有限公司 ")
    elsewhere = member(gz_pool, "广州另一化工有限公司")

    report = candidate_report(activity=review_of(gz_pool, subject, gz_client))

    assert [(e.expert_id, e.rule, e.clause) for e in report.exclusions] == [
        (former, "employer_is_subject", "GZ 三（四）")
    ]
    assert "广州(某某)化工有限公司" in report.exclusions[0].detail
    assert "2025-01-01" in report.exclusions[0].detail
    assert {row.expert_id for row in report.candidates} == {elsewhere}
