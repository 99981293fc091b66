"""Finding or registering organisations; the only writer of ``Organisation``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from expertpool.audit.services import audit_log
from expertpool.core.validators import validate_uscc
from expertpool.organisations.models import Nature, Organisation, normalise_name

if TYPE_CHECKING:
    from expertpool.accounts.models import User

NAME_MAX_LENGTH = 200


def organisation_errors(*, name: str, uscc: str = "", nature: str = "") -> dict[str, list[str]]:
    """What is wrong with an organisation as given, keyed ``employer``, ``employer_uscc`` and
    ``employer_nature`` (the registry's field names for an expert's employer)."""
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors["employer"] = [_("The employer name is required.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["employer"] = [_("The employer name has at most %(max)d characters.") % {"max": NAME_MAX_LENGTH}]
    if uscc.strip():
        try:
            validate_uscc(uscc)
        except ValidationError as exc:
            errors["employer_uscc"] = exc.messages
    if nature and nature not in Nature.values:
        errors["employer_nature"] = [_("Unknown nature of unit: %(nature)s.") % {"nature": nature}]
    return errors


@transaction.atomic
def organisation_get_or_create(*, name: str, uscc: str = "", nature: str = "", actor: User | None) -> Organisation:
    """Match by USCC where one is given, else by normalised name; create when unknown.

    A unit first seen without its code gets the code when it arrives. Raises
    ``ValidationError`` (see ``organisation_errors``) and changes nothing if the
    input is bad. Audit codes: ``organisation.created``, ``organisation.uscc_recorded``.
    """
    errors = organisation_errors(name=name, uscc=uscc, nature=nature)
    if errors:
        raise ValidationError(errors)
    name = name.strip()
    code = validate_uscc(uscc) if uscc.strip() else ""
    if code:
        found = Organisation.objects.filter(uscc=code).first()
        if found is not None:
            return found
    normalised = normalise_name(name)
    if not code:
        # Without a code, the name decides, whether or not the unit's code is known.
        found = Organisation.objects.filter(normalised_name=normalised).order_by("pk").first()
        if found is not None:
            return found
        return _create(name=name, normalised=normalised, code="", nature=nature, actor=actor)
    uncoded = Organisation.objects.filter(normalised_name=normalised, uscc__isnull=True).order_by("pk").first()
    if uncoded is None:
        # A different code under a known name is another unit (a branch, a namesake elsewhere).
        return _create(name=name, normalised=normalised, code=code, nature=nature, actor=actor)
    uncoded.uscc = code
    uncoded.save(update_fields=["uscc"])
    audit_log(actor=actor, action="organisation.uscc_recorded", target=uncoded, data={"uscc": code})
    return uncoded


def _create(*, name: str, normalised: str, code: str, nature: str, actor: User | None) -> Organisation:
    organisation = Organisation.objects.create(name=name, normalised_name=normalised, uscc=code or None, nature=nature)
    audit_log(
        actor=actor,
        action="organisation.created",
        target=organisation,
        data={"name": name, "uscc": code, "nature": nature},
    )
    return organisation
