from collections.abc import Callable

from django.http import HttpRequest

from expertpool.accounts.models import STAFF_ROLES, Role
from expertpool.accounts.permissions import holds_role_anywhere
from expertpool.experts.models import Expert


def navigation(request: HttpRequest) -> dict[str, bool | Callable[[], bool]]:
    """Which areas the site header offers: the console to pool staff, the unit's pages
    to nominating units, the client unit's pages to client units; everyone signed in
    has their applications. Reads the roles the view's own permission checks have
    usually loaded already."""
    user = request.user
    return {
        "nav_console": user.is_authenticated and (user.is_superuser or holds_role_anywhere(user, STAFF_ROLES)),
        "nav_unit": holds_role_anywhere(user, {Role.NOMINATING_UNIT}),
        "nav_client": holds_role_anywhere(user, {Role.CLIENT_UNIT}),
        # A callable, so the query runs only where a template asks (htmx fragments do not).
        "nav_expert": lambda: user.is_authenticated and Expert.objects.filter(user_id=user.pk).exists(),
    }
