import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.activities.models import Activity
from expertpool.audit.models import AuditRecord
from expertpool.audit.verification import verify_chain
from expertpool.core.demo import DEMO_PASSWORD, GZ, PersonMaker, demo_seed
from expertpool.core.validators import validate_id_number, validate_id_number_matches, validate_uscc
from expertpool.draws import algorithm
from expertpool.draws.models import Draw, PanelSeat
from expertpool.draws.records import draw_record
from expertpool.experts.models import Expert, Membership
from expertpool.experts.records import ExpertRecord
from expertpool.industries.models import IndustryCode
from expertpool.organisations.models import Organisation
from expertpool.pools.models import Category, Pool

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 1)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def age_on(day: datetime.date, birth_date: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def test_seed_demo_fills_both_pools_and_every_category() -> None:
    output = seed()

    assert set(Pool.objects.values_list("slug", flat=True)) == {"gz-cleaner-production", "urumqi-eco-environment"}
    assert Expert.objects.count() == 300
    for pool in Pool.objects.all():
        assert Membership.objects.filter(pool=pool).count() == 150
        unused = Category.objects.filter(pool=pool, memberships__isnull=True)
        assert list(unused.values_list("code", flat=True)) == []
    assert DEMO_PASSWORD in output
    assert "gz_admin" in output


def test_seed_demo_creates_one_account_per_role_and_pool() -> None:
    seed()

    for prefix, slug in (("gz", "gz-cleaner-production"), ("ur", "urumqi-eco-environment")):
        roles = PoolRole.objects.filter(pool__slug=slug, user__username__startswith=f"{prefix}_")
        assert sorted(roles.values_list("role", flat=True)) == sorted(Role.values)
        expert_user = User.objects.get(username=f"{prefix}_expert")
        assert expert_user.expert.memberships.get().pool.slug == slug
        assert User.objects.get(username=f"{prefix}_admin").check_password(DEMO_PASSWORD)
    assert User.objects.get(username="platform").is_superuser


def test_demo_experts_have_valid_identifiers_and_ages_either_side_of_the_limits() -> None:
    demo_seed(today=DAY)

    ages = []
    for expert in Expert.objects.all():
        assert validate_id_number(expert.id_number) == expert.id_number
        validate_id_number_matches(expert.id_number, birth_date=expert.birth_date, gender=expert.gender)
        ages.append(age_on(DAY, expert.birth_date))
    assert min(ages) < 65 < max(ages)
    assert any(65 < age <= 70 for age in ages)
    assert any(age > 70 for age in ages)
    codes = [organisation.uscc or "" for organisation in Organisation.objects.exclude(uscc=None)]
    assert codes
    assert all(validate_uscc(code) == code for code in codes)


def test_demo_industry_experts_hold_industry_codes_and_urumqi_experts_at_most_three_categories() -> None:
    demo_seed(today=DAY)

    industry = Membership.objects.filter(pool__slug="gz-cleaner-production", categories__code="industry")
    assert industry.exists()
    assert not industry.filter(industry_codes__isnull=True).exists()
    for membership in Membership.objects.filter(pool__slug="urumqi-eco-environment").prefetch_related("categories"):
        assert 1 <= len(membership.categories.all()) <= 3


def test_seed_demo_again_changes_nothing_and_the_audit_chain_verifies() -> None:
    seed()
    records = AuditRecord.objects.count()

    output = seed()

    assert "demo data already present" in output
    assert AuditRecord.objects.count() == records
    assert Expert.objects.count() == 300
    assert verify_chain() == []


def test_demo_people_are_the_same_for_the_same_seed_and_day() -> None:
    def people(seed: int) -> list[ExpertRecord]:
        maker = PersonMaker(GZ, seed=seed, today=DAY, first_index=0)
        return [maker.record(index, ("industry", "energy_saving")) for index in range(20)]

    assert people(7) == people(7)
    assert people(7) != people(8)


def test_seed_demo_refuses_loudly_without_the_industry_codes() -> None:
    IndustryCode.objects.filter(code="3211").delete()

    with pytest.raises(CommandError, match="3211"):
        seed()

    assert not Pool.objects.exists()


def test_seed_demo_adds_an_activity_to_draw_and_one_drawn_with_answers() -> None:
    seed()

    for pool in Pool.objects.all():
        activities = Activity.objects.filter(pool=pool)
        assert sorted(activities.values_list("status", flat=True)) == ["drawn", "requested"]
        draw = Draw.objects.get(pool=pool)
        assert algorithm.verify(draw_record(draw)) == []
        statuses = sorted(PanelSeat.objects.filter(activity__pool=pool).values_list("role", "status"))
        assert ("panel", "accepted") in statuses
        assert ("panel", "declined") in statuses or ("panel", "replaced") in statuses
        assert ("reserve", "invited") in statuses
