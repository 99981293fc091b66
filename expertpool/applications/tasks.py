"""Scheduled work of the entry workflow, run through django-tasks.

``run_scheduler`` enqueues these every few minutes; under the default
ImmediateBackend they run at once in the scheduler's process, under a queue
backend a worker runs them. An admin may enqueue them on demand too.
"""

from __future__ import annotations

import logging

from django_tasks import task

from expertpool.applications.notices import notices_close_due

logger = logging.getLogger(__name__)


@task()
def admit_due_applications() -> list[int]:
    """Admit everyone whose public notice has ended with no open objection
    (GZ 四（四）); returns the ids of the admitted applications."""
    admitted = [application.pk for application in notices_close_due()]
    if admitted:
        logger.info("Admitted %d application(s) after public notice: %s", len(admitted), admitted)
    return admitted
