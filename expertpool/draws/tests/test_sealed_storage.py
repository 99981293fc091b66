"""How the large values of a draw are stored: plain JSON text, uncompressed on PostgreSQL."""

from __future__ import annotations

import json

import pytest
from django.core import serializers
from django.db import connection

from expertpool.accounts.models import User
from expertpool.draws.models import DrawLabelTable
from expertpool.draws.tests.factories import committed_and_revealed
from expertpool.pools.models import Pool


def test_the_label_table_is_stored_as_compact_json_text_and_read_back_whole(gz_pool: Pool, gz_admin: User) -> None:
    draw, _reveal = committed_and_revealed(gz_pool, gz_admin)
    table = DrawLabelTable.objects.get(draw=draw)
    with connection.cursor() as cursor:
        cursor.execute("SELECT candidates, excluded FROM draws_drawlabeltable WHERE draw_id = %s", [draw.pk])
        stored_candidates, stored_excluded = cursor.fetchone()

    assert isinstance(stored_candidates, str)
    assert stored_candidates == json.dumps(table.candidates, separators=(",", ":"))
    assert json.loads(stored_excluded) == table.excluded
    assert len(table.candidates["labels"]) == len(table.candidates["experts"]) == 7
    assert set(table.experts_by_label().values()) >= set(table.candidates["experts"])


@pytest.mark.postgres_only
def test_the_commitment_and_the_candidate_columns_skip_compression_on_postgresql(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, a.attname, a.attstorage, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE (c.relname, a.attname) IN (('draws_draw', 'commitment_text'),
                                              ('draws_drawlabeltable', 'candidates'))
            ORDER BY c.relname
            """
        )
        rows = cursor.fetchall()

    assert rows == [
        ("draws_draw", "commitment_text", "e", "text"),
        ("draws_drawlabeltable", "candidates", "e", "text"),
    ]


def test_the_label_table_survives_a_dump_and_a_load(gz_pool: Pool, gz_admin: User) -> None:
    draw, _reveal = committed_and_revealed(gz_pool, gz_admin)
    table = DrawLabelTable.objects.get(draw=draw)

    dumped = serializers.serialize("json", [table])
    [loaded] = serializers.deserialize("json", dumped)

    assert json.loads(dumped)[0]["fields"]["candidates"] == json.dumps(table.candidates, separators=(",", ":"))
    assert isinstance(loaded.object, DrawLabelTable)
    assert loaded.object.candidates == table.candidates
    assert loaded.object.excluded == table.excluded
