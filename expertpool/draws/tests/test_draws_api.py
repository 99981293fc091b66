"""The draws API for a pool's staff: list with verification, record, commit and reveal."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.test import Client

from expertpool.accounts.models import User
from expertpool.activities.models import Activity
from expertpool.audit.models import AuditRecord
from expertpool.draws.models import Draw, DrawReveal
from expertpool.draws.records import draw_record
from expertpool.draws.tests.factories import (
    PUBLIC,
    SOURCE,
    SUPERVISOR,
    committed_and_revealed,
    make_activity,
    make_experts,
    make_supervisor,
)
from expertpool.pools.models import Pool


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body, ensure_ascii=False), content_type="application/json")


def test_admin_commits_and_reveals_through_the_api(gz_pool: Pool, gz_admin: User, client: Client) -> None:
    make_experts(gz_pool, 7)
    activity = make_activity(gz_pool, gz_admin)
    supervisor = make_supervisor(gz_pool)
    client.force_login(gz_admin)

    committed = post(
        client,
        f"/api/activities/{activity.pk}/draws",
        {"randomness_source": SOURCE, "supervisor": supervisor.username},
    )
    assert committed.status_code == 201
    answer = committed.json()
    draw = Draw.objects.get(pk=answer["id"])
    assert answer["commitment_hash"] == draw.commitment_hash
    assert answer["supervisor"] == supervisor.username
    assert answer["status"] == "committed"
    assert answer["verification"] == {"state": "not_revealed", "differences": []}

    revealed = post(client, f"/api/draws/{draw.pk}/reveal", {"public_numbers": PUBLIC, "supervisor_inputs": SUPERVISOR})

    assert revealed.status_code == 201
    assert revealed.json() == json.loads(json.dumps(draw_record(draw)))
    assert revealed.json()["result"]["status"] == "drawn"


def test_redraw_through_the_api_needs_previous_and_reason(gz_pool: Pool, gz_admin: User, client: Client) -> None:
    first, _reveal = committed_and_revealed(gz_pool, gz_admin)
    client.force_login(gz_admin)
    url = f"/api/activities/{first.activity_id}/draws"

    unchained = post(client, url, {"randomness_source": SOURCE})
    no_reason = post(client, url, {"randomness_source": SOURCE, "previous": first.pk})
    unknown = post(client, url, {"randomness_source": SOURCE, "previous": 999999, "reason": "监督人缺席"})
    chained = post(client, url, {"randomness_source": SOURCE, "previous": first.pk, "reason": "监督人缺席"})

    assert unchained.status_code == 400
    assert "previous" in unchained.json()
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()
    assert unknown.status_code == 400
    assert "previous" in unknown.json()
    assert chained.status_code == 201
    assert chained.json()["kind"] == "redraw"
    assert chained.json()["previous"] == first.pk


def test_bad_numbers_are_field_errors_and_nothing_is_stored(gz_pool: Pool, gz_admin: User, client: Client) -> None:
    make_experts(gz_pool, 5)
    activity = make_activity(gz_pool, gz_admin)
    client.force_login(gz_admin)
    draw_id = post(client, f"/api/activities/{activity.pk}/draws", {"randomness_source": SOURCE}).json()["id"]

    missing = post(client, f"/api/draws/{draw_id}/reveal", {"public_numbers": PUBLIC, "supervisor_inputs": []})
    out_of_range = post(
        client,
        f"/api/draws/{draw_id}/reveal",
        {"public_numbers": [[1, 2, 3, 4, 5, 34], [7]], "supervisor_inputs": SUPERVISOR},
    )
    not_numbers = post(client, f"/api/draws/{draw_id}/reveal", {"public_numbers": "27 3 14"})

    assert missing.status_code == 400
    assert "supervisor_inputs" in missing.json()
    assert out_of_range.status_code == 400
    assert "randomness" in out_of_range.json()
    assert not_numbers.status_code == 400
    assert set(not_numbers.json()) == {"public_numbers", "supervisor_inputs"}
    assert not DrawReveal.objects.exists()


def test_staff_without_the_admin_role_get_403_and_outsiders_404(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User, outsider: User, client: Client
) -> None:
    make_experts(gz_pool, 5)
    activity = make_activity(gz_pool, gz_admin)
    client.force_login(gz_admin)
    draw_id = post(client, f"/api/activities/{activity.pk}/draws", {"randomness_source": SOURCE}).json()["id"]
    reveal = {"public_numbers": PUBLIC, "supervisor_inputs": SUPERVISOR}

    for user in (gz_reviewer, make_supervisor(gz_pool)):
        client.force_login(user)
        assert post(client, f"/api/activities/{activity.pk}/draws", {"randomness_source": SOURCE}).status_code == 403
        assert post(client, f"/api/draws/{draw_id}/reveal", reveal).status_code == 403
        assert client.get(f"/api/draws/{draw_id}").status_code == 200
    client.force_login(outsider)
    assert post(client, f"/api/activities/{activity.pk}/draws", {"randomness_source": SOURCE}).status_code == 404
    assert post(client, f"/api/draws/{draw_id}/reveal", reveal).status_code == 404
    assert client.get(f"/api/draws/{draw_id}").status_code == 404
    assert client.get(f"/api/pools/{gz_pool.slug}/draws").status_code == 404
    assert Draw.objects.count() == 1
    assert not DrawReveal.objects.exists()


def test_record_endpoint_returns_the_record_and_audits_the_export(
    gz_pool: Pool, gz_admin: User, client: Client
) -> None:
    draw, _reveal = committed_and_revealed(gz_pool, gz_admin)
    client.force_login(gz_admin)

    response = client.get(f"/api/draws/{draw.pk}")

    assert response.json() == json.loads(json.dumps(draw_record(draw)))
    exported = AuditRecord.objects.get(action="draw.exported")
    assert exported.data == {"format": "json", "via": "api", "commitment_hash": draw.commitment_hash}


def test_list_gives_verification_status_and_what_differs(gz_pool: Pool, gz_admin: User, client: Client) -> None:
    draw, reveal = committed_and_revealed(gz_pool, gz_admin)
    make_experts(gz_pool, 3)
    pending = make_activity(gz_pool, gz_admin)
    client.force_login(gz_admin)
    post(client, f"/api/activities/{pending.pk}/draws", {"randomness_source": SOURCE})

    listed = {row["id"]: row for row in client.get(f"/api/pools/{gz_pool.slug}/draws").json()["results"]}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE draws_drawreveal SET seed = %s WHERE id = %s", ["0" * 64, reveal.pk])
    tampered = {row["id"]: row for row in client.get(f"/api/pools/{gz_pool.slug}/draws").json()["results"]}

    assert listed[draw.pk]["verification"] == {"state": "verified", "differences": []}
    assert listed[draw.pk]["status"] == "drawn"
    pending_draw = Draw.objects.get(activity=pending)
    assert listed[pending_draw.pk]["verification"]["state"] == "not_revealed"
    assert tampered[draw.pk]["verification"]["state"] == "differs"
    assert tampered[draw.pk]["verification"]["differences"][0].startswith('seed: recorded "000')


def test_list_query_count_does_not_grow_with_draws(
    gz_pool: Pool, gz_admin: User, client: Client, django_assert_num_queries: Any
) -> None:
    committed_and_revealed(gz_pool, gz_admin)
    client.force_login(gz_admin)
    url = f"/api/pools/{gz_pool.slug}/draws"
    client.get(url)

    # Session, user, pool, roles, count, the page of draws: none per draw.
    with django_assert_num_queries(6):
        client.get(url)
    committed_and_revealed(gz_pool, gz_admin)
    committed_and_revealed(gz_pool, gz_admin)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.json()["count"] == 3
    assert Activity.objects.count() == 3
