"""Scheduled work of the invitation flow, run through django-tasks (see applications/tasks.py)."""

from __future__ import annotations

import logging

from django_tasks import task

from expertpool.draws.invitations import invitations_expire

logger = logging.getLogger(__name__)


@task()
def expire_invitations() -> list[int]:
    """Invitations past their answer window become "no answer" and the next reserve is
    invited (docs/invitations.md); returns the ids of the expired seats."""
    expired = invitations_expire()
    if expired:
        logger.info("%d invitation(s) expired without an answer: %s", len(expired), expired)
    return expired
