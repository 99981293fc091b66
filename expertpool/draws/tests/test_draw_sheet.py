"""The draw sheet (抽取记录表) PDF: the record's hashes and numbers, names of who was drawn,
pseudonymous labels for the excluded, for pool admins and supervisors only."""

from __future__ import annotations

import io

from django.test import Client
from pypdf import PdfReader

from expertpool.accounts.models import User
from expertpool.audit.models import AuditRecord
from expertpool.draws.models import Draw, DrawReveal
from expertpool.draws.services import draw_commit, draw_reveal
from expertpool.draws.tests.factories import (
    PUBLIC,
    SOURCE,
    SUPERVISOR,
    make_activity,
    make_experts,
    make_supervisor,
)
from expertpool.experts.models import Expert
from expertpool.experts.services import expert_register
from expertpool.experts.tests.factories import make_expert_record
from expertpool.pools.models import Pool


def text_of(pdf: bytes) -> str:
    """The text layer without white space: long hashes may be wrapped."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return "".join(text.split())


def sheet_url(pool: Pool, draw: Draw) -> str:
    return f"/console/{pool.slug}/draws/{draw.pk}/sheet.pdf"


def drawn_with_an_exclusion(pool: Pool, admin: User, supervisor: User) -> tuple[Draw, DrawReveal, Expert]:
    make_experts(pool, 6)
    record = make_expert_record(employer_name="某化工有限公司", categories=("cleaner_production",))
    excluded = expert_register(actor=None, pool=pool, record=record).expert
    draw = draw_commit(
        actor=admin, activity=make_activity(pool, admin), randomness_source=SOURCE, supervisor=supervisor
    )
    reveal = draw_reveal(actor=admin, draw=draw, public_numbers=PUBLIC, supervisor_inputs=SUPERVISOR)
    return draw, reveal, excluded


def test_sheet_holds_the_record_names_and_signature_lines(
    gz_pool: Pool, gz_admin: User, client: Client, english: None
) -> None:
    supervisor = make_supervisor(gz_pool)
    draw, reveal, excluded = drawn_with_an_exclusion(gz_pool, gz_admin, supervisor)
    client.force_login(gz_admin)

    response = client.get(sheet_url(gz_pool, draw))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    for value in (draw.commitment_hash, draw.commitment["server_commitment"], draw.server_secret, reveal.seed):
        assert value in text
    assert "2731493122" in text  # the 双色球 red balls as entered
    assert "408215" in text
    assert "Drawnby(signature)" in text
    assert "Supervisor(signature)" in text
    names = Expert.objects.filter(panel_seats__reveal=reveal).values_list("name", flat=True)
    assert all(name in text for name in names)
    # The excluded expert appears by label, with the rule's clause, never by name.
    assert excluded.name not in text
    assert draw.commitment["exclusions"][0]["label"] in text
    assert "GZ三（四）" in text
    exported = AuditRecord.objects.get(action="draw.exported")
    assert exported.data["format"] == "pdf"
    assert exported.actor == gz_admin


def test_sheet_is_for_admins_and_supervisors_only(
    gz_pool: Pool, gz_admin: User, gz_reviewer: User, outsider: User, client: Client
) -> None:
    supervisor = make_supervisor(gz_pool)
    make_experts(gz_pool, 5)
    # Committed only: the sheet shows the commitment and no secret yet.
    draw = draw_commit(actor=gz_admin, activity=make_activity(gz_pool, gz_admin), randomness_source=SOURCE)

    client.force_login(gz_reviewer)
    assert client.get(sheet_url(gz_pool, draw)).status_code == 403
    client.force_login(outsider)
    assert client.get(sheet_url(gz_pool, draw)).status_code == 404
    client.force_login(supervisor)
    response = client.get(sheet_url(gz_pool, draw))

    assert response.status_code == 200
    text = text_of(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert draw.commitment_hash in text
    assert draw.server_secret not in text
    assert AuditRecord.objects.filter(action="draw.exported").count() == 1
