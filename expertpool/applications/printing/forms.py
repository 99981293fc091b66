"""Which printed form a pool uses, and the form filled from one application.

The layout is chosen by the slug of the pool's policy: a source form is tied to
its source document, whatever the pool is called. Any other policy gets the
generic layout built from its ``form`` list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from expertpool.applications.printing import generic, gz, ur
from expertpool.applications.printing.layout import Form, Page, Photo
from expertpool.applications.printing.values import FormValues

if TYPE_CHECKING:
    from expertpool.applications.models import Application
    from expertpool.pools.models import Pool
    from expertpool.pools.policy import Policy

Layout = Callable[[FormValues, "Policy"], tuple[Page, ...]]
LAYOUTS: dict[str, tuple[str, Layout]] = {
    "gz-cleaner-production": (gz.TITLE, gz.pages),
    "urumqi-eco-environment": (ur.TITLE, ur.pages),
}


def printed_form(*, pool: Pool, application: Application | None, full_personal_data: bool = True) -> Form:
    """The pool's form, filled from ``application`` or blank when it is None. ID number
    and mobile are masked unless ``full_personal_data``."""
    rules = pool.policy.rules
    title, layout = LAYOUTS.get(pool.policy.slug, (generic.title(rules), generic.pages))
    values = FormValues(application, full_personal_data=full_personal_data)
    return Form(title=title, pages=layout(values, rules), photo=_photo(application))


def _photo(application: Application | None) -> Photo | None:
    if application is None or not application.photo:
        return None
    try:
        with application.photo.open("rb") as file:
            data = file.read()
    except FileNotFoundError:
        return None  # a lost file leaves the photo cell empty rather than the form unprintable
    # Photos are re-encoded on upload, so the signature is all there is to check.
    if data.startswith(b"\x89PNG"):
        return Photo(data=data, content_type="image/png")
    if data.startswith(b"\xff\xd8"):
        return Photo(data=data, content_type="image/jpeg")
    return None
