"""manage.py check_eligibility: JSON out and exit 0 on any decision; exit 2 on input it cannot judge."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from expertpool.eligibility.tests.profiles import GZ, UR, profile_json
from expertpool.industries.models import IndustryCode
from expertpool.pools.models import Pool

# Messages are compared in English, whatever translations locale/ adds.
pytestmark = pytest.mark.usefixtures("english")


def write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("check_eligibility", *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def refusal(*args: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        call_command("check_eligibility", *args, stdout=io.StringIO())
    assert caught.value.returncode == 2
    return caught.value


def test_prints_the_decision_as_json(tmp_path: Path, gz_pool: Pool) -> None:
    IndustryCode.objects.get_or_create(code="3211", defaults={"name": "铜冶炼", "level": "class"})
    data = profile_json(GZ, birth_date="1960-09-01", categories=["industry"], industry_codes=["3211"])

    result = run("--pool", GZ, "--on-date", "2026-09-01", write(tmp_path, data))

    assert result["outcome"] == "ineligible"
    assert result["on_date"] == "2026-09-01"
    age = next(reason for reason in result["reasons"] if reason["rule"] == "age_limit")
    assert (age["clause"], age["outcome"]) == ("GZ 二（九）", "fail")


def test_a_manual_review_is_a_decision_too(tmp_path: Path, ur_pool: Pool) -> None:
    data = profile_json(UR, title_level="none", postdoc=True)

    assert run("--pool", UR, write(tmp_path, data))["outcome"] == "manual_review"


def test_chinese_stays_readable_in_the_output(tmp_path: Path, gz_pool: Pool) -> None:
    out = io.StringIO()

    call_command("check_eligibility", "--pool", GZ, write(tmp_path, profile_json(GZ)), stdout=out)

    assert "GZ 二（九）" in out.getvalue()
    assert "本人具有良好的政治素养" in out.getvalue()


def test_reads_standard_input(monkeypatch: pytest.MonkeyPatch, gz_pool: Pool) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(profile_json(GZ))))

    assert run("--pool", GZ, "-")["outcome"] == "eligible"


def test_an_unknown_category_exits_2(tmp_path: Path, gz_pool: Pool) -> None:
    error = refusal("--pool", GZ, write(tmp_path, profile_json(GZ, categories=["climate_change"])))

    assert "categories: Unknown category for this pool: climate_change" in str(error)


def test_an_unknown_industry_code_exits_2(tmp_path: Path, gz_pool: Pool) -> None:
    data = profile_json(GZ, categories=["industry"], industry_codes=["9999"])

    error = refusal("--pool", GZ, write(tmp_path, data))

    assert "industry_codes: Unknown GB/T 4754-2017 industry code: 9999." in str(error)


def test_an_unknown_pool_exits_2(tmp_path: Path, gz_pool: Pool) -> None:
    assert "Unknown pool: nowhere." in str(refusal("--pool", "nowhere", write(tmp_path, profile_json(GZ))))


def test_a_bad_date_exits_2(tmp_path: Path, gz_pool: Pool) -> None:
    error = refusal("--pool", GZ, "--on-date", "2026-13-01", write(tmp_path, profile_json(GZ)))

    assert "on_date: 2026-13-01 is not a real date." in str(error)


def test_bad_json_exits_2(tmp_path: Path, gz_pool: Pool) -> None:
    path = tmp_path / "profile.json"
    path.write_text("{birth_date: 1970}", encoding="utf-8")

    assert "is not valid JSON" in str(refusal("--pool", GZ, str(path)))


def test_a_missing_file_exits_2(tmp_path: Path, gz_pool: Pool) -> None:
    assert "Cannot read" in str(refusal("--pool", GZ, str(tmp_path / "missing.json")))
