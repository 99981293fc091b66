"""Finding or registering organisations; the only writer of ``Organisation``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from expertpool.audit.services import audit_log
from expertpool.core.validators import validate_uscc
from expertpool.organisations.models import Organisation, normalise_name

if TYPE_CHECKING:
    from expertpool.accounts.models import User


def organisation_get_or_create(
    *, name: str, uscc: str = "", nature: str = "", actor: User | None
) -> Organisation:
    """Match by USCC where one is given, else by normalised name; create when unknown.

    Audit code: ``organisation.created``.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"employer": _("The employer name is required.")})
    code = ""
    if uscc.strip():
        try:
            code = validate_uscc(uscc)
        except ValidationError as exc:
            raise ValidationError({"employer_uscc": exc.messages}) from exc
        found = Organisation.objects.filter(uscc=code).first()
        if found is not None:
            return found
    normalised = normalise_name(name)
    found = Organisation.objects.filter(normalised_name=normalised, uscc__isnull=True).first()
    if found is not None and not code:
        return found
    if found is not None:
        # The same unit seen before without its code: record the code now.
        found.uscc = code
        found.save(update_fields=["uscc"])
        audit_log(actor=actor, action="organisation.uscc_recorded", target=found, data={"uscc": code})
        return found
    organisation = Organisation.objects.create(
        name=name, normalised_name=normalised, uscc=code or None, nature=nature
    )
    audit_log(
        actor=actor,
        action="organisation.created",
        target=organisation,
        data={"name": name, "uscc": code, "nature": nature},
    )
    return organisation
