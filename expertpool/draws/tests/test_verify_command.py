from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from expertpool.accounts.models import User
from expertpool.draws.records import draw_record
from expertpool.draws.tests.factories import committed_and_revealed
from expertpool.pools.models import Pool

SCRIPT = Path(settings.BASE_DIR) / "docs" / "draw_verify.py"


def exported(pool: Pool, admin: User) -> dict[str, Any]:
    draw, _reveal = committed_and_revealed(pool, admin)
    # The record as it travels: through JSON text and back.
    record: dict[str, Any] = json.loads(json.dumps(draw_record(draw), ensure_ascii=False))
    return record


def write(tmp_path: Path, record: dict[str, Any]) -> Path:
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def run_script(path: Path) -> subprocess.CompletedProcess[str]:
    # The standalone verifier, run as a supervisor would: its own process, no Django.
    return subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, "-S", str(SCRIPT), str(path)], capture_output=True, text=True, check=False, encoding="utf-8"
    )


def test_exported_record_verifies_with_the_command(
    gz_pool: Pool, gz_admin: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("verify_draw", str(write(tmp_path, exported(gz_pool, gz_admin))))

    assert capsys.readouterr().out.strip() == "verified"


def test_exported_record_verifies_with_the_standalone_script(gz_pool: Pool, gz_admin: User, tmp_path: Path) -> None:
    path = write(tmp_path, exported(gz_pool, gz_admin))
    run = run_script(path)

    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == "verified"


def test_changed_panel_label_is_reported(
    gz_pool: Pool, gz_admin: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = exported(gz_pool, gz_admin)
    original = record["result"]["panel"][0]["label"]
    record["result"]["panel"][0]["label"] = "C99"

    with pytest.raises(CommandError):
        call_command("verify_draw", str(write(tmp_path, record)))

    err = capsys.readouterr().err
    assert f'result.panel[0].label: recorded "C99", recomputed "{original}"' in err


def test_changed_seed_input_is_reported_by_the_command_and_the_script(
    gz_pool: Pool, gz_admin: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = exported(gz_pool, gz_admin)
    record["reveal"]["values"][2] = [408216]
    path = write(tmp_path, record)

    with pytest.raises(CommandError):
        call_command("verify_draw", str(path))
    assert "seed: recorded" in capsys.readouterr().err
    run = run_script(path)
    assert run.returncode == 1
    assert "seed" in run.stdout + run.stderr


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(CommandError, match="cannot read"):
        call_command("verify_draw", str(path))
