"""`manage.py create_pool`: a further pool from a policy file, without touching code."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from expertpool.audit.models import AuditRecord
from expertpool.pools.models import Pool
from expertpool.pools.tests.policies import new_policy, policy_text

# Messages are compared in English, whatever translations locale/ adds.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def write_policy(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_command_creates_the_pool_with_its_categories(tmp_path: Path) -> None:
    out = StringIO()
    call_command("create_pool", write_policy(tmp_path, policy_text(new_policy())), stdout=out)
    pool = Pool.objects.get(slug="gz-second")
    assert pool.categories.count() == 4
    assert "created pool gz-second" in out.getvalue()
    assert AuditRecord.objects.filter(action="pool.created", actor=None, pool=pool).exists()


def test_command_takes_slug_and_names(tmp_path: Path) -> None:
    path = write_policy(tmp_path, policy_text(new_policy()))
    call_command("create_pool", path, "--slug", "gz-east", "--name", "东区库", "--name-en", "East", stdout=StringIO())
    assert Pool.objects.filter(slug="gz-east", name="东区库", name_en="East").exists()


def test_command_reports_the_offending_key_of_a_bad_file(tmp_path: Path) -> None:
    data = new_policy()
    data["eligibility"][2]["max_age"] = 5
    with pytest.raises(CommandError, match=r"eligibility\.2\.age_limit\.max_age: Input should be greater"):
        call_command("create_pool", write_policy(tmp_path, policy_text(data)), stdout=StringIO())
    assert not Pool.objects.exists()


def test_command_reports_a_taken_slug(tmp_path: Path, gz_pool: Pool) -> None:
    path = write_policy(tmp_path, policy_text(new_policy()))
    with pytest.raises(CommandError, match="slug: A pool with the slug gz-cleaner-production already exists"):
        call_command("create_pool", path, "--slug", gz_pool.slug, stdout=StringIO())


def test_command_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        call_command("create_pool", tmp_path / "missing.yaml", stdout=StringIO())


def test_command_reports_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_bytes(policy_text(new_policy()).encode("gb18030"))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("create_pool", path, stdout=StringIO())
    assert not Pool.objects.exists()
