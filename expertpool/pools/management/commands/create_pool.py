from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from expertpool.pools.policy import PolicyError
from expertpool.pools.services import pool_create


class Command(BaseCommand):
    help = "Create a pool from a policy file (YAML), without touching code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("policy_file", type=Path)
        parser.add_argument("--slug", default="", help="The pool's slug (default: the policy's).")
        parser.add_argument("--name", default="", help="The pool's Chinese name (default: the policy's).")
        parser.add_argument("--name-en", default="", help="The pool's English name (default: the policy's).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["policy_file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        try:
            pool = pool_create(
                actor=None, policy_text=text, slug=options["slug"], name=options["name"], name_en=options["name_en"]
            )
        except PolicyError as exc:
            raise CommandError("invalid policy file:\n" + "\n".join(f"  {e}" for e in exc.errors)) from exc
        except ValidationError as exc:
            lines = [f"  {key}: {message}" for key, messages in exc.message_dict.items() for message in messages]
            raise CommandError("pool not created:\n" + "\n".join(lines)) from exc
        categories = pool.categories.count()
        self.stdout.write(
            f"created pool {pool.slug} ({pool.name}) with {categories} categories under policy {pool.policy}"
        )
