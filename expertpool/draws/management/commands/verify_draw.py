import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from expertpool.draws import algorithm


class Command(BaseCommand):
    help = "Recompute a draw record (JSON) and print 'verified' or each difference (docs/draw.md §10)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("record", help="The draw record as exported, a JSON file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["record"])
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {path}: {error}") from error
        problems = algorithm.verify(record)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"not verified: {len(problems)} difference(s)")
        self.stdout.write("verified")
