from __future__ import annotations

import hashlib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from expertpool.accounts.models import User
from expertpool.activities.models import Activity
from expertpool.audit.models import AuditRecord
from expertpool.draws import algorithm
from expertpool.draws.models import Draw, DrawLabelTable, DrawReveal, ImmutableError
from expertpool.draws.records import draw_record
from expertpool.draws.selectors import draw_labels
from expertpool.draws.services import draw_commit, draw_reveal
from expertpool.draws.tests.factories import (
    PUBLIC,
    SOURCE,
    SUPERVISOR,
    committed_and_revealed,
    make_activity,
    make_experts,
    make_supervisor,
)
from expertpool.experts.models import Expert
from expertpool.experts.services import expert_register
from expertpool.experts.tests.factories import make_expert_record
from expertpool.pools.models import Pool


def test_commit_then_reveal_gives_a_panel_and_reserves(gz_pool: Pool, gz_admin: User) -> None:
    draw, reveal = committed_and_revealed(gz_pool, gz_admin)

    assert reveal.result["status"] == "drawn"
    assert len(reveal.result["panel"]) == 3
    assert len(reveal.result["reserves"]) == 2
    assert all(seat["category"] == "cleaner_production" for seat in reveal.result["panel"])
    assert len(draw.commitment["candidates"]) == 7
    assert draw.commitment_hash == algorithm.commitment_from_document(draw.commitment).hash
    assert Activity.objects.get(pk=draw.activity_id).status == Activity.Status.DRAWN
    actions = list(
        AuditRecord.objects.filter(object_type="draws.draw", object_id=str(draw.pk)).values_list("action", "clause")
    )
    assert [action for action, _clause in actions] == ["draw.committed", "draw.revealed"]
    assert all(draw.server_secret not in str(record.data) for record in AuditRecord.objects.all())


def test_labels_are_pseudonymous_and_sealed(gz_pool: Pool, gz_admin: User, gz_reviewer: User) -> None:
    draw, _reveal = committed_and_revealed(gz_pool, gz_admin)

    labels = draw_labels(user=gz_admin, draw=draw)
    assert set(labels) == {c["label"] for c in draw.commitment["candidates"]}
    employers = {c["employer_key"] for c in draw.commitment["candidates"]}
    assert all(key.startswith("E") and key.isascii() for key in employers)
    assert draw_labels(user=make_supervisor(gz_pool), draw=draw) == labels
    with pytest.raises(PermissionDenied):
        draw_labels(user=gz_reviewer, draw=draw)


def test_labels_and_employer_pseudonyms_are_fresh_in_every_draw(gz_pool: Pool, gz_admin: User) -> None:
    experts = make_experts(gz_pool, 4)
    employer = Expert.objects.select_related("employer").get(pk=experts[0]).employer
    assert employer is not None
    colleague = expert_register(
        actor=None,
        pool=gz_pool,
        record=make_expert_record(employer_name=employer.name, categories=("cleaner_production",)),
    ).expert_id
    activity = make_activity(gz_pool, gz_admin)
    first = draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE)
    second = draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE, previous=first, reason="重抽")

    def pseudonyms(draw: Draw) -> dict[int, tuple[str, str]]:
        label_of = {expert_id: label for label, expert_id in draw_labels(user=gz_admin, draw=draw).items()}
        keys = {c["label"]: c["employer_key"] for c in draw.commitment["candidates"]}
        return {expert_id: (label, keys[label]) for expert_id, label in label_of.items()}

    once, again = pseudonyms(first), pseudonyms(second)
    assert set(once) == set(again) == {*experts, colleague}
    assert all(re.fullmatch(r"[0-9a-f]{16}", label) for label, _key in once.values())
    assert all(re.fullmatch(r"E[0-9a-f]{16}", key) for _label, key in once.values())
    # The same employer, the same pseudonym within a draw; other employers, other pseudonyms.
    assert once[colleague][1] == once[experts[0]][1]
    assert len({key for _label, key in once.values()}) == len(experts)
    # Nothing carries over from one draw to the next, and no expert id shows through.
    assert {label for label, _key in once.values()}.isdisjoint(label for label, _key in again.values())
    assert {key for _label, key in once.values()}.isdisjoint(key for _label, key in again.values())
    ids = {str(expert_id) for expert_id in once} | {f"{expert_id:016x}" for expert_id in once}
    assert ids.isdisjoint(label for label, _key in once.values())


def test_stored_commitment_is_the_hashed_canonical_text(gz_pool: Pool, gz_admin: User) -> None:
    draw, _reveal = committed_and_revealed(gz_pool, gz_admin)

    assert hashlib.sha256(draw.commitment_text.encode("utf-8")).hexdigest() == draw.commitment_hash
    assert draw.commitment_text == algorithm.canonical_json(draw.commitment)
    assert draw.commitment_summary == {**draw.commitment, "candidates": []}
    assert draw.candidate_count == len(draw.commitment["candidates"]) > 0


def test_low_entropy_warning_is_in_the_result(gz_pool: Pool, gz_admin: User) -> None:
    make_experts(gz_pool, 7)
    draw = draw_commit(
        actor=gz_admin,
        activity=make_activity(gz_pool, gz_admin),
        randomness_source="监督人现场输入的一位数",
        groups=[algorithm.RandomnessGroup("监督人输入", "supervisor", 1, 0, 9, distinct=False, ordered=True)],
    )
    reveal = draw_reveal(actor=gz_admin, draw=draw, public_numbers=[], supervisor_inputs=[[4]])

    assert [w["code"] for w in reveal.result["warnings"]] == ["low_entropy"]


def test_stored_draws_cannot_be_changed_or_deleted(gz_pool: Pool, gz_admin: User) -> None:
    draw, reveal = committed_and_revealed(gz_pool, gz_admin)

    draw.reason = "changed"
    for row in (draw, reveal, DrawLabelTable.objects.get(draw=draw)):
        assert row is not None
        with pytest.raises(ImmutableError):
            row.save()
        with pytest.raises(ImmutableError):
            row.delete()
    with pytest.raises(ImmutableError):
        Draw.objects.filter(pk=draw.pk).update(reason="changed")
    with pytest.raises(ImmutableError):
        DrawReveal.objects.all().delete()
    assert Draw.objects.get(pk=draw.pk).reason == ""


def test_redraw_is_chained_with_its_reason_and_the_first_stays(gz_pool: Pool, gz_admin: User) -> None:
    first, _reveal = committed_and_revealed(gz_pool, gz_admin)
    activity = first.activity

    with pytest.raises(ValidationError) as unchained:
        draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE)
    assert "previous" in unchained.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE, previous=first)
    assert "reason" in no_reason.value.message_dict
    second = draw_commit(
        actor=gz_admin, activity=activity, randomness_source=SOURCE, previous=first, reason="两名专家因病不能参加"
    )

    assert second.previous == first
    assert second.commitment["previous"] == {"commitment_hash": first.commitment_hash, "reason": "两名专家因病不能参加"}
    assert Draw.objects.filter(activity=activity).count() == 2
    assert DrawReveal.objects.filter(draw=first).exists()
    with pytest.raises(ValidationError):
        draw_reveal(actor=gz_admin, draw=first, public_numbers=PUBLIC, supervisor_inputs=SUPERVISOR)


def test_shortfall_is_refused_with_the_counts_and_nothing_stored(gz_pool: Pool, gz_admin: User) -> None:
    make_experts(gz_pool, 2)
    activity = make_activity(gz_pool, gz_admin)
    audited = AuditRecord.objects.count()

    with pytest.raises(ValidationError) as refused:
        draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE)

    messages = " ".join(refused.value.message_dict["candidates"])
    assert "The panel needs 3 experts; only 2 remain after recusal." in messages
    assert "active members in the needed categories: 2" in messages
    assert not Draw.objects.exists()
    assert not DrawLabelTable.objects.exists()
    assert AuditRecord.objects.count() == audited


def test_only_a_pool_admin_may_commit_or_reveal(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User, outsider: User
) -> None:
    make_experts(gz_pool, 5)
    activity = make_activity(gz_pool, gz_admin)
    for user in (gz_reviewer, outsider):
        with pytest.raises(PermissionDenied):
            draw_commit(actor=user, activity=activity, randomness_source=SOURCE)
    draw = draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE)
    with pytest.raises(PermissionDenied):
        draw_reveal(actor=outsider, draw=draw, public_numbers=PUBLIC, supervisor_inputs=SUPERVISOR)
    assert not DrawReveal.objects.exists()


def test_supervisor_must_hold_the_role(gz_pool: Pool, gz_admin: User, gz_reviewer: User) -> None:
    make_experts(gz_pool, 5)
    activity = make_activity(gz_pool, gz_admin)

    with pytest.raises(ValidationError) as refused:
        draw_commit(actor=gz_admin, activity=activity, randomness_source=SOURCE, supervisor=gz_reviewer)
    assert "supervisor" in refused.value.message_dict
    assert not Draw.objects.exists()


def test_wrong_numbers_are_refused_by_field(gz_pool: Pool, gz_admin: User) -> None:
    make_experts(gz_pool, 5)
    draw = draw_commit(actor=gz_admin, activity=make_activity(gz_pool, gz_admin), randomness_source=SOURCE)

    with pytest.raises(ValidationError) as missing:
        draw_reveal(actor=gz_admin, draw=draw, public_numbers=PUBLIC, supervisor_inputs=[])
    assert "supervisor_inputs" in missing.value.message_dict
    with pytest.raises(ValidationError) as out_of_range:
        draw_reveal(actor=gz_admin, draw=draw, public_numbers=[[1, 2, 3, 4, 5, 34], [7]], supervisor_inputs=SUPERVISOR)
    assert "randomness" in out_of_range.value.message_dict
    assert not DrawReveal.objects.exists()


def test_server_secret_is_absent_from_the_record_before_reveal(gz_pool: Pool, gz_admin: User) -> None:
    make_experts(gz_pool, 5)
    draw = draw_commit(actor=gz_admin, activity=make_activity(gz_pool, gz_admin), randomness_source=SOURCE)

    record = draw_record(draw)
    assert draw.server_secret not in str(record)
    assert "reveal" not in record
    assert record["commitment"]["server_commitment"] == algorithm.server_commitment_of(draw.server_secret)
    assert algorithm.verify(record) != []

    draw_reveal(actor=gz_admin, draw=draw, public_numbers=PUBLIC, supervisor_inputs=SUPERVISOR)
    assert draw_record(draw)["reveal"]["server_secret"] == draw.server_secret


def test_reveal_reads_the_stored_commitment_as_the_verifier_does(gz_pool: Pool, gz_admin: User) -> None:
    draw, reveal = committed_and_revealed(gz_pool, gz_admin)

    table = DrawLabelTable.objects.get(draw=draw)
    stored = algorithm.commitment_from_stored(draw.commitment_summary, table.candidates, draw.commitment_hash)
    checked = algorithm.commitment_from_document(draw.commitment)

    assert stored == checked
    assert stored.hash == checked.hash == draw.commitment_hash
    values = reveal.randomness["values"]
    assert algorithm.draw(stored, values, draw.server_secret).result_document() == reveal.result
