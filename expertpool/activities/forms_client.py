"""The client unit's activity request form: a fixed number of party rows (blank rows
are ignored) and one count per category of the pool. The rules are the service's;
the form only parses the input and places the service's errors beside their fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from expertpool.activities.selectors_client import kind_name
from expertpool.activities.services import NeedInput, PartyInput
from expertpool.pools.models import Category, Pool

SUBJECT_ROWS = 3
CONSULTANT_ROWS = 2
# Service errors not tied to one input: shown above their group of rows.
GROUPS = ("subjects", "consultants", "category_needs")
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _datetime_local() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of activity"))
    title = forms.CharField(label=pgettext_lazy("name of a document or activity", "Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=_datetime_local(), input_formats=[DATETIME_LOCAL])
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=_datetime_local(), input_formats=[DATETIME_LOCAL])
    place = forms.CharField(label=_("Place"), max_length=200)
    panel_size = forms.IntegerField(label=_("Panel size"), min_value=1, max_value=99)
    panel_size_reason = forms.CharField(
        label=_("Reason for another panel size"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for a panel size outside the policy's rule; a pool admin must approve it."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data: Any = None, *, pool: Pool, categories: list[Category]) -> None:
        rules = pool.policy.rules
        super().__init__(data, initial={"panel_size": rules.panel.min_size})
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)  # noqa: S101 (declared above)
        kind.choices = [(k.code, kind_name(pool, k.code)) for k in rules.activity_kinds]
        self.categories = categories
        self.group_errors: dict[str, list[str]] = {}
        for role, rows in (("subject", SUBJECT_ROWS), ("consultant", CONSULTANT_ROWS)):
            for number in range(1, rows + 1):
                self.fields[f"{role}_name_{number}"] = forms.CharField(label=_("Name"), required=False)
                self.fields[f"{role}_uscc_{number}"] = forms.CharField(
                    label=_("Unified social credit code"), required=False
                )
        for category in categories:
            self.fields[f"need_{category.code}"] = forms.IntegerField(
                label=category.display_name, required=False, min_value=0, max_value=99
            )

    def _rows(self, role: str, count: int) -> list[PartyInput]:
        rows = []
        for number in range(1, count + 1):
            name = self.cleaned_data.get(f"{role}_name_{number}", "").strip()
            uscc = self.cleaned_data.get(f"{role}_uscc_{number}", "").strip()
            if name or uscc:
                rows.append((name, uscc))
        return rows

    def subjects(self) -> list[PartyInput]:
        return self._rows("subject", SUBJECT_ROWS)

    def consultants(self) -> list[PartyInput]:
        return self._rows("consultant", CONSULTANT_ROWS)

    def category_needs(self) -> list[NeedInput]:
        needs = [(c.code, self.cleaned_data.get(f"need_{c.code}")) for c in self.categories]
        return [(code, count) for code, count in needs if count]

    def _bound_rows(self, role: str, count: int) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{role}_name_{n}"], self[f"{role}_uscc_{n}"]) for n in range(1, count + 1)]

    @property
    def subject_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(name, USCC) pairs of bound fields, for the template."""
        return self._bound_rows("subject", SUBJECT_ROWS)

    @property
    def consultant_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return self._bound_rows("consultant", CONSULTANT_ROWS)

    def need_fields(self) -> list[forms.BoundField]:
        return [self[f"need_{c.code}"] for c in self.categories]

    def add_service_errors(self, error: ValidationError) -> None:
        """Place the service's refusal beside the field it names, or above its group."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            if name in GROUPS:
                self.group_errors.setdefault(name, []).extend(messages)
            else:
                self.add_error(name if name in self.fields else None, messages)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.group_errors)
