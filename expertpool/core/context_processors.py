from django.http import HttpRequest

from expertpool.accounts.models import Role
from expertpool.accounts.permissions import pools_for_user


def navigation(request: HttpRequest) -> dict[str, bool]:
    """Which areas the site header offers: the console to pool staff, the unit's pages
    to nominating units; everyone signed in has their applications."""
    user = request.user
    if not user.is_authenticated:
        return {"nav_console": False, "nav_unit": False}
    return {
        "nav_console": pools_for_user(user).exists(),
        "nav_unit": pools_for_user(user, {Role.NOMINATING_UNIT}).exists(),
    }
