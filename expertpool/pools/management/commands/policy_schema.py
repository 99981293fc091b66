from typing import Any

from django.core.management.base import BaseCommand

from expertpool.pools.policy import policy_json_schema


class Command(BaseCommand):
    help = "Print the JSON Schema of the policy file format (committed as docs/policy.schema.json)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(policy_json_schema(), ending="")
