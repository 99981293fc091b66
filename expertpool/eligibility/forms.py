"""The console's eligibility form: the profile's fields, or the profile pasted as JSON.

The form only turns what was typed into profile data; ``parse_profile`` judges
it, so the console reports the same errors as the API and the command.
"""

from __future__ import annotations

import json
import re
from typing import Any, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from expertpool.experts.models import DEGREE_CHOICES, DISTINCTION_CHOICES, TITLE_LEVEL_CHOICES, Gender
from expertpool.pools.policy import Degree, Policy, TitleOrQualificationRule

BLANK = [("", "—")]
LIST_SEPARATORS = re.compile(r"[\s,，、;；]+")


def localized(zh: str, en: str) -> str:
    return en if (get_language() or "").startswith("en") else zh


class EligibilityForm(forms.Form):
    profile_json = forms.CharField(
        label=_("Profile as JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_("Paste a profile (the API's field names) to check it instead of the fields below."),
    )
    on_date = forms.DateField(
        label=_("Check on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Default: today."),
    )
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[*BLANK, *Gender.choices])
    id_number = forms.CharField(label=_("Resident ID number"), required=False, max_length=18)
    title_level = forms.ChoiceField(label=_("Title level"), required=False, choices=[*BLANK, *TITLE_LEVEL_CHOICES])
    field_years = forms.IntegerField(label=_("Years in the field"), required=False)
    degree = forms.ChoiceField(label=_("Degree"), required=False, choices=DEGREE_CHOICES, initial=Degree.OTHER.value)
    postdoc = forms.BooleanField(label=_("Postdoctoral experience"), required=False)
    qualifications = forms.CharField(
        label=_("Qualifications"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One name per line."),
    )
    distinctions = forms.MultipleChoiceField(
        label=_("Distinctions"), required=False, choices=DISTINCTION_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(label=_("Categories"), required=False, widget=forms.CheckboxSelectMultiple)
    industry_codes = forms.CharField(
        label=_("Industry codes"),
        required=False,
        help_text=_("GB/T 4754-2017 codes, separated by spaces or commas."),
    )
    declarations = forms.MultipleChoiceField(
        label=_("Declarations"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = cast(forms.MultipleChoiceField, self.fields["categories"])
        categories.choices = [(c.code, localized(c.name, c.name_en)) for c in policy.categories.items]
        declarations = cast(forms.MultipleChoiceField, self.fields["declarations"])
        declarations.choices = [(d.code, f"{localized(d.text, d.text_en)} ({d.clause})") for d in policy.declarations]
        listed = [
            q for rule in policy.eligibility if isinstance(rule, TitleOrQualificationRule) for q in rule.qualifications
        ]
        if listed:
            self.fields["qualifications"].help_text = _("One name per line. Listed by the policy: %(names)s.") % {
                "names": "、".join(listed)
            }

    def clean_profile_json(self) -> dict[str, Any] | None:
        text: str = self.cleaned_data["profile_json"].strip()
        if not text:
            return None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON (line %(line)d, column %(column)d)."),
                params={"line": exc.lineno, "column": exc.colno},
            ) from exc
        if not isinstance(data, dict):
            raise forms.ValidationError(_("The profile must be a JSON object."))
        return data

    def profile_data(self) -> dict[str, Any]:
        """The profile to check: the pasted JSON if any, else the fields filled in."""
        pasted: dict[str, Any] | None = self.cleaned_data["profile_json"]
        if pasted is not None:
            return pasted
        data = self.cleaned_data
        values: dict[str, Any] = {
            "birth_date": data["birth_date"].isoformat() if data["birth_date"] else None,
            "gender": data["gender"] or None,
            "id_number": data["id_number"] or None,
            "title_level": data["title_level"] or None,
            "field_years": data["field_years"],
            "degree": data["degree"] or None,
            "postdoc": data["postdoc"],
            "qualifications": [line.strip() for line in data["qualifications"].splitlines() if line.strip()],
            "distinctions": data["distinctions"],
            "categories": data["categories"],
            "industry_codes": [code for code in LIST_SEPARATORS.split(data["industry_codes"]) if code],
            "declarations": data["declarations"],
        }
        return {field: value for field, value in values.items() if value is not None}

    def add_profile_errors(self, errors: dict[str, list[str]]) -> None:
        """Show the parser's errors beside the fields, or under the JSON when it was pasted."""
        pasted = self.cleaned_data.get("profile_json") is not None
        for field, messages in errors.items():
            for message in messages:
                if pasted:
                    self.add_error("profile_json", f"{field}: {message}")
                else:
                    self.add_error(field if field in self.fields else None, message)
