from __future__ import annotations

import json
from typing import Any

from django.test import Client

from expertpool.accounts.models import User
from expertpool.draws.records import draw_record
from expertpool.draws.tests.factories import committed_and_revealed
from expertpool.pools.models import Pool

URL = "/api/draws/verify"


def post(client: Client, body: Any) -> Any:
    return client.post(URL, data=json.dumps(body, ensure_ascii=False), content_type="application/json")


def test_exported_record_is_verified(gz_pool: Pool, gz_admin: User, outsider: User, client: Client) -> None:
    draw, _reveal = committed_and_revealed(gz_pool, gz_admin)
    # Anyone signed in may check a published record, another pool's admin too.
    client.force_login(outsider)

    response = post(client, draw_record(draw))

    assert response.status_code == 200
    assert response.json() == {"verified": True, "differences": []}


def test_tampered_record_names_each_difference(gz_pool: Pool, gz_admin: User, client: Client) -> None:
    draw, _reveal = committed_and_revealed(gz_pool, gz_admin)
    record = draw_record(draw)
    original = record["result"]["panel"][1]["label"]
    record["result"]["panel"][1]["label"] = "C99"
    client.force_login(gz_admin)

    answer = post(client, record).json()

    assert answer["verified"] is False
    assert answer["differences"] == [f'result.panel[1].label: recorded "C99", recomputed "{original}"']


def test_not_a_record_is_not_verified(gz_admin: User, client: Client) -> None:
    client.force_login(gz_admin)

    answer = post(client, [1, 2, 3]).json()

    assert answer == {"verified": False, "differences": ["record: must be an object"]}


def test_anonymous_is_refused(db: None, client: Client) -> None:
    assert post(client, {}).status_code == 401
