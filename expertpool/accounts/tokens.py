"""API tokens: the only writer of ``rest_framework.authtoken`` tokens."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from expertpool.accounts.models import User
from expertpool.audit.services import audit_log


@transaction.atomic
def token_issue(*, actor: User) -> Token:
    """The user's API token, created on first request. Audit code: ``auth.token_issued``
    (only when a new token is made; the key itself never enters the log)."""
    token, created = Token.objects.get_or_create(user=actor)
    if created:
        audit_log(actor=actor, action="auth.token_issued", target=actor)
    return token


@transaction.atomic
def token_revoke(*, actor: User) -> bool:
    """Delete the user's API token; False if there was none. Audit code: ``auth.token_revoked``."""
    deleted, _rows = Token.objects.filter(user=actor).delete()
    if deleted:
        audit_log(actor=actor, action="auth.token_revoked", target=actor)
    return bool(deleted)
