"""The form behind the admin page that creates a pool from a policy file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_POLICY_BYTES = 1_000_000


class PolicyFileForm(forms.Form):
    policy_file = forms.FileField(label=gettext_lazy("Policy file (YAML)"), required=False)
    policy_text = forms.CharField(
        label=gettext_lazy("or paste the policy"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false"}),
    )
    slug = forms.CharField(
        label=gettext_lazy("Pool slug"), required=False, max_length=50, help_text=gettext_lazy("Default: the policy's.")
    )
    name = forms.CharField(
        label=gettext_lazy("Pool name"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Default: the policy's."),
    )
    name_en = forms.CharField(
        label=gettext_lazy("English name"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Default: the policy's."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("policy_file")
        pasted = data.get("policy_text") or ""
        if bool(upload) == bool(pasted.strip()):
            raise forms.ValidationError(_("Upload a policy file or paste one, not both."), code="one_source")
        data["text"] = self._read(upload) if upload else pasted
        return data

    def _read(self, upload: Any) -> str:
        if upload.size > MAX_POLICY_BYTES:
            raise forms.ValidationError(
                {"policy_file": _("The file is larger than %(max)d bytes.") % {"max": MAX_POLICY_BYTES}}
            )
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError({"policy_file": _("The file must be UTF-8 text.")}) from exc
