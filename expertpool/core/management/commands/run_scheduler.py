"""Enqueue the platform's due work every few minutes, or once (for cron).

Under the default ImmediateBackend each task runs at once in this process; with a
queue backend (``TASKS_BACKEND``) a worker runs them. See README, "Scheduled work".
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection
from django_tasks import TaskResultStatus
from django_tasks.base import Task

from expertpool.applications.tasks import admit_due_applications
from expertpool.draws.tasks import expire_invitations

logger = logging.getLogger("expertpool.scheduler")

# Every task that catches up with work falling due by date; each must be safe to run any time.
DUE_WORK: tuple[Task[[], Any], ...] = (admit_due_applications, expire_invitations)


def positive_seconds(value: str) -> int:
    seconds = int(value)
    if seconds < 1:
        raise argparse.ArgumentTypeError("the interval must be at least 1 second")
    return seconds


def run_due_work() -> bool:
    """Enqueue each task and log what became of it; one failure does not stop the
    others, nor the scheduler. True if nothing failed."""
    _refresh_connections()
    ok = True
    for due in DUE_WORK:
        try:
            result = due.enqueue()
        except Exception:  # e.g. the queue's database is down: try again next time
            logger.exception("%s could not be enqueued", due.name)
            ok = False
            continue
        if result.status == TaskResultStatus.FAILED:
            # The backend has logged the traceback already.
            errors = ", ".join(error.exception_class_path for error in result.errors)
            logger.error("%s failed: %s", due.name, errors)
            ok = False
        elif result.status == TaskResultStatus.SUCCESSFUL:
            logger.info("%s done: %s", due.name, result.return_value)
        else:
            logger.info("%s enqueued as %s", due.name, result.id)
    _refresh_connections()
    return ok


def _refresh_connections() -> None:
    """A long-lived process must not keep a dropped connection; but inside a
    transaction (a caller's, or a test's) the connection is in use and must stay."""
    if not connection.in_atomic_block:
        close_old_connections()


class Command(BaseCommand):
    help = (
        "Enqueue the due work (admission after public notice, expired invitations) every interval; "
        "stop on SIGTERM or Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=positive_seconds, default=300, help="Seconds between runs (default: 300)."
        )
        parser.add_argument("--once", action="store_true", help="Run once and exit, for cron.")

    def handle(self, *args: Any, interval: int, once: bool, **options: Any) -> None:
        if once:
            if not run_due_work():
                raise CommandError("Some due work failed; see the log above.")
            return
        stop = threading.Event()

        def request_stop(signum: int, _frame: FrameType | None) -> None:
            logger.info("Scheduler stopping (%s)", signal.Signals(signum).name)
            stop.set()

        previous = {signum: signal.signal(signum, request_stop) for signum in (signal.SIGTERM, signal.SIGINT)}
        logger.info("Scheduler started: due work every %d s", interval)
        try:
            # A signal during a run lets the run finish; the wait then returns at once.
            while not stop.is_set():
                run_due_work()
                stop.wait(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        logger.info("Scheduler stopped")
