"""The draw page's forms: commit (first draw, re-draw, supplementary draw) and reveal.

Field names are the services' keywords, so a service's refusal lands beside its
field. The reveal form has one field per declared group of numbers and checks
count, range and distinctness itself, to name the group that is wrong.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expertpool.accounts.models import PoolRole, Role, User
from expertpool.draws import display
from expertpool.draws.models import Draw
from expertpool.pools.models import Pool

NUMBER_SEPARATORS = re.compile(r"[\s,，、;；]+")
SOURCE_MAX_LENGTH = 500


def pool_supervisors(pool: Pool) -> Any:
    """The users who hold the supervisor role in the pool, by name."""
    ids = PoolRole.objects.filter(pool=pool, role=Role.SUPERVISOR).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("display_name", "username")


class CommitForm(forms.Form):
    """One form for the three kinds; the page shows ``reason`` only where the kind needs it."""

    randomness_source = forms.CharField(
        label=gettext_lazy("Named source of the randomness"),
        max_length=SOURCE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Name the future public draw exactly, e.g. the China Welfare Lottery 双色球 draw number and date, "
            "and the supervisor's six digits. It is fixed in the commitment before the numbers exist."
        ),
    )
    supervisor = forms.ModelChoiceField(
        label=gettext_lazy("Supervisor present"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("No supervisor present"),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, pool: Pool, kind: str, **kwargs: Any) -> None:
        kwargs["prefix"] = kind
        super().__init__(*args, **kwargs)
        self.kind = kind
        supervisor = self.fields["supervisor"]
        if isinstance(supervisor, forms.ModelChoiceField):
            supervisor.queryset = pool_supervisors(pool)
        if kind == Draw.Kind.REDRAW:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = gettext_lazy("Why the draw is made again; kept in the record.")
        else:
            del self.fields["reason"]


def _numbers(text: str) -> list[int]:
    parts = [part for part in NUMBER_SEPARATORS.split(text.strip()) if part]
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise ValidationError(_("Enter whole numbers separated by spaces."))
    return [int(part) for part in parts]


class RevealForm(forms.Form):
    """One field per declared group, in the commitment's order: ``group_0``, ``group_1``, …"""

    def __init__(self, *args: Any, draw: Draw, **kwargs: Any) -> None:
        kwargs["prefix"] = "reveal"
        super().__init__(*args, **kwargs)
        self.groups: list[dict[str, Any]] = list(draw.commitment_summary["randomness"]["groups"])
        for index, group in enumerate(self.groups):
            self.fields[f"group_{index}"] = forms.CharField(
                label=group["name"],
                max_length=20 * group["count"],
                help_text=display.declared_text(group),
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            )

    def _clean_group(self, index: int) -> list[int]:
        group = self.groups[index]
        numbers = _numbers(self.cleaned_data[f"group_{index}"])
        if len(numbers) != group["count"]:
            raise ValidationError(
                _("%(count)s numbers are declared, %(given)s given.") % {"count": group["count"], "given": len(numbers)}
            )
        if any(not group["min"] <= number <= group["max"] for number in numbers):
            raise ValidationError(
                _("Each number must be from %(min)s to %(max)s.") % {"min": group["min"], "max": group["max"]}
            )
        if group["distinct"] and len(set(numbers)) != len(numbers):
            raise ValidationError(_("The numbers must all be different."))
        return numbers

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for index in range(len(self.groups)):
            name = f"group_{index}"
            if name in cleaned:
                try:
                    cleaned[name] = self._clean_group(index)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def numbers(self, kind: str) -> list[list[int]]:
        """The cleaned groups of one kind ("public" or "supervisor"), in the declared order."""
        return [self.cleaned_data[f"group_{i}"] for i, group in enumerate(self.groups) if group["kind"] == kind]
