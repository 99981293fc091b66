from typing import Any

from django.core.management.base import BaseCommand, CommandError

from expertpool.audit.models import AuditRecord
from expertpool.audit.verification import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and report any altered or missing record."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify_chain()
        for problem in problems:
            self.stderr.write(f"record {problem.sequence}: {problem.problem}")
        if problems:
            raise CommandError(f"audit chain broken: {len(problems)} problem(s)")
        self.stdout.write(f"audit chain intact: {AuditRecord.objects.count()} records")
