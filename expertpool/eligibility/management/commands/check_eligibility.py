"""``check_eligibility --pool <slug> [--on-date YYYY-MM-DD] <profile.json>``: the engine from a shell.

Prints the decision as JSON and exits 0 whatever the outcome; exits 2 with a
message on stderr when the input cannot be judged.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from expertpool.eligibility.profile import ProfileError, parse_on_date
from expertpool.eligibility.services import eligibility_check
from expertpool.pools.models import Pool

BAD_INPUT = 2


class Command(BaseCommand):
    help = "Check a profile (JSON file, or - for stdin) against a pool's eligibility conditions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("profile", help="Path of the profile JSON file, or - to read standard input.")
        parser.add_argument("--pool", required=True, help="The pool's slug.")
        parser.add_argument("--on-date", default="", help="The date to judge on, YYYY-MM-DD (default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        pool = Pool.objects.select_related("policy").filter(slug=options["pool"]).first()
        if pool is None:
            raise _bad_input(_("Unknown pool: %(slug)s.") % {"slug": options["pool"]})
        data = _read_json(options["profile"])
        try:
            on_date = parse_on_date(options["on_date"])
            decision = eligibility_check(pool=pool, data=data, on_date=on_date)
        except ProfileError as exc:
            lines = [f"  {field}: {message}" for field, messages in exc.errors.items() for message in messages]
            raise _bad_input("\n".join([_("Invalid profile:"), *lines])) from exc
        self.stdout.write(json.dumps(decision.as_dict(), ensure_ascii=False, indent=2))


def _read_json(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad_input(_("Cannot read %(source)s: %(error)s") % {"source": source, "error": exc}) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad_input(_("%(source)s is not valid JSON: %(error)s") % {"source": source, "error": exc}) from exc


def _bad_input(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)
