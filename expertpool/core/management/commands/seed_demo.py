from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from expertpool.accounts.models import Role
from expertpool.core.demo import DEMO_PASSWORD, EXPERTS_PER_POOL, DemoDataError, demo_accounts, demo_seed


class Command(BaseCommand):
    help = "Load demo data for both shipped pools: experts and one account per role. Does nothing if present."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--experts-per-pool", type=int, default=EXPERTS_PER_POOL)
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the random generator.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = demo_seed(experts_per_pool=options["experts_per_pool"], seed=options["seed"])
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("demo data refused: " + "; ".join(exc.messages)) from exc
        if not any(result.created for result in results):
            self.stdout.write("demo data already present")
        for result in results:
            if result.created:
                self.stdout.write(f"created pool {result.pool.slug} ({result.pool.name}) with {result.experts} experts")
        self._print_accounts()

    def _print_accounts(self) -> None:
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}; a local demo only):")
        self.stdout.write(f"  {'username':<16}{'role':<22}pool")
        for account in demo_accounts():
            role = str(Role(account.role).label) if account.pool_slug else "platform superuser"
            self.stdout.write(f"  {account.username:<16}{role:<22}{account.pool_slug or '(all pools)'}")
