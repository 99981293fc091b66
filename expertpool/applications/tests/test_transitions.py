"""The workflow table, the one state changer (``transitions.move``) and its documentation."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from expertpool.accounts.models import User
from expertpool.applications.models import Application, StatusChange
from expertpool.applications.states import EDITABLE, FINAL, TRANSITIONS, Status
from expertpool.applications.tests.factories import (
    make_applicant,
    make_ready_application,
    make_staff,
    quick_settings,  # noqa: F401 (an autouse fixture)
)
from expertpool.applications.transitions import IllegalTransition, lock, move
from expertpool.audit.models import AuditRecord
from expertpool.pools.models import Pool

DOCS = Path(settings.BASE_DIR) / "docs" / "applications.md"
LEGAL = sorted((source, target) for source, targets in TRANSITIONS.items() for target in targets)
ILLEGAL = sorted((source, target) for source in Status for target in Status if target not in TRANSITIONS[source])
EDGE = re.compile(r"^\s*(\[\*\]|\w+) --> (\[\*\]|\w+)(?::.*)?$")
TABLE_ROW = re.compile(r"^\| `(\w+)` → `(\w+)` \| `(\w+)\.(\w+)`")


def _in_state(pool: Pool, status: Status) -> Application:
    """A complete application put straight into ``status``: what ``move`` is given is
    the point here, not how the services get there (tested beside each service)."""
    application = make_ready_application(pool)
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


def test_the_table_knows_every_state() -> None:
    assert set(TRANSITIONS) == set(Status)


def test_final_states_lead_nowhere_and_drafts_are_editable() -> None:
    assert {Status.ADMITTED, Status.REJECTED, Status.WITHDRAWN} == FINAL
    assert {Status.DRAFT, Status.RETURNED} == EDITABLE
    assert all(source not in FINAL for source, _target in LEGAL)


@pytest.mark.parametrize(("source", "target"), LEGAL)
def test_a_legal_move_changes_state_and_records_history_and_audit(
    gz_pool: Pool, source: Status, target: Status
) -> None:
    application = _in_state(gz_pool, source)
    actor = make_staff(gz_pool)
    with transaction.atomic():
        moved = move(
            application=lock(application),
            to=target,
            actor=actor,
            action="application.tested",
            reason="Why",
            clause="GZ 四（三）",
            data={"extra": 1},
        )
    assert moved.status == target
    application.refresh_from_db()
    assert application.status == target
    change = StatusChange.objects.get(application=application)
    assert (change.from_status, change.to_status, change.actor, change.reason, change.clause) == (
        source,
        target,
        actor,
        "Why",
        "GZ 四（三）",
    )
    record = AuditRecord.objects.filter(action="application.tested").get()
    assert record.object_id == str(application.pk)
    assert record.pool == gz_pool
    assert record.clause == "GZ 四（三）"
    assert record.data == {"from": source.value, "to": target.value, "reason": "Why", "extra": 1}


def test_every_illegal_move_is_refused_and_changes_nothing(gz_pool: Pool, gz_admin: User) -> None:
    applications = {status: _in_state(gz_pool, status) for status in Status}
    audit_before = AuditRecord.objects.count()
    for source, target in ILLEGAL:
        application = applications[source]
        with pytest.raises(IllegalTransition) as excinfo, transaction.atomic():
            move(application=lock(application), to=target, actor=gz_admin, action="application.tested")
        assert excinfo.value.messages == [f"An application that is “{source.label}” cannot become “{target.label}”."], (
            source,
            target,
        )
        assert excinfo.value.code == "illegal_transition"
        application.refresh_from_db()
        assert application.status == source
    assert not StatusChange.objects.exists()
    assert AuditRecord.objects.count() == audit_before


def test_an_application_cannot_stay_where_it_is(gz_pool: Pool) -> None:
    """Moving to the same state is not a move: it would fake a history row."""
    assert all((status, status) in ILLEGAL for status in Status)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_move_refuses_to_run_outside_a_transaction(gz_pool: Pool) -> None:
    application = make_ready_application(gz_pool, make_applicant())
    with pytest.raises(RuntimeError, match="inside a transaction"):
        move(application=application, to=Status.WITHDRAWN, actor=None, action="application.withdrawn")
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert not StatusChange.objects.exists()


def _section() -> str:
    """This section of the docs only: other sections follow it."""
    text = DOCS.read_text(encoding="utf-8")
    return text.split("\n## States and transitions\n", 1)[1].split("\n## ", 1)[0]


def _diagram_edges() -> tuple[set[tuple[str, str]], set[str], set[str]]:
    """The arrows of the docs' Mermaid diagram: (between states, from the start, to the end)."""
    block = _section().split("```mermaid", 1)[1].split("```", 1)[0]
    lines = block.strip().splitlines()
    assert lines[0].strip() == "stateDiagram-v2"
    edges, starts, ends = set(), set(), set()
    for line in lines[1:]:
        match = EDGE.match(line)
        assert match, f"not an arrow: {line!r}"
        source, target = match.groups()
        if source == "[*]":
            starts.add(target)
        elif target == "[*]":
            ends.add(source)
        else:
            edges.add((source, target))
    return edges, starts, ends


def test_the_diagram_in_the_docs_is_the_transition_table() -> None:
    edges, starts, ends = _diagram_edges()
    expected = {(source.value, target.value) for source, target in LEGAL}
    assert edges == expected, "docs/applications.md is stale; its arrows should be:\n" + "\n".join(
        f"    {source} --> {target}" for source, target in sorted(expected)
    )
    assert starts == {Status.DRAFT.value}
    assert ends == {status.value for status in FINAL}


def test_the_docs_name_an_existing_service_for_every_transition() -> None:
    rows = [TABLE_ROW.match(line) for line in _section().splitlines()]
    services = {(match[1], match[2]): (match[3], match[4]) for match in rows if match}
    assert set(services) == {(source.value, target.value) for source, target in LEGAL}
    for module, function in services.values():
        assert callable(getattr(importlib.import_module(f"expertpool.applications.{module}"), function))


def test_the_docs_section_comes_first() -> None:
    headings = [line for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith("## ")]
    assert headings[0] == "## States and transitions"
